package detect

import (
	"math/rand/v2"
	"testing"
)

// TestBitmap checks that a bitmap holds every value it was made of, and
// that about 1 in 16 to 1 in 32 others pass for members, whatever the
// number of values.
func TestBitmap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{0, 1, 3, 100, 5000, 200000} {
		rests := make([]uint32, n)
		in := map[uint32]bool{}
		for i := range rests {
			rests[i] = rng.Uint32()
			in[rests[i]] = true
		}
		if n > 2 {
			rests[0], rests[1] = 0, 1<<32-1 // the extremes
			in[0], in[1<<32-1] = true, true
		}
		b := newBitmap(rests)
		for _, r := range rests {
			if !b.has(r) {
				t.Fatalf("%d values: %#x is missing", n, r)
			}
		}
		fp, tries := 0, 100000
		for range tries {
			if r := rng.Uint32(); !in[r] && b.has(r) {
				fp++
			}
		}
		rate := float64(fp) / float64(tries)
		if n == 0 && fp > 0 || n >= 100 && (rate < 1.0/64 || rate > 1.0/12) {
			t.Errorf("%d values: %.4f of other values pass for members, want about 1/16 to 1/32", n, rate)
		}
	}
}

// TestFilter checks a scan's filter of shared keys against document
// frequencies counted directly: every key of two documents or more
// passes.
func TestFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	var c counter
	df := map[uint64]int{}
	vocab := make([]uint64, 3000)
	for i := range vocab {
		vocab[i] = keyOf(rng.Uint64())
	}
	for range 400 {
		seen := map[uint64]bool{}
		var keys []uint64
		for range 50 {
			k := vocab[rng.IntN(len(vocab))]
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
				df[k]++
			}
		}
		c.add(keys, nil)
	}
	_, _, shared := c.stockSet(50, 2)
	if shared == nil {
		t.Fatal("no filter after exact counts")
	}
	twice := 0
	for k, n := range df {
		if n >= 2 {
			twice++
			if !shared.has(k) {
				t.Fatalf("key %#x of %d documents is not in the filter", k, n)
			}
		}
	}
	if twice == 0 || twice == len(df) {
		t.Fatalf("%d of %d keys in two documents or more: the test needs both kinds", twice, len(df))
	}
}
