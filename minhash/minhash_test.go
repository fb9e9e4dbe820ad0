package minhash

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neardup/neardup/internal/mix"
)

// plantedPair returns two sets of n random elements each whose Jaccard
// similarity is as close to j as whole elements allow, and that exact
// similarity.
func plantedPair(rng *rand.Rand, n int, j float64) (a, b []uint64, exact float64) {
	shared := int(math.Round(2 * float64(n) * j / (1 + j)))
	for i := 0; i < shared; i++ {
		x := rng.Uint64()
		a, b = append(a, x), append(b, x)
	}
	for i := shared; i < n; i++ {
		a, b = append(a, rng.Uint64()), append(b, rng.Uint64())
	}
	return a, b, float64(shared) / float64(2*n-shared)
}

// rmse is the root mean squared error of s's estimates over planted
// pairs of n elements at similarity j.
func rmse(s Signer, n int, j float64, trials int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	var sum float64
	for t := 0; t < trials; t++ {
		a, b, exact := plantedPair(rng, n, j)
		est := similarity(s.Sign(nil, a), s.Sign(nil, b))
		sum += (est - exact) * (est - exact)
	}
	return math.Sqrt(sum / float64(trials))
}

// TestEstimatorError checks that OPH estimates Jaccard similarity no worse
// than the go-minhash reference at the same signature size, on large
// sets (documents) and small ones (passage windows, where densification
// does most of the work).
func TestEstimatorError(t *testing.T) {
	trials := 400
	if testing.Short() {
		trials = 60
	}
	for _, c := range []struct{ k, n int }{{128, 400}, {32, 16}} {
		var sumO, sumM float64
		for _, j := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
			seed := uint64(j * 1000)
			eo := rmse(NewOPH(c.k, DefaultSeed), c.n, j, trials, seed)
			em := rmse(NewMinWise(c.k, DefaultSeed), c.n, j, trials, seed)
			theory := math.Sqrt(j * (1 - j) / float64(c.k))
			t.Logf("k=%d n=%d J=%.1f: rmse oph %.4f, minwise %.4f, sqrt(J(1-J)/k) %.4f", c.k, c.n, j, eo, em, theory)
			if eo > 1.3*em || eo > 1.5*theory {
				t.Errorf("k=%d n=%d J=%.1f: OPH rmse %.4f against minwise %.4f (theory %.4f)", c.k, c.n, j, eo, em, theory)
			}
			sumO += eo * eo
			sumM += em * em
		}
		if sumO > 1.1*sumM {
			t.Errorf("k=%d n=%d: OPH mean squared error %.5f exceeds minwise's %.5f by over 10%%", c.k, c.n, sumO/9, sumM/9)
		}
	}
}

func TestSignProperties(t *testing.T) {
	for _, s := range []Signer{NewOPH(64, 1), NewMinWise(64, 1)} {
		name := fmt.Sprintf("%T", s)
		set := []uint64{5, 1, 9, 1234567890123, 42}
		sig := s.Sign(nil, set)
		if len(sig) != 64 || s.Size() != 64 {
			t.Fatalf("%s: signature of %d values, want 64", name, len(sig))
		}
		// Order and repetition do not matter: a signature is of a set.
		rep := []uint64{42, 42, 9, 5, 1234567890123, 1, 5}
		if !slices.Equal(sig, s.Sign(nil, rep)) {
			t.Errorf("%s: repeated or reordered elements changed the signature", name)
		}
		// Sign appends and does not touch what dst held.
		dst := s.Sign([]uint32{7}, set)
		if dst[0] != 7 || !slices.Equal(dst[1:], sig) {
			t.Errorf("%s: Sign did not append", name)
		}
		// The empty set has the Empty signature and no other set has.
		for _, v := range s.Sign(nil, nil) {
			if v != Empty {
				t.Fatalf("%s: empty set signature holds %d", name, v)
			}
		}
		for _, v := range sig {
			if v == Empty {
				t.Fatalf("%s: non-empty set signature holds Empty", name)
			}
		}
		if got := similarity(sig, s.Sign(nil, []uint64{1})); got >= 0.7 {
			t.Errorf("%s: {1} vs 5 elements estimated %.2f", name, got)
		}
	}
}

func TestSeedMatters(t *testing.T) {
	set := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
	if slices.Equal(NewOPH(32, 1).Sign(nil, set), NewOPH(32, 2).Sign(nil, set)) {
		t.Error("different seeds gave the same OPH signature")
	}
}

func TestOPHStable(t *testing.T) {
	// Stored signatures must stay valid: this signature was computed by
	// this code when the format was fixed and checked to be a signature
	// of the set (TestEstimatorError shows what such signatures measure).
	got := NewOPH(8, DefaultSeed).Sign(nil, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	want := []uint32{1578312838, 3049212299, 1219694347, 3787295683, 3049212299, 3425517138, 3049212299, 1770046075}
	if !slices.Equal(got, want) {
		t.Errorf("OPH signature changed: got %v, want %v; stored signatures would be invalid", got, want)
	}
}

// TestDensifyMatchesDefinition checks densification against its
// definition, each empty bin following its probe sequence from the start,
// on sets from empty to three times the signature's size.
func TestDensifyMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{1, 8, 100, 128, 1000} {
		o := NewOPH(k, rng.Uint64())
		for trial := 0; trial < 200; trial++ {
			set := make([]uint64, rng.IntN(3*k)) // both of Sign's loops
			for i := range set {
				set[i] = rng.Uint64()
			}
			got := o.Sign(nil, set)
			bins := make([]uint32, k)
			for i := range bins {
				bins[i] = Empty
			}
			for _, h := range set {
				bin, frac := bits.Mul64(mix.Split64(h^o.seed), uint64(k))
				bins[bin] = min(bins[bin], min(uint32(frac>>32), Empty-1))
			}
			want := slices.Clone(bins)
			for i := range want {
				if bins[i] != Empty || len(set) == 0 {
					continue
				}
				x := mix.Split64(o.seed ^ (uint64(i)+1)*0x9e3779b97f4a7c15)
				for {
					x = mix.Split64(x + 0x9e3779b97f4a7c15)
					if j, _ := bits.Mul64(x, uint64(k)); bins[j] != Empty {
						want[i] = bins[j]
						break
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("k=%d, %d elements: got %v, want %v", k, len(set), got, want)
			}
		}
	}
}

func TestOPHAllocs(t *testing.T) {
	o := NewOPH(128, DefaultSeed)
	set := make([]uint64, 500)
	for i := range set {
		set[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	dst := o.Sign(nil, set)
	if a := testing.AllocsPerRun(100, func() { dst = o.Sign(dst[:0], set) }); a != 0 {
		t.Errorf("Sign into a reused slice: %v allocations, want 0", a)
	}
}

func ExampleOPH() {
	a := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	b := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 11, 12} // Jaccard 8/12
	s := NewOPH(256, DefaultSeed)
	est := similarity(s.Sign(nil, a), s.Sign(nil, b))
	fmt.Printf("estimate within 0.1 of 0.667: %v\n", math.Abs(est-8.0/12) < 0.1)
	// Output: estimate within 0.1 of 0.667: true
}

func benchSet(n int) []uint64 {
	set := make([]uint64, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range set {
		set[i] = rng.Uint64()
	}
	return set
}

// BenchmarkSign reports the cost of signing, per shingle (SetBytes counts
// 8 bytes a shingle), at 128 hashes.
func BenchmarkSign(b *testing.B) {
	for _, n := range []int{16, 500, 5000} {
		set := benchSet(n)
		for _, s := range []Signer{NewOPH(128, DefaultSeed), NewMinWise(128, DefaultSeed)} {
			b.Run(fmt.Sprintf("%T/n=%d", s, n)[len("*minhash."):], func(b *testing.B) {
				var dst []uint32
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				for b.Loop() {
					dst = s.Sign(dst[:0], set)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/shingle")
			})
		}
	}
}

// similarity estimates the Jaccard similarity of the sets behind two
// signatures of equal length: the fraction of positions that agree. It
// returns 0 for empty signatures.
func similarity(a, b []uint32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}
