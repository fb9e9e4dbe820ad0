// Package benchmarks compares neardup with other MinHash libraries and
// times it at corpus scale. It is a module of its own so that the peers
// never enter neardup's go.mod.
package benchmarks

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	gominhash "github.com/dgryski/go-minhash"
	minhashlsh "github.com/ekzhu/minhash-lsh"
	"github.com/spaolacci/murmur3"

	"github.com/neardup/neardup/minhash"
)

const perms = 128

func shingleHashes(n int) ([]uint64, [][]byte) {
	rng := rand.New(rand.NewPCG(1, 2))
	hs := make([]uint64, n)
	bs := make([][]byte, n)
	for i := range hs {
		hs[i] = rng.Uint64()
		bs[i] = binary.LittleEndian.AppendUint64(nil, hs[i])
	}
	return hs, bs
}

// BenchmarkSignature measures the cost of adding one shingle (already
// hashed to 64 bits, as neardup's shingler gives it) to a 128-value
// signature. SetBytes counts 8 bytes a shingle; the ns/shingle metric is
// the figure to compare.
func BenchmarkSignature(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		hs, bs := shingleHashes(n)
		perShingle := func(b *testing.B) {
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
		}
		report := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/shingle")
		}
		b.Run(fmt.Sprintf("neardup-oph/n=%d", n), func(b *testing.B) {
			s := minhash.NewOPH(perms, minhash.DefaultSeed)
			var sig []uint32
			perShingle(b)
			for b.Loop() {
				sig = s.Sign(sig[:0], hs)
			}
			report(b)
		})
		b.Run(fmt.Sprintf("go-minhash-minwise/n=%d", n), func(b *testing.B) {
			h1 := func(x []byte) uint64 { return murmur3.Sum64WithSeed(x, 1) }
			h2 := func(x []byte) uint64 { return murmur3.Sum64WithSeed(x, 2) }
			perShingle(b)
			for b.Loop() {
				mw := gominhash.NewMinWise(h1, h2, perms)
				for _, x := range bs {
					mw.Push(x)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("ekzhu-minhash/n=%d", n), func(b *testing.B) {
			perShingle(b)
			for b.Loop() {
				m := minhashlsh.NewMinhash(1, perms)
				for _, x := range bs {
					m.Push(x)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("murmur3-only/n=%d", n), func(b *testing.B) {
			var sum uint64
			perShingle(b)
			for b.Loop() {
				for _, x := range bs {
					sum += murmur3.Sum64WithSeed(x, 1)
				}
			}
			report(b)
			_ = sum
		})
	}
}
