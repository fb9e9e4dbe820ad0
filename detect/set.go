package detect

import (
	"math/bits"
	"slices"

	"github.com/neardup/neardup/internal/mix"
)

// set is an open-addressing set of 64-bit values, cleared and reused from
// one document to the next. The zero value is ready for reset.
type set struct {
	slots []uint64 // 0 marks an empty slot, so 0 itself is kept apart
	shift uint
	zero  bool
	// zeroValue is the value addKeyed keeps under key 0.
	zeroValue uint64
}

// reset empties s for up to n values, in a table at most half full.
func (s *set) reset(n int) {
	size := 1 << bits.Len(uint(2*n))
	if cap(s.slots) < size {
		s.slots = make([]uint64, size)
	}
	s.slots = s.slots[:size]
	clear(s.slots)
	s.shift = uint(64 - bits.Len(uint(size-1)))
	s.zero = false
}

// add adds v and reports whether it was new.
func (s *set) add(v uint64) bool {
	if v == 0 {
		added := !s.zero
		s.zero = true
		return added
	}
	mask := uint64(len(s.slots) - 1)
	for i := mix.Slot(v, s.shift); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case v:
			return false
		case 0:
			s.slots[i] = v
			return true
		}
	}
}

// addKeyed adds h under its key, keyOf(h): a set used through addKeyed
// holds one value a key. It reports whether the key was new, and clash
// when the key holds another value than h (which stays). add and addKeyed
// do not mix between resets.
func (s *set) addKeyed(h uint64) (added, clash bool) {
	k := keyOf(h)
	if k == 0 {
		if !s.zero {
			s.zero, s.zeroValue = true, h
			return true, false
		}
		return false, s.zeroValue != h
	}
	mask := uint64(len(s.slots) - 1)
	for i := mix.Slot(k, s.shift); ; i = (i + 1) & mask {
		v := s.slots[i]
		if v == 0 { // h has a key of its own, so h != 0
			s.slots[i] = h
			return true, false
		}
		if keyOf(v) == k {
			return false, v != h
		}
	}
}

// addAllKeyed adds each of hashes under its key, as addKeyed does, to a
// set just reset for them, and appends the keys that were new to dst, in
// order of first appearance. It returns dst, the number of keys added,
// and whether no key held two different hashes. One loop without a call,
// for the scan's every shingle.
func (s *set) addAllKeyed(dst, hashes []uint64) (_ []uint64, added int, exact bool) {
	m0 := len(dst)
	m := m0
	dst = slices.Grow(dst, len(hashes))[:m0+len(hashes)]
	slots, shift := s.slots, s.shift&63
	mask := uint64(len(slots) - 1)
	exact = true
	for _, h := range hashes {
		k := keyOf(h)
		if k == 0 {
			a, clash := s.addKeyed(h) // key 0 is kept apart
			if a {
				dst[m] = k
				m++
			}
			exact = exact && !clash
			continue
		}
		i := mix.Slot(k, shift) & mask
		for {
			v := slots[i]
			if v == 0 {
				slots[i] = h
				dst[m] = k
				m++
				break
			}
			if keyOf(v) == k {
				exact = exact && v == h
				break
			}
			i = (i + 1) & mask
		}
	}
	return dst[:m], m - m0, exact
}
