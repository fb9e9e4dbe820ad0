package detect

// blocks is a list of keys that grows by whole blocks instead of by
// copying: the filing tables and the exact counts receive millions of
// keys whose number is not known in advance. The zero value is empty.
type blocks[K uint32 | uint64] struct {
	full [][]K // full blocks
	last []K   // the block being filled
	n    int
}

// blockSize is the number of keys a block holds, once the list has
// grown: the first blocks are smaller, from 256 keys up, so that the many
// lists of a scan with many workers cost little on a small corpus.
const blockSize = 8192

func (b *blocks[K]) add(k K) {
	if len(b.last) == cap(b.last) {
		if b.last != nil {
			b.full = append(b.full, b.last)
		}
		b.last = make([]K, 0, min(blockSize, max(256, 2*cap(b.last))))
	}
	b.last = append(b.last, k)
	b.n++
}

// Len reports the number of keys.
func (b *blocks[K]) Len() int { return b.n }

// appendTo appends the keys to dst in the order they were added.
func (b *blocks[K]) appendTo(dst []K) []K {
	for _, blk := range b.full {
		dst = append(dst, blk...)
	}
	return append(dst, b.last...)
}
