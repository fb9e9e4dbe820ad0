package minhash

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
// Ties go to the rightmost minimum. Winnow does not allocate beyond dst
// when given a deque of capacity w (see Winnower).
func Winnow(dst, hashes []uint64, w int, seed uint64) []uint64 {
	var wn Winnower
	return wn.Winnow(dst, hashes, w, seed)
}

// Winnower winnows, reusing its memory. The zero value is ready to use;
// a Winnower is not safe for concurrent use.
type Winnower struct {
	q []slot // the window's candidate minima, increasing from the front
}

type slot struct {
	v   uint64 // mixed: the order of selection
	raw uint64 // as given: the fingerprint
	pos int
}

// Winnow is like the function Winnow.
func (wn *Winnower) Winnow(dst, hashes []uint64, w int, seed uint64) []uint64 {
	if w < 1 {
		panic("minhash: window must be positive")
	}
	q := wn.q[:0]
	head := 0
	last := -1
	for i, h := range hashes {
		v := mix(h ^ seed)
		for len(q) > head && q[len(q)-1].v >= v {
			q = q[:len(q)-1]
		}
		if head > len(q) {
			head = len(q)
		}
		q = append(q, slot{v, h, i})
		if q[head].pos <= i-w {
			head++
		}
		if i >= w-1 && q[head].pos != last {
			last = q[head].pos
			dst = append(dst, q[head].raw)
		}
		if head > 64 && head*2 > len(q) { // keep the deque compact
			n := copy(q, q[head:])
			q, head = q[:n], 0
		}
	}
	if len(hashes) > 0 && len(hashes) < w {
		dst = append(dst, q[head].raw)
	}
	wn.q = q
	return dst
}
