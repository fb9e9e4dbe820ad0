package passage

import (
	"math"
	"slices"

	"github.com/neardup/neardup/internal/mix"
)

// Winnower fingerprints a text's passages: its Winnow appends to dst the fingerprints of a sequence of hashes by
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
// beyond dst once it has winnowed a sequence as long. The zero value is
// ready to use; a Winnower is not safe for concurrent use.
type Winnower struct {
	v      []uint64 // the mixed values of the sequence
	pm, sm []int32  // prefix and suffix minima of blocks of w values
}

// Winnow appends the fingerprints of hashes to dst, as the type says.
//
// The minima of all windows are found without a branch a value (van Herk
// 1992; Gil & Werman 1993): the sequence is cut into blocks of w values,
// and each window, which covers the end of one block and the start of
// the next, takes the lesser of the minimum of the one's end (a suffix
// minimum) and of the other's start (a prefix minimum).
func (wn *Winnower) Winnow(dst, hashes []uint64, w int, seed uint64) []uint64 {
	if w < 1 {
		panic("passage: window must be positive")
	}
	n := len(hashes)
	if n == 0 {
		return dst
	}
	if n < w { // one window
		w = n
	}
	// A long sequence is winnowed in pieces of whole blocks, each with
	// the block after it, so that the scratch stays small: a window's
	// minimum depends only on its two blocks.
	piece := w * winnowBlocks
	last := -1
	for start := 0; start+w <= n; start += piece {
		dst, last = wn.winnow(dst, hashes[start:min(start+piece+w, n)], start, w, seed, last)
	}
	return dst
}

// winnowBlocks is the number of blocks of w values Winnow handles at once.
const winnowBlocks = 4096

// winnow appends the fingerprints of the windows that start in the first
// len(hashes)-w+1 values of hashes, at most winnowBlocks·w of them, which
// start at off in the whole sequence; last is the position last selected,
// and the position selected last is returned.
func (wn *Winnower) winnow(dst, hashes []uint64, off, w int, seed uint64, last int) ([]uint64, int) {
	n := len(hashes)
	v := slices.Grow(wn.v[:0], n)[:n]
	pm := slices.Grow(wn.pm[:0], n)[:n]
	sm := slices.Grow(wn.sm[:0], n)[:n]
	wn.v, wn.pm, wn.sm = v, pm, sm
	for start := 0; start < n; start += w {
		end := min(start+w, n)
		// Ties go to the rightmost value, from either direction.
		best, bv := start, uint64(math.MaxUint64)
		for j, h := range hashes[start:end] {
			x := mix.Split64(h ^ seed)
			v[start+j] = x
			if x <= bv {
				best, bv = start+j, x
			}
			pm[start+j] = int32(best)
		}
		best, bv = end-1, v[end-1]
		for j := end - 1; j >= start; j-- {
			if x := v[j]; x < bv {
				best, bv = j, x
			}
			sm[j] = int32(best)
		}
	}
	// Each window's minimum is written, and kept when it is new.
	windows := min(n-w+1, winnowBlocks*w)
	m := len(dst)
	dst = slices.Grow(dst, windows)[:m+windows]
	prev := int32(last - off) // negative when selected in an earlier piece
	for s := 0; s < windows; s++ {
		// A window that is a whole block has its minimum on both sides.
		at := pm[s+w-1]
		if a := sm[s]; v[a] < v[at] {
			at = a
		}
		dst[m] = hashes[at]
		if at != prev {
			m++
		}
		prev = at
	}
	return dst[:m], int(prev) + off
}
