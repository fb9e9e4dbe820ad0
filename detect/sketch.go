package detect

import (
	"math"
	"sync"

	"github.com/neardup/neardup/internal/mix"
	"github.com/neardup/neardup/internal/radix"
)

// sketch is a count-min sketch (Cormode & Muthukrishnan, "An Improved
// Data Stream Summary: The Count-Min Sketch and its Applications", 2005)
// of sketchDepth saturating 16-bit counters a key, blocked as Putze,
// Sanders & Singler propose for Bloom filters ("Cache-, Hash- and
// Space-Efficient Bloom Filters", 2007): a key's counters lie in one
// 64-byte line, one in each quarter of it, so that counting a key costs
// one cache miss instead of one a row. The lines are split into shards,
// each with a lock, so that goroutines count at once; the counts do not
// depend on their order.
type sketch struct {
	counters []uint16 // sketchLine counters a line
	mu       [sketchShards]struct {
		sync.Mutex
		_ [56]byte // a cache line each
	}
}

const (
	sketchDepth     = 4
	sketchLine      = 32 // counters a line: 64 bytes
	sketchLinesBits = 21 // 2^21 lines: 128 MiB
	sketchShards    = 16
)

func newSketch() *sketch {
	return &sketch{counters: make([]uint16, sketchLine<<sketchLinesBits)}
}

func sketchMix(k uint64) uint64 { return mix.Sketch(k ^ mix.Golden) }

// line returns the counters of the line of mixed key x.
func (s *sketch) line(x uint64) []uint16 {
	l := int(x >> (64 - sketchLinesBits))
	return s.counters[l*sketchLine : (l+1)*sketchLine : (l+1)*sketchLine]
}

// cell returns mixed key x's counter of row r in its line: one of the
// eight of the row's quarter of the line.
func cell(line []uint16, x uint64, r int) *uint16 { return &line[r*8+int(x>>(3*r))&7] }

func shardOf(x uint64) int { return int(x >> (64 - 4)) } // sketchShards = 2^4

// addAll counts each of keys once and returns scratch, grown, for the
// next call. The keys' mixes are sorted by line first, so that a large
// batch sweeps each shard's lines in order instead of at random, and the
// shards' locks are taken in turn.
func (s *sketch) addAll(keys, scratch []uint64) []uint64 {
	if len(keys) == 0 {
		return scratch
	}
	if cap(scratch) < 2*len(keys) {
		scratch = make([]uint64, 2*len(keys))
	}
	xs, tmp := scratch[:len(keys)], scratch[len(keys):2*len(keys)]
	for i, k := range keys {
		xs[i] = sketchMix(k)
	}
	radix.SortHigh(xs, tmp, 64-sketchLinesBits)
	var start [sketchShards + 1]int
	for sh, i := 0, 0; sh < sketchShards; sh++ {
		start[sh] = i
		for i < len(xs) && shardOf(xs[i]) == sh {
			i++
		}
	}
	start[sketchShards] = len(xs)
	// Goroutines start at different shards, so as not to queue on one.
	first := shardOf(keys[0] * mix.Golden)
	for i := range sketchShards {
		sh := (first + i) % sketchShards
		s.mu[sh].Lock()
		for _, x := range xs[start[sh]:start[sh+1]] {
			line := s.line(x)
			for r := range sketchDepth {
				if c := cell(line, x, r); *c < math.MaxUint16 {
					*c++
				}
			}
		}
		s.mu[sh].Unlock()
	}
	return scratch
}

// count returns the least of key k's counters: at least the number of
// times k was added, or 65535. It must not run at once with addAll.
func (s *sketch) count(k uint64) int {
	x := sketchMix(k)
	line := s.line(x)
	n := math.MaxUint16
	for r := range sketchDepth {
		n = min(n, int(*cell(line, x, r)))
	}
	return n
}
