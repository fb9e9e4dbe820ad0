package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"os"
)

// The stored format, in one place. Every value a store keeps carries a
// CRC-32C (Castagnoli) of its key and its bytes, checked whenever it is
// read, so that damage is reported instead of answered around:
//
//   - a document record: the record's JSON, then the checksum (bbolt
//     puts the document's number, 4 bytes, before it);
//   - a number → id entry: the id, then the checksum;
//   - parameters, document count, each sketch chunk and each logged batch
//     of counter changes: the value, then the checksum;
//   - a postings segment: entries of 12 bytes (key, document number; big
//     endian), then one checksum for every segBlock entries, then the
//     number of entries (4 bytes, big endian), so that a lookup checks
//     only the blocks it reads;
//   - an undelivered report: the JSON of its pairs, then the checksum.
//
// FormatVersion changes whenever any of these does.
const FormatVersion = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sum is the checksum of key and value together, so that a value moved
// under another key is caught too.
func sum(key, value []byte) uint32 {
	return crc32.Update(crc32.Checksum(key, castagnoli), castagnoli, value)
}

// seal returns value with the checksum of key and value appended.
func seal(key, value []byte) []byte {
	out := make([]byte, len(value), len(value)+4)
	copy(out, value)
	return binary.LittleEndian.AppendUint32(out, sum(key, value))
}

// unseal returns the value sealed under key, or false if its checksum
// does not match. The result aliases sealed.
func unseal(key, sealed []byte) ([]byte, bool) {
	if len(sealed) < 4 {
		return nil, false
	}
	v := sealed[:len(sealed)-4]
	return v, binary.LittleEndian.Uint32(sealed[len(v):]) == sum(key, v)
}

// DamageError reports stored data that fails its checksum or its
// decoding: the index can no longer be trusted and must be repaired, not
// answered around.
type DamageError struct {
	// What names the damaged value: "record of \"id\"", "postings segment".
	What string
	// Err says what is wrong with it, if more than a bad checksum.
	Err error
}

func (e *DamageError) Error() string {
	msg := "index damaged: " + e.What
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	} else {
		msg += " fails its checksum"
	}
	return msg + " (neardup index verify lists the damage; rebuild the index from its sources, or restore a copy)"
}

func (e *DamageError) Unwrap() error { return e.Err }

func damaged(what string, err error) error { return &DamageError{What: what, Err: err} }

// segBlock is the number of postings entries under one checksum: a
// lookup that reads one entry checks 3 KiB.
const segBlock = 256

// encodedSize is the size of a stored segment of size bytes of entries.
func encodedSize(size int) int {
	n := size / segEntry
	return size + 4*((n+segBlock-1)/segBlock) + 4
}

// encodeSegment returns sorted entries (segEntry bytes each) as a stored
// segment: the entries, a checksum a block, and their number. It appends
// to entries when their capacity allows (then the result aliases them).
func encodeSegment(entries []byte) []byte {
	n := len(entries) / segEntry
	nb := (n + segBlock - 1) / segBlock
	out := entries
	if cap(entries) < encodedSize(len(entries)) {
		out = make([]byte, len(entries), encodedSize(len(entries)))
		copy(out, entries)
	}
	for b := 0; b < nb; b++ {
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(entries[b*segBlock*segEntry:min((b+1)*segBlock, n)*segEntry], castagnoli))
	}
	return binary.BigEndian.AppendUint32(out, uint32(n))
}

// segment is a stored segment being read: each block's checksum is
// checked the first time one of its entries is.
type segment struct {
	data    []byte // the entries
	n       int
	sums    []byte
	checked []uint64 // a bit a block
	err     error
}

// openSegment parses a stored segment; its blocks are checked as read.
func openSegment(v []byte) (*segment, error) {
	if len(v) < 4 {
		return nil, damaged("postings segment", errors.New("too short"))
	}
	n := int(binary.BigEndian.Uint32(v[len(v)-4:]))
	nb := (n + segBlock - 1) / segBlock
	if n*segEntry+4*nb+4 != len(v) {
		return nil, damaged("postings segment", fmt.Errorf("%d bytes for %d entries", len(v), n))
	}
	return &segment{data: v[:n*segEntry], n: n, sums: v[n*segEntry : len(v)-4], checked: make([]uint64, (nb+63)/64)}, nil
}

// check checks the block of entry j once; a failure is kept in s.err.
func (s *segment) check(j int) bool {
	b := j / segBlock
	if s.checked[b/64]&(1<<(b%64)) != 0 {
		return true
	}
	block := s.data[b*segBlock*segEntry : min((b+1)*segBlock, s.n)*segEntry]
	if crc32.Checksum(block, castagnoli) != binary.LittleEndian.Uint32(s.sums[4*b:]) {
		if s.err == nil {
			s.err = damaged("postings segment", fmt.Errorf("block %d fails its checksum", b))
		}
		return false
	}
	s.checked[b/64] |= 1 << (b % 64)
	return true
}

// key returns entry j's key (0 for a damaged block, with s.err set).
func (s *segment) key(j int) uint64 {
	if !s.check(j) {
		return 0
	}
	return binary.BigEndian.Uint64(s.data[j*segEntry:])
}

// num returns entry j's document number, bytes.
func (s *segment) num(j int) []byte {
	if !s.check(j) {
		return []byte{0, 0, 0, 0}
	}
	return s.data[j*segEntry+8 : j*segEntry+12]
}

// checkAll checks every block.
func (s *segment) checkAll() error {
	for j := 0; j < s.n && s.err == nil; j += segBlock {
		s.check(j)
	}
	return s.err
}

// bbolt keeps two meta pages at the start of the file and uses the newer
// valid one; if one is damaged it silently falls back to the state of the
// transaction before. Their layout (go.etcd.io/bbolt internal/common):
// a 16-byte page header, then magic, version, page size and flags (4
// bytes each), the root bucket (16), freelist page, page count and
// transaction id (8 each) and an FNV-64a checksum of all that.
const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2
	boltMetaLen = 64
)

type boltMeta struct {
	pageSize uint32
	freelist uint64 // its page, or all ones for none
	pages    uint64 // high-water mark: the pages in use
	txid     uint64
}

func parseBoltMeta(p []byte) (boltMeta, bool) {
	if len(p) < 16+boltMetaLen {
		return boltMeta{}, false
	}
	m := p[16 : 16+boltMetaLen]
	h := fnv.New64a()
	h.Write(m[:56])
	le := binary.LittleEndian
	if le.Uint32(m) != boltMagic || le.Uint32(m[4:]) != boltVersion || le.Uint64(m[56:]) != h.Sum64() {
		return boltMeta{}, false
	}
	return boltMeta{pageSize: le.Uint32(m[8:]), freelist: le.Uint64(m[32:]), pages: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
}

// checkBoltFile checks what bbolt does not before it maps a file: that
// both meta pages are valid (else the last transaction may be lost) and
// that the file holds every page they count (else reading one is a
// SIGBUS). A missing or empty file passes: bbolt creates it.
func checkBoltFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	head := make([]byte, 16+boltMetaLen)
	if _, err := io.ReadFull(f, head); err != nil {
		return damaged("file header", fmt.Errorf("%d bytes: too short for a bbolt file", fi.Size()))
	}
	m0, ok0 := parseBoltMeta(head)
	size := int64(os.Getpagesize())
	if ok0 {
		size = int64(m0.pageSize)
	}
	second := make([]byte, 16+boltMetaLen)
	_, err = f.ReadAt(second, size)
	m1, ok1 := parseBoltMeta(second)
	if err != nil && !ok0 {
		return damaged("file header", errors.New("not a bbolt file"))
	}
	switch {
	case !ok0 && !ok1:
		return damaged("both meta pages", errors.New("invalid"))
	case !ok0 || !ok1:
		bad := 0
		if ok0 {
			bad = 1
		}
		return damaged(fmt.Sprintf("meta page %d", bad),
			errors.New("invalid: the file may have lost its last transaction; neardup index compact rewrites it from the other one"))
	}
	need := int64(max(m0.pages, m1.pages)) * int64(m0.pageSize)
	if m0.pageSize < 1024 || m0.pageSize != m1.pageSize || fi.Size() < need {
		return damaged("file", fmt.Errorf("truncated: %d bytes, its pages need %d", fi.Size(), need))
	}
	m := m0
	if m1.txid > m0.txid {
		m = m1
	}
	return checkFreelist(f, m)
}

// checkFreelist checks that the freelist page of meta m lies within the
// pages in use: bbolt reads it (in index verify, on a goroutine of its
// own, where a fault could not be caught) trusting its count.
func checkFreelist(f *os.File, m boltMeta) error {
	if m.freelist == ^uint64(0) {
		return nil
	}
	bad := func(why string) error { return damaged("freelist page", errors.New(why)) }
	if m.freelist < 2 || m.freelist >= m.pages {
		return bad("beyond the pages in use")
	}
	head := make([]byte, 24)
	if _, err := f.ReadAt(head, int64(m.freelist)*int64(m.pageSize)); err != nil {
		return bad("unreadable")
	}
	le := binary.LittleEndian
	flags, count, overflow := le.Uint16(head[8:]), uint64(le.Uint16(head[10:])), uint64(le.Uint32(head[12:]))
	idx := uint64(0)
	if count == 0xFFFF {
		idx, count = 1, le.Uint64(head[16:])
	}
	switch {
	case flags != 0x10:
		return bad("not a freelist page")
	case m.freelist+overflow >= m.pages:
		return bad("its overflow runs beyond the pages in use")
	case count > (overflow+1)*uint64(m.pageSize)/8 || 16+(idx+count)*8 > (overflow+1)*uint64(m.pageSize):
		return bad("it counts more pages than it holds")
	}
	return nil
}
