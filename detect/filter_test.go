package detect

import (
	"math/rand/v2"
	"testing"
)

// TestFilterBits checks that a filter holds every key it was made of,
// and that about 1 in 16 to 1 in 32 others pass for members, whatever the
// number of keys, and that it stays small when there are none.
func TestFilterBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{0, 1, 3, 100, 5000, 200000} {
		var rests [1 << splitBits][]uint32
		in := map[uint64]bool{}
		add := func(k uint64) {
			p, r := splitKey(k)
			rests[p] = append(rests[p], r)
			in[k] = true
		}
		for range n {
			add(keyOf(rng.Uint64()))
		}
		if n > 2 {
			add(0) // the extremes
			add(keyOf(^uint64(0)))
		}
		f := newFilter(rests)
		if n == 0 && len(f.bits) > 1 {
			t.Errorf("no keys: %d words", len(f.bits))
		}
		for k := range in {
			if !f.has(k) {
				t.Fatalf("%d keys: %#x is missing", n, k)
			}
		}
		fp, tries := 0, 100000
		for range tries {
			if k := keyOf(rng.Uint64()); !in[k] && f.has(k) {
				fp++
			}
		}
		rate := float64(fp) / float64(tries)
		if n == 0 && fp > 0 || n >= 100 && (rate < 1.0/64 || rate > 1.0/12) {
			t.Errorf("%d keys: %.4f of other keys pass for members, want about 1/16 to 1/32", n, rate)
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
