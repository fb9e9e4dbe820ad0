// Package detect finds near-duplicate documents and shared passages in a
// corpus: the pipeline of neardup.
//
// Each document is tokenised and shingled (package shingle). Two kinds of
// candidates are proposed by MinHash and LSH banding (packages minhash
// and lsh): whole documents whose signatures collide, for near-duplicates,
// and documents that share a passage fingerprint (the minimum of a window
// of shingles, by winnowing), for partial reuse. Documents with the same
// normalised text are duplicates without any hashing. Every candidate pair
// is then verified exactly on its shingle hashes (package passage):
// Jaccard similarity, containment, and the shared passages as evidence.
//
// Shingles found in a large share of the corpus are stock phrases ("the
// syrian observatory for human rights"): they neither propose candidates
// nor count as evidence, so articles on one story are not paired for the
// names they all mention.
package detect

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
)

// Run detects the near-duplicate and reused documents among docs. The
// documents must have distinct ids (see Collector); Run orders them by id.
func Run(ctx context.Context, docs []corpus.Doc, o Options) (*Result, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	docs = slices.Clone(docs)
	slices.SortStableFunc(docs, func(a, b corpus.Doc) int { return cmp.Compare(a.ID, b.ID) })
	for i := 1; i < len(docs); i++ {
		if docs[i].ID == docs[i-1].ID {
			return nil, fmt.Errorf("document id %q is used twice: %s and %s", docs[i].ID, docs[i-1].Where(), docs[i].Where())
		}
	}
	r := &run{o: o, docs: docs, workers: o.Workers}
	if r.workers == 0 {
		r.workers = runtime.GOMAXPROCS(0)
	}
	r.params = o.Params(len(docs))
	if err := r.extract(ctx); err != nil {
		return nil, err
	}
	r.countStock()
	cands, err := r.candidates(ctx)
	if err != nil {
		return nil, err
	}
	pairs, err := r.verifyAll(ctx, cands)
	if err != nil {
		return nil, err
	}
	res := &Result{Params: r.params, Pairs: pairs, Stats: Stats{Candidates: len(cands), StockShingles: len(r.stock)}}
	res.Documents = make([]Document, len(docs))
	for i, d := range docs {
		res.Documents[i] = Document{Doc: d, Tokens: r.feats[i].Tokens, Shingles: len(r.feats[i].Hashes)}
	}
	res.Clusters = Clusters(res.Documents, res.Pairs)
	return res, nil
}

type run struct {
	o       Options
	params  Params
	docs    []corpus.Doc
	feats   []Features
	seqs    []*passage.Seq // built for the documents of candidate pairs
	stock   map[uint64]bool
	workers int
}

// parallel calls fn(worker, i) for i in [0, n) on r.workers goroutines,
// reporting progress as stage.
func (r *run) parallel(ctx context.Context, stage string, n int, fn func(w, i int)) error {
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	step := max(1, n/100)
	for w := 0; w < r.workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				if r.o.Progress != nil && i < n && i%step == 0 {
					r.o.Progress(stage, i, n)
				}
				mu.Unlock()
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(w, i)
			}
		}(w)
	}
	wg.Wait()
	return ctx.Err()
}

func (r *run) extract(ctx context.Context) error {
	r.feats = make([]Features, len(r.docs))
	ex := make([]*Extractor, r.workers)
	for w := range ex {
		ex[w], _ = NewExtractor(r.o) // r.o was checked
	}
	return r.parallel(ctx, "shingling", len(r.docs), func(w, i int) {
		r.feats[i] = ex[w].Extract(r.docs[i].Text)
	})
}

// countStock finds the stock shingles: those in at least
// Params.StockMinDocs documents.
func (r *run) countStock() {
	min := r.params.StockMinDocs
	r.stock = make(map[uint64]bool)
	if len(r.docs) < min {
		return
	}
	// Document frequency by sorting every document's distinct shingles:
	// a run of equal hashes is as long as the number of documents.
	distinct := make([][]uint64, len(r.feats))
	r.parallel(context.Background(), "counting", len(r.feats), func(w, i int) {
		d := slices.Clone(r.feats[i].Hashes)
		slices.Sort(d)
		distinct[i] = slices.Compact(d)
	})
	total := 0
	for _, d := range distinct {
		total += len(d)
	}
	all := make([]uint64, 0, total)
	for i, d := range distinct {
		all = append(all, d...)
		distinct[i] = nil
	}
	lsh.SortKeys(all, make([]uint64, len(all)))
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j] == all[i] {
			j++
		}
		if j-i >= min {
			r.stock[all[i]] = true
		}
		i = j
	}
}

func (r *run) isStock(h uint64) bool { return r.stock[h] }

// pairKey packs a document pair, i < j.
func pairKey(i, j int) uint64 { return uint64(i)<<32 | uint64(j) }

// candidates returns the document pairs to verify, sorted.
func (r *run) candidates(ctx context.Context) ([]uint64, error) {
	n := len(r.docs)
	if r.o.Exhaustive {
		var keys []uint64
		for i := 0; i < n; i++ {
			if r.feats[i].Tokens == 0 {
				continue
			}
			for j := i + 1; j < n; j++ {
				if r.feats[j].Tokens > 0 {
					keys = append(keys, pairKey(i, j))
				}
			}
		}
		return keys, nil
	}
	// Identical normalised texts are duplicates whatever their length;
	// only the first of each group is filed, and its candidates are
	// shared with the rest of the group.
	groups := make(map[[2]uint64][]int)
	for i := range r.feats {
		if r.feats[i].Tokens > 0 {
			groups[r.feats[i].Norm] = append(groups[r.feats[i].Norm], i)
		}
	}
	var keys []uint64
	for _, g := range groups {
		for a := range g {
			for b := a + 1; b < len(g); b++ {
				keys = append(keys, pairKey(g[a], g[b]))
			}
		}
	}
	// Every representative is filed under its band keys and its
	// non-stock fingerprints; documents filed under one key are
	// candidates.
	total := 0
	for _, g := range groups {
		total += len(r.feats[g[0]].Bands) + len(r.feats[g[0]].Prints)
	}
	entries := make([]lsh.Entry, 0, total)
	for i := range r.feats {
		f := &r.feats[i]
		if f.Tokens == 0 || groups[f.Norm][0] != i {
			continue
		}
		for _, k := range f.Bands {
			entries = append(entries, lsh.Entry{Key: k, ID: uint32(i)})
		}
		for _, k := range f.Prints {
			if !r.stock[k] {
				entries = append(entries, lsh.Entry{Key: k, ID: uint32(i)})
			}
		}
	}
	var repKeys []uint64
	lsh.Group(entries, nil, func(ids []uint32) {
		for a := range ids {
			for b := a + 1; b < len(ids); b++ {
				if ids[a] != ids[b] {
					repKeys = append(repKeys, pairKey(int(min(ids[a], ids[b])), int(max(ids[a], ids[b]))))
				}
			}
		}
	})
	entries = nil
	for _, k := range sortUnique(repKeys) {
		i, j := int(k>>32), int(k&0xffffffff)
		for _, x := range groups[r.feats[i].Norm] {
			for _, y := range groups[r.feats[j].Norm] {
				keys = append(keys, pairKey(min(x, y), max(x, y)))
			}
		}
	}
	return sortUnique(keys), ctx.Err()
}

// sortUnique sorts keys and drops repeats.
func sortUnique(keys []uint64) []uint64 {
	lsh.SortKeys(keys, make([]uint64, len(keys)))
	return slices.Compact(keys)
}

// verifyAll verifies the candidates and returns the reported pairs, in
// order of decreasing score, then ids.
func (r *run) verifyAll(ctx context.Context, cands []uint64) ([]Pair, error) {
	// Sequences for exact comparison, built once for each document that
	// has a candidate.
	r.seqs = make([]*passage.Seq, len(r.docs))
	need := make([]bool, len(r.docs))
	for _, c := range cands {
		need[c>>32], need[c&0xffffffff] = true, true
	}
	if err := r.parallel(ctx, "preparing", len(r.docs), func(w, i int) {
		if need[i] {
			r.seqs[i] = passage.NewSeq(r.feats[i].Hashes)
		}
	}); err != nil {
		return nil, err
	}
	out := make([]*Pair, len(cands))
	matchers := make([]passage.Matcher, r.workers)
	minScore := r.o.minScore()
	err := r.parallel(ctx, "verifying", len(cands), func(w, c int) {
		i, j := int(cands[c]>>32), int(cands[c]&0xffffffff)
		p := verify(&matchers[w], &r.feats[i], &r.feats[j], r.seqs[i], r.seqs[j], &r.o, r.isStock)
		if reported(&p, minScore) {
			p.I, p.J = i, j
			p.A, p.B = r.docs[i].ID, r.docs[j].ID
			out[c] = &p
		}
	})
	if err != nil {
		return nil, err
	}
	r.seqs = nil
	var pairs []Pair
	for _, p := range out {
		if p != nil {
			pairs = append(pairs, *p)
		}
	}
	if err := r.evidence(ctx, pairs); err != nil {
		return nil, err
	}
	SortPairs(pairs)
	return pairs, nil
}

// reported reports whether a verified pair is reported at minScore.
func reported(p *Pair, minScore float64) bool {
	return p.Kind == Duplicate || p.Kind == NearDuplicate || p.Shared > 0 && p.Score >= minScore
}

// SortPairs orders pairs by decreasing score, then by ids.
func SortPairs(pairs []Pair) {
	slices.SortStableFunc(pairs, func(p, q Pair) int {
		if c := cmp.Compare(q.Score, p.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(p.A, q.A); c != 0 {
			return c
		}
		return cmp.Compare(p.B, q.B)
	})
}

// verify computes the exact figures of one pair. Its passages hold
// shingle indexes, not yet byte ranges: see addEvidence.
func verify(m *passage.Matcher, a, b *Features, sa, sb *passage.Seq, o *Options, stock func(uint64) bool) Pair {
	var p Pair
	if a.Norm == b.Norm && a.Tokens > 0 {
		p.Kind, p.Score, p.Jaccard = Duplicate, 1, 1
		p.ContainmentA, p.ContainmentB, p.CoverageA, p.CoverageB = 1, 1, 1, 1
		p.Shared = sa.Distinct()
		if sa.Len() > 0 {
			p.Passages = []Passage{{A: Span{0, sa.Len() - 1}, B: Span{0, sb.Len() - 1}}}
		}
		return p
	}
	if sa.Len() == 0 || sb.Len() == 0 {
		p.Kind = Candidate
		return p
	}
	res := m.Compare(sa, sb, passage.Options{Stock: stock, MinWeight: o.MinPassage, Gap: o.Gap})
	da, db := sa.Distinct(), sb.Distinct()
	p.Shared = res.Shared
	p.Jaccard = float64(res.Shared) / float64(da+db-res.Shared)
	p.ContainmentA = float64(res.Shared) / float64(da)
	p.ContainmentB = float64(res.Shared) / float64(db)
	k := o.Shingle.K
	ua, ub := sa.Len()+k-1, sb.Len()+k-1 // units: tokens or runes
	for _, ps := range res.Passages {
		p.Passages = append(p.Passages, Passage{A: Span{ps.A0, ps.A1}, B: Span{ps.B0, ps.B1}})
	}
	// Passages do not share shingles, but neighbours may share up to k-1
	// units: count the union of the units they cover on each side.
	ca := coveredUnits(res.Passages, k, func(ps passage.Passage) (int, int) { return ps.A0, ps.A1 })
	cb := coveredUnits(res.Passages, k, func(ps passage.Passage) (int, int) { return ps.B0, ps.B1 })
	p.CoverageA = min(1, float64(ca)/float64(ua))
	p.CoverageB = min(1, float64(cb)/float64(ub))
	p.Score = max(p.Jaccard, p.CoverageA, p.CoverageB)
	switch {
	case p.Jaccard >= o.Threshold:
		p.Kind = NearDuplicate
	case len(p.Passages) > 0 && p.Score >= o.ReuseScore:
		p.Kind = Reuse
	default:
		p.Kind = Candidate
	}
	return p
}

// coveredUnits counts the units (tokens or characters) covered by the
// passages' shingle ranges on one side, each range first..last covering
// units first..last+k-1.
func coveredUnits(ps []passage.Passage, k int, side func(passage.Passage) (int, int)) int {
	type iv struct{ s, e int }
	ivs := make([]iv, 0, len(ps))
	for _, p := range ps {
		f, l := side(p)
		ivs = append(ivs, iv{f, l + k})
	}
	slices.SortFunc(ivs, func(x, y iv) int { return cmp.Compare(x.s, y.s) })
	n, end := 0, -1
	for _, v := range ivs {
		if v.s > end {
			n += v.e - v.s
		} else if v.e > end {
			n += v.e - end
		}
		end = max(end, v.e)
	}
	return n
}

// evidence turns the shingle ranges of the pairs' passages into byte
// ranges and text, tokenising each document involved once more.
func (r *run) evidence(ctx context.Context, pairs []Pair) error {
	texts := make(map[int]*shingle.Text)
	get := func(i int) *shingle.Text {
		t, ok := texts[i]
		if !ok {
			t = new(shingle.Text)
			t.Tokenize(r.docs[i].Text)
			texts[i] = t
		}
		return t
	}
	for pi := range pairs {
		p := &pairs[pi]
		if len(p.Passages) == 0 {
			continue
		}
		addEvidence(p, r.o.Shingle, get(p.I), get(p.J), r.docs[p.I].Text, r.docs[p.J].Text)
		if pi%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// addEvidence turns the shingle ranges of p's passages into byte ranges
// and text of ta (tokenised from textA) and tb.
func addEvidence(p *Pair, c shingle.Config, ta, tb *shingle.Text, textA, textB string) {
	for k := range p.Passages {
		ps := &p.Passages[k]
		from, to := c.Tokens(ta, ps.A.Start, ps.A.End)
		ps.Words = to - from
		as, ae := c.Span(ta, ps.A.Start, ps.A.End)
		bs, be := c.Span(tb, ps.B.Start, ps.B.End)
		ps.A, ps.B = Span{as, ae}, Span{bs, be}
		ps.Text = textA[as:ae]
		ps.TextB = textB[bs:be]
	}
}
