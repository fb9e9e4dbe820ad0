package detect

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSinglesDrop checks that dropSingles keeps every occurrence of every
// repeated key, in order, and drops most single keys.
func TestSinglesDrop(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var s singles
	for _, n := range []int{0, 1, 2, 3, 100, 5000, 100000, maxSinglesKeys + 1} {
		for _, skip := range []uint{0, 4} {
			// Distinct random keys, some of them repeated, with the low
			// bits (below skip, and the element's own bits) varying.
			keys := make([]uint64, 0, n)
			for len(keys) < n {
				k := rng.Uint64() >> skip &^ (1<<10 - 1)
				for range 1 + rng.IntN(3)*rng.IntN(2) {
					if len(keys) < n {
						keys = append(keys, k|uint64(rng.IntN(1<<10)))
					}
				}
			}
			rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			keyOf := func(e uint64) uint64 { return e >> 10 }
			count := map[uint64]int{}
			for _, e := range keys {
				count[keyOf(e)]++
			}
			var want []uint64
			singles := 0
			for _, e := range keys {
				if count[keyOf(e)] > 1 {
					want = append(want, e)
				} else {
					singles++
				}
			}
			got := dropSingles(&s, slices.Clone(keys), skip)
			var repeated []uint64
			for _, e := range got {
				if count[keyOf(e)] > 1 {
					repeated = append(repeated, e)
				}
			}
			if !slices.Equal(repeated, want) {
				t.Fatalf("n=%d skip=%d: repeated keys kept %d, want %d in order", n, skip, len(repeated), len(want))
			}
			if kept := len(got) - len(repeated); n > maxSinglesKeys && kept != singles {
				t.Errorf("n=%d skip=%d: %d of %d single keys kept, want the list whole", n, skip, kept, singles)
			} else if n <= maxSinglesKeys && singles > 1000 && kept > singles/4 {
				t.Errorf("n=%d skip=%d: %d of %d single keys kept", n, skip, kept, singles)
			}
		}
	}
}

func TestSinglesDrop32(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	var s singles
	for _, n := range []int{0, 1, 2, 50, 200000} {
		keys := make([]uint32, n)
		for i := range keys {
			keys[i] = rng.Uint32()
			if i > 0 && rng.IntN(3) == 0 {
				keys[i] = keys[rng.IntN(i)]
			}
		}
		count := map[uint32]int{}
		for _, k := range keys {
			count[k]++
		}
		var want []uint32
		singles := 0
		for _, k := range keys {
			if count[k] > 1 {
				want = append(want, k)
			} else {
				singles++
			}
		}
		got := dropSingles(&s, slices.Clone(keys), 0)
		var repeated []uint32
		for _, k := range got {
			if count[k] > 1 {
				repeated = append(repeated, k)
			}
		}
		if !slices.Equal(repeated, want) {
			t.Fatalf("n=%d: repeated keys kept %d, want %d in order", n, len(repeated), len(want))
		}
		if kept := len(got) - len(repeated); singles > 1000 && kept > singles/4 {
			t.Errorf("n=%d: %d of %d single keys kept", n, kept, singles)
		}
	}
}
