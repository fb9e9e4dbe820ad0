package corpus

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// MaxWarnings is how many warnings Warnings keeps in full for a report;
// the rest are only counted, by kind, so that a file of millions of bad
// lines takes no more memory than one of a thousand.
const MaxWarnings = 1000

// Warnings keeps a run's first MaxWarnings warnings and counts the
// others by kind. The zero value is ready to use; it is not safe for
// concurrent use.
type Warnings struct {
	kept  []string
	more  map[string]int // kind → warnings beyond the kept ones
	total int
}

// Add records err and reports whether it was kept in full.
func (w *Warnings) Add(err error) bool { return w.AddMessage(err.Error(), WarningKind(err)) }

// AddMessage records a warning already written out, of the kind
// WarningKind named, and reports whether it was kept in full.
func (w *Warnings) AddMessage(msg, kind string) bool {
	w.total++
	if len(w.kept) < MaxWarnings {
		w.kept = append(w.kept, msg)
		return true
	}
	if w.more == nil {
		w.more = map[string]int{}
	}
	w.more[kind]++
	return false
}

// Len returns the number of warnings recorded.
func (w *Warnings) Len() int { return w.total }

// List returns the kept warnings, and then a line that counts the others
// by kind, most frequent first: "and 2311005 more: invalid JSON × 2311000,
// duplicate id × 5". The slice is w's: the caller must not change it.
func (w *Warnings) List() []string {
	if len(w.more) == 0 {
		return w.kept
	}
	kinds := slices.Collect(maps.Keys(w.more))
	slices.SortFunc(kinds, func(a, b string) int {
		if w.more[a] != w.more[b] {
			return w.more[b] - w.more[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s × %d", k, w.more[k])
	}
	return append(slices.Clip(w.kept), fmt.Sprintf("and %d more: %s", w.total-len(w.kept), strings.Join(parts, ", ")))
}

// WarningKind names the kind of a warning, for counting.
func WarningKind(err error) string {
	switch {
	case errors.Is(err, ErrEmpty):
		return "no text"
	case errors.Is(err, ErrBinary):
		return "binary"
	case errors.Is(err, ErrTooLarge):
		return "too large"
	case errors.Is(err, ErrBadUTF8):
		return "invalid UTF-8"
	case errors.As(err, new(*MissingFieldError)):
		return "no text field"
	case errors.Is(err, ErrDuplicateID):
		return "duplicate id"
	case strings.Contains(err.Error(), "invalid JSON"):
		return "invalid JSON"
	}
	return "other"
}

// ErrDuplicateID is wrapped by the warning about a document whose id was
// read before, which is left out.
var ErrDuplicateID = errors.New("duplicate document id")

// DuplicateError is the warning about d, whose id first was read before.
func DuplicateError(d, first *Doc) error {
	return fmt.Errorf("%s: %w %q, first read from %s; this one is left out (give each document its own id)", d.Where(), ErrDuplicateID, d.ID, first.Where())
}
