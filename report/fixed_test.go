package report

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendFixedMatchesStrconv holds appendFixed to strconv on random
// fractions, on values at and next to every rounding tie of four
// decimals below 1, on dyadic ties, and on values out of its range.
func TestAppendFixedMatchesStrconv(t *testing.T) {
	check := func(f float64) {
		t.Helper()
		for prec := 1; prec <= 4; prec++ {
			got := string(appendFixed([]byte("x"), f, prec))
			want := "x" + strconv.FormatFloat(f, 'f', prec, 64)
			if got != want {
				t.Fatalf("appendFixed(%v, %d) = %q, want %q", f, prec, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(12, 13))
	for range 200000 {
		check(rng.Float64())
	}
	for k := 0; k <= 20000; k++ {
		x := (float64(k) + 0.5) / 10000
		check(x)
		check(math.Nextafter(x, 0))
		check(math.Nextafter(x, 2))
		check(float64(k) / 10000)
		check(float64(k) / 7)
	}
	for e := 1; e < 20; e++ {
		for k := 0; k < 1<<e && k < 5000; k++ {
			check(float64(k) / float64(int(1)<<e))
		}
	}
	for _, f := range []float64{0, 1, -0.25, -1e-9, 1e7, 1677.7215, 1677.7216, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, math.Copysign(0, -1)} {
		check(f)
	}
}

// BenchmarkAppendFixed compares appendFixed with strconv on report
// figures: fractions from 0 to 1.
func BenchmarkAppendFixed(b *testing.B) {
	rng := rand.New(rand.NewPCG(14, 15))
	fs := make([]float64, 1024)
	for i := range fs {
		fs[i] = rng.Float64()
	}
	buf := make([]byte, 0, 16)
	b.Run("appendFixed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			buf = appendFixed(buf[:0], fs[i%len(fs)], 4)
		}
	})
	b.Run("strconv", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			buf = strconv.AppendFloat(buf[:0], fs[i%len(fs)], 'f', 4, 64)
		}
	})
}
