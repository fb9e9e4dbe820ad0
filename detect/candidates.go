package detect

import (
	"context"
	"slices"

	"github.com/neardup/neardup/internal/radix"
)

// pairKey packs a pair of places, i < j.
func pairKey(i, j int) uint64 { return uint64(i)<<32 | uint64(j) }

// candidates returns the pairs to verify, as sorted pair keys of places:
// the candidate rule (rule.go) applied to the whole corpus at once.
func (s *scan) candidates(ctx context.Context) ([]uint64, error) {
	if s.o.Exhaustive {
		return s.allPairs(), nil
	}
	g, keys := s.exactGroups()
	alone, common, err := s.sharedKeys(ctx, g.rep)
	if err != nil {
		return nil, err
	}
	pairs := mergeUnique(make([]uint64, 0, len(alone)+len(common)), alone, s.enoughShared(common))
	alone, common = nil, nil
	keys = slices.Grow(keys, len(pairs))
	for _, k := range pairs {
		i, j := int(k>>32), int(k&0xffffffff)
		if !g.grouped[i] && !g.grouped[j] {
			keys = append(keys, s.placePair(i, j)) // the common case
			continue
		}
		for _, x := range g.members(i) {
			for _, y := range g.members(j) {
				keys = append(keys, s.placePair(x, y))
			}
		}
	}
	return sortUnique(keys), nil
}

// allPairs is every pair of documents with tokens (Options.Exhaustive).
func (s *scan) allPairs() []uint64 {
	var keys []uint64
	n := s.docs.n
	for p := 0; p < n; p++ {
		if s.docs.at(s.byPos[p]).tokens == 0 {
			continue
		}
		for q := p + 1; q < n; q++ {
			if s.docs.at(s.byPos[q]).tokens > 0 {
				keys = append(keys, pairKey(p, q))
			}
		}
	}
	return keys
}

// exactGroups are the documents of identical normalised texts: each
// group's first document stands for it in the tables.
type exactGroups struct {
	rep     []int // representative of each document, -1 if none
	group   map[int][]int
	grouped []bool // has a group
}

// members returns the documents that representative r stands for.
func (g *exactGroups) members(r int) []int {
	if m, ok := g.group[r]; ok {
		return m
	}
	return []int{r}
}

// exactGroups groups the documents by normalised text, and returns the
// groups and the pairs of places within each: identical normalised texts
// are duplicates whatever their length.
func (s *scan) exactGroups() (*exactGroups, []uint64) {
	var keys []uint64
	n := s.docs.n
	g := &exactGroups{rep: make([]int, n), group: map[int][]int{}, grouped: make([]bool, n)}
	first := make(map[[2]uint64]int, n)
	for i := range n {
		g.rep[i] = -1
		if s.docs.at(i).tokens == 0 {
			continue
		}
		r, ok := first[s.docs.at(i).norm]
		if !ok {
			first[s.docs.at(i).norm] = i
			g.rep[i] = i
			continue
		}
		g.rep[i] = r
		m, ok := g.group[r]
		if !ok {
			m = []int{r}
			g.grouped[r] = true
		}
		for _, x := range m {
			keys = append(keys, s.placePair(x, i))
		}
		g.group[r] = append(m, i)
	}
	return g, keys
}

// sharedKeys pairs the representatives (rep[i] == i) filed under each
// band key and fingerprint, stock phrases aside. It returns the pairs
// that ProposesAlone, sorted and distinct, and the pairs of common
// fingerprints, sorted, one for each fingerprint shared. The partitions
// of the tables are paired on all workers, each its own.
func (s *scan) sharedKeys(ctx context.Context, rep []int) (alone, common []uint64, err error) {
	type found struct{ alone, common []uint64 }
	outs := make([]found, parts)
	// Each worker reuses its buffers from table to table.
	entryBufs, scratchBufs := make([][]uint64, s.workers), make([][]uint64, s.workers)
	ones := make([]singles, s.workers)
	ids := make([][]int, s.workers)
	err = s.parallel(ctx, "pairing", parts, func(w, part int) {
		var out found
		for _, prints := range []bool{false, true} { // bands, then fingerprints
			entries := entryBufs[w][:0]
			for _, wk := range s.ws {
				t := &wk.bands[part]
				if prints {
					t = &wk.prints[part]
				}
				entries = t.appendTo(entries)
				*t = blocks[uint64]{}
			}
			entryBufs[w] = entries
			// A key of one document pairs nothing.
			entries = dropSingles(&ones[w], entries, partBits)
			if cap(scratchBufs[w]) < len(entries) {
				scratchBufs[w] = make([]uint64, len(entries))
			}
			// Grouped by key: the order of a key's documents does
			// not matter.
			radix.SortHigh(entries, scratchBufs[w], idBits)
			for a := 0; a < len(entries); {
				b := a + 1
				for b < len(entries) && keyOf(entries[b]) == keyOf(entries[a]) {
					b++
				}
				if b-a > 1 && (!prints || !s.stockKey(keyOf(entries[a]))) {
					ids[w] = representatives(ids[w][:0], entries[a:b], rep)
					if s.o.ProposesAlone(prints, len(ids[w])) {
						out.alone = appendPairs(out.alone, ids[w])
					} else {
						out.common = appendPairs(out.common, ids[w])
					}
				}
				a = b
			}
		}
		outs[part] = out
	})
	if err != nil {
		return nil, nil, err
	}
	var nAlone, nCommon int
	for _, o := range outs {
		nAlone += len(o.alone)
		nCommon += len(o.common)
	}
	alone, common = make([]uint64, 0, nAlone), make([]uint64, 0, nCommon)
	for _, o := range outs {
		alone = append(alone, o.alone...)
		common = append(common, o.common...)
	}
	outs = nil
	s.ws = nil
	// The two lists are sorted at once.
	done := make(chan struct{})
	go func() {
		alone = sortUnique(alone)
		close(done)
	}()
	radix.Sort(common, make([]uint64, len(common)))
	<-done
	return alone, common, nil
}

// representatives appends to dst the documents of entries, one key's,
// that represent their normalised text.
func representatives(dst []int, entries []uint64, rep []int) []int {
	for _, e := range entries {
		if i := idOf(e); rep[i] == i {
			dst = append(dst, i)
		}
	}
	return dst
}

// appendPairs appends the pair keys of every two distinct ids to dst.
func appendPairs(dst []uint64, ids []int) []uint64 {
	for x := range ids {
		for y := x + 1; y < len(ids); y++ {
			if ids[x] != ids[y] {
				dst = append(dst, pairKey(min(ids[x], ids[y]), max(ids[x], ids[y])))
			}
		}
	}
	return dst
}

// enoughShared returns, in order, the pairs that appear Enough times in
// sorted: the pairs that share enough common fingerprints. It reuses
// sorted's memory.
func (s *scan) enoughShared(sorted []uint64) []uint64 {
	out := sorted[:0]
	for a := 0; a < len(sorted); {
		b := a + 1
		for b < len(sorted) && sorted[b] == sorted[a] {
			b++
		}
		if s.o.Enough(b - a) {
			out = append(out, sorted[a])
		}
		a = b
	}
	return out
}

// placePair is the pair key, in places, of documents numbered i and j.
func (s *scan) placePair(i, j int) uint64 {
	p, q := s.pos[i], s.pos[j]
	return pairKey(min(p, q), max(p, q))
}

// mergeUnique appends to dst the values of a and b, both sorted without
// repeats, in order and without repeats.
func mergeUnique(dst, a, b []uint64) []uint64 {
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			dst, a = append(dst, a[0]), a[1:]
		case b[0] < a[0]:
			dst, b = append(dst, b[0]), b[1:]
		default:
			dst, a, b = append(dst, a[0]), a[1:], b[1:]
		}
	}
	return append(append(dst, a...), b...)
}

// sortUnique sorts keys and drops repeats.
func sortUnique(keys []uint64) []uint64 {
	radix.Sort(keys, make([]uint64, len(keys)))
	return slices.Compact(keys)
}
