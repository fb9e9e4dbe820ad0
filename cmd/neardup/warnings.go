package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/neardup/neardup/corpus"
)

// maxKept is how many warnings a run keeps in full for its report; the
// rest are only counted, by kind, so that a file of millions of bad
// lines takes no more memory than one of a thousand.
const maxKept = 1000

// warnings keeps a run's first maxKept warnings and counts the others.
// The zero value is ready to use.
type warnings struct {
	kept  []string
	more  map[string]int // kind → warnings beyond the kept ones
	total int
}

// add records err and reports whether it was kept in full.
func (w *warnings) add(err error) bool {
	w.total++
	if len(w.kept) < maxKept {
		w.kept = append(w.kept, err.Error())
		return true
	}
	if w.more == nil {
		w.more = map[string]int{}
	}
	w.more[warningKind(err)]++
	return false
}

// list returns the kept warnings, and then a line that counts the others
// by kind, most frequent first: "and 2311005 more: invalid JSON × 2311000,
// duplicate id × 5".
func (w *warnings) list() []string {
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

// warningKind names the kind of a warning, for counting.
func warningKind(err error) string {
	switch {
	case errors.Is(err, corpus.ErrEmpty):
		return "no text"
	case errors.Is(err, corpus.ErrBinary):
		return "binary"
	case errors.Is(err, corpus.ErrTooLarge):
		return "too large"
	case errors.Is(err, corpus.ErrBadUTF8):
		return "invalid UTF-8"
	case errors.As(err, new(*corpus.MissingFieldError)):
		return "no text field"
	case errors.Is(err, errDuplicateID):
		return "duplicate id"
	case strings.Contains(err.Error(), "invalid JSON"):
		return "invalid JSON"
	}
	return "other"
}

// errDuplicateID is wrapped by the warning about a document whose id was
// read before.
var errDuplicateID = errors.New("duplicate document id")
