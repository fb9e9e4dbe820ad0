// Package minhash computes MinHash signatures of sets of 64-bit hashes,
// such as the shingle hashes of package shingle.
//
// The default Signer, OPH, is one-permutation hashing (Li, Owen & Zhang,
// "One Permutation Hashing", NIPS 2012) with optimal densification
// (Shrivastava, "Optimal Densification for Fast and Accurate Minwise
// Hashing", ICML 2017): each element is mixed once and kept in one of K
// bins, and empty bins borrow from non-empty ones along a seeded probe
// sequence. It costs O(1) per element instead of O(K), with the variance
// of K-permutation MinHash.
//
// MinWise wraps github.com/dgryski/go-minhash as the reference
// implementation. Both return signatures whose positions agree with
// probability equal to the Jaccard similarity of the two sets.
//
// Signature values are 32 bits: two different minima collide with
// probability 2^-32, far below the estimator's own error, and stored
// signatures take half the space.
package minhash

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"

	"github.com/neardup/neardup/internal/mix"

	gominhash "github.com/dgryski/go-minhash"
	"github.com/spaolacci/murmur3"
)

// DefaultSeed is the seed neardup signs with. It is part of the stored
// format: signatures made under different seeds are not comparable.
const DefaultSeed uint64 = 0x6e656172647570 // "neardup"

// Empty is the value of every position of an empty set's signature.
const Empty = math.MaxUint32

// A Signer computes signatures of a fixed length.
type Signer interface {
	// Sign appends the signature of the set to dst and returns the
	// extended slice. Repeated elements do not change the result. The
	// signature of an empty set is Size() copies of Empty.
	Sign(dst []uint32, set []uint64) []uint32
	// Size reports the number of values in a signature.
	Size() int
}

// OPH is a one-permutation Signer with optimal densification. Create one
// with NewOPH; it is safe for concurrent use.
type OPH struct {
	k    int
	seed uint64
	// probes holds the first probeSteps bins of each bin's probe
	// sequence, bin i's at [i*probeSteps:], when k fits in 16 bits.
	probes []uint16
	// steps, when k ≤ tableBins, answers for all bins at once which
	// ones step t of their probe sequences finds filled: entry
	// (t*16+b)*256+v is the bitmap of the bins whose step t visits one of
	// bins 8b … 8b+7 marked in v.
	steps [][2]uint64
}

// tableSteps is the number of probe steps that an OPH of at most
// tableBins bins takes for all its empty bins at once, a step in 16 table
// lookups (a table of 64 KiB a step); bins still empty after them follow
// their sequences one by one.
const (
	tableSteps   = 4
	tableBins    = 128
	minTableBins = 16 // the fewest empty bins a table step is taken for
)

// probeSteps is the number of steps of each probe sequence that an OPH
// keeps: densification looks them up instead of computing them, and
// computes further steps only for sets that fill fewer than about 1 in 16
// bins.
const probeSteps = 64

// NewOPH returns an OPH Signer of k values under seed. It panics if k < 1.
func NewOPH(k int, seed uint64) *OPH {
	if k < 1 {
		panic("minhash: signature size must be positive")
	}
	o := &OPH{k: k, seed: seed}
	if k <= 1<<16 {
		o.probes = make([]uint16, k*probeSteps)
		for i := range k {
			x := o.probeStart(i)
			for t := range probeSteps {
				var j uint64
				x, j = o.probe(x)
				o.probes[i*probeSteps+t] = uint16(j)
			}
		}
	}
	if k <= tableBins {
		o.steps = make([][2]uint64, tableSteps*16*256)
		for t := range tableSteps {
			for i := range k {
				j := int(o.probes[i*probeSteps+t])
				row := o.steps[(t*16+j/8)*256:][:256]
				for v := range row {
					if v>>(j%8)&1 != 0 {
						row[v][i/64] |= 1 << (i % 64)
					}
				}
			}
		}
	}
	return o
}

// probeStart is the state of bin i's probe sequence before its first
// step.
func (o *OPH) probeStart(i int) uint64 {
	return mix.Split64(o.seed ^ (uint64(i)+1)*mix.Golden)
}

// probe takes a step of a probe sequence from state x: the next state
// and the bin it visits.
func (o *OPH) probe(x uint64) (next, bin uint64) {
	x = mix.Split64(x + mix.Golden)
	bin, _ = bits.Mul64(x, uint64(o.k))
	return x, bin
}

// Size reports the signature length.
func (o *OPH) Size() int { return o.k }

// Sign implements Signer.
func (o *OPH) Sign(dst []uint32, set []uint64) []uint32 {
	n := len(dst)
	k := o.k
	dst = slices.Grow(dst, k)[:n+k]
	sig := dst[n:]
	for i := range sig {
		sig[i] = Empty
	}
	if len(set) == 0 {
		return dst
	}
	kk := uint64(k)
	seed := o.seed
	if len(set) < 2*k {
		// A small set lowers most bins it meets: no branch to miss.
		for _, h := range set {
			bin, frac := bits.Mul64(mix.Split64(h^seed), kk)
			sig[bin] = min(sig[bin], uint32(frac>>32), Empty-1)
		}
	} else {
		// A large one soon stops lowering them: the branch is right.
		for _, h := range set {
			bin, frac := bits.Mul64(mix.Split64(h^seed), kk)
			if v := min(uint32(frac>>32), Empty-1); v < sig[bin] {
				sig[bin] = v
			}
		}
	}
	o.densify(sig)
	return dst
}

// densify fills each empty bin i with the value of the first non-empty
// bin along i's probe sequence, which depends only on i and the seed, so
// two sets borrow alike exactly where their bins are alike. Only bins
// filled by elements are borrowed from, never bins filled by this loop.
func (o *OPH) densify(sig []uint32) {
	empty := 0
	for _, v := range sig {
		if v == Empty {
			empty++
		}
	}
	if empty == 0 || empty == len(sig) {
		return
	}
	k := len(sig)
	// The bins that elements filled are marked in a bitmap, a word at a
	// time in a register and without a branch a bin.
	var small [4]uint64
	var filled []uint64
	if words := (k + 63) / 64; words <= len(small) {
		filled = small[:words]
	} else {
		filled = make([]uint64, words)
	}
	for w := range filled {
		var f uint64
		for j, v := range sig[64*w : min(64*w+64, k)] {
			f |= ((uint64(v)+1)>>32 ^ 1) << j // 1 unless v is Empty
		}
		filled[w] = f
	}
	if o.steps != nil {
		o.densifySmall(sig, filled)
		return
	}
	sparse := 2*(k-empty) < k // fewer than half the bins full
	// Visit the empty bins through the bitmap, 64 bins a word.
	for w, f := range filled {
		e := ^f
		if rest := len(sig) - 64*w; rest < 64 {
			e &= 1<<rest - 1
		}
		for ; e != 0; e &= e - 1 {
			i := 64*w + bits.TrailingZeros64(e)
			if sparse {
				o.follow(sig, filled, i, 0, 8)
			} else {
				o.follow(sig, filled, i, 0, 1)
			}
		}
	}
}

// densifySmall is densify for at most tableBins bins, filled marking the
// bins that elements filled: the first tableSteps steps are taken for
// all empty bins at once through the tables, in order, so each bin still
// stops at the first filled bin of its sequence.
func (o *OPH) densifySmall(sig []uint32, filled []uint64) {
	var f, e [2]uint64
	copy(f[:], filled)
	for w := range filled {
		e[w] = ^f[w]
		if rest := len(sig) - 64*w; rest < 64 {
			e[w] &= 1<<rest - 1
		}
	}
	nb := (len(sig) + 7) / 8
	t := 0
	// A step through the tables costs about as much as following a few
	// bins one by one: it is taken while many bins are empty.
	for ; t < tableSteps && bits.OnesCount64(e[0])+bits.OnesCount64(e[1]) >= minTableBins; t++ {
		tab := o.steps[t*16*256 : (t+1)*16*256]
		var h [2]uint64
		for b := range nb {
			m := &tab[b*256+int(f[b/8]>>(8*(b%8))&0xff)]
			h[0] |= m[0]
			h[1] |= m[1]
		}
		for w := range 2 {
			for r := e[w] & h[w]; r != 0; r &= r - 1 {
				i := 64*w + bits.TrailingZeros64(r)
				sig[i] = sig[o.probes[i*probeSteps+t]]
			}
			e[w] &^= h[w]
		}
	}
	width := 1
	if 2*(bits.OnesCount64(f[0])+bits.OnesCount64(f[1])) < len(sig) {
		width = 8 // fewer than half the bins full
	}
	for w := range 2 {
		for ; e[w] != 0; e[w] &= e[w] - 1 {
			o.follow(sig, filled, 64*w+bits.TrailingZeros64(e[w]), t, width)
		}
	}
}

// follow fills empty bin i from the first filled bin (marked in filled)
// of its probe sequence from step t0 on, taking the kept steps width at a
// time: eight without a branch a step where bins take many steps to find
// a filled one, one where they take few.
func (o *OPH) follow(sig []uint32, filled []uint64, i, t0, width int) {
	if o.probes != nil {
		p := o.probes[i*probeSteps+t0 : (i+1)*probeSteps]
		if width == 8 {
			for len(p) >= 8 {
				var hit uint
				for t, j := range p[:8] {
					hit |= uint(filled[j/64]>>(j%64)&1) << t
				}
				if hit != 0 {
					sig[i] = sig[p[bits.TrailingZeros(hit)]]
					return
				}
				p = p[8:]
			}
		}
		for _, j := range p {
			if filled[j/64]&(1<<(j%64)) != 0 {
				sig[i] = sig[j]
				return
			}
		}
	}
	// Past the kept steps, or none kept: the sequence is computed, from
	// its start.
	x := o.probeStart(i)
	var j uint64
	for t := 0; ; t++ {
		x, j = o.probe(x)
		if t >= len(o.probes)/o.k && filled[j/64]&(1<<(j%64)) != 0 {
			sig[i] = sig[j]
			return
		}
	}
}

// MinWise is the reference Signer: github.com/dgryski/go-minhash's
// MinWise with two murmur3 hashes of each element's 8 little-endian bytes.
// It costs O(K) per element. Values are the low 32 bits of go-minhash's.
// Create one with NewMinWise; it is safe for concurrent use.
type MinWise struct {
	k      int
	s1, s2 uint32
}

// NewMinWise returns a MinWise Signer of k values under seed.
func NewMinWise(k int, seed uint64) *MinWise {
	if k < 1 {
		panic("minhash: signature size must be positive")
	}
	return &MinWise{k: k, s1: uint32(seed), s2: uint32(seed>>32) ^ 0x5bd1e995}
}

// Size reports the signature length.
func (m *MinWise) Size() int { return m.k }

// Sign implements Signer.
func (m *MinWise) Sign(dst []uint32, set []uint64) []uint32 {
	if len(set) == 0 {
		for i := 0; i < m.k; i++ {
			dst = append(dst, Empty)
		}
		return dst
	}
	s1, s2 := m.s1, m.s2
	mw := gominhash.NewMinWise(
		func(b []byte) uint64 { return murmur3.Sum64WithSeed(b, s1) },
		func(b []byte) uint64 { return murmur3.Sum64WithSeed(b, s2) | 1 },
		m.k)
	var buf [8]byte
	for _, h := range set {
		binary.LittleEndian.PutUint64(buf[:], h)
		mw.Push(buf[:])
	}
	// Signature returns go-minhash's internal slice: copy, never keep it.
	for _, v := range mw.Signature() {
		v32 := uint32(v)
		if v32 == Empty {
			v32--
		}
		dst = append(dst, v32)
	}
	return dst
}
