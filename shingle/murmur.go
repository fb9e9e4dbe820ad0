package shingle

import (
	"encoding/binary"
	"math/bits"
)

// sum128 is MurmurHash3 x64_128 of data under seed (Appleby,
// https://github.com/aappleby/smhasher), the same function as
// github.com/spaolacci/murmur3's Sum128WithSeed, which the tests hold it
// to. It reads the tail in two loads instead of byte by byte and keeps
// the state in registers, about twice as fast on the short inputs
// shingles are.
func sum128(data []byte, seed uint32) (uint64, uint64) {
	const (
		c1 = 0x87c37b91114253d5
		c2 = 0x4cf5ad432745937f
	)
	h1, h2 := uint64(seed), uint64(seed)
	n := len(data)
	p := data
	for len(p) >= 16 {
		k1 := binary.LittleEndian.Uint64(p)
		k2 := binary.LittleEndian.Uint64(p[8:16])
		p = p[16:]
		h1 ^= bits.RotateLeft64(k1*c1, 31) * c2
		h1 = (bits.RotateLeft64(h1, 27)+h2)*5 + 0x52dce729
		h2 ^= bits.RotateLeft64(k2*c2, 33) * c1
		h2 = (bits.RotateLeft64(h2, 31)+h1)*5 + 0x38495ab5
	}
	if r := len(p); r > 0 {
		var k1, k2 uint64
		switch {
		case r > 8:
			// The tail's last 8 bytes end the data: load them and drop
			// the bytes before the tail's second half.
			k1 = binary.LittleEndian.Uint64(p)
			k2 = binary.LittleEndian.Uint64(data[n-8:]) >> (8 * (16 - r))
			h2 ^= bits.RotateLeft64(k2*c2, 33) * c1
		case n >= 8:
			k1 = binary.LittleEndian.Uint64(data[n-8:]) >> (8 * (8 - r))
		default:
			for i := r - 1; i >= 0; i-- {
				k1 = k1<<8 | uint64(p[i])
			}
		}
		h1 ^= bits.RotateLeft64(k1*c1, 31) * c2
	}
	h1 ^= uint64(n)
	h2 ^= uint64(n)
	h1 += h2
	h2 += h1
	h1, h2 = fmix64(h1), fmix64(h2)
	h1 += h2
	h2 += h1
	return h1, h2
}

func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}
