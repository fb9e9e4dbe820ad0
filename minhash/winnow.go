package minhash

import "slices"

// Winnow appends to dst the fingerprints of a sequence of hashes by
// winnowing (Schleimer, Wilkerson & Aiken, "Winnowing: Local Algorithms
// for Document Fingerprinting", SIGMOD 2003): in every window of w
// consecutive values the one whose seeded mix is least is selected, and
// each selected value is appended once, as it is (unmixed), for the run
// of windows that select it. A sequence shorter than w is one window.
//
// A window's minimum is its one-value MinHash signature, so two windows
// select the same fingerprint with probability equal to their Jaccard
// similarity, and two sequences that share a run of w values or more
// certainly share a fingerprint. About 2/(w+1) of the values are kept.
// Ties go to the rightmost minimum. A Winnower's Winnow allocates nothing
// beyond dst once it has winnowed a sequence as long.
func Winnow(dst, hashes []uint64, w int, seed uint64) []uint64 {
	var wn Winnower
	return wn.Winnow(dst, hashes, w, seed)
}

// Winnower winnows, reusing its memory. The zero value is ready to use;
// a Winnower is not safe for concurrent use.
type Winnower struct {
	v []uint64 // the mixed values of the sequence
}

// Winnow is like the function Winnow.
func (wn *Winnower) Winnow(dst, hashes []uint64, w int, seed uint64) []uint64 {
	if w < 1 {
		panic("minhash: window must be positive")
	}
	if len(hashes) == 0 {
		return dst
	}
	v := slices.Grow(wn.v[:0], len(hashes))[:len(hashes)]
	wn.v = v
	for i, h := range hashes {
		v[i] = mix(h ^ seed)
	}
	// The window's minimum is kept, and looked for again among the
	// window's w values only when it leaves: for values in random order,
	// about two comparisons a value.
	at, last := -1, -1
	for i := range v {
		if at < 0 || at <= i-w {
			at = max(0, i-w+1)
			for k := at + 1; k <= i; k++ {
				if v[k] <= v[at] {
					at = k
				}
			}
		} else if v[i] <= v[at] {
			at = i
		}
		if i >= w-1 && at != last {
			last = at
			dst = append(dst, hashes[at])
		}
	}
	if len(hashes) < w {
		dst = append(dst, hashes[at])
	}
	return dst
}
