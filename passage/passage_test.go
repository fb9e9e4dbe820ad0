package passage

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// seq makes a shingle sequence from small integers.
func seq(xs ...uint64) *Seq { return NewSeq(xs) }

func rng(from, to uint64) []uint64 {
	var s []uint64
	for x := from; x < to; x++ {
		s = append(s, x)
	}
	return s
}

func cat(parts ...[]uint64) []uint64 {
	var s []uint64
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

func TestCompare(t *testing.T) {
	stock := func(h uint64) bool { return h >= 900 }
	tests := []struct {
		name string
		a, b []uint64
		o    Options
		want string
	}{
		{"identical", rng(1, 11), rng(1, 11), Options{}, "10 [{0 9 0 9 10}]"},
		{"disjoint", rng(1, 11), rng(20, 30), Options{}, "0 []"},
		{"shifted inside", rng(1, 11), cat(rng(50, 55), rng(3, 8), rng(60, 70)), Options{}, "5 [{2 6 5 9 5}]"},
		{"two runs far apart", cat(rng(1, 6), rng(100, 120), rng(6, 11)), cat(rng(1, 6), rng(200, 230), rng(6, 11)), Options{Gap: 3},
			"10 [{0 4 0 4 5} {25 29 35 39 5}]"},
		{"edit joined by gap", cat(rng(1, 6), []uint64{500, 501}, rng(6, 11)), cat(rng(1, 6), []uint64{600, 601, 602}, rng(6, 11)), Options{Gap: 3},
			"10 [{0 11 0 12 10}]"},
		{"min weight", cat(rng(1, 3), []uint64{77}, rng(10, 16)), cat(rng(1, 3), []uint64{88}, rng(10, 16)), Options{MinWeight: 3},
			"8 [{3 8 3 8 6}]"},
		{"min total: one phrase is not enough", cat(rng(1, 3), rng(100, 120)), cat(rng(200, 220), rng(1, 3)), Options{MinTotal: 5},
			"2 []"},
		{"min total: passages add up", cat(rng(1, 4), rng(100, 120), rng(4, 6)), cat(rng(1, 4), rng(200, 220), rng(4, 6)), Options{MinTotal: 5},
			"5 [{0 2 0 2 3} {23 24 23 24 2}]"},
		{"min total counts kept passages only", cat(rng(1, 4), rng(100, 120), rng(4, 6)), cat(rng(1, 4), rng(200, 220), rng(4, 6)), Options{MinWeight: 3, MinTotal: 4},
			"5 []"},
		{"min total leaves stock out", cat(rng(1, 3), rng(900, 903), rng(3, 5)), cat(rng(1, 3), rng(900, 903), rng(3, 5)), Options{Stock: stock, MinTotal: 5},
			"7 []"},
		{"stock only run dropped", cat(rng(1, 3), rng(900, 905)), cat(rng(900, 905), rng(1, 3)), Options{Stock: stock},
			"7 [{0 1 5 6 2}]"},
		{"stock inside a run", cat(rng(1, 4), rng(900, 903), rng(4, 7)), cat(rng(1, 4), rng(900, 903), rng(4, 7)), Options{Stock: stock},
			"9 [{0 8 0 8 6}]"},
		{"stock does not end a run", cat(rng(50, 60), rng(1, 3), rng(900, 906)), cat(rng(1, 3), rng(900, 906), rng(70, 80)), Options{Stock: stock},
			"8 [{10 11 0 1 2}]"},
		{"repeated text tiles once", cat(rng(1, 6), rng(1, 6)), rng(1, 6), Options{}, "5 [{0 4 0 4 5}]"},
		{"over-repeated shingle is stock", []uint64{7, 7, 7, 7, 7, 7, 7, 7, 7}, []uint64{7, 7, 7, 7, 7, 7, 7, 7, 7}, Options{MaxRepeat: 10}, "1 []"},
	}
	var m Matcher
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := m.Compare(seq(tc.a...), seq(tc.b...), tc.o)
			got := fmt.Sprintf("%d %v", res.Shared, res.Passages)
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSeq(t *testing.T) {
	for _, tc := range []struct {
		hs            []uint64
		len, distinct int
	}{
		{nil, 0, 0},
		{[]uint64{0}, 1, 1},
		{[]uint64{5, 3, 5, 1}, 4, 3},
		{[]uint64{0, 7, 0, 7}, 4, 2},
	} {
		s := seq(tc.hs...)
		if s.Len() != tc.len || s.Distinct() != tc.distinct {
			t.Errorf("%v: Len %d Distinct %d, want %d %d", tc.hs, s.Len(), s.Distinct(), tc.len, tc.distinct)
		}
	}
}

func TestCompareSymmetric(t *testing.T) {
	a := cat(rng(1, 20), rng(40, 45), rng(20, 30))
	b := cat(rng(100, 104), rng(5, 25), rng(40, 45))
	var m Matcher
	ab := m.Compare(seq(a...), seq(b...), Options{Gap: 2})
	abp := append([]Passage(nil), ab.Passages...)
	ba := m.Compare(seq(b...), seq(a...), Options{Gap: 2})
	if ab.Shared != ba.Shared || len(abp) != len(ba.Passages) {
		t.Fatalf("a~b %v, b~a %v", abp, ba.Passages)
	}
	covered := func(ps []Passage, first bool) int {
		n := 0
		for _, p := range ps {
			if first {
				n += p.A1 - p.A0 + 1
			} else {
				n += p.B1 - p.B0 + 1
			}
		}
		return n
	}
	if covered(abp, true) != covered(ba.Passages, false) {
		t.Errorf("coverage of a differs by direction: %v vs %v", abp, ba.Passages)
	}
}

func ExampleMatcher_Compare() {
	// Shingle hashes of two texts: the second quotes 6 shingles of the first.
	a := NewSeq([]uint64{11, 12, 13, 14, 15, 16, 17, 18, 19})
	b := NewSeq([]uint64{90, 91, 13, 14, 15, 16, 17, 18, 92})
	var m Matcher
	res := m.Compare(a, b, Options{MinWeight: 3})
	for _, p := range res.Passages {
		fmt.Printf("A %d..%d = B %d..%d\n", p.A0, p.A1, p.B0, p.B1)
	}
	// Output: A 2..7 = B 2..7
}

func BenchmarkCompare(b *testing.B) {
	x := make([]uint64, 600)
	y := make([]uint64, 600)
	for i := range x {
		x[i] = uint64(i) * 0x9e3779b97f4a7c15
		y[i] = uint64(i+1000) * 0x9e3779b97f4a7c15
	}
	copy(y[200:], x[100:180]) // an 80-shingle shared passage
	sa, sb := NewSeq(x), NewSeq(y)
	var m Matcher
	b.ReportAllocs()
	for b.Loop() {
		m.Compare(sa, sb, Options{Gap: 6})
	}
}

// TestCompareMatchesReference compares Compare with a direct reference
// implementation (all matches of a sorted merge, sorted by diagonal) on
// random sequences: spread hashes with shared passages, small alphabets
// with many repeats, hash 0, stock shingles, and one first sequence
// compared with several others in a row, as the Matcher's index is kept
// between them. Sequences made by NewSharedSeq, with the filter a corpus
// of the four sequences gives (hashes of two of them or more) and with
// false positives added, must find the same.
func TestCompareMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var ms [2]Matcher // one for each kind of Seq, each keeping its index
	for trial := 0; trial < 2000; trial++ {
		gen := func() []uint64 {
			hs := make([]uint64, rng.IntN(300))
			alphabet := uint64(1) << (2 + rng.IntN(62))
			for i := range hs {
				hs[i] = rng.Uint64() % alphabet
			}
			return hs
		}
		a := gen()
		var bs [3][]uint64
		for other := range bs {
			b := gen()
			// Plant passages of a in b.
			for p := rng.IntN(4); p > 0 && len(a) > 0 && len(b) > 0; p-- {
				from := rng.IntN(len(a))
				n := min(rng.IntN(40), len(a)-from)
				at := rng.IntN(len(b))
				copy(b[at:], a[from:from+n])
			}
			bs[other] = b
		}
		df := map[uint64]int{}
		for _, hs := range append([][]uint64{a}, bs[:]...) {
			seen := map[uint64]bool{}
			for _, h := range hs {
				if !seen[h] {
					seen[h] = true
					df[h]++
				}
			}
		}
		shared := func(h uint64) bool { return df[h] >= 2 }
		if trial%3 == 0 {
			shared = func(h uint64) bool { return df[h] >= 2 || h%7 == 0 }
		}
		at := func(hs []uint64) []int32 {
			at := []int32{}
			for i, h := range hs {
				if shared(h) {
					at = append(at, int32(i))
				}
			}
			return at
		}
		sa, sparseA := NewSeq(a), NewSharedSeq(a, -1, at(a))
		if trial%2 == 0 { // a caller that knows the distinct count
			sparseA = NewSharedSeq(a, sa.Distinct(), at(a))
		}
		if sparseA.Len() != sa.Len() || sparseA.Distinct() != sa.Distinct() {
			t.Fatalf("trial %d: NewSharedSeq has Len %d, Distinct %d; NewSeq %d, %d", trial, sparseA.Len(), sparseA.Distinct(), sa.Len(), sa.Distinct())
		}
		for other, b := range bs {
			o := Options{Gap: rng.IntN(8), MinWeight: rng.IntN(4), MinTotal: rng.IntN(12), MaxRepeat: rng.IntN(80)}
			if trial%2 == 0 {
				o.Stock = func(h uint64) bool { return h%5 == 0 }
			}
			want := reference(a, b, o)
			for kind, seqs := range [][2]*Seq{{sa, NewSeq(b)}, {sparseA, NewSharedSeq(b, -1, at(b))}} {
				got := ms[kind].Compare(seqs[0], seqs[1], o)
				if got.Shared != want.Shared || !slices.Equal(got.Passages, want.Passages) {
					t.Fatalf("trial %d/%d, %s: got %d %v, want %d %v", trial, other, []string{"NewSeq", "NewSharedSeq"}[kind], got.Shared, got.Passages, want.Shared, want.Passages)
				}
			}
		}
	}
}

// reference is Compare done directly: the sorted merge of both
// sequences' (hash, position) lists gives every match, which are sorted
// by diagonal and position to find the runs.
func reference(a, b []uint64, o Options) Result {
	type entry struct {
		h   uint64
		pos int32
	}
	sorted := func(hs []uint64) []entry {
		es := make([]entry, len(hs))
		for i, h := range hs {
			es[i] = entry{h, int32(i)}
		}
		slices.SortFunc(es, func(x, y entry) int { return cmp.Compare(x.h, y.h) })
		return es
	}
	maxRep := o.MaxRepeat
	if maxRep <= 0 {
		maxRep = 64
	}
	type match struct {
		i, j  int32
		stock bool
	}
	var matches []match
	var res Result
	x, y := sorted(a), sorted(b)
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i].h < y[j].h:
			i++
		case x[i].h > y[j].h:
			j++
		default:
			h := x[i].h
			ie, je := i+1, j+1
			for ie < len(x) && x[ie].h == h {
				ie++
			}
			for je < len(y) && y[je].h == h {
				je++
			}
			res.Shared++
			stock := o.Stock != nil && o.Stock(h)
			if (ie-i)*(je-j) <= maxRep {
				for p := i; p < ie; p++ {
					for q := j; q < je; q++ {
						matches = append(matches, match{x[p].pos, y[q].pos, stock})
					}
				}
			}
			i, j = ie, je
		}
	}
	// Runs: maximal stretches of matches on one diagonal at consecutive
	// positions, trimmed of stock matches at both ends.
	slices.SortFunc(matches, func(p, q match) int {
		return cmp.Or(cmp.Compare(p.j-p.i, q.j-q.i), cmp.Compare(p.i, q.i))
	})
	var m Matcher
	for s := 0; s < len(matches); {
		e := s + 1
		for e < len(matches) && matches[e].j-matches[e].i == matches[s].j-matches[s].i && matches[e].i == matches[e-1].i+1 {
			e++
		}
		f, l := s, e
		for f < l && matches[f].stock {
			f++
		}
		for l > f && matches[l-1].stock {
			l--
		}
		w := 0
		for _, mt := range matches[f:l] {
			if !mt.stock {
				w++
			}
		}
		if w > 0 {
			m.runs = append(m.runs, Run{A: int(matches[f].i), B: int(matches[f].j), Len: l - f, Weight: w})
		}
		s = e
	}
	m.tile(len(a), len(b))
	res.Passages = slices.Clone(m.join(o.Gap, o.MinWeight, 0))
	total := 0
	for _, p := range res.Passages {
		total += p.Weight
	}
	if total < o.MinTotal {
		res.Passages = nil
	}
	return res
}

// BenchmarkCompareMany compares one sequence with many others in turn,
// as a scan verifies a document's candidates: 180 shingles each, sharing
// 5.
func BenchmarkCompareMany(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func(n int) []uint64 {
		hs := make([]uint64, n)
		for i := range hs {
			hs[i] = rng.Uint64()
		}
		return hs
	}
	a := gen(180)
	sa := NewSeq(a)
	var others []*Seq
	for k := 0; k < 64; k++ {
		o := gen(180)
		copy(o[50:], a[20:25])
		others = append(others, NewSeq(o))
	}
	var m Matcher
	k := 0
	for b.Loop() {
		m.Compare(sa, others[k&63], Options{Gap: 6})
		k++
	}
}
