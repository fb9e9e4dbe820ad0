package detect

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/neardup/neardup/passage"
)

// verifyAll reads again the texts of the candidates' documents whose
// hashes the first reading did not keep, verifies the candidates and
// returns the reported pairs, in order of decreasing score, then ids. Their
// passages hold shingle ranges still: evidence or countWords finishes
// them.
func (s *scan) verifyAll(ctx context.Context, src Source, cands []uint64) ([]Pair, error) {
	if err := s.sequence(ctx, src, cands); err != nil {
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
	err := s.parallel(ctx, "verifying", len(found), func(w, ch int) {
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

// sequence sets s.sides, what verification needs of each document of
// cands (its sequence, tokens and norm), from the hashes kept by the
// first reading, or else from the text read again. The texts are read
// again after verification, for the documents of reported pairs only,
// unless Options.NoEvidence.
func (s *scan) sequence(ctx context.Context, src Source, cands []uint64) error {
	n := s.docs.n
	need := make([]bool, n) // by place
	for _, c := range cands {
		need[c>>32], need[c&0xffffffff] = true, true
	}
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
	s.sides = make([]verifyDoc, n)
	atBufs := make([][]int32, s.workers) // each worker's scratch for newSeq
	err := s.parallel(ctx, "sequencing", len(keptPlaces), func(w, k int) {
		p := keptPlaces[k]
		l := s.docs.at(s.byPos[p])
		var seq *passage.Seq
		seq, atBufs[w] = s.newSeq(l.hashes, l.distinct, atBufs[w])
		s.sides[p] = verifyDoc{seq: *seq, tokens: l.tokens, norm: l.norm}
	})
	if err != nil {
		return err
	}
	for i := range s.docs.n {
		s.docs.at(i).hashes = nil
	}
	return s.sequenceAgain(ctx, src, places, nums)
}

// sequenceAgain sets s.sides[places[k]] from the text of document
// nums[k], read again and shingled on all workers. A text that is not
// the one read first is an error: the corpus changed during the run.
func (s *scan) sequenceAgain(ctx context.Context, src Source, places, nums []int) error {
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
				s.sides[j.p] = verifyDoc{seq: *seq, tokens: f.Tokens, norm: f.Norm}
			}
		}(s.ex[w])
	}
	err := src.Texts(ctx, nums, func(k int, text string) error {
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
	return err
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
