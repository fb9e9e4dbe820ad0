package lsh

import "slices"

// Entry is an item filed under a key, for grouping in bulk.
type Entry struct {
	Key uint64
	ID  uint32
}

// Group sorts entries by key and calls fn with the ids of every key that
// holds two entries or more, in increasing key order. It reorders entries
// and uses scratch of the same length (allocating it if nil or short).
// The ids slice passed to fn is valid only during the call.
//
// Grouping a batch by sorting is several times faster than filling hash
// maps, and its order is deterministic.
func Group(entries, scratch []Entry, fn func(ids []uint32)) {
	if len(scratch) < len(entries) {
		scratch = make([]Entry, len(entries))
	}
	SortEntries(entries, scratch[:len(entries)])
	var ids []uint32
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].Key == entries[i].Key {
			j++
		}
		if j-i > 1 {
			ids = ids[:0]
			for _, e := range entries[i:j] {
				ids = append(ids, e.ID)
			}
			fn(ids)
		}
		i = j
	}
}

// SortEntries sorts entries by key with a stable LSD radix sort using
// scratch, which must be as long as entries: entries with equal keys keep
// their order, so entries appended in id order come out ordered by key,
// then id.
func SortEntries(entries, scratch []Entry) {
	if len(entries) < 256 {
		insertionSort(entries)
		return
	}
	src, dst := entries, scratch
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for i := range src {
			count[(src[i].Key>>shift)&0xffff]++
		}
		if count[(src[0].Key>>shift)&0xffff] == len(src) {
			continue // every entry has the same digit: nothing moves
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for i := range src {
			d := (src[i].Key >> shift) & 0xffff
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &entries[0] {
		copy(entries, src)
	}
}

// insertionSort is stable, as SortEntries must be.
func insertionSort(e []Entry) {
	for i := 1; i < len(e); i++ {
		for j := i; j > 0 && e[j].Key < e[j-1].Key; j-- {
			e[j], e[j-1] = e[j-1], e[j]
		}
	}
}

// SortKeys sorts keys with an LSD radix sort using scratch, which must be
// as long as keys.
func SortKeys(keys, scratch []uint64) {
	if len(keys) < 256 {
		slices.Sort(keys)
		return
	}
	src, dst := keys, scratch
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, k := range src {
			count[(k>>shift)&0xffff]++
		}
		if count[(src[0]>>shift)&0xffff] == len(src) {
			continue
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range src {
			d := (k >> shift) & 0xffff
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
