package detect

import (
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neardup/neardup/internal/radix"
)

// exactLimit is the number of (document, distinct shingle) entries up to
// which document frequencies are counted exactly; beyond, in a
// count-min sketch, whose overcounts at the frequencies that make stock
// phrases (100 documents and more there) are nil in practice.
const exactLimit = 16 << 20

// counter counts document frequencies, exactly and then, past its
// limit (zero: exactLimit) entries, in a sketch.
type counter struct {
	mu    sync.Mutex
	limit int
	// exact holds the keys counted so far split by their top splitBits
	// bits, each as its next 32 bits: the rest of a key (keyBits).
	exact    [1 << splitBits]blocks[uint32]
	n        int
	sketch   *sketch
	sketched atomic.Bool // sketch is set
}

// splitBits is the number of top bits of a key that split the exact
// count; with them, the next 32 bits are the whole key (keyBits).
const splitBits = keyBits - 32

func splitKey(k uint64) (part int, rest uint32) {
	return int(k >> (64 - splitBits)), uint32(k >> idBits)
}

func joinKey(part int, rest uint32) uint64 {
	return uint64(part)<<(64-splitBits) | uint64(rest)<<idBits
}

// add counts keys, distinct keys of documents, and returns scratch, grown,
// for the next call.
func (c *counter) add(keys, scratch []uint64) []uint64 {
	c.mu.Lock()
	if c.sketch == nil {
		for _, k := range keys {
			p, r := splitKey(k)
			c.exact[p].add(r)
		}
		limit := c.limit
		if limit == 0 {
			limit = exactLimit
		}
		if c.n += len(keys); c.n <= limit {
			c.mu.Unlock()
			return scratch
		}
		// Past the limit: the exact counts so far move to a sketch,
		// which the other workers add to meanwhile (counts do not depend
		// on their order), instead of waiting for the move.
		sk := newSketch()
		c.sketch = sk
		c.sketched.Store(true)
		exact := c.exact
		c.exact = [1 << splitBits]blocks[uint32]{}
		c.mu.Unlock()
		var part []uint64
		for p := range exact {
			part = part[:0]
			for _, r := range exact[p].appendTo(nil) {
				part = append(part, joinKey(p, r))
			}
			scratch = sk.addAll(part, scratch)
			exact[p] = blocks[uint32]{}
		}
		return scratch
	}
	// The sketch has locks of its own: workers add to it at once. A
	// large document's keys go in pieces, so that the scratch (twice the
	// keys) stays small.
	sk := c.sketch
	c.mu.Unlock()
	for len(keys) > 0 {
		n := min(len(keys), 1<<20)
		scratch = sk.addAll(keys[:n], scratch)
		keys = keys[n:]
	}
	return scratch
}

// batch returns the number of distinct keys each of workers gathers
// before adding them: 64 Ki while they are counted exactly, and once they
// go to the sketch, where large batches sweep its lines in order, 2 Mi
// among all workers (24 bytes a key with the sketch's scratch).
func (c *counter) batch(workers int) int {
	if c.sketched.Load() {
		return max(1<<16, 1<<21/workers)
	}
	return 1 << 16
}

// stockSet returns the stock test for keys of at least cutoff documents,
// counting on workers goroutines, the number of stock keys (-1 when
// counted in the sketch), and, when counted exactly, a filter of the keys
// of two documents or more (nil in the sketch).
func (c *counter) stockSet(cutoff, workers int) (stock func(uint64) bool, n int, shared *filter) {
	if c.sketch != nil {
		return func(k uint64) bool { return c.sketch.count(k) >= cutoff }, -1, nil
	}
	// The parts of the split are sorted and counted on workers
	// goroutines, each with buffers it reuses from part to part.
	var stocks [1 << splitBits]map[uint32]bool
	var twice [1 << splitBits][]uint32
	var wg sync.WaitGroup
	var next atomic.Int32
	for range min(workers, len(c.exact)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var all, scratch []uint32
			var ones singles
			for p := int(next.Add(1) - 1); p < len(c.exact); p = int(next.Add(1) - 1) {
				all = c.exact[p].appendTo(all[:0])
				c.exact[p] = blocks[uint32]{}
				// Keys of one document are not shared, nor stock unless
				// one document makes stock.
				if cutoff >= 2 {
					all = dropSingles(&ones, all, 0)
				}
				if cap(scratch) < len(all) {
					scratch = make([]uint32, len(all))
				}
				radix.Sort(all, scratch)
				stocks[p], twice[p] = countPart(all, cutoff)
			}
		}()
	}
	wg.Wait()
	var stockRests [1 << splitBits][]uint32
	for p, m := range stocks {
		n += len(m)
		for r := range m {
			stockRests[p] = append(stockRests[p], r)
		}
	}
	shared = newFilter(twice)
	// Most keys asked about are not stock: a filter of the stock keys,
	// small enough to stay in cache, answers for them before a map is
	// looked up.
	maybe := newFilter(stockRests)
	return func(k uint64) bool {
		if maybe.bit(k) == 0 {
			return false
		}
		p, r := splitKey(k)
		return stocks[p][r]
	}, n, shared
}

// countPart returns the set of the rests of sorted all that it holds
// cutoff times or more, and those it holds twice or more.
func countPart(all []uint32, cutoff int) (stock map[uint32]bool, twice []uint32) {
	stock = map[uint32]bool{}
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j] == all[i] {
			j++
		}
		if j-i >= 2 {
			twice = append(twice, all[i])
		}
		if j-i >= cutoff {
			stock[all[i]] = true
		}
		i = j
	}
	return stock, twice
}

// filter is a set of keys with false positives: a bitmap of their top
// bits.
type filter struct {
	bits  []uint64
	shift uint
}

// newFilter returns the filter of the keys given by their parts and
// rests (splitKey), with 16 to 32 bits a key, so that about 1 in 16 to 1
// in 32 keys not in it pass for members.
func newFilter(rests [1 << splitBits][]uint32) *filter {
	n := 0
	for _, r := range rests {
		n += len(r)
	}
	b := 6 // 2^b bits
	if n > 0 {
		b = min(max(b, bits.Len(uint(16*n-1))), keyBits)
	}
	f := &filter{bits: make([]uint64, 1<<b/64), shift: uint(64 - b)}
	for p, rs := range rests {
		for _, r := range rs {
			i := joinKey(p, r) >> f.shift
			f.bits[i/64] |= 1 << (i % 64)
		}
	}
	return f
}

// has reports whether k may be in f: always when it is.
func (f *filter) has(k uint64) bool { return f.bit(k) != 0 }

// bit is has as 1 or 0.
func (f *filter) bit(k uint64) uint64 {
	i := k >> f.shift
	return f.bits[i/64] >> (i % 64) & 1
}

// distinctKeys appends the distinct keys (keyOf) of hashes to dst, in
// order of first appearance, and returns the number of distinct hashes,
// or -1 when two different hashes share a key, which a set of keys cannot
// tell apart (rare, in 36 bits): then they are counted later.
func (wk *filer) distinctKeys(dst, hashes []uint64) ([]uint64, int) {
	if len(hashes) > sortDistinct {
		return distinctSorted(dst, hashes)
	}
	wk.set.reset(len(hashes))
	dst, n, exact := wk.set.addAllKeyed(dst, hashes)
	if !exact {
		return dst, -1
	}
	return dst, n
}

// sortDistinct is the number of hashes above which distinctKeys sorts a
// copy of them instead of filling a set: a set of a large document's
// shingles takes four times their size.
const sortDistinct = 1 << 20

// distinctSorted is distinctKeys by sorting, with the keys in order.
func distinctSorted(dst, hashes []uint64) ([]uint64, int) {
	sorted := slices.Clone(hashes)
	slices.Sort(sorted)
	n, exact := 0, true
	keys := sorted[:0] // written behind the reading
	var prev uint64
	for i, h := range sorted {
		if i > 0 && h == prev {
			continue
		}
		prev = h
		n++
		if k := keyOf(h); len(keys) > 0 && keys[len(keys)-1] == k {
			exact = false
		} else {
			keys = append(keys, k)
		}
	}
	if len(dst) == 0 {
		dst = keys
	} else {
		dst = append(dst, keys...)
	}
	if !exact {
		return dst, -1
	}
	return dst, n
}
