package lsh

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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
			x := New(p)
			x.Insert(1, a)
			found := false
			x.Query(b, func(uint32) { found = true })
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

func TestIndex(t *testing.T) {
	p := Params{Bands: 4, Rows: 2}
	x := New(p)
	a := []uint32{1, 2, 3, 4, 5, 6, 7, 8}
	b := []uint32{1, 2, 9, 9, 9, 9, 9, 9} // shares band 0 with a
	c := []uint32{0, 0, 0, 0, 0, 0, 0, 0}
	x.Insert(10, a)
	x.Insert(11, b)
	x.Insert(12, c)
	var got []uint32
	x.Query(a, func(id uint32) { got = append(got, id) })
	slices.Sort(got)
	if fmt.Sprint(got) != "[10 10 10 10 11]" {
		t.Errorf("Query(a) = %v", got)
	}
	var groups [][]uint32
	x.Buckets(func(ids []uint32) { groups = append(groups, slices.Clone(ids)) })
	if fmt.Sprint(groups) != "[[10 11]]" {
		t.Errorf("Buckets = %v", groups)
	}
	keys := x.Keys(nil, a)
	y := New(p)
	y.InsertKeys(10, keys)
	got = got[:0]
	y.Query(a, func(id uint32) { got = append(got, id) })
	if len(got) != 4 {
		t.Errorf("InsertKeys then Query: %v", got)
	}
	if x.Len() != 12 {
		t.Errorf("Len = %d, want 12", x.Len())
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

func BenchmarkInsert(b *testing.B) {
	p := Params{Bands: 16, Rows: 2}
	sigs := make([][]uint32, 1<<14)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range sigs {
		sigs[i] = make([]uint32, p.Size())
		for j := range sigs[i] {
			sigs[i][j] = rng.Uint32()
		}
	}
	b.SetBytes(int64(4 * p.Size())) // one signature
	b.ReportAllocs()
	x := New(p)
	i := 0
	for b.Loop() {
		if i == len(sigs) {
			x, i = New(p), 0
		}
		x.Insert(uint32(i), sigs[i])
		i++
	}
}

func BenchmarkQuery(b *testing.B) {
	p := Params{Bands: 16, Rows: 2}
	x := New(p)
	rng := rand.New(rand.NewPCG(1, 1))
	sig := make([]uint32, p.Size())
	for i := 0; i < 1<<14; i++ {
		for j := range sig {
			sig[j] = rng.Uint32()
		}
		x.Insert(uint32(i), sig)
	}
	b.SetBytes(int64(4 * p.Size()))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		x.Query(sig, func(uint32) { n++ })
	}
}

func TestSortKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for _, n := range []int{0, 10, 300, 70000} {
		k := make([]uint64, n)
		for i := range k {
			k[i] = rng.Uint64() >> uint(rng.IntN(64))
		}
		want := slices.Clone(k)
		slices.Sort(want)
		SortKeys(k, make([]uint64, n+7)) // scratch may be longer
		if !slices.Equal(k, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
		k32 := make([]uint32, n)
		for i := range k32 {
			k32[i] = uint32(rng.Uint64() >> uint(32+rng.IntN(32)))
		}
		want32 := slices.Clone(k32)
		slices.Sort(want32)
		SortKeys(k32, make([]uint32, n))
		if !slices.Equal(k32, want32) {
			t.Fatalf("n=%d: 32-bit keys not sorted", n)
		}
	}
}

func TestSortHigh(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for _, low := range []uint{0, 9, 28, 40, 63} {
		k := make([]uint64, 5000)
		for i := range k {
			k[i] = rng.Uint64() >> uint(rng.IntN(20))
		}
		want := slices.Clone(k)
		SortHigh(k, make([]uint64, len(k)), low)
		if !slices.IsSortedFunc(k, func(x, y uint64) int { return cmp.Compare(x>>low, y>>low) }) {
			t.Fatalf("low %d: not sorted by the high bits", low)
		}
		slices.Sort(k)
		slices.Sort(want)
		if !slices.Equal(k, want) {
			t.Fatalf("low %d: keys lost or changed", low)
		}
	}
}

// BenchmarkSortKeys sorts random keys as a scan does: 64-bit keys whole,
// 64-bit filing keys above their 28 bits of document number, and the
// 32-bit rests of its exact counts.
func BenchmarkSortKeys(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1 << 14, 1 << 17, 1 << 20} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = rng.Uint64()
		}
		work, scratch := make([]uint64, n), make([]uint64, n)
		for _, low := range []uint{0, 28} { // whole keys; above document numbers
			b.Run(fmt.Sprintf("uint64-from-bit-%d/n=%d", low, n), func(b *testing.B) {
				b.SetBytes(int64(n) * 8)
				b.ReportAllocs()
				for b.Loop() {
					copy(work, keys)
					SortHigh(work, scratch, low)
				}
			})
		}
		keys32 := make([]uint32, n)
		for i := range keys32 {
			keys32[i] = rng.Uint32()
		}
		work32, scratch32 := make([]uint32, n), make([]uint32, n)
		b.Run(fmt.Sprintf("uint32/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 4)
			b.ReportAllocs()
			for b.Loop() {
				copy(work32, keys32)
				SortKeys(work32, scratch32)
			}
		})
	}
}
