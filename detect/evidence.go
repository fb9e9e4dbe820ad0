package detect

import (
	"context"
	"slices"

	"github.com/neardup/neardup/shingle"
)

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
				words = ps.inA.Last - ps.inA.First + s.o.Shingle.K
			}
			*ps = Passage{Words: words, inA: ps.inA, inB: ps.inB}
		}
	}
	return nil
}

// evidence turns the shingle ranges of the passages of pairs into byte
// ranges and texts, and counts their words.
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
					need = max(need, ps.inB.Last+s.o.Shingle.K)
				} else {
					need = max(need, ps.inA.Last+s.o.Shingle.K)
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

// addEvidence turns the shingle ranges of p's passages into byte ranges
// and text of ta (tokenised from textA) and tb.
func addEvidence(p *Pair, c shingle.Config, ta, tb *shingle.Text, textA, textB string) {
	for k := range p.Passages {
		evidenceA(&p.Passages[k], c, ta, textA)
		evidenceB(&p.Passages[k], c, tb, textB)
	}
}

// evidenceA turns the shingle range of ps in A into a byte range and text
// of ta, tokenised from textA, and counts its words. It reads and writes
// only A's fields, so that another goroutine may do B's.
func evidenceA(ps *Passage, c shingle.Config, ta *shingle.Text, textA string) {
	from, to := c.Tokens(ta, ps.inA.First, ps.inA.Last)
	ps.Words = to - from
	as, ae := c.Span(ta, ps.inA.First, ps.inA.Last)
	ps.A, ps.Text = Span{as, ae}, textA[as:ae]
}

// evidenceB is evidenceA for B's side.
func evidenceB(ps *Passage, c shingle.Config, tb *shingle.Text, textB string) {
	bs, be := c.Span(tb, ps.inB.First, ps.inB.Last)
	ps.B, ps.TextB = Span{bs, be}, textB[bs:be]
}
