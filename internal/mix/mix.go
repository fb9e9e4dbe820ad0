// Package mix holds the integer mixing functions neardup's hash tables,
// sketches and fingerprints share, so that each constant is written once.
package mix

// Golden is 2^64 divided by the golden ratio, odd: multiplying by it
// spreads consecutive keys over the top bits (Fibonacci hashing, Knuth,
// TAOCP vol. 3, 6.4), and adding multiples of it gives distinct salts.
const Golden = 0x9e3779b97f4a7c15

// Slot returns the top bits of h·Golden: a table slot for h when shift is
// 64 minus the table's bits.
func Slot(h uint64, shift uint) uint64 { return h * Golden >> (shift & 63) }

// Split64 is the splitmix64 finaliser: a bijection that spreads every
// input bit over the whole word.
func Split64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Sketch mixes a salted key into the bits that pick its count-min sketch
// counters: cheaper than Split64, and enough for keys that are already
// hashes.
func Sketch(x uint64) uint64 {
	x ^= x >> 31
	x *= 0xd6e8feb86659fd93
	x ^= x >> 32
	return x
}
