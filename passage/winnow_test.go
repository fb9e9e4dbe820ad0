package passage

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neardup/neardup/internal/mix"
)

// winnowNaive selects the rightmost minimum of every window by brute force.
func winnowNaive(hashes []uint64, w int, seed uint64) []uint64 {
	var out []uint64
	last := -1
	if len(hashes) < w {
		if len(hashes) == 0 {
			return nil
		}
		w = len(hashes)
	}
	for s := 0; s+w <= len(hashes); s++ {
		best := s
		for i := s; i < s+w; i++ {
			if mix.Split64(hashes[i]^seed) <= mix.Split64(hashes[best]^seed) {
				best = i
			}
		}
		if best != last {
			out = append(out, hashes[best])
			last = best
		}
	}
	return out
}

func TestWinnow(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	var wn Winnower
	for _, n := range []int{0, 1, 3, 5, 6, 7, 10, 11, 12, 13, 100, 1000} {
		for _, w := range []int{1, 2, 3, 4, 6, 16} {
			h := make([]uint64, n)
			for i := range h {
				h[i] = rng.Uint64() % 50 // repeats, to exercise ties
			}
			got := wn.Winnow([]uint64{42}, h, w, 9) // reused, appended to
			if want := append([]uint64{42}, winnowNaive(h, w, 9)...); !slices.Equal(got, want) {
				t.Fatalf("n=%d w=%d: Winnow %v, brute force %v", n, w, got, want)
			}
		}
	}
	// Long sequences are winnowed in pieces: around the pieces' edges.
	for _, w := range []int{1, 2, 6, 16} {
		piece := w * winnowBlocks
		for _, n := range []int{piece - 1, piece, piece + 1, piece + w - 1, piece + w, piece + w + 1, 3*piece + 5} {
			for _, spread := range []uint64{3, 50, 0} {
				h := make([]uint64, n)
				for i := range h {
					h[i] = rng.Uint64()
					if spread > 0 {
						h[i] %= spread
					}
				}
				if got, want := wn.Winnow(nil, h, w, 9), winnowNaive(h, w, 9); !slices.Equal(got, want) {
					t.Fatalf("n=%d w=%d values below %d: Winnow gives %d fingerprints, brute force %d", n, w, spread, len(got), len(want))
				}
			}
		}
	}
}

// TestWinnowGuarantee: sequences sharing a run of w values share a
// fingerprint, wherever the run stands.
func TestWinnowGuarantee(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const w = 8
	for trial := 0; trial < 200; trial++ {
		run := make([]uint64, w)
		for i := range run {
			run[i] = rng.Uint64()
		}
		a := append(append(benchSetRng(rng, rng.IntN(50)), run...), benchSetRng(rng, rng.IntN(50))...)
		b := append(append(benchSetRng(rng, rng.IntN(50)), run...), benchSetRng(rng, rng.IntN(50))...)
		var wa, wb Winnower
		fa, fb := wa.Winnow(nil, a, w, 1), wb.Winnow(nil, b, w, 1)
		shared := false
		for _, x := range fa {
			if slices.Contains(fb, x) {
				shared = true
			}
		}
		if !shared {
			t.Fatalf("trial %d: a shared run of %d values gave no shared fingerprint", trial, w)
		}
	}
}

func benchSetRng(rng *rand.Rand, n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = rng.Uint64()
	}
	return s
}

func TestWinnowAllocs(t *testing.T) {
	h := benchSetRng(rand.New(rand.NewPCG(1, 2)), 2000)
	var wn Winnower
	dst := wn.Winnow(nil, h, 8, 1)
	if a := testing.AllocsPerRun(50, func() { dst = wn.Winnow(dst[:0], h, 8, 1) }); a != 0 {
		t.Errorf("%v allocations", a)
	}
}

func BenchmarkWinnow(b *testing.B) {
	h := benchSetRng(rand.New(rand.NewPCG(1, 2)), 500)
	var wn Winnower
	var dst []uint64
	b.SetBytes(8 * 500)
	b.ReportAllocs()
	for b.Loop() {
		dst = wn.Winnow(dst[:0], h, 8, 1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*500), "ns/shingle")
}
