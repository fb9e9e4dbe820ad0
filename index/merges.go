package index

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// seek returns the first entry of seg in [lo, hi) whose key is at least
// k, or hi. Keys are hashes, spread evenly, so it interpolates a few
// times (Perl, Itai & Avni, "Interpolation search: a log log N search",
// CACM 1978) before it bisects.
func seek(seg *segment, lo, hi int, k uint64) int {
	for step := 0; hi-lo > 16 && seg.err == nil; step++ {
		g := lo + (hi-lo)/2
		if step < 4 {
			a, b := seg.key(lo), seg.key(hi-1)
			if k <= a {
				return lo
			}
			if k > b {
				return hi
			}
			g = lo + int(float64(k-a)/float64(b-a)*float64(hi-1-lo))
			g = min(max(g, lo), hi-1)
		}
		if seg.key(g) < k {
			lo = g + 1
		} else {
			hi = g + 1
			if seg.key(lo) >= k {
				return lo
			}
		}
	}
	for lo < hi && seg.key(lo) < k {
		lo++
	}
	return lo
}

// sortSegment sorts seg's entries (by key, then document number).
func sortSegment(seg []byte) []byte {
	type entry struct {
		k uint64
		n uint32
	}
	es := make([]entry, len(seg)/segEntry)
	for i := range es {
		es[i] = entry{binary.BigEndian.Uint64(seg[i*segEntry:]), binary.BigEndian.Uint32(seg[i*segEntry+8:])}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := cmp.Compare(a.k, b.k); c != 0 {
			return c
		}
		return cmp.Compare(a.n, b.n)
	})
	out := seg[:0]
	for _, e := range es {
		out = binary.BigEndian.AppendUint64(out, e.k)
		out = binary.BigEndian.AppendUint32(out, e.n)
	}
	return out
}

// addSegment stores the sorted entries seg at level 0 and merges every
// level that has reached segFanout segments, of at most limit bytes in
// all, into the next.
func addSegment(tx *bolt.Tx, seg []byte, limit int) error {
	b := tx.Bucket(bucketSegs)
	var live func(num []byte) bool
	for level := byte(0); ; level++ {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		key := binary.BigEndian.AppendUint64([]byte{level}, seq)
		if err := b.Put(key, encodeSegment(seg)); err != nil {
			return err
		}
		var keys [][]byte
		var segs []*segment
		size := 0
		c := b.Cursor()
		for k, v := c.Seek([]byte{level}); k != nil && k[0] == level; k, v = c.Next() {
			s, err := openSegment(v)
			if err == nil {
				err = s.checkAll()
			}
			if err != nil {
				return err
			}
			keys, segs = append(keys, bytes.Clone(k)), append(segs, s)
			size += len(s.data)
		}
		if len(keys) < segFanout || size > limit {
			return nil
		}
		if live == nil {
			nums := tx.Bucket(bucketNums)
			live = func(num []byte) bool { return nums.Get(num) != nil }
		}
		seg = mergeSegments(segs, live)
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
}

// mergeSegments merges checked segments into one sorted array of
// entries, keeping those of live documents.
func mergeSegments(segs []*segment, live func(num []byte) bool) []byte {
	size := 0
	for _, s := range segs {
		size += len(s.data)
	}
	out := make([]byte, 0, encodedSize(size)) // encodeSegment appends in place
	at := make([]int, len(segs))
	alive := map[uint32]bool{} // document number → live, asked once
	for {
		best := -1
		for i, s := range segs {
			if at[i] < len(s.data) && (best < 0 || bytes.Compare(s.data[at[i]:at[i]+segEntry], segs[best].data[at[best]:at[best]+segEntry]) < 0) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		e := segs[best].data[at[best] : at[best]+segEntry]
		at[best] += segEntry
		num := binary.BigEndian.Uint32(e[8:])
		ok, seen := alive[num]
		if !seen {
			ok = live(e[8:])
			alive[num] = ok
		}
		if ok {
			out = append(out, e...)
		}
	}
}

// fold writes base counters and log as a new base and empties the log.
func fold(tx *bolt.Tx) error {
	counters, err := readSketch(tx)
	if err != nil {
		return err
	}
	df := tx.Bucket(bucketDF)
	for ch := 0; ch*chunkCells < len(counters); ch++ {
		v := make([]byte, 2*chunkCells)
		nonzero := false
		for i, c := range counters[ch*chunkCells : (ch+1)*chunkCells] {
			binary.LittleEndian.PutUint16(v[2*i:], c)
			nonzero = nonzero || c != 0
		}
		key := binary.BigEndian.AppendUint32(nil, uint32(ch))
		if !nonzero {
			if err := df.Delete(key); err != nil {
				return err
			}
			continue
		}
		if err := df.Put(key, seal(key, v)); err != nil {
			return err
		}
	}
	if err := tx.DeleteBucket(bucketLog); err != nil {
		return err
	}
	_, err = tx.CreateBucket(bucketLog)
	return err
}
