package detect

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
)

// verifyAll reads again the texts of the candidates' documents whose
// hashes the first reading did not keep, verifies the candidates and
// returns the reported pairs, in order of decreasing score, then ids. Their
// passages hold shingle indexes still: evidence or countWords finishes
// them.
func (s *scan) verifyAll(ctx context.Context, src Source, cands []uint64) ([]Pair, error) {
	n := s.docs.n
	need := make([]bool, n) // by place
	for _, c := range cands {
		need[c>>32], need[c&0xffffffff] = true, true
	}
	// What verification needs of each: its sequence, tokens and norm,
	// from the hashes kept by the first reading, or else from the text
	// read again. The texts are read again after verification, for the
	// documents of reported pairs only, unless Options.NoEvidence.
	var places, nums, keptPlaces []int
	for p, ok := range need {
		switch {
		case !ok:
		case s.docs.at(s.byPos[p]).hashes != nil:
			keptPlaces = append(keptPlaces, p)
		default:
			places = append(places, p)
			nums = append(nums, s.byPos[p])
		}
	}
	s.sides = make([]side, n)
	atBufs := make([][]int32, s.workers) // each worker's scratch for newSeq
	err := s.parallel(ctx, "sequencing", len(keptPlaces), func(w, k int) {
		p := keptPlaces[k]
		l := s.docs.at(s.byPos[p])
		var seq *passage.Seq
		seq, atBufs[w] = s.newSeq(l.hashes, l.distinct, atBufs[w])
		s.sides[p] = side{seq: *seq, tokens: l.tokens, norm: l.norm}
	})
	if err != nil {
		return nil, err
	}
	for i := range s.docs.n {
		s.docs.at(i).hashes = nil
	}
	ex := s.ex
	type job struct {
		p    int
		text string
	}
	var mu sync.Mutex
	var changed error
	jobs := make(chan job, 64*s.workers)
	var wg sync.WaitGroup
	for w := 0; w < s.workers; w++ {
		wg.Add(1)
		go func(e *Extractor) {
			defer wg.Done()
			var at []int32 // scratch for newSeq
			for j := range jobs {
				f := e.Shingles(j.text)
				l := s.docs.at(s.byPos[j.p])
				distinct := l.distinct
				if f.Norm != l.norm {
					distinct = -1
					mu.Lock()
					if changed == nil {
						changed = fmt.Errorf("%s: the text read again differs from the text read first: was it changed during the run?", l.doc.Where())
					}
					mu.Unlock()
				}
				var seq *passage.Seq
				seq, at = s.newSeq(f.Hashes, distinct, at)
				s.sides[j.p] = side{seq: *seq, tokens: f.Tokens, norm: f.Norm}
			}
		}(ex[w])
	}
	err = src.Texts(ctx, nums, func(k int, text string) error {
		select {
		case jobs <- job{places[k], text}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(jobs)
	wg.Wait()
	if err == nil {
		err = changed
	}
	if err != nil {
		return nil, err
	}
	// Candidates are verified in chunks of consecutive pairs, which share
	// their first document: a Matcher indexes it once for them all. Each
	// chunk's reported pairs are kept at their size, and sorted at the
	// end by a key that orders them whatever chunk they came from.
	const chunk = 256
	found := make([][]Pair, (len(cands)+chunk-1)/chunk)
	matchers := make([]passage.Matcher, s.workers)
	slabs := make([]passageSlab, s.workers)
	scratch := make([][]Pair, s.workers)
	minScore := s.o.minScore()
	err = s.parallel(ctx, "verifying", len(found), func(w, ch int) {
		kept := scratch[w][:0]
		for c := ch * chunk; c < min(len(cands), (ch+1)*chunk); c++ {
			p, q := int(cands[c]>>32), int(cands[c]&0xffffffff)
			pr := verify(&matchers[w], &s.sides[p], &s.sides[q], &s.o, s.isStock, minScore, &slabs[w])
			if reported(&pr, minScore, s.o.ReuseScore) {
				pr.I, pr.J = p, q
				pr.A, pr.B = s.docs.at(s.byPos[p]).doc.ID, s.docs.at(s.byPos[q]).doc.ID
				kept = append(kept, pr)
			}
		}
		found[ch] = slices.Clone(kept)
		clear(kept) // no references kept from the scratch
		scratch[w] = kept
	})
	if err != nil {
		return nil, err
	}
	s.sides, scratch = nil, nil
	return sortByPlace(found), nil
}

// countWords counts the words of the passages of pairs and leaves out
// their evidence (Options.NoEvidence). Word shingles i to j cover words
// i to j+k-1; what character shingles cover is found from the evidence.
func (s *scan) countWords(ctx context.Context, src Source, pairs []Pair) error {
	if s.o.Shingle.Unit != shingle.WordUnit {
		if err := s.evidence(ctx, src, pairs); err != nil {
			return err
		}
		s.texts = nil
	}
	for k := range pairs {
		for x := range pairs[k].Passages {
			ps := &pairs[k].Passages[x]
			words := ps.Words
			if s.o.Shingle.Unit == shingle.WordUnit {
				words = ps.A.End - ps.A.Start + s.o.Shingle.K
			}
			*ps = Passage{Words: words}
		}
	}
	return nil
}

// evidence turns the shingle ranges of the passages of pairs, which
// verification leaves in their spans, into byte ranges and texts, and
// counts their words.
func (s *scan) evidence(ctx context.Context, src Source, pairs []Pair) error {
	n := s.docs.n
	inPair := make([]bool, n)
	for _, p := range pairs {
		inPair[p.I], inPair[p.J] = true, true
	}
	// Evidence, from the texts of the documents of reported pairs, read
	// a last time, and tokenised again.
	var shown, shownNums []int
	for p, ok := range inPair {
		if ok {
			shown = append(shown, p)
			shownNums = append(shownNums, s.byPos[p])
		}
	}
	s.texts = make([]string, n)
	if err := src.Texts(ctx, shownNums, func(k int, text string) error {
		s.texts[shown[k]] = text
		return nil
	}); err != nil {
		return err
	}
	// Each document is tokenised once, by one worker, which turns the
	// sides of passages it holds into byte ranges and text: refs lists
	// them by document, from refs[at[p]] to refs[at[p+1]].
	type ref struct {
		pair, passage int32
		b             bool // the B side
	}
	at := make([]int32, n+1)
	for k := range pairs {
		np := int32(len(pairs[k].Passages))
		at[pairs[k].I+1] += np
		at[pairs[k].J+1] += np
	}
	for p := range n {
		at[p+1] += at[p]
	}
	refs := make([]ref, at[n])
	next := slices.Clone(at[:n])
	for k := range pairs {
		for x := range pairs[k].Passages {
			i, j := pairs[k].I, pairs[k].J
			refs[next[i]] = ref{int32(k), int32(x), false}
			refs[next[j]] = ref{int32(k), int32(x), true}
			next[i]++
			next[j]++
		}
	}
	next = nil
	reuse := make([]shingle.Text, s.workers)
	return s.parallel(ctx, "evidence", len(shown), func(w, k int) {
		p := shown[k]
		if at[p] == at[p+1] {
			return
		}
		// Word shingles need the tokens up to the last that a passage
		// touches, and no more.
		need := -1
		if s.o.Shingle.Unit == shingle.WordUnit {
			for _, r := range refs[at[p]:at[p+1]] {
				ps := &pairs[r.pair].Passages[r.passage]
				if r.b { // only this document's side: others convert theirs
					need = max(need, ps.B.End+s.o.Shingle.K)
				} else {
					need = max(need, ps.A.End+s.o.Shingle.K)
				}
			}
		}
		t := &reuse[w]
		t.TokenizePrefix(s.texts[p], need)
		for _, r := range refs[at[p]:at[p+1]] {
			ps := &pairs[r.pair].Passages[r.passage]
			if r.b {
				evidenceB(ps, s.o.Shingle, t, s.texts[p])
			} else {
				evidenceA(ps, s.o.Shingle, t, s.texts[p])
			}
		}
	})
}

// sortByPlace returns the pairs of found, all of them in one slice, in
// SortPairs' order. Their places (I < J) are in order of id, so they
// stand for the ids; small keys are sorted, and the pairs, large structs,
// moved once.
func sortByPlace(found [][]Pair) []Pair {
	// Scores are not negative, so their bits order them as the numbers
	// do: complemented, in decreasing order.
	type key struct {
		score  uint64
		ij     uint64 // I and J, packed
		ch, at int32  // where the pair is in found
	}
	n := 0
	for _, ps := range found {
		n += len(ps)
	}
	keys := make([]key, 0, n)
	for ch, ps := range found {
		for k := range ps {
			p := &ps[k]
			keys = append(keys, key{^math.Float64bits(p.Score), uint64(p.I)<<32 | uint64(p.J), int32(ch), int32(k)})
		}
	}
	order := func(x, y key) int {
		if x.score != y.score {
			return cmp.Compare(x.score, y.score)
		}
		return cmp.Compare(x.ij, y.ij)
	}
	// Two halves are sorted at once and merged; then the pairs are
	// moved, each half of them by one goroutine.
	a, b := keys[:len(keys)/2], keys[len(keys)/2:]
	sortedA := make(chan struct{})
	go func() {
		slices.SortFunc(a, order)
		close(sortedA)
	}()
	slices.SortFunc(b, order)
	<-sortedA
	merged := make([]key, 0, len(keys))
	for len(a) > 0 && len(b) > 0 {
		if order(a[0], b[0]) <= 0 {
			merged, a = append(merged, a[0]), a[1:]
		} else {
			merged, b = append(merged, b[0]), b[1:]
		}
	}
	merged = append(append(merged, a...), b...)
	sorted := make([]Pair, len(merged))
	move := func(ks []key, dst []Pair) {
		for i, x := range ks {
			dst[i] = found[x.ch][x.at]
		}
	}
	half := len(merged) / 2
	moved := make(chan struct{})
	go func() {
		move(merged[:half], sorted[:half])
		close(moved)
	}()
	move(merged[half:], sorted[half:])
	<-moved
	return sorted
}
