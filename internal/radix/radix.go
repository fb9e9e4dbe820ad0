package radix

import "slices"

// SortKeys sorts keys with an LSD radix sort using scratch, which must be
// at least as long as keys: several times faster than comparison sorting for the
// millions of packed (key, document) integers a corpus is filed under.
func Sort[K uint32 | uint64](keys, scratch []K) { SortHigh(keys, scratch, 0) }

// SortHigh is SortKeys by the bits of keys from bit low (0 is the least
// significant) upward: keys that differ only below it may end in any
// order. Each 12 bits left out save a pass over the keys.
//
// Digits are at most 12 bits wide, as few passes as that allows: with
// 4096 buckets, the counts stay in the first-level cache and the places
// each pass writes to in the second, where 16-bit digits would scatter
// every key to a cache miss.
func SortHigh[K uint32 | uint64](keys, scratch []K, low uint) {
	if len(keys) < 256 {
		slices.Sort(keys)
		return
	}
	src, dst := keys, scratch[:len(keys)]
	bits := uint(64)
	if uint64(^K(0)) == 1<<32-1 {
		bits = 32
	}
	if low >= bits {
		return
	}
	passes := (bits - low + maxDigit - 1) / maxDigit
	width := (bits - low + passes - 1) / passes
	mask := uint64(1)<<width - 1
	var count [1 << maxDigit]int
	for shift := low; shift < bits; shift += width {
		c := count[:mask+1]
		clear(c)
		for _, k := range src {
			c[(uint64(k)>>shift)&mask]++
		}
		if c[(uint64(src[0])>>shift)&mask] == len(src) {
			continue
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, k := range src {
			d := (uint64(k) >> shift) & mask
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}

// maxDigit is the widest digit of SortHigh, in bits.
const maxDigit = 12
