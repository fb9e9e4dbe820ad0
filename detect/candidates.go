package detect

import (
	"context"
	"slices"

	"github.com/neardup/neardup/internal/radix"
)

// pairKey packs a pair of places, i < j.
func pairKey(i, j int) uint64 { return uint64(i)<<32 | uint64(j) }

// candidates returns the pairs to verify, as sorted pair keys of places.
func (s *scan) candidates(ctx context.Context) ([]uint64, error) {
	n := s.docs.n
	var keys []uint64
	if s.o.Exhaustive {
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
		return keys, nil
	}
	// Identical normalised texts are duplicates whatever their length;
	// the first of each group stands for it in the tables.
	rep := make([]int, n) // representative of each document, -1 if none
	group := map[int][]int{}
	grouped := make([]bool, n) // has a group
	first := make(map[[2]uint64]int, n)
	for i := range s.docs.n {
		rep[i] = -1
		if s.docs.at(i).tokens == 0 {
			continue
		}
		r, ok := first[s.docs.at(i).norm]
		if !ok {
			first[s.docs.at(i).norm] = i
			rep[i] = i
			continue
		}
		rep[i] = r
		g, ok := group[r]
		if !ok {
			g = []int{r}
			grouped[r] = true
		}
		for _, x := range g {
			keys = append(keys, s.placePair(x, i))
		}
		group[r] = append(g, i)
	}
	first = nil
	members := func(r int) []int {
		if g, ok := group[r]; ok {
			return g
		}
		return []int{r}
	}
	// The candidate rule (rule.go), in bulk: pairs of a key that
	// ProposesAlone are candidates; the others are when Enough of them
	// are shared.
	// The partitions are paired on all workers, each its own.
	type found struct{ rep, prints []uint64 }
	outs := make([]found, parts)
	// Each worker reuses its buffers from table to table.
	entryBufs, scratchBufs := make([][]uint64, s.workers), make([][]uint64, s.workers)
	ones := make([]singles, s.workers)
	err := s.parallel(ctx, "pairing", parts, func(w, part int) {
		var repPairs, printPairs []uint64
		var ids []int
		for _, table := range []int{0, 1} { // bands, then fingerprints
			entries := entryBufs[w][:0]
			for _, wk := range s.ws {
				t := &wk.bands[part]
				if table == 1 {
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
				if b-a > 1 && (table == 0 || !s.stockKey(keyOf(entries[a]))) {
					ids = ids[:0]
					for _, e := range entries[a:b] {
						if i := idOf(e); rep[i] == i {
							ids = append(ids, i)
						}
					}
					for x := range ids {
						for y := x + 1; y < len(ids); y++ {
							if ids[x] == ids[y] {
								continue
							}
							k := pairKey(min(ids[x], ids[y]), max(ids[x], ids[y]))
							if s.o.ProposesAlone(table == 1, len(ids)) {
								repPairs = append(repPairs, k)
							} else {
								printPairs = append(printPairs, k)
							}
						}
					}
				}
				a = b
			}
		}
		outs[part] = found{repPairs, printPairs}
	})
	if err != nil {
		return nil, err
	}
	var nRep, nPrint int
	for _, o := range outs {
		nRep += len(o.rep)
		nPrint += len(o.prints)
	}
	repPairs, printPairs := make([]uint64, 0, nRep), make([]uint64, 0, nPrint)
	for _, o := range outs {
		repPairs = append(repPairs, o.rep...)
		printPairs = append(printPairs, o.prints...)
	}
	outs = nil
	s.ws = nil
	// The two lists are sorted at once.
	done := make(chan struct{})
	go func() {
		repPairs = sortUnique(repPairs)
		close(done)
	}()
	radix.Sort(printPairs, make([]uint64, len(printPairs)))
	<-done
	// Pairs of MinPrints common prints, in order, join the others.
	common := printPairs[:0]
	for a := 0; a < len(printPairs); {
		b := a + 1
		for b < len(printPairs) && printPairs[b] == printPairs[a] {
			b++
		}
		if s.o.Enough(b - a) {
			common = append(common, printPairs[a])
		}
		a = b
	}
	pairs := mergeUnique(make([]uint64, 0, len(repPairs)+len(common)), repPairs, common)
	repPairs, printPairs = nil, nil
	keys = slices.Grow(keys, len(pairs))
	for _, k := range pairs {
		i, j := int(k>>32), int(k&0xffffffff)
		if !grouped[i] && !grouped[j] {
			keys = append(keys, s.placePair(i, j)) // the common case
			continue
		}
		for _, x := range members(i) {
			for _, y := range members(j) {
				keys = append(keys, s.placePair(x, y))
			}
		}
	}
	return sortUnique(keys), nil
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
