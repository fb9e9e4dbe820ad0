package lsh

import "slices"

// SortKeys sorts keys with an LSD radix sort using scratch, which must be
// at least as long as keys: several times faster than comparison sorting for the
// millions of packed (key, document) integers a corpus is filed under.
func SortKeys[K uint32 | uint64](keys, scratch []K) { SortHigh(keys, scratch, 0) }

// SortHigh is SortKeys by the bits of keys from bit low (0 is the least
// significant) upward: keys that differ only below it may end in any
// order. Each 16 bits left out save a pass over the keys.
func SortHigh[K uint32 | uint64](keys, scratch []K, low uint) {
	if len(keys) < 256 {
		slices.Sort(keys)
		return
	}
	src, dst := keys, scratch[:len(keys)]
	var count [1 << 16]int
	bits := uint(64)
	if uint64(^K(0)) == 1<<32-1 {
		bits = 32
	}
	for shift := low; shift < bits; shift += 16 {
		clear(count[:])
		for _, k := range src {
			count[(uint64(k)>>shift)&0xffff]++
		}
		if count[(uint64(src[0])>>shift)&0xffff] == len(src) {
			continue
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range src {
			d := (uint64(k) >> shift) & 0xffff
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
