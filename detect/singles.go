package detect

import "math/bits"

// singles holds the bitmaps of dropSingles, which drops keys that occur
// once from lists about to be sorted to find the keys that occur more
// than once: in a corpus most filing keys and most shingles belong to one
// document, and sorting them is most of the work. The zero value is ready
// to use; it reuses its bitmaps from list to list.
type singles struct {
	once, twice []uint64
}

// dropSingles removes from keys, in place, keys that occur once, and
// returns the shortened list. Every key that occurs twice or more is
// kept, with all its occurrences, and in the order of keys; a few that
// occur once are kept too. A key is the bits of an element from bit skip
// up (0 for the whole element); they must be random.
//
// A first pass marks the bitmap indexes that the keys give once and
// those they give again; a second keeps the elements at marked twice.
// With 8 to 16 bits a key, about one in ten single keys shares its index
// with another key and stays. Past maxSinglesKeys keys, whose bitmaps
// would not stay in cache, the passes cost more than the sort they save:
// the keys are returned whole.
func dropSingles[K uint32 | uint64](s *singles, keys []K, skip uint) []K {
	if len(keys) < 2 {
		return keys[:0]
	}
	if len(keys) > maxSinglesKeys {
		return keys
	}
	// The bitmap index is the key's top b bits, taken from the element
	// placed in the top of 64 (b ≤ 23 bits: fewer than any key has).
	lead := (skip + 64 - uint(bits.Len64(uint64(^K(0))))) & 63 // K of 32 or 64 bits
	b := max(6, bits.Len(uint(8*len(keys)-1)))
	words := 1 << b / 64
	s.once, s.twice = grown(s.once, words), grown(s.twice, words)
	once, twice := s.once, s.twice
	shift := uint(64-b) & 63
	for _, k := range keys {
		i := uint64(k) << lead >> shift
		w, m := i/64, uint64(1)<<(i%64)
		twice[w] |= once[w] & m
		once[w] |= m
	}
	// Without a branch a key: each is written, and kept when marked.
	n := 0
	for _, k := range keys {
		i := uint64(k) << lead >> shift
		keys[n] = k
		n += int(twice[i/64] >> (i % 64) & 1)
	}
	return keys[:n]
}

// maxSinglesKeys is the longest list drop shortens: beyond it the two
// bitmaps leave the cache and dropping costs more than sorting the
// singles with the rest (benchmarks/README.md, "Dropping single keys").
const maxSinglesKeys = 1 << 19

// grown returns s with length n, zeroed, reusing its memory.
//
// New memory is cleared too, though make zeroed it: the bitmaps are read
// before they are written, and a read of a page never touched maps the
// kernel's zero page, so the write after it faults a second time and
// flushes the page from every core's TLB. Clearing writes each page first,
// which costs one fault.
func grown(s []uint64, n int) []uint64 {
	if cap(s) < n {
		s = make([]uint64, n)
	}
	s = s[:n]
	clear(s)
	return s
}
