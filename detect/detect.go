// Package detect finds near-duplicate documents and shared passages in a
// corpus: the pipeline of neardup.
//
// Each document is tokenised and shingled (package shingle). Two kinds of
// candidates are proposed by MinHash and LSH banding (packages minhash
// and lsh): whole documents whose signatures collide, for near-duplicates,
// and overlapping windows of a few dozen words whose signatures collide,
// for partial reuse. Documents with the same normalised text are
// duplicates without any hashing. Every candidate pair is then verified
// exactly on its shingle hashes (package passage): Jaccard similarity,
// containment, and the shared passages as evidence.
//
// Shingles found in a large share of the corpus are stock phrases ("the
// syrian observatory for human rights"): they neither propose windows nor
// count as evidence, so articles on one story are not paired for the names
// they all mention.
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
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
)

// Kinds of pairs.
const (
	// Duplicate pairs have the same normalised text.
	Duplicate = "duplicate"
	// NearDuplicate pairs have whole-document Jaccard similarity at or
	// above the threshold.
	NearDuplicate = "near-duplicate"
	// Reuse pairs share passages that make up a score at or above the
	// reuse score.
	Reuse = "reuse"
	// Candidate pairs were verified but fall below every decision; they
	// are reported only when MinScore is below ReuseScore, and only if
	// they share a shingle.
	Candidate = "candidate"
)

// Document is a document of the corpus with its figures.
type Document struct {
	corpus.Doc
	// Tokens and Shingles count the document's tokens and shingles.
	Tokens   int `json:"tokens"`
	Shingles int `json:"shingles"`
}

// Span is a byte range [Start, End) of a document's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Passage is a passage two documents share.
type Passage struct {
	// A and B are the passage's byte ranges in the pair's documents.
	A Span `json:"a"`
	B Span `json:"b"`
	// Words is the length of the passage in A, in tokens.
	Words int `json:"words"`
	// Text and TextB are the passage as it stands in A and in B.
	Text  string `json:"text"`
	TextB string `json:"text_b"`
}

// Pair is a verified pair of documents. A precedes B in document order.
type Pair struct {
	A string `json:"a"`
	B string `json:"b"`
	// Kind is Duplicate, NearDuplicate, Reuse or Candidate.
	Kind string `json:"kind"`
	// Score is the figure the decision is made on: the largest of the
	// Jaccard similarity and the two coverages.
	Score float64 `json:"score"`
	// Jaccard is |A∩B|/|A∪B| over the documents' shingle sets.
	Jaccard float64 `json:"jaccard"`
	// ContainmentA is |A∩B|/|A|, the share of A's shingles found in B;
	// ContainmentB likewise for B.
	ContainmentA float64 `json:"containment_a"`
	ContainmentB float64 `json:"containment_b"`
	// CoverageA is the share of A's tokens inside shared passages;
	// CoverageB likewise for B.
	CoverageA float64 `json:"coverage_a"`
	CoverageB float64 `json:"coverage_b"`
	// Shared is the number of distinct shingles the documents share.
	Shared int `json:"shared_shingles"`
	// Passages are the shared passages in order of their place in A.
	Passages []Passage `json:"passages"`

	// I and J are the indexes of A and B in Result.Documents.
	I int `json:"-"`
	J int `json:"-"`
}

// Cluster is a connected component of the reported pairs, Candidate pairs
// aside.
type Cluster struct {
	ID      int      `json:"id"`
	Members []string `json:"members"`
	// Source is the probable origin: the member whose shingles are most
	// contained in the others', ties going to the earliest date.
	Source string `json:"source"`
}

// Stats count the work of a run.
type Stats struct {
	// Candidates is the number of document pairs verified exactly.
	Candidates int `json:"candidates"`
	// StockShingles is the number of distinct shingles found stock.
	StockShingles int `json:"stock_shingles"`
}

// Result is the outcome of a run.
type Result struct {
	Params    Params     `json:"params"`
	Stats     Stats      `json:"stats"`
	Documents []Document `json:"documents"`
	Pairs     []Pair     `json:"pairs"`
	Clusters  []Cluster  `json:"clusters"`
}

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
		res.Documents[i] = Document{Doc: d, Tokens: r.feats[i].tokens, Shingles: len(r.feats[i].hashes)}
	}
	res.Clusters = Clusters(res.Documents, res.Pairs)
	return res, nil
}

// features are what verification and banding need of one document.
type features struct {
	tokens int
	hashes []uint64 // shingle hashes in text order
	seq    *passage.Seq
	norm   [2]uint64 // hash of the normalised text
	sig    []uint32  // document signature
}

type run struct {
	o       Options
	params  Params
	docs    []corpus.Doc
	feats   []features
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

// Features computes the features of one text.
func extractOne(t *shingle.Text, text string, o *Options, sign func([]uint64) []uint32) features {
	t.Tokenize(text)
	var f features
	f.tokens = t.Len()
	f.hashes = o.Shingle.Shingles(nil, t)
	f.seq = passage.NewSeq(f.hashes)
	h1, h2 := murmur128(t.Norm)
	f.norm = [2]uint64{h1, h2}
	if len(f.hashes) > 0 {
		f.sig = sign(f.hashes)
	}
	return f
}

func (r *run) extract(ctx context.Context) error {
	r.feats = make([]features, len(r.docs))
	texts := make([]shingle.Text, r.workers)
	signer := r.o.signer(r.o.Perms)
	return r.parallel(ctx, "shingling", len(r.docs), func(w, i int) {
		r.feats[i] = extractOne(&texts[w], r.docs[i].Text, &r.o, func(h []uint64) []uint32 { return signer.Sign(nil, h) })
	})
}

// countStock finds the stock shingles: those in at least stockMin
// documents.
func (r *run) countStock() {
	min := r.params.StockMinDocs
	r.stock = make(map[uint64]bool)
	if len(r.docs) < min {
		return
	}
	// Document frequency by sorting every document's distinct shingles:
	// a run of equal hashes is as long as the number of documents.
	total := 0
	for i := range r.feats {
		total += r.feats[i].seq.Distinct()
	}
	all := make([]lsh.Entry, 0, total)
	var buf []uint64
	for i := range r.feats {
		buf = r.feats[i].seq.Hashes(buf[:0])
		for _, h := range buf {
			all = append(all, lsh.Entry{Key: h})
		}
	}
	lsh.SortEntries(all, make([]lsh.Entry, len(all)))
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].Key == all[i].Key {
			j++
		}
		if j-i >= min {
			r.stock[all[i].Key] = true
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
			if r.feats[i].tokens == 0 {
				continue
			}
			for j := i + 1; j < n; j++ {
				if r.feats[j].tokens > 0 {
					keys = append(keys, pairKey(i, j))
				}
			}
		}
		return keys, nil
	}
	// Identical normalised texts are duplicates whatever their length;
	// only the first of each group is banded, and its candidates are
	// shared with the rest of the group.
	groups := make(map[[2]uint64][]int)
	for i := range r.feats {
		if r.feats[i].tokens > 0 {
			groups[r.feats[i].norm] = append(groups[r.feats[i].norm], i)
		}
	}
	var keys []uint64
	isRep := make([]bool, n)
	for _, g := range groups {
		isRep[g[0]] = true
		for a := range g {
			for b := a + 1; b < len(g); b++ {
				keys = append(keys, pairKey(g[a], g[b]))
			}
		}
	}

	// Every representative is filed under its document band keys and its
	// passage fingerprints; documents filed under one key are candidates.
	perDoc := make([][]uint64, n)
	db := r.params.Bands
	sigKeys := make([][]uint64, r.workers)
	winnowers := make([]minhash.Winnower, r.workers)
	sets := make([][]uint64, r.workers)
	err := r.parallel(ctx, "fingerprinting", n, func(w, i int) {
		if !isRep[i] || len(r.feats[i].hashes) == 0 {
			return
		}
		var ks []uint64
		sigKeys[w] = lsh.Keys(sigKeys[w][:0], db, r.feats[i].sig)
		for b, k := range sigKeys[w] {
			ks = append(ks, k^bandSalt(b))
		}
		set := sets[w][:0]
		for _, h := range r.feats[i].hashes {
			if !r.stock[h] {
				set = append(set, h)
			}
		}
		sets[w] = set
		for p := 0; p < r.o.PassageHashes; p++ {
			ks = winnowers[w].Winnow(ks, set, r.o.Window, r.o.Seed+uint64(p)*0x9e3779b97f4a7c15)
		}
		slices.Sort(ks)
		perDoc[i] = slices.Compact(ks)
	})
	if err != nil {
		return nil, err
	}
	total := 0
	for _, ks := range perDoc {
		total += len(ks)
	}
	entries := make([]lsh.Entry, 0, total)
	for i, ks := range perDoc {
		for _, k := range ks {
			entries = append(entries, lsh.Entry{Key: k, ID: uint32(i)})
		}
		perDoc[i] = nil
	}
	var repKeys []uint64
	lsh.Group(entries, nil, func(ids []uint32) {
		for a := range ids {
			for b := a + 1; b < len(ids); b++ {
				repKeys = append(repKeys, pairKey(int(ids[a]), int(ids[b])))
			}
		}
	})
	entries = nil
	repKeys = sortUnique(repKeys)
	for _, k := range repKeys {
		i, j := int(k>>32), int(k&0xffffffff)
		gi, gj := groups[r.feats[i].norm], groups[r.feats[j].norm]
		for _, x := range gi {
			for _, y := range gj {
				keys = append(keys, pairKey(min(x, y), max(x, y)))
			}
		}
	}
	return sortUnique(keys), ctx.Err()
}

// bandSalt keeps the band keys of different bands, and passage
// fingerprints, apart in one table.
func bandSalt(b int) uint64 { return (uint64(b) + 1) * 0xd6e8feb86659fd93 }

// sortUnique sorts keys and drops repeats.
func sortUnique(keys []uint64) []uint64 {
	e := make([]lsh.Entry, len(keys))
	for i, k := range keys {
		e[i].Key = k
	}
	lsh.SortEntries(e, make([]lsh.Entry, len(e)))
	out := keys[:0]
	for i, x := range e {
		if i == 0 || x.Key != e[i-1].Key {
			out = append(out, x.Key)
		}
	}
	return out
}

// verifyAll verifies the candidates and returns the reported pairs, in
// order of decreasing score, then ids.
func (r *run) verifyAll(ctx context.Context, cands []uint64) ([]Pair, error) {
	out := make([]*Pair, len(cands))
	matchers := make([]passage.Matcher, r.workers)
	err := r.parallel(ctx, "verifying", len(cands), func(w, c int) {
		i, j := int(cands[c]>>32), int(cands[c]&0xffffffff)
		p := verify(&matchers[w], &r.feats[i], &r.feats[j], &r.o, r.isStock)
		if p.Kind == Duplicate || p.Kind == NearDuplicate || p.Shared > 0 && p.Score >= r.o.minScore() {
			p.I, p.J = i, j
			p.A, p.B = r.docs[i].ID, r.docs[j].ID
			out[c] = &p
		}
	})
	if err != nil {
		return nil, err
	}
	var pairs []Pair
	for _, p := range out {
		if p != nil {
			pairs = append(pairs, *p)
		}
	}
	// Evidence text, from a fresh tokenisation of each document involved.
	if err := r.evidence(ctx, pairs); err != nil {
		return nil, err
	}
	SortPairs(pairs)
	return pairs, nil
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

// verify computes the exact figures of one pair, passages as shingle
// ranges in Passages' Words/Span fields still empty.
func verify(m *passage.Matcher, a, b *features, o *Options, stock func(uint64) bool) Pair {
	var p Pair
	if a.norm == b.norm && a.tokens > 0 {
		p.Kind, p.Score, p.Jaccard = Duplicate, 1, 1
		p.ContainmentA, p.ContainmentB, p.CoverageA, p.CoverageB = 1, 1, 1, 1
		p.Shared = a.seq.Distinct()
		if a.seq.Len() > 0 {
			p.Passages = []Passage{{A: Span{0, a.seq.Len() - 1}, B: Span{0, b.seq.Len() - 1}}}
		}
		return p
	}
	if a.seq.Len() == 0 || b.seq.Len() == 0 {
		p.Kind = Candidate
		return p
	}
	res := m.Compare(a.seq, b.seq, passage.Options{Stock: stock, MinWeight: o.MinPassage, Gap: o.Gap})
	da, db := a.seq.Distinct(), b.seq.Distinct()
	p.Shared = res.Shared
	p.Jaccard = float64(res.Shared) / float64(da+db-res.Shared)
	p.ContainmentA = float64(res.Shared) / float64(da)
	p.ContainmentB = float64(res.Shared) / float64(db)
	k := o.Shingle.K
	ua, ub := a.seq.Len()+k-1, b.seq.Len()+k-1 // units: tokens or runes
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
// ranges and text.
func (r *run) evidence(ctx context.Context, pairs []Pair) error {
	need := make(map[int]bool)
	for _, p := range pairs {
		if len(p.Passages) > 0 {
			need[p.I], need[p.J] = true, true
		}
	}
	ids := make([]int, 0, len(need))
	for i := range need {
		ids = append(ids, i)
	}
	slices.Sort(ids)
	texts := make(map[int]*shingle.Text, len(ids))
	for _, i := range ids {
		t := new(shingle.Text)
		t.Tokenize(r.docs[i].Text)
		texts[i] = t
	}
	for pi := range pairs {
		p := &pairs[pi]
		ta, tb := texts[p.I], texts[p.J]
		for k := range p.Passages {
			ps := &p.Passages[k]
			ps.Words = passageWords(r.o.Shingle, ta, ps.A.Start, ps.A.End)
			as, ae := r.o.Shingle.Span(ta, ps.A.Start, ps.A.End)
			bs, be := r.o.Shingle.Span(tb, ps.B.Start, ps.B.End)
			ps.A, ps.B = Span{as, ae}, Span{bs, be}
			ps.Text = r.docs[p.I].Text[as:ae]
			ps.TextB = r.docs[p.J].Text[bs:be]
		}
	}
	return ctx.Err()
}

func passageWords(c shingle.Config, t *shingle.Text, first, last int) int {
	from, to := c.Tokens(t, first, last)
	return to - from
}
