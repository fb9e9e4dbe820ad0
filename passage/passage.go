// Package passage finds the passages that two shingled texts share.
//
// Two texts are compared as sequences of shingle hashes. Every position
// pair (i, j) with equal hashes is a match; matches on one diagonal
// (j-i constant) at consecutive i form a run, a stretch of text that both
// texts contain word for word. Runs are chosen longest first without
// overlap on either side, as in Greedy String Tiling (Wise, "YAP3:
// Improved Detection of Similarities in Computer Program and Other
// Texts", SIGCSE 1996), and runs separated by short gaps on both sides
// (a changed word, an inserted clause) are joined into one passage.
//
// Shingles that a caller marks as stock (for example, phrases common to a
// large share of a corpus) may continue a run but never start or end one,
// and never count towards its weight, so a run made only of stock phrases
// is never evidence.
package passage

import (
	"cmp"
	"math/bits"
	"slices"
)

// Seq is a text's shingle sequence prepared for comparison. Create one with
// NewSeq; a Seq is immutable and safe for concurrent use.
type Seq struct {
	n        int
	hs       []uint64 // hashes, sorted
	pos      []int32  // the position of each
	distinct int
}

type entry struct {
	h   uint64
	pos int32
}

// NewSeq prepares the shingle hashes of one text, in text order. It does
// not keep hashes.
func NewSeq(hashes []uint64) *Seq {
	n := len(hashes)
	s := &Seq{n: n, hs: make([]uint64, n), pos: make([]int32, n)}
	if n == 0 {
		return s
	}
	// By hash only: the order of a repeated shingle's positions does not
	// matter, as Compare orders its matches itself. Hashes are spread
	// evenly, so a bucket sort on their top bits leaves each bucket a few
	// entries to sort; a bucket that holds many (hashes that are not
	// spread) is sorted by comparison.
	b := bits.Len(uint(n))
	start := make([]int32, 1<<b+1)
	for _, h := range hashes {
		start[h>>(64-b)+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	sorted := make([]entry, n)
	next := slices.Clone(start[:1<<b])
	for i, h := range hashes {
		k := h >> (64 - b)
		sorted[next[k]] = entry{h, int32(i)}
		next[k]++
	}
	for k := 0; k < 1<<b; k++ {
		bucket := sorted[start[k]:start[k+1]]
		if len(bucket) > 16 {
			slices.SortFunc(bucket, func(a, b entry) int { return cmp.Compare(a.h, b.h) })
			continue
		}
		for i := 1; i < len(bucket); i++ {
			for j := i; j > 0 && bucket[j].h < bucket[j-1].h; j-- {
				bucket[j], bucket[j-1] = bucket[j-1], bucket[j]
			}
		}
	}
	// Kept as two slices: 12 bytes a shingle instead of a padded 16.
	for i, e := range sorted {
		s.hs[i], s.pos[i] = e.h, e.pos
		if i == 0 || e.h != sorted[i-1].h {
			s.distinct++
		}
	}
	return s
}

// Len reports the number of shingles in the sequence.
func (s *Seq) Len() int { return s.n }

// Distinct reports the number of distinct shingles.
func (s *Seq) Distinct() int { return s.distinct }

// Hashes appends the distinct shingle hashes in increasing order to dst.
func (s *Seq) Hashes(dst []uint64) []uint64 {
	for i, h := range s.hs {
		if i == 0 || h != s.hs[i-1] {
			dst = append(dst, h)
		}
	}
	return dst
}

// Run is a stretch of shingles that two sequences share on one diagonal.
type Run struct {
	A, B   int // first shingle in each sequence
	Len    int // shingles in the run
	Weight int // shingles in the run that are not stock
}

// Passage is a shared passage: shingles A0..A1 of the first sequence
// correspond to B0..B1 of the second (inclusive bounds).
type Passage struct {
	A0, A1, B0, B1 int
	// Weight is the number of non-stock shingles of the runs joined.
	Weight int
}

// Options tune a comparison. The zero value finds every run.
type Options struct {
	// Stock reports whether a shingle is a stock phrase. Nil means none is.
	Stock func(h uint64) bool
	// MinWeight is the least Weight a passage, its runs joined, needs to
	// be kept. Runs of any weight take part in joining.
	MinWeight int
	// Gap is the most shingles that may separate two runs, on each side,
	// for them to join into one passage.
	Gap int
	// MaxRepeat bounds the work on a shingle repeated within a text: a
	// shingle occurring p times in one text and q in the other makes p·q
	// matches, and one with p·q > MaxRepeat is treated as stock. Zero means
	// 64.
	MaxRepeat int
}

// Result is what Compare finds.
type Result struct {
	// Shared is the number of distinct shingles the two sequences share.
	Shared int
	// Passages are the shared passages in order of A0.
	Passages []Passage
}

// Matcher compares sequences, reusing its memory between calls. The zero
// value is ready to use; a Matcher is not safe for concurrent use.
type Matcher struct {
	matches []match
	runs    []Run
	passes  []Passage
	takenA  []bool
	takenB  []bool
}

type match struct {
	i, j  int32
	stock bool
}

// Compare finds the passages a and b share. The returned Passages slice
// belongs to the Matcher and is valid until its next Compare.
func (m *Matcher) Compare(a, b *Seq, o Options) Result {
	maxRep := o.MaxRepeat
	if maxRep <= 0 {
		maxRep = 64
	}
	m.matches = m.matches[:0]
	var res Result
	x, y := a.hs, b.hs
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] < y[j]:
			i++
		case x[i] > y[j]:
			j++
		default:
			h := x[i]
			ie, je := i+1, j+1
			for ie < len(x) && x[ie] == h {
				ie++
			}
			for je < len(y) && y[je] == h {
				je++
			}
			res.Shared++
			stock := o.Stock != nil && o.Stock(h)
			if (ie-i)*(je-j) <= maxRep {
				for p := i; p < ie; p++ {
					for q := j; q < je; q++ {
						m.matches = append(m.matches, match{a.pos[p], b.pos[q], stock})
					}
				}
			}
			i, j = ie, je
		}
	}
	m.findRuns()
	m.tile(a.n, b.n)
	res.Passages = m.join(o.Gap, o.MinWeight)
	return res
}

// findRuns groups matches into diagonal runs and keeps those with a
// non-stock shingle.
func (m *Matcher) findRuns() {
	slices.SortFunc(m.matches, func(p, q match) int {
		if c := cmp.Compare(p.j-p.i, q.j-q.i); c != 0 {
			return c
		}
		return cmp.Compare(p.i, q.i)
	})
	m.runs = m.runs[:0]
	for s := 0; s < len(m.matches); {
		e := s + 1
		for e < len(m.matches) && m.matches[e].j-m.matches[e].i == m.matches[s].j-m.matches[s].i && m.matches[e].i == m.matches[e-1].i+1 {
			e++
		}
		// Stock shingles may continue a run but not start or end one: a
		// boilerplate line after one word of real text is not a passage.
		f, l := s, e
		for f < l && m.matches[f].stock {
			f++
		}
		for l > f && m.matches[l-1].stock {
			l--
		}
		w := 0
		for _, mt := range m.matches[f:l] {
			if !mt.stock {
				w++
			}
		}
		if w > 0 {
			m.runs = append(m.runs, Run{A: int(m.matches[f].i), B: int(m.matches[f].j), Len: l - f, Weight: w})
		}
		s = e
	}
}

// tile keeps runs heaviest first, dropping any that overlaps a kept run on
// either side.
func (m *Matcher) tile(na, nb int) {
	slices.SortFunc(m.runs, func(p, q Run) int {
		if c := cmp.Compare(q.Weight, p.Weight); c != 0 {
			return c
		}
		if c := cmp.Compare(q.Len, p.Len); c != 0 {
			return c
		}
		if c := cmp.Compare(p.A, q.A); c != 0 {
			return c
		}
		return cmp.Compare(p.B, q.B)
	})
	m.takenA = resetBools(m.takenA, na)
	m.takenB = resetBools(m.takenB, nb)
	kept := m.runs[:0]
	for _, r := range m.runs {
		if anyTaken(m.takenA[r.A:r.A+r.Len]) || anyTaken(m.takenB[r.B:r.B+r.Len]) {
			continue
		}
		for k := 0; k < r.Len; k++ {
			m.takenA[r.A+k] = true
			m.takenB[r.B+k] = true
		}
		kept = append(kept, r)
	}
	m.runs = kept
}

// join merges runs, in order of A, whose gaps on both sides are at most
// gap shingles and run forward on both sides, and keeps the passages of
// at least minWeight.
func (m *Matcher) join(gap, minWeight int) []Passage {
	slices.SortFunc(m.runs, func(p, q Run) int { return cmp.Compare(p.A, q.A) })
	m.passes = m.passes[:0]
	for _, r := range m.runs {
		if n := len(m.passes); n > 0 {
			p := &m.passes[n-1]
			ga, gb := r.A-p.A1-1, r.B-p.B1-1
			if ga >= 0 && gb >= 0 && ga <= gap && gb <= gap {
				p.A1, p.B1 = r.A+r.Len-1, r.B+r.Len-1
				p.Weight += r.Weight
				continue
			}
		}
		m.passes = append(m.passes, Passage{A0: r.A, A1: r.A + r.Len - 1, B0: r.B, B1: r.B + r.Len - 1, Weight: r.Weight})
	}
	kept := m.passes[:0]
	for _, p := range m.passes {
		if p.Weight >= minWeight {
			kept = append(kept, p)
		}
	}
	m.passes = kept
	return kept
}

func resetBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

func anyTaken(b []bool) bool {
	for _, t := range b {
		if t {
			return true
		}
	}
	return false
}
