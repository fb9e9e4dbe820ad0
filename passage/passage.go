// Package passage finds the passages that two shingled texts share.
//
// Two texts are compared as sequences of shingle hashes. Every position
// pair (i, j) with equal hashes is a match; matches on one diagonal
// (j-i constant) at consecutive i form a run, a stretch of text that both
// texts contain word for word. Runs are chosen heaviest first (their
// weight: the shingles in them that are not stock) without overlap on
// either side, as in Greedy String Tiling (Wise, "YAP3:
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

	"github.com/neardup/neardup/internal/mix"
)

// Seq is a text's shingle sequence prepared for comparison. Create one with
// NewSeq or NewSharedSeq; a Seq is immutable and safe for concurrent use.
type Seq struct {
	hs []uint64 // the hashes that may match, in text order
	// pos holds their positions in the text, two to a word, the first in
	// the low half; nil: hs is the text. It follows hs in one allocation,
	// so that the positions of the hashes found are near those read.
	pos      []uint64
	n        int // shingles in the text
	distinct int
	zero     bool // hs holds 0, which a Matcher's table cannot mark empty
}

// NewSeq prepares the shingle hashes of one text, in text order. The Seq
// refers to hashes, which must not change while it is in use.
func NewSeq(hashes []uint64) *Seq {
	return &Seq{hs: hashes, n: len(hashes), distinct: countDistinct(hashes), zero: slices.Contains(hashes, 0)}
}

// NewSharedSeq is NewSeq for a text of a corpus in which most shingles
// occur in one text only, as in most corpora: such a shingle matches
// nothing, so the Seq keeps only the hashes at positions at (increasing),
// and comparisons look at those alone. at may hold positions of hashes
// that no other text has (found through a filter with false positives),
// but must hold every position whose hash the text shares with a text it
// is compared with; then every comparison finds what it finds with
// NewSeq, faster. A nil at keeps every hash. distinct is the number of
// distinct hashes when the caller knows it, or else negative, to have
// them counted. The Seq refers to neither hashes nor at, except with a
// nil at, when it refers to hashes as NewSeq's does.
func NewSharedSeq(hashes []uint64, distinct int, at []int32) *Seq {
	if distinct < 0 {
		distinct = countDistinct(hashes)
	}
	if at == nil {
		return &Seq{hs: hashes, n: len(hashes), distinct: distinct, zero: slices.Contains(hashes, 0)}
	}
	buf := make([]uint64, len(at)+(len(at)+1)/2)
	s := &Seq{hs: buf[:len(at):len(at)], pos: buf[len(at):], n: len(hashes), distinct: distinct}
	for k, i := range at {
		h := hashes[i]
		s.hs[k] = h
		if h == 0 {
			s.zero = true
		}
		s.pos[k/2] |= uint64(uint32(i)) << (32 * (k % 2))
	}
	return s
}

// at returns the position in the text of the i'th hash of s.hs.
func (s *Seq) at(i int) int32 {
	if s.pos == nil {
		return int32(i)
	}
	return int32(uint32(s.pos[uint(i)/2] >> (uint(i) % 2 * 32)))
}

// countDistinct counts the distinct values of hs through an
// open-addressing set.
func countDistinct(hs []uint64) int {
	if len(hs) < 2 {
		return len(hs)
	}
	if len(hs) > largeSeq { // a set would take four times their size
		sorted := slices.Clone(hs)
		slices.Sort(sorted)
		return len(slices.Compact(sorted))
	}
	var small [1024]uint64 // on the stack: most texts need no allocation
	size := 1 << bits.Len(uint(2*len(hs)))
	set := small[:]
	if size > len(small) {
		set = make([]uint64, size)
	}
	set = set[:size]
	shift := 64 - bits.Len(uint(size-1))
	mask := size - 1
	n, zero := 0, false // 0 marks empty slots, so is counted apart
	for _, h := range hs {
		if h == 0 {
			if !zero {
				zero = true
				n++
			}
			continue
		}
		for k := slotOf(h, shift); ; k = (k + 1) & mask {
			if set[k] == h {
				break
			}
			if set[k] == 0 {
				set[k] = h
				n++
				break
			}
		}
	}
	return n
}

// largeSeq is the number of hashes from which a sequence is handled by
// sorting rather than in a hash table, to bound the memory of a large
// text.
const largeSeq = 1 << 20

// shareAny reports whether a and b have a hash in common, by sorting a
// copy of a and seeking b's hashes in it.
func shareAny(a, b []uint64) bool {
	x := slices.Clone(a)
	slices.Sort(x)
	for _, h := range b {
		if _, ok := slices.BinarySearch(x, h); ok {
			return true
		}
	}
	return false
}

// slotOf is the first slot of h in a table of 2^(64-shift) slots: the
// top bits of h mixed, so that hashes that are not spread (small
// integers in tests) spread all the same.
func slotOf(h uint64, shift int) int { return int(mix.Slot(h, uint(shift))) }

// Len reports the number of shingles in the sequence.
func (s *Seq) Len() int { return s.n }

// Distinct reports the number of distinct shingles.
func (s *Seq) Distinct() int { return s.distinct }

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
	// MinTotal is the least Weight that the kept passages must hold
	// together: with less, Compare finds no passage. Two texts that share
	// only a few shingles share a phrase (a common turn of words), which
	// is no evidence that one was taken from the other.
	MinTotal int
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
//
// A Matcher indexes the first sequence of a comparison and keeps the
// index while the next comparisons have the same first sequence, so
// comparing one sequence with many others is fastest with it first, the
// others in turn second.
type Matcher struct {
	base   *Seq     // the indexed sequence
	keys   []uint64 // open-addressing table of base's distinct hashes
	slots  []slot   // beside keys
	more   []more   // further positions of repeated hashes
	empty  uint64   // the key of empty slots: a value not in base
	shift  int
	stamp  uint32 // comparisons since the slots' stamps were cleared
	hits   []hit
	is     []int32 // a hit's positions in base
	open   []openRun
	rowA   []rowEntry
	rowB   []rowEntry
	runs   []Run
	passes []Passage
	takenA []bool
	takenB []bool
}

// slot is what the Matcher knows of one distinct hash of its base: where
// it occurs, and in the current comparison how often the other sequence
// has it.
type slot struct {
	pos   int32 // first position in base
	next  int32 // index in more of the next position, or -1
	count int32 // occurrences in base
	stamp uint32
	other int32 // occurrences in the other sequence, when stamp is current
}

type more struct{ pos, next int32 }

type hit struct{ j, slot int32 }

// index builds the Matcher's table of a's distinct hashes.
func (m *Matcher) index(a *Seq) {
	m.base = a
	// At most 1/4 full, so that most lookups of absent hashes, the
	// common case, end at their first slot; at most half full for long
	// texts, whose tables (28 bytes a slot) would not stay in cache
	// anyway.
	n := min(a.distinct, len(a.hs)) // at least the distinct hashes kept
	load := 4
	if n > 1<<16 {
		load = 2
	}
	size := 1 << bits.Len(uint(load*n))
	if cap(m.keys) < size {
		m.keys = make([]uint64, size)
		m.slots = make([]slot, size)
	}
	m.keys, m.slots = m.keys[:size], m.slots[:size]
	m.empty = absent(a)
	for k := range m.keys {
		m.keys[k] = m.empty
	}
	clear(m.slots)
	m.more = m.more[:0]
	m.stamp = 0
	m.shift = 64 - bits.Len(uint(size-1))
	mask := size - 1
	for x, h := range a.hs {
		i := a.at(x)
		k := slotOf(h, m.shift)
		for m.keys[k] != h && m.keys[k] != m.empty {
			k = (k + 1) & mask
		}
		m.keys[k] = h
		sl := &m.slots[k]
		if sl.count == 0 {
			sl.pos, sl.next = i, -1
		} else {
			// Positions are kept in any order: findRuns sorts a
			// hash's positions.
			m.more = append(m.more, more{i, sl.next})
			sl.next = int32(len(m.more) - 1)
		}
		sl.count++
	}
}

// absent returns a value that is not in s's hashes, to mark empty slots:
// 0 unless they hold 0, and otherwise the least of 1 … len(hs) that they
// lack.
func absent(s *Seq) uint64 {
	if !s.zero {
		return 0
	}
	seen := make([]bool, len(s.hs)+1)
	for _, h := range s.hs {
		if h < uint64(len(seen)) {
			seen[h] = true
		}
	}
	return uint64(slices.Index(seen, false))
}

// Compare finds the passages a and b share. The returned Passages slice
// belongs to the Matcher and is valid until its next Compare.
func (m *Matcher) Compare(a, b *Seq, o Options) Result {
	maxRep := o.MaxRepeat
	if maxRep <= 0 {
		maxRep = 64
	}
	if m.base != a && len(a.hs) > largeSeq && !shareAny(a.hs, b.hs) {
		// Two large texts paired by chance (their fingerprints' keys can
		// collide) share nothing: found without a table of a's hashes,
		// which would take several times their size.
		return Result{}
	}
	if m.base != a {
		m.index(a)
	}
	if m.stamp++; m.stamp == 0 {
		for k := range m.slots {
			m.slots[k].stamp = 0
		}
		m.stamp = 1
	}
	var res Result
	// Look up b's shingles, in text order, counting each distinct shared
	// hash once and its occurrences in b.
	if len(m.keys) > 0 {
		m.hits, res.Shared = m.lookup(b, m.hits[:0])
	} else {
		m.hits = m.hits[:0]
	}
	m.findRuns(o, maxRep)
	m.tile(a.Len(), b.Len())
	res.Passages = m.join(o.Gap, o.MinWeight, o.MinTotal)
	return res
}

// lookup looks b's hashes up in the table of the base, in text order,
// appending to hits those it holds, and returns them with the number of
// distinct hashes found. Most lookups miss: a first loop, with few enough
// variables to keep them in registers, only finds the slots of hashes
// found, and a second counts them and turns their indexes in b into
// positions.
func (m *Matcher) lookup(b *Seq, hits []hit) ([]hit, int) {
	keys, empty, shift := m.keys, m.empty, uint(m.shift)&63
	mask := len(keys) - 1
	hits = slices.Grow(hits[:0], len(b.hs))[:len(b.hs)]
	n := 0
	for x, h := range b.hs {
		k := int(mix.Slot(h, uint(shift))) & mask
		for keys[k] != h && keys[k] != empty {
			k = (k + 1) & mask
		}
		hits[n] = hit{int32(x), int32(k)}
		if keys[k] == h && h != empty {
			n++
		}
	}
	hits = hits[:n]
	shared, stamp := 0, m.stamp
	for i := range hits {
		sl := &m.slots[hits[i].slot]
		if sl.stamp != stamp {
			sl.stamp, sl.other = stamp, 0
			shared++
		}
		sl.other++
		hits[i].j = b.at(int(hits[i].j))
	}
	return hits, shared
}

// findRuns turns the hits into diagonal runs, keeping those with a
// non-stock shingle. The hits come in order of j, each with its
// positions in a (over-repeated shingles left out): a match (i, j)
// continues the run that holds (i-1, j-1), in the row of the previous j,
// or starts one. Both rows are in order of i, so each step is a merge.
func (m *Matcher) findRuns(o Options, maxRep int) {
	m.open = m.open[:0]
	prev, cur := m.rowA[:0], m.rowB[:0]
	prevJ := int32(-2)
	for _, ht := range m.hits {
		sl := &m.slots[ht.slot]
		if int(sl.count)*int(sl.other) > maxRep {
			continue
		}
		stock := o.Stock != nil && o.Stock(m.keys[ht.slot])
		is := append(m.is[:0], sl.pos)
		for x := sl.next; x >= 0; x = m.more[x].next {
			is = append(is, m.more[x].pos)
		}
		if len(is) > 1 {
			slices.Sort(is)
		}
		m.is = is
		if ht.j != prevJ+1 {
			prev = prev[:0]
		}
		cur = cur[:0]
		p := 0
		for _, i := range is {
			for p < len(prev) && prev[p].i < i-1 {
				p++
			}
			r := int32(len(m.open))
			if p < len(prev) && prev[p].i == i-1 {
				r = prev[p].run
			} else {
				m.open = append(m.open, openRun{a: i, b: ht.j, first: -1})
			}
			run := &m.open[r]
			if !stock {
				if run.first < 0 {
					run.first = run.n
				}
				run.last = run.n
				run.weight++
			}
			run.n++
			cur = append(cur, rowEntry{i, r})
		}
		prev, cur = cur, prev
		prevJ = ht.j
	}
	m.rowA, m.rowB = prev, cur
	// Stock shingles may continue a run but not start or end one: a
	// boilerplate line after one word of real text is not a passage.
	m.runs = m.runs[:0]
	for _, r := range m.open {
		if r.weight > 0 {
			m.runs = append(m.runs, Run{A: int(r.a + r.first), B: int(r.b + r.first), Len: int(r.last - r.first + 1), Weight: int(r.weight)})
		}
	}
}

// openRun is a run being found: it starts at (a, b) and has n matches so
// far, the non-stock ones (weight of them) from offset first to last.
type openRun struct {
	a, b                   int32
	n, first, last, weight int32
}

// rowEntry says that the match at position i of a, in the current row,
// belongs to run.
type rowEntry struct{ i, run int32 }

// tile keeps runs heaviest first, dropping any that overlaps a kept run on
// either side.
func (m *Matcher) tile(na, nb int) {
	if len(m.runs) < 2 {
		return // nothing to overlap, the common case
	}
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
// at least minWeight, if they weigh minTotal together.
func (m *Matcher) join(gap, minWeight, minTotal int) []Passage {
	if len(m.runs) > 1 {
		slices.SortFunc(m.runs, func(p, q Run) int { return cmp.Compare(p.A, q.A) })
	}
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
	kept, total := m.passes[:0], 0
	for _, p := range m.passes {
		if p.Weight >= minWeight {
			kept = append(kept, p)
			total += p.Weight
		}
	}
	if total < minTotal {
		kept = kept[:0]
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
