package radix

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for _, n := range []int{0, 10, 300, 70000} {
		k := make([]uint64, n)
		for i := range k {
			k[i] = rng.Uint64() >> uint(rng.IntN(64))
		}
		want := slices.Clone(k)
		slices.Sort(want)
		Sort(k, make([]uint64, n+7)) // scratch may be longer
		if !slices.Equal(k, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
		k32 := make([]uint32, n)
		for i := range k32 {
			k32[i] = uint32(rng.Uint64() >> uint(32+rng.IntN(32)))
		}
		want32 := slices.Clone(k32)
		slices.Sort(want32)
		Sort(k32, make([]uint32, n))
		if !slices.Equal(k32, want32) {
			t.Fatalf("n=%d: 32-bit keys not sorted", n)
		}
	}
}

func TestSortHigh(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for _, low := range []uint{0, 9, 28, 40, 63} {
		k := make([]uint64, 5000)
		for i := range k {
			k[i] = rng.Uint64() >> uint(rng.IntN(20))
		}
		want := slices.Clone(k)
		SortHigh(k, make([]uint64, len(k)), low)
		if !slices.IsSortedFunc(k, func(x, y uint64) int { return cmp.Compare(x>>low, y>>low) }) {
			t.Fatalf("low %d: not sorted by the high bits", low)
		}
		slices.Sort(k)
		slices.Sort(want)
		if !slices.Equal(k, want) {
			t.Fatalf("low %d: keys lost or changed", low)
		}
	}
}

// BenchmarkSortKeys sorts random keys as a scan does: 64-bit keys whole,
// 64-bit filing keys above their 28 bits of document number, and the
// 32-bit rests of its exact counts.
func BenchmarkSort(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1 << 14, 1 << 17, 1 << 20} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = rng.Uint64()
		}
		work, scratch := make([]uint64, n), make([]uint64, n)
		for _, low := range []uint{0, 28} { // whole keys; above document numbers
			b.Run(fmt.Sprintf("uint64-from-bit-%d/n=%d", low, n), func(b *testing.B) {
				b.SetBytes(int64(n) * 8)
				b.ReportAllocs()
				for b.Loop() {
					copy(work, keys)
					SortHigh(work, scratch, low)
				}
			})
		}
		keys32 := make([]uint32, n)
		for i := range keys32 {
			keys32[i] = rng.Uint32()
		}
		work32, scratch32 := make([]uint32, n), make([]uint32, n)
		b.Run(fmt.Sprintf("uint32/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 4)
			b.ReportAllocs()
			for b.Loop() {
				copy(work32, keys32)
				Sort(work32, scratch32)
			}
		})
	}
}
