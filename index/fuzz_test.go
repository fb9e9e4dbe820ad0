package index

import (
	"encoding/binary"
	"testing"
)

// The fuzz targets feed the index's stored formats with arbitrary bytes,
// as a damaged file would: decoding fails with an error, never a panic
// or an out-of-range read.

func FuzzSegment(f *testing.F) {
	var entries []byte
	for k := range uint64(600) {
		entries = binary.BigEndian.AppendUint64(entries, k*k)
		entries = binary.BigEndian.AppendUint32(entries, uint32(k))
	}
	f.Add(encodeSegment(entries))
	f.Add(encodeSegment(nil))
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := openSegment(b)
		if err != nil {
			return
		}
		for j := 0; j < s.n; j++ {
			s.key(j)
			s.num(j)
		}
		seek(s, 0, s.n, 1<<40)
		if s.checkAll() == nil && len(b) > 4 {
			// A sound segment re-encodes to itself.
			if got := encodeSegment(append([]byte(nil), s.data...)); string(got) != string(b) {
				t.Fatalf("segment of %d entries does not re-encode to itself", s.n)
			}
		}
	})
}

func FuzzSealed(f *testing.F) {
	f.Add([]byte("key"), seal([]byte("key"), []byte(`{"doc":{"id":"a"},"text":"AAEC"}`)))
	f.Fuzz(func(t *testing.T, key, b []byte) {
		v, ok := unseal(key, b)
		if !ok {
			return
		}
		if string(seal(key, v)) != string(b) {
			t.Fatal("an unsealed value does not seal back")
		}
		decodeRecord(v)
		decodeCells(make([]uint16, 64), v)
	})
}

func FuzzCells(f *testing.F) {
	f.Add(encodeCells(Cells{At: []uint32{1, 5, 63}, Delta: []int32{1, -3, 70000}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		counters := make([]uint16, 64)
		decodeCells(counters, b)
		addLog(make([]int32, 64), "k", seal([]byte("k"), b))
	})
}
