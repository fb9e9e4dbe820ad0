// Package lsh implements locality-sensitive hashing of MinHash signatures
// by banding (Indyk & Motwani 1998; Leskovec, Rajaraman & Ullman, "Mining
// of Massive Datasets", ch. 3.4): a signature of b·r values is cut into b
// bands of r rows, and two items become candidates when all r rows of any
// one band agree. A pair of Jaccard similarity s becomes a candidate with
// probability 1-(1-s^r)^b, an S-curve whose step Optimal places at a
// chosen threshold.
//
// LSH only proposes candidates: callers verify them exactly.
package lsh

import (
	"fmt"
	"math"

	"github.com/neardup/neardup/internal/mix"
)

// Params are the banding of a signature: Bands bands of Rows rows each.
type Params struct {
	Bands int `json:"bands"`
	Rows  int `json:"rows"`
}

// Probability reports the probability that a pair of Jaccard similarity s
// becomes a candidate under p: 1-(1-s^r)^b.
func (p Params) Probability(s float64) float64 {
	return 1 - ipow(1-ipow(s, p.Rows), p.Bands)
}

// ipow returns x to the power n ≥ 0 by repeated squaring.
func ipow(x float64, n int) float64 {
	r := 1.0
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// Size reports the number of signature values the banding uses.
func (p Params) Size() int { return p.Bands * p.Rows }

func (p Params) String() string { return fmt.Sprintf("%d bands × %d rows", p.Bands, p.Rows) }

// Optimal returns the banding of at most perms signature values that
// minimises fpWeight·FP + fnWeight·FN, where FP is the area under the
// S-curve below threshold (pairs that should not be candidates but may be)
// and FN the area above it over the threshold (pairs that should be but
// may not be). This is the rule of datasketch's MinHashLSH. Ties go to the
// banding found first, in order of increasing bands then rows.
//
// Both areas are taken by Simpson's rule with 200 intervals, far finer
// than the differences between neighbouring bandings, on the same points
// for every banding: s^r is built up one row at a time and (1-s^r)^b one
// band at a time, a multiplication a point each.
func Optimal(threshold float64, perms int, fpWeight, fnWeight float64) Params {
	const n = 200 // intervals of each integral; even
	// Points 0 … n cover [0, threshold], n+1 … 2n+1 cover [threshold, 1],
	// each with its Simpson weight times h/3.
	var s, w [2 * (n + 1)]float64
	for k, iv := range [2][2]float64{{0, threshold}, {threshold, 1}} {
		h := (iv[1] - iv[0]) / n
		for i := 0; i <= n; i++ {
			x := k*(n+1) + i
			s[x] = iv[0] + float64(i)*h
			w[x] = 2
			if i == 0 || i == n {
				w[x] = 1
			} else if i%2 == 1 {
				w[x] = 4
			}
			w[x] *= h / 3
		}
	}
	best := Params{Bands: perms, Rows: 1}
	bestErr := math.Inf(1)
	var sr, q, miss [2 * (n + 1)]float64 // s^r, 1-s^r, (1-s^r)^b
	for x := range sr {
		sr[x] = 1
	}
	for r := 1; r <= perms; r++ {
		for x := range sr {
			sr[x] *= s[x]
			q[x] = 1 - sr[x]
			miss[x] = 1
		}
		for b := 1; b <= perms/r; b++ {
			var fp, fn float64 // P = 1-miss below the threshold, 1-P = miss above
			for x := 0; x <= n; x++ {
				miss[x] *= q[x]
				fp += w[x] * (1 - miss[x])
			}
			for x := n + 1; x < len(miss); x++ {
				miss[x] *= q[x]
				fn += w[x] * miss[x]
			}
			e := fpWeight*fp + fnWeight*fn
			if e < bestErr || e == bestErr && b < best.Bands {
				best, bestErr = Params{Bands: b, Rows: r}, e
			}
		}
	}
	return best
}

// BandKey hashes one band's rows to a 64-bit bucket key. Keys of different
// bands live in different tables, so the band number is not mixed in.
func BandKey(rows []uint32) uint64 {
	h := uint64(0x6c73682d62616e64) // "lsh-band"
	for _, v := range rows {
		h ^= uint64(v)
		h *= mix.Golden
		h ^= h >> 29
	}
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h
}

// Keys appends the band keys of sig under p to dst.
func Keys(dst []uint64, p Params, sig []uint32) []uint64 {
	if len(sig) < p.Size() {
		panic(fmt.Sprintf("lsh: signature of %d values is shorter than %v", len(sig), p))
	}
	for b := 0; b < p.Bands; b++ {
		dst = append(dst, BandKey(sig[b*p.Rows:(b+1)*p.Rows]))
	}
	return dst
}
