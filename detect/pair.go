package detect

import (
	"cmp"
	"slices"

	"github.com/neardup/neardup/passage"
)

// reported reports whether a verified pair is reported at minScore, reuse
// being decided at reuseScore: duplicates and near-duplicates always are,
// reuse when its score reaches minScore, and other pairs that share
// shingles (candidates) only when minScore is below reuseScore and their
// score reaches it.
func reported(p *Pair, minScore, reuseScore float64) bool {
	switch p.Kind {
	case Duplicate, NearDuplicate:
		return true
	case Reuse:
		return p.Score >= minScore
	}
	return p.Shared > 0 && p.Score >= minScore && minScore < reuseScore
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

// verifyDoc is what verify needs of a document.
type verifyDoc struct {
	seq    passage.Seq
	norm   [2]uint64
	tokens int
}

// verify computes the exact figures of one pair, and its passages if it
// is reported at minScore (so that the many pairs that are not cost no
// allocation). Its passages hold shingle ranges, not yet byte ranges:
// see addEvidence.
func verify(m *passage.Matcher, a, b *verifyDoc, o *Options, stock func(uint64) bool, minScore float64, slab *passageSlab) Pair {
	var p Pair
	sa, sb := &a.seq, &b.seq
	if a.norm == b.norm && a.tokens > 0 {
		p.Kind, p.Score, p.Jaccard = Duplicate, 1, 1
		p.ContainmentA, p.ContainmentB, p.CoverageA, p.CoverageB = 1, 1, 1, 1
		p.Shared = sa.Distinct()
		if sa.Len() > 0 {
			p.Passages = []Passage{{inA: shingleRange{0, sa.Len() - 1}, inB: shingleRange{0, sb.Len() - 1}}}
		}
		return p
	}
	if sa.Len() == 0 || sb.Len() == 0 {
		p.Kind = Candidate
		return p
	}
	res := m.Compare(sa, sb, passage.Options{Stock: stock, MinWeight: o.MinPassage, MinTotal: o.MinEvidence, Gap: o.Gap})
	da, db := sa.Distinct(), sb.Distinct()
	p.Shared = res.Shared
	p.Jaccard = float64(res.Shared) / float64(da+db-res.Shared)
	p.ContainmentA = float64(res.Shared) / float64(da)
	p.ContainmentB = float64(res.Shared) / float64(db)
	k := o.Shingle.K
	ua, ub := sa.Len()+k-1, sb.Len()+k-1 // units: tokens or runes
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
	case len(res.Passages) > 0 && max(p.CoverageA, p.CoverageB) >= o.ReuseScore:
		// Passages decide reuse, not the Jaccard similarity in the score:
		// short character shingles give any two texts on one story some.
		p.Kind = Reuse
	default:
		p.Kind = Candidate
	}
	if len(res.Passages) > 0 && reported(&p, minScore, o.ReuseScore) {
		p.Passages = slab.take(len(res.Passages))
		for i, ps := range res.Passages {
			p.Passages[i] = Passage{inA: shingleRange{ps.A0, ps.A1}, inB: shingleRange{ps.B0, ps.B1}}
		}
	}
	return p
}

// passageSlab hands out Passages from large blocks, so that the pairs
// of a scan keep theirs side by side, in about the order they are
// reported, instead of in an allocation each. The nil slab allocates
// each.
type passageSlab struct{ free []Passage }

// take returns n zero Passages.
func (s *passageSlab) take(n int) []Passage {
	if s == nil {
		return make([]Passage, n)
	}
	if cap(s.free)-len(s.free) < n {
		s.free = make([]Passage, 0, max(n, 1024))
	}
	l := len(s.free)
	s.free = s.free[:l+n]
	return s.free[l : l+n : l+n]
}

// coveredUnits counts the units (tokens or characters) covered by the
// passages' shingle ranges on one side, each range first..last covering
// units first..last+k-1.
func coveredUnits(ps []passage.Passage, k int, sideOf func(passage.Passage) (int, int)) int {
	type iv struct{ s, e int }
	var buf [16]iv // most pairs have few passages: no allocation
	ivs := buf[:0]
	for _, p := range ps {
		f, l := sideOf(p)
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
