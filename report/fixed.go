package report

import (
	"math"
	"strconv"
)

// appendFixed appends f with prec decimals (1 to 4), as
// strconv.AppendFloat(b, f, 'f', prec, 64) does, faster for the figures
// of a report (fractions from 0 to 1): the scaled value is rounded in
// float64 arithmetic wherever that cannot round otherwise than the exact
// decimal rounding of f does, and strconv writes the rest: values out of
// range, and values within 1e-6 of a tie, where the float64 product's
// error could decide.
func appendFixed(b []byte, f float64, prec int) []byte {
	var scale float64
	switch prec {
	case 1:
		scale = 1e1
	case 2:
		scale = 1e2
	case 3:
		scale = 1e3
	default:
		scale = 1e4
	}
	s := f * scale
	// Below 2^24 the product's error is under 2^-29.
	if !(s >= 0 && s < 1<<24) || math.Signbit(f) {
		return strconv.AppendFloat(b, f, 'f', prec, 64)
	}
	if d := s - float64(uint64(s)); math.Abs(d-0.5) < 1e-6 {
		return strconv.AppendFloat(b, f, 'f', prec, 64)
	}
	n := uint64(s + 0.5) // s rounded, away from the tie
	// The decimals from the last, by constant divisions, which compile
	// to multiplications.
	var d [4]byte
	for i := prec - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	b = strconv.AppendUint(b, n, 10)
	return append(append(b, '.'), d[:prec]...)
}
