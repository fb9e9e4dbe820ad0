package lsh

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestOptimal(t *testing.T) {
	for _, c := range []struct {
		threshold float64
		perms     int
	}{{0.5, 128}, {0.8, 128}, {0.9, 256}, {0.2, 32}, {0.3, 64}} {
		p := Optimal(c.threshold, c.perms, 0.5, 0.5)
		if p.Size() > c.perms || p.Bands < 1 || p.Rows < 1 {
			t.Fatalf("Optimal(%v, %d) = %v: does not fit", c.threshold, c.perms, p)
		}
		// The S-curve's steepest point, (1/b)^(1/r), lies near the threshold.
		step := math.Pow(1/float64(p.Bands), 1/float64(p.Rows))
		if math.Abs(step-c.threshold) > 0.12 {
			t.Errorf("Optimal(%v, %d) = %v: S-curve steps at %.2f", c.threshold, c.perms, p, step)
		}
		// No banding in reach does better than the one chosen.
		errOf := func(q Params) float64 { return bandingErr(q, c.threshold, 1, 1) }
		for _, q := range []Params{{p.Bands + 1, p.Rows}, {p.Bands - 1, p.Rows}, {p.Bands, p.Rows + 1}, {p.Bands, p.Rows - 1}} {
			if q.Bands >= 1 && q.Rows >= 1 && q.Size() <= c.perms && errOf(q) < errOf(p)-1e-12 {
				t.Errorf("Optimal(%v, %d) = %v but %v errs less", c.threshold, c.perms, p, q)
			}
		}
	}
}

// optimalDirect is Optimal as its doc defines it: each banding's areas
// integrated on their own, from Probability.
func optimalDirect(threshold float64, perms int, fpWeight, fnWeight float64) (Params, float64) {
	best := Params{Bands: perms, Rows: 1}
	bestErr := math.Inf(1)
	for b := 1; b <= perms; b++ {
		for r := 1; r <= perms/b; r++ {
			p := Params{Bands: b, Rows: r}
			if e := bandingErr(p, threshold, fpWeight, fnWeight); e < bestErr {
				best, bestErr = p, e
			}
		}
	}
	return best, bestErr
}

// bandingErr is the weighted error Optimal minimises, of banding p alone.
func bandingErr(p Params, threshold, fpWeight, fnWeight float64) float64 {
	fp := integrate(p.Probability, 0, threshold)
	fn := integrate(func(s float64) float64 { return 1 - p.Probability(s) }, threshold, 1)
	return fpWeight*fp + fnWeight*fn
}

// integrate is Simpson's rule with 200 intervals.
func integrate(f func(float64) float64, a, b float64) float64 {
	const n = 200
	h := (b - a) / n
	sum := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(i)*h)
	}
	return sum * h / 3
}

func TestOptimalMatchesDirect(t *testing.T) {
	perms := []int{1, 2, 16, 64, 128, 200, 256}
	step := 0.02
	if testing.Short() {
		perms, step = []int{16, 128}, 0.05
	}
	for _, n := range perms {
		for th := step; th < 1; th += step {
			for _, wt := range [][2]float64{{0.5, 0.5}, {0.9, 0.1}, {0.2, 0.8}} {
				got := Optimal(th, n, wt[0], wt[1])
				want, wantErr := optimalDirect(th, n, wt[0], wt[1])
				if got == want {
					continue
				}
				// Rounding may part two bandings that err alike.
				gotErr := bandingErr(got, th, wt[0], wt[1])
				t.Logf("Optimal(%.2f, %d, %v) = %v, direct search %v: errors %g and %g", th, n, wt, got, want, gotErr, wantErr)
				if math.Abs(gotErr-wantErr) > 1e-12 {
					t.Errorf("Optimal(%.2f, %d, %v) = %v (error %g), direct search %v (error %g)", th, n, wt, got, gotErr, want, wantErr)
				}
			}
		}
	}
}

func BenchmarkOptimal(b *testing.B) {
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			Optimal(0.5, 128, 0.5, 0.5)
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			optimalDirect(0.5, 128, 0.5, 0.5)
		}
	})
}

func TestProbabilityMatchesSimulation(t *testing.T) {
	// A pair whose signature positions agree independently with
	// probability s becomes a candidate with probability 1-(1-s^r)^b.
	p := Params{Bands: 8, Rows: 4}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []float64{0.3, 0.6, 0.8} {
		hits, trials := 0, 4000
		for n := 0; n < trials; n++ {
			a := make([]uint32, p.Size())
			b := make([]uint32, p.Size())
			for i := range a {
				a[i] = rng.Uint32()
				b[i] = a[i]
				if rng.Float64() >= s {
					b[i] = rng.Uint32()
				}
			}
			found := false
			for i, k := range Keys(nil, p, a) {
				found = found || Keys(nil, p, b)[i] == k
			}
			if found {
				hits++
			}
		}
		got, want := float64(hits)/float64(trials), p.Probability(s)
		if math.Abs(got-want) > 0.03 {
			t.Errorf("s=%.1f: candidate rate %.3f, formula %.3f", s, got, want)
		}
	}
}

func TestBandKeyOrder(t *testing.T) {
	if BandKey([]uint32{1, 2}) == BandKey([]uint32{2, 1}) {
		t.Error("band keys ignore the order of rows")
	}
	if BandKey([]uint32{0}) == BandKey([]uint32{0, 0}) {
		t.Error("band keys ignore the number of rows")
	}
}

func ExampleOptimal() {
	p := Optimal(0.5, 128, 0.5, 0.5)
	fmt.Printf("%v; a pair at J=0.5 is a candidate with probability %.2f, at J=0.9 %.4f\n", p, p.Probability(0.5), p.Probability(0.9))
	// Output: 25 bands × 5 rows; a pair at J=0.5 is a candidate with probability 0.55, at J=0.9 1.0000
}
