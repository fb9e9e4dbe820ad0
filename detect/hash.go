package detect

import "github.com/spaolacci/murmur3"

// murmur128 hashes a normalised text for exact-duplicate grouping.
func murmur128(b []byte) (uint64, uint64) {
	return murmur3.Sum128WithSeed(b, 0x64757073) // "dups"
}
