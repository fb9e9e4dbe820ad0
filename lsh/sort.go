package lsh

import "slices"

// SortKeys sorts keys with an LSD radix sort using scratch, which must be
// as long as keys: several times faster than comparison sorting for the
// millions of packed (key, document) integers a corpus is filed under.
func SortKeys(keys, scratch []uint64) {
	if len(keys) < 256 {
		slices.Sort(keys)
		return
	}
	src, dst := keys, scratch
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, k := range src {
			count[(k>>shift)&0xffff]++
		}
		if count[(src[0]>>shift)&0xffff] == len(src) {
			continue
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range src {
			d := (k >> shift) & 0xffff
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
