package detect

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// TestSketch counts keys of known frequencies from several goroutines at
// once: no count may be under the truth, and with so few keys in 2^21
// lines none should be over it. A key added past 65535 times stays there.
func TestSketch(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	want := map[uint64]int{}
	var keys []uint64
	for range 20000 {
		k := rng.Uint64()
		n := 1 + rng.IntN(40)
		want[k] = n
		for range n {
			keys = append(keys, k)
		}
	}
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	s := newSketch()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine, scratch []uint64
			for i := g; i < len(keys); i += 4 {
				if mine = append(mine, keys[i]); len(mine) == 1000 {
					scratch = s.addAll(mine, scratch)
					mine = mine[:0]
				}
			}
			s.addAll(mine, scratch)
		}()
	}
	wg.Wait()
	over := 0
	for k, n := range want {
		switch got := s.count(k); {
		case got < n:
			t.Fatalf("key %#x: counted %d, added %d times", k, got, n)
		case got > n:
			over++
		}
	}
	if over > 0 {
		t.Errorf("%d of %d keys overcounted", over, len(want))
	}
	const hot = 1<<16 + 10
	for range hot {
		s.addAll([]uint64{42}, nil)
	}
	if got := s.count(42); got != 1<<16-1 {
		t.Errorf("a key added %d times counts %d, want 65535 (saturated)", hot, got)
	}
}
