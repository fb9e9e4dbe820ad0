package pipeline

import (
	"context"
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

// entryOf splits a "norm:j" entry.
func entryOf(e string) string { n, _, _ := strings.Cut(e, ":"); return n }

// textPair is a pair of normalised texts, in order.
func textPair(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// pairsOf calls emit with the pair of each two entries of different
// texts, as a scan's table pairs the documents filed under one key.
func pairsOf(entries []string, emit func(string)) {
	for x := range entries {
		for y := x + 1; y < len(entries); y++ {
			if a, b := entryOf(entries[x]), entryOf(entries[y]); a != b {
				emit(textPair(a, b))
			}
		}
	}
}

// bandPairsFn pairs the texts filed under one band key: sharing a band
// key alone makes a candidate.
func bandPairsFn(_ uint64, entries func(*string) bool, emit func(string)) {
	pairsOf(collect(entries), emit)
}

// printPairsFn pairs the texts filed under one fingerprint that is not
// stock: alone when few texts hold it, else as one common fingerprint
// shared, which counts towards Enough.
type printPairsFn struct {
	Settings []byte
	s        settingsCache
	stock    map[uint64]bool
}

func (f *printPairsFn) ProcessElement(key uint64, entries func(*string) bool, stock []uint64, alone func(string), common func(string, int)) error {
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
	if f.stock[key] {
		return nil
	}
	es := collect(entries)
	if s.Options.ProposesAlone(true, len(es)) {
		pairsOf(es, alone)
	} else {
		pairsOf(es, func(p string) { common(p, 1) })
	}
	return nil
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
	register.Function3x0(bandPairsFn)
	register.DoFn5x1[uint64, func(*string) bool, []uint64, func(string), func(string, int), error](&printPairsFn{})
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
	// An entry repeats once for each document of its text: keep one.
	distinctEntries := func(col beam.PCollection) beam.PCollection {
		return beam.ParDo(s, splitEntry, filter.Distinct(s, beam.ParDo(s, joinEntry, col)))
	}
	byBand := beam.GroupByKey(s, distinctEntries(bands))
	byPrint := beam.GroupByKey(s, distinctEntries(prints))
	bandPairs := beam.ParDo(s, bandPairsFn, byBand)
	alone, common := beam.ParDo2(s, &printPairsFn{Settings: set}, byPrint, beam.SideInput{Input: stockKeys})
	enough := beam.ParDo(s, &enoughFn{Settings: set}, beam.CombinePerKey(s, sumCounts, common))
	textPairs := filter.Distinct(s, beam.Flatten(s, bandPairs, alone, enough))
	byFirst := beam.ParDo(s, firstOfPairFn, textPairs)
	firsts := beam.ParDo(s, expandAFn, beam.CoGroupByKey(s, byFirst, norms))
	docPairs := beam.ParDo(s, expandBFn, beam.CoGroupByKey(s, firsts, norms))
	same := beam.ParDo(s, sameTextFn, beam.GroupByKey(s, norms))
	return filter.Distinct(s, beam.Flatten(s, docPairs, same))
}

// joinEntry and splitEntry carry a keyed entry through Distinct as one
// string.
func joinEntry(k uint64, e string) string { return strconvKey(k) + "/" + e }

func splitEntry(s string) (uint64, string) {
	k, e, _ := strings.Cut(s, "/")
	return parseKey(k), e
}

func init() {
	register.Function2x1(joinEntry)
	register.Function1x2(splitEntry)
}
