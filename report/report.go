// Package report writes the results of a detection run for people and
// programs: text, JSON, CSV pairs, the similarity matrix and a
// self-contained HTML page, each leading with a summary (the CSV aside).
//
// The JSON form is a documented contract (see README.md): a top object
// with a summary, params, stats, documents, pairs, clusters, syndicated
// passages, templates and warnings. All output is
// deterministic: the same result gives the same bytes.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/internal/swar"
)

// Report is what the writers render: a result and the warnings met while
// reading its corpus.
type Report struct {
	*detect.Result
	// Summary, set for the runs against an index, makes every format lead
	// with it and say each document's status.
	Summary  *detect.Summary `json:"summary,omitempty"`
	Warnings []string        `json:"warnings"`
	// Limit caps each list of the text report (pairs, syndicated
	// passages, templates, duplicates, clusters); the rest are counted.
	// Zero lists everything.
	Limit int `json:"-"`
}

// JSON writes r as indented JSON: the bytes json.Encoder writes with
// two-space indentation and no HTML escaping, but streamed, with the
// elements of the documents, pairs and clusters encoded in parallel.
func JSON(w io.Writer, r Report) error {
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	pairs := nonNil(r.Pairs)
	for i := range pairs {
		if pairs[i].Passages == nil {
			pairs[i].Passages = []detect.Passage{}
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("{\n")
	field := func(name string, last bool, write func() error) error {
		fmt.Fprintf(bw, "  %q: ", name)
		if err := write(); err != nil {
			return err
		}
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		return nil
	}
	value := func(v any) func() error {
		return func() error {
			b, err := indented(v, "  ")
			bw.Write(b)
			return err
		}
	}
	err := errors.Join(
		field("summary", false, value(summarize(&r))),
		field("params", false, value(r.Params)),
		field("stats", false, value(r.Stats)),
		field("documents", false, func() error {
			return writeArray(bw, len(r.Documents), func(b []byte, i int) ([]byte, error) {
				return appendDocument(b, &r.Documents[i], "    "), nil
			})
		}),
		field("pairs", false, func() error { return writeArray(bw, len(pairs), pairJSON(pairs)) }),
		field("clusters", false, func() error { return writeArray(bw, len(r.Clusters), reflected(r.Clusters)) }),
		field("syndication", false, func() error { return writeArray(bw, len(r.Syndication), reflected(r.Syndication)) }),
		field("templates", false, func() error { return writeArray(bw, len(r.Templates), reflected(r.Templates)) }),
		field("warnings", true, value(r.Warnings)),
	)
	if err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// indented encodes v as json.Encoder does with prefix and two-space
// indentation, without the final newline.
func indented(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeArray writes the elements of a JSON array at the second level,
// encoded on all cores (enc appends element i, indented under four
// spaces) and written in order.
func writeArray(w *bufio.Writer, n int, enc func(b []byte, i int) ([]byte, error)) error {
	if n == 0 {
		w.WriteString("[]")
		return nil
	}
	w.WriteString("[")
	err := encodeEach(w, n, func(b []byte, from, to int) ([]byte, error) {
		for i := from; i < to; i++ {
			b = append(b, "\n    "...)
			var err error
			if b, err = enc(b, i); err != nil {
				return b, err
			}
			if i < n-1 {
				b = append(b, ',')
			}
		}
		return b, nil
	})
	w.WriteString("\n  ]")
	return err
}

// reflected encodes xs[i] through encoding/json, for writeArray.
func reflected[T any](xs []T) func(b []byte, i int) ([]byte, error) {
	return func(b []byte, i int) ([]byte, error) {
		e, err := indented(xs[i], "    ")
		return append(b, e...), err
	}
}

// pairJSON encodes pairs[i] for writeArray: directly, or through
// encoding/json when a figure is not finite, for its error.
func pairJSON(pairs []detect.Pair) func(b []byte, i int) ([]byte, error) {
	return func(b []byte, i int) ([]byte, error) {
		n := len(b)
		if e, ok := appendPair(b, &pairs[i], "    "); ok {
			return e, nil
		}
		return reflected(pairs)(b[:n], i)
	}
}

// encodeEach writes to w what enc makes of elements 0 … n-1, in that
// order. The encoding runs on all cores, in chunks of consecutive
// elements [from, to), each appended by enc to a buffer it is given
// empty, and returns. A chunk is written as soon as those before it are,
// and its buffer goes to a later chunk: a few buffers serve a report of
// any size, instead of memory for all of it.
func encodeEach(w io.Writer, n int, enc func(dst []byte, from, to int) ([]byte, error)) error {
	return encodeChunks(w, n, 512, runtime.GOMAXPROCS(0), enc)
}

// encodeChunks is encodeEach with chunks of size elements and workers
// goroutines.
func encodeChunks(w io.Writer, n, size, workers int, enc func(dst []byte, from, to int) ([]byte, error)) error {
	chunks := (n + size - 1) / size
	workers = max(1, min(chunks, workers))
	type done struct {
		c   int
		b   []byte
		err error
	}
	// A worker takes a buffer before it takes a chunk, so the chunks
	// that hold buffers are the first ones not written: the next to
	// write always has one, and its worker finishes it.
	free := make(chan []byte, 4*workers)
	for range cap(free) {
		free <- nil
	}
	next := make(chan int)
	results := make(chan done, cap(free))
	go func() {
		for c := 0; c < chunks; c++ {
			next <- c
		}
		close(next)
	}()
	for range workers {
		go func() {
			for {
				b := <-free
				c, ok := <-next
				if !ok {
					return
				}
				b, err := enc(b[:0], c*size, min(n, (c+1)*size))
				results <- done{c, b, err}
			}
		}()
	}
	var firstErr error
	pending := map[int]done{}
	for written := 0; written < chunks; {
		d := <-results
		pending[d.c] = d
		for {
			d, ok := pending[written]
			if !ok {
				break
			}
			delete(pending, written)
			if firstErr == nil {
				if firstErr = d.err; firstErr == nil {
					_, firstErr = w.Write(d.b)
				}
			}
			free <- d.b
			written++
		}
	}
	return firstErr
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// documentsByID returns a function that finds a document by its id: by
// binary search in docs when they are in order of id, as a scan reports
// them, and else through a map.
func documentsByID(docs []detect.Document) func(id string) *detect.Document {
	byID := func(d detect.Document, id string) int { return strings.Compare(d.ID, id) }
	if slices.IsSortedFunc(docs, func(a, b detect.Document) int { return strings.Compare(a.ID, b.ID) }) {
		return func(id string) *detect.Document {
			if i, ok := slices.BinarySearchFunc(docs, id, byID); ok {
				return &docs[i]
			}
			return &detect.Document{}
		}
	}
	m := make(map[string]*detect.Document, len(docs))
	for i := range docs {
		m[docs[i].ID] = &docs[i]
	}
	return func(id string) *detect.Document {
		if d, ok := m[id]; ok {
			return d
		}
		return &detect.Document{}
	}
}

// longest appends to idx the indexes of ps's n longest passages,
// longest first, ties in text order, and returns the extended slice, in
// which it sorts all of ps's indexes.
func longest(idx []int, ps []detect.Passage, n int) []int {
	m := len(idx)
	for i := range ps {
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx[m:], func(a, b int) int { return ps[b].Words - ps[a].Words })
	return idx[:m+min(n, len(ps))]
}

func plural(n int, noun string) string { return string(appendPlural(nil, n, noun)) }

// appendPlural appends n and noun, with an s unless n is 1.
func appendPlural(b []byte, n int, noun string) []byte {
	b = append(strconv.AppendInt(b, int64(n), 10), ' ')
	b = append(b, noun...)
	if n != 1 {
		b = append(b, 's')
	}
	return b
}

// Quote folds white space in s, replaces control characters (which could
// drive a terminal: article text is untrusted) by U+FFFD, and shortens it
// to about max bytes at a word boundary, marking a cut with "…". It reads
// no more of s than the max bytes it may keep need.
func Quote(s string, max int) string {
	return string(appendQuote(nil, s, max))
}

// appendQuote appends Quote(s, max) to dst.
//
// It is a loop with an eight-byte fast path beside the byte-at-a-time
// one; kept whole so that both share their state.
func appendQuote(dst []byte, s string, max int) []byte {
	n := len(dst)
	space := false // white space waits for the next word
	for i := 0; i < len(s); {
		// Eight bytes of printable ASCII with no two spaces together,
		// most of most text, are kept as they are, but for a space at
		// either end: a first space after another or at the start folds
		// away (the byte at a time path below does that), a last one
		// waits for the next word.
		if i+8 <= len(s) && plainText8(swar.Load8(s, i)) && (s[i] != ' ' || !space && len(dst) > n) {
			if space {
				dst = append(dst, ' ')
			}
			if space = s[i+7] == ' '; space {
				dst = append(dst, s[i:i+7]...)
			} else {
				dst = append(dst, s[i:i+8]...)
			}
			i += 8
			if len(dst)-n > max {
				return cutQuote(dst, n, max)
			}
			continue
		}
		var r rune
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, most text, without decoding: white space is
			// \t to \r and ' ', control characters the rest below ' '
			// and DEL, as unicode.IsSpace and IsControl have them.
			i++
			switch {
			case c == ' ' || '\t' <= c && c <= '\r':
				space = len(dst) > n
				continue
			case c < ' ' || c == 0x7f:
				r = '\uFFFD'
			default:
				r = rune(c)
			}
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
			if unicode.IsSpace(r) {
				space = len(dst) > n
				continue
			}
			if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
				r = '\uFFFD'
			}
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		if r < utf8.RuneSelf {
			dst = append(dst, byte(r))
		} else {
			dst = utf8.AppendRune(dst, r)
		}
		if len(dst)-n > max {
			return cutQuote(dst, n, max)
		}
	}
	return dst
}

// cutQuote cuts the quote dst[n:], longer than max bytes, at its last
// space within max bytes, or else at max, on a rune boundary, and marks
// the cut. Only its first max+1 bytes decide where.
func cutQuote(dst []byte, n, max int) []byte {
	q := dst[n:]
	cut := bytes.LastIndexByte(q[:max], ' ')
	if cut <= 0 {
		cut = max
		for cut > 0 && q[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return append(dst[:n+cut], " …"...)
}

// plainText8 reports whether the eight bytes of x (load8) are printable
// ASCII (' ' to '~') without two spaces side by side. It may answer
// false for some that are: a space followed by '!'.
func plainText8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	del := x ^ (lo * 0x7f)
	sp := x ^ (lo * ' ')
	// Bytes below ' ', DEL and 0x80 and above are not printable ASCII;
	// sp marks spaces, and also a byte of 0x21 after one, which the
	// borrow reaches (a false "two spaces").
	ctl := (x-lo*' ')&^x | (del-lo)&^del | x
	spaces := (sp - lo) &^ sp & hi
	return ctl&hi == 0 && spaces&(spaces>>8) == 0
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
