package pipeline

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/filter"
)

// The candidate rule is detect's (Options.ProposesAlone, Options.Enough),
// applied here key by key as a scan applies it table by table: the
// documents of one normalised text are one (they have the same keys),
// pairs of texts are found under band keys and fingerprints, and then
// made pairs of documents; the documents of one text are candidates
// whatever their length.

// textPair is a pair of normalised texts, in order, as one string.
func textPair(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// tableFn applies the candidate rule to one partition of a table, band
// keys or fingerprints: its entries sorted by key (copies of one entry,
// from documents of one text, kept once), each key's texts paired as a
// scan's table pairs them. A band key proposes its pairs alone; a
// fingerprint that is not stock proposes them alone when few texts hold
// it, and else counts as one common fingerprint shared, towards Enough.
type tableFn struct {
	Settings []byte
	Prints   bool
	s        settingsCache
	stock    map[uint64]bool
}

func (f *tableFn) ProcessElement(_ int, batches func(*[]byte) bool, stock []uint64, alone func(string), common func(string, int)) error {
	s, err := f.s.get(f.Settings)
	if err != nil {
		return err
	}
	if f.stock == nil {
		f.stock = make(map[uint64]bool, len(stock))
		for _, k := range stock {
			f.stock[k] = true
		}
	}
	var es [][entrySize]byte
	var b []byte
	for batches(&b) {
		for ; len(b) >= entrySize; b = b[entrySize:] {
			es = append(es, [entrySize]byte(b[:entrySize]))
		}
	}
	slices.SortFunc(es, func(x, y [entrySize]byte) int { return bytes.Compare(x[:], y[:]) })
	es = slices.Compact(es)
	var texts []string
	for a := 0; a < len(es); {
		key := es[a][:8]
		b := a + 1
		for b < len(es) && bytes.Equal(es[b][:8], key) {
			b++
		}
		k := binary.LittleEndian.Uint64(key)
		if b-a > 1 && !(f.Prints && f.stock[k]) {
			texts = texts[:0]
			for _, e := range es[a:b] {
				texts = append(texts, hex.EncodeToString(e[8:24]))
			}
			emit := alone
			if !s.Options.ProposesAlone(f.Prints, len(texts)) {
				emit = func(p string) { common(p, 1) }
			}
			pairsOf(texts, emit)
		}
		a = b
	}
	return nil
}

// pairsOf calls emit with the pair of each two texts that differ, as a
// scan's table pairs the documents filed under one key.
func pairsOf(texts []string, emit func(string)) {
	for x := range texts {
		for y := x + 1; y < len(texts); y++ {
			if texts[x] != texts[y] {
				emit(textPair(texts[x], texts[y]))
			}
		}
	}
}

// enoughFn keeps the pairs of texts that share Enough common
// fingerprints.
type enoughFn struct {
	Settings []byte
	s        settingsCache
}

func (f *enoughFn) ProcessElement(pair string, n int, emit func(string)) error {
	s, err := f.s.get(f.Settings)
	if err != nil {
		return err
	}
	if s.Options.Enough(n) {
		emit(pair)
	}
	return nil
}

func collect(it func(*string) bool) []string {
	var out []string
	var e string
	for it(&e) {
		out = append(out, e)
	}
	return out
}

func sumCounts(a, b int) int { return a + b }

// firstOfPairFn keys a pair of texts by its first.
func firstOfPairFn(p string) (string, string) { a, _, _ := strings.Cut(p, "|"); return a, p }

// expandAFn joins a pair of texts, keyed by its first, with that text's
// documents, and keys the result by the second text.
func expandAFn(text string, pairs func(*string) bool, docs func(*string) bool, emit func(string, string)) {
	ids := collect(docs)
	if len(ids) == 0 {
		return
	}
	joined := strings.Join(ids, "\x00")
	var p string
	for pairs(&p) {
		_, b, _ := strings.Cut(p, "|")
		emit(b, joined)
	}
}

// expandBFn joins the documents of first texts, keyed by the second text,
// with the second text's documents, and emits each pair of documents.
func expandBFn(ctx context.Context, text string, firsts func(*string) bool, docs func(*string) bool, emit func(string)) {
	ids := collect(docs)
	var as string
	for firsts(&as) {
		for _, a := range strings.Split(as, "\x00") {
			for _, b := range ids {
				p := idPair(a, b)
				emit(p)
				pairBytes.Inc(ctx, int64(len(p)))
			}
		}
	}
}

// sameTextFn emits the pairs of documents of one normalised text.
func sameTextFn(ctx context.Context, _ string, docs func(*string) bool, emit func(string)) {
	ids := collect(docs)
	for x := range ids {
		for y := x + 1; y < len(ids); y++ {
			p := idPair(ids[x], ids[y])
			emit(p)
			pairBytes.Inc(ctx, int64(len(p)))
		}
	}
}

// idPair is a pair of document ids, in order, as one string.
func idPair(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "\x00" + b
}

func init() {
	register.DoFn5x1[int, func(*[]byte) bool, []uint64, func(string), func(string, int), error](&tableFn{})
	register.DoFn3x1[string, int, func(string), error](&enoughFn{})
	register.Function2x1(sumCounts)
	register.Function1x2(firstOfPairFn)
	register.Function4x0(expandAFn)
	register.Function5x0(expandBFn)
	register.Function4x0(sameTextFn)
	register.Iter1[string]()
	register.Emitter2[string, int]()
}

// candidates returns the candidate pairs of documents, each once, as
// idPair strings: the pairs of texts that band keys and fingerprints
// propose, made pairs of their documents, and the pairs of documents of
// one text.
func candidates(s beam.Scope, set []byte, bands, prints, norms, stockKeys beam.PCollection) beam.PCollection {
	s = s.Scope("candidates")
	bandAlone, bandCommon := beam.ParDo2(s, &tableFn{Settings: set}, beam.GroupByKey(s, bands), beam.SideInput{Input: stockKeys})
	alone, common := beam.ParDo2(s, &tableFn{Settings: set, Prints: true}, beam.GroupByKey(s, prints), beam.SideInput{Input: stockKeys})
	enough := beam.ParDo(s, &enoughFn{Settings: set}, beam.CombinePerKey(s, sumCounts, beam.Flatten(s, bandCommon, common)))
	textPairs := filter.Distinct(s, beam.Flatten(s, bandAlone, alone, enough))
	byFirst := beam.ParDo(s, firstOfPairFn, textPairs)
	firsts := beam.ParDo(s, expandAFn, beam.CoGroupByKey(s, byFirst, norms))
	docPairs := beam.ParDo(s, expandBFn, beam.CoGroupByKey(s, firsts, norms))
	same := beam.ParDo(s, sameTextFn, beam.GroupByKey(s, norms))
	return filter.Distinct(s, beam.Flatten(s, docPairs, same))
}
