package detect

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ComparePair verifies the documents of src with ids a and b as Scan
// verifies a candidate pair, with the stock phrases of all of src, and
// whatever their score: Scan's figures and passages for the pair. The
// Result lists the two documents, in order of id, and the pair if they
// share a shingle, with its direction.
func ComparePair(ctx context.Context, src Source, o Options, a, b string) (*Result, error) {
	if a == b {
		return nil, fmt.Errorf("compare %q with itself: give two ids", a)
	}
	s, _, err := readCorpus(ctx, src, o)
	if err != nil {
		return nil, err
	}
	ids := []string{min(a, b), max(a, b)}
	places := make([]int, 2)
	for k, id := range ids {
		p, ok := slices.BinarySearchFunc(s.byPos, id, func(i int, id string) int { return strings.Compare(s.docs.at(i).doc.ID, id) })
		if !ok {
			return nil, fmt.Errorf("no document %q among the %d read", id, s.docs.n)
		}
		places[k] = p
	}
	texts := make([]string, 2)
	nums := []int{s.byPos[places[0]], s.byPos[places[1]]}
	if err := src.Texts(ctx, nums, func(k int, text string) error { texts[k] = text; return nil }); err != nil {
		return nil, err
	}
	res := &Result{Params: s.params, Stats: Stats{Candidates: 1}}
	fs := make([]Features, 2)
	for k, i := range nums {
		l := s.docs.at(i)
		fs[k] = s.ex[0].Shingles(texts[k])
		d := Document{Doc: l.doc, Tokens: l.tokens, Shingles: l.shingles}
		d.Text = texts[k]
		res.Documents = append(res.Documents, d)
	}
	p := Verify(o, &fs[0], &fs[1], texts[0], texts[1], s.isStock)
	if p.Shared > 0 || p.Kind == Duplicate {
		p.A, p.B, p.I, p.J = ids[0], ids[1], 0, 1
		res.Pairs = []Pair{p}
	}
	SetDirections(res.Documents, res.Pairs)
	Group(res)
	return res, nil
}
