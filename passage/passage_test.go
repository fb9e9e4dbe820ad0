package passage

import (
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
	s := seq(5, 3, 5, 1)
	if s.Len() != 4 || s.Distinct() != 3 {
		t.Errorf("Len %d Distinct %d", s.Len(), s.Distinct())
	}
	if got := fmt.Sprint(s.Hashes(nil)); got != "[1 3 5]" {
		t.Errorf("Hashes = %s", got)
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

// TestNewSeqOrder checks the bucket sort of NewSeq on spread, repeated and
// unspread (small) hashes: hashes sorted, each position kept once with
// its hash.
func TestNewSeqOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := 0; trial < 300; trial++ {
		hs := make([]uint64, rng.IntN(500))
		for i := range hs {
			switch trial % 3 {
			case 0:
				hs[i] = rng.Uint64()
			case 1:
				hs[i] = rng.Uint64() % 7
			default:
				hs[i] = rng.Uint64() >> uint(rng.IntN(64))
			}
		}
		s := NewSeq(hs)
		if !slices.IsSorted(s.hs) || len(s.pos) != len(hs) {
			t.Fatalf("trial %d: not sorted", trial)
		}
		seen := make([]bool, len(hs))
		for i, p := range s.pos {
			if seen[p] || hs[p] != s.hs[i] {
				t.Fatalf("trial %d: position %d lost or misplaced", trial, p)
			}
			seen[p] = true
		}
		want := slices.Clone(hs)
		slices.Sort(want)
		if s.Distinct() != len(slices.Compact(want)) {
			t.Fatalf("trial %d: %d distinct, want %d", trial, s.Distinct(), len(slices.Compact(want)))
		}
	}
}
