package index

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrLocked is wrapped by OpenBolt's error when another process has the
// index open for writing.
var ErrLocked = errors.New("index is locked by another process")

var (
	bucketMeta = []byte("meta")
	bucketDocs = []byte("docs")      // id → document number (4 bytes) + record
	bucketNums = []byte("nums")      // document number (4 bytes) → id
	bucketSegs = []byte("segments")  // level (1 byte) + sequence (8 bytes) → postings segment
	bucketDF   = []byte("sketch")    // chunk number (4 bytes) → chunkCells counters
	bucketLog  = []byte("sketchlog") // sequence (8 bytes) → one batch's counter changes
	// sequence (8 bytes) → the pairs one batch found, not yet delivered
	bucketUndelivered = []byte("undelivered")
	keyParams         = []byte("params")
	keyCount          = []byte("count")
)

// Postings are kept as segments: each transaction writes its documents'
// (key, document number) entries as one sorted array, and when a level
// holds segFanout segments they are merged into one of the next level,
// leaving out the entries of removed or replaced documents. A lookup
// searches every segment (see Postings), of which there are fewer than
// segFanout a level and a level per factor of segFanout in size: a log-structured
// merge (O'Neil et al., "The Log-Structured Merge-Tree", Acta Informatica
// 1996) inside one bbolt file, so that a posting costs its 12 bytes
// instead of a B+tree entry and a transaction writes sequentially.
//
// A level whose segments hold more than maxMerge bytes together is not
// merged: a merge is one transaction, whose new segment bbolt holds in
// memory about three times over at its commit (the merged entries and
// the pages written), so the largest segments stay at about maxMerge and
// a lookup searches more of them.
const (
	segFanout = 8
	segEntry  = 12 // key (8 bytes) + document number (4 bytes), big-endian
	maxMerge  = 64 << 20
)

const chunkCells = 4096 // 8 KiB of counters a chunk

// Bolt is a Store in one file, through go.etcd.io/bbolt: each Apply is
// one transaction, durable when it returns. Every bbolt call runs under
// guard, so that a damaged file is an error, not a crash.
type Bolt struct {
	db   *bolt.DB
	path string
	// mergeLimit is maxMerge; tests lower it.
	mergeLimit int
}

// BoltOptions are how a file is opened; none of them is stored.
type BoltOptions struct {
	// ReadOnly opens the file shared, for commands that write nothing.
	ReadOnly bool
	// Create makes a new index where there is none; without it a path
	// with no index is an ErrNoIndex error and nothing is written.
	Create bool
	// LockWait is how long to wait for another process's lock.
	LockWait time.Duration
}

// OpenBolt opens the index file path. A file another process holds is an
// ErrLocked error after waiting o.LockWait; a damaged one a
// *DamageError.
func OpenBolt(path string, o BoltOptions) (*Bolt, error) {
	s := &Bolt{path: path, mergeLimit: maxMerge}
	if !o.Create {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", path, ErrNoIndex)
		}
	}
	if err := checkBoltFile(path); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	err := guard(func() error {
		var err error
		s.db, err = bolt.Open(path, 0o644, &bolt.Options{Timeout: o.LockWait, ReadOnly: o.ReadOnly})
		return err
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w (waited %v; try again when it has finished)", path, ErrLocked, o.LockWait)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !o.Create || o.ReadOnly {
		err = guard(func() error { return s.db.View(isIndex) })
	} else {
		err = s.update(context.Background(), func(tx *bolt.Tx) error {
			if err := isIndex(tx); err != nil && !errors.Is(err, ErrNoIndex) {
				return err
			}
			for _, b := range allBuckets {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// guard runs fn, turning the panics of bbolt's assertions and the faults
// of reading a damaged mapping into a *DamageError.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = damaged("file structure", fmt.Errorf("bbolt: %v", r))
		}
	}()
	return fn()
}

// allBuckets are the buckets of an index.
var allBuckets = [][]byte{bucketMeta, bucketDocs, bucketNums, bucketSegs, bucketDF, bucketLog, bucketUndelivered}

// isIndex tells a file with an index from one with none (new, or whose
// creator was stopped before its first transaction: no parameters, no
// documents) and from a damaged one.
func isIndex(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta != nil && meta.Get(keyParams) != nil {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				return damaged(fmt.Sprintf("bucket %q", b), errors.New("missing"))
			}
		}
		return nil
	}
	empty := true
	err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		if k, _ := b.Cursor().First(); k != nil || !slices.ContainsFunc(allBuckets, func(x []byte) bool { return bytes.Equal(x, name) }) {
			empty = false
		}
		return nil
	})
	if err != nil {
		return err
	}
	if empty {
		return ErrNoIndex
	}
	return damaged("index parameters", errors.New("missing from a file that holds data"))
}

// view runs fn in a read transaction, unless ctx is done.
func (s *Bolt) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			for _, b := range allBuckets {
				if tx.Bucket(b) == nil {
					return damaged(fmt.Sprintf("bucket %q", b), errors.New("missing"))
				}
			}
			return fn(tx)
		})
	})
}

// update runs fn in a write transaction, unless ctx is done.
func (s *Bolt) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return guard(func() error { return s.db.Update(fn) })
}

// ErrNoIndex is wrapped by the errors of opening a file or database that
// holds no neardup index: missing, empty, or one whose creator was
// stopped before its first transaction committed.
var ErrNoIndex = errors.New("no neardup index there")

// Meta implements Store.
func (s *Bolt) Meta(ctx context.Context) ([]byte, error) {
	var out []byte
	err := guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketMeta)
			if b == nil {
				return nil
			}
			v := b.Get(keyParams)
			if v == nil {
				return nil
			}
			p, ok := unseal(keyParams, v)
			if !ok {
				return damaged("index parameters", nil)
			}
			out = bytes.Clone(p)
			return nil
		})
	})
	return out, err
}

// record returns id's stored record and document number from the docs
// bucket value v.
func docValue(id, v []byte) (num, rec []byte, err error) {
	body, ok := unseal(id, v)
	if !ok || len(body) < 4 {
		return nil, nil, damaged(fmt.Sprintf("record of %q", id), nil)
	}
	return body[:4], body[4:], nil
}

// Records implements Store.
func (s *Bolt) Records(ctx context.Context, ids []string) ([][]byte, error) {
	out := make([][]byte, len(ids))
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDocs)
		for i, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			_, rec, err := docValue([]byte(id), v)
			if err != nil {
				return err
			}
			out[i] = bytes.Clone(rec)
		}
		return nil
	})
	return out, err
}

// numID returns the id of document number num, "" if it was removed.
func numID(nums *bolt.Bucket, num []byte) (string, error) {
	v := nums.Get(num)
	if v == nil {
		return "", nil
	}
	id, ok := unseal(num, v)
	if !ok {
		return "", damaged(fmt.Sprintf("id of document number %d", binary.BigEndian.Uint32(num)), nil)
	}
	return string(id), nil
}

// Postings implements Store.
func (s *Bolt) Postings(ctx context.Context, keys []uint64) ([][]string, error) {
	out := make([][]string, len(keys))
	order := make([]int, len(keys)) // keys' indices in key order
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	err := s.view(ctx, func(tx *bolt.Tx) error {
		nums := tx.Bucket(bucketNums)
		found := make([][]uint32, len(keys))
		err := tx.Bucket(bucketSegs).ForEach(func(_, v []byte) error {
			seg, err := openSegment(v)
			if err != nil {
				return err
			}
			n := seg.n
			// A segment with few entries a key is walked; in others each
			// key is sought.
			walk := n < 8*len(keys)
			j := 0
			for _, i := range order {
				if walk {
					for j < n && seg.key(j) < keys[i] {
						j++
					}
				} else {
					j = seek(seg, j, n, keys[i])
				}
				for ; j < n && seg.key(j) == keys[i]; j++ {
					found[i] = append(found[i], binary.BigEndian.Uint32(seg.num(j)))
				}
			}
			return seg.err
		})
		if err != nil {
			return err
		}
		var nb [4]byte
		ids := map[uint32]string{} // "" for removed or replaced documents
		for i, ns := range found {
			for _, num := range ns {
				id, ok := ids[num]
				if !ok {
					binary.BigEndian.PutUint32(nb[:], num)
					if id, err = numID(nums, nb[:]); err != nil {
						return err
					}
					ids[num] = id
				}
				if id != "" {
					out[i] = append(out[i], id)
				}
			}
		}
		return nil
	})
	return out, err
}

// Sketch implements Store: the base counters plus the logged changes.
func (s *Bolt) Sketch(ctx context.Context) ([]uint16, error) {
	var out []uint16
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = readSketch(tx)
		return err
	})
	return out, err
}

func readSketch(tx *bolt.Tx) ([]uint16, error) {
	out := make([]uint16, SketchDepth*SketchWidth)
	err := tx.Bucket(bucketDF).ForEach(func(k, sealed []byte) error {
		v, ok := unseal(k, sealed)
		if !ok || len(k) != 4 || len(v) != 2*chunkCells || int(binary.BigEndian.Uint32(k))*chunkCells >= len(out) {
			return damaged(fmt.Sprintf("sketch chunk %x", k), nil)
		}
		base := int(binary.BigEndian.Uint32(k)) * chunkCells
		for i := 0; i < chunkCells; i++ {
			out[base+i] = binary.LittleEndian.Uint16(v[2*i:])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bucketLog).ForEach(func(k, sealed []byte) error {
		v, ok := unseal(k, sealed)
		if !ok {
			return damaged(fmt.Sprintf("sketch log entry %x", k), nil)
		}
		if err := decodeCells(out, v); err != nil {
			return damaged(fmt.Sprintf("sketch log entry %x", k), err)
		}
		return nil
	})
	return out, err
}

// Len implements Store.
func (s *Bolt) Len(ctx context.Context) (int, error) {
	n := 0
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = readCount(tx.Bucket(bucketMeta))
		return err
	})
	return n, err
}

func readCount(meta *bolt.Bucket) (int, error) {
	v := meta.Get(keyCount)
	if v == nil {
		return 0, nil
	}
	c, ok := unseal(keyCount, v)
	if !ok || len(c) != 8 {
		return 0, damaged("document count", nil)
	}
	return int(binary.BigEndian.Uint64(c)), nil
}

// Scan implements Store.
func (s *Bolt) Scan(ctx context.Context, fn func(id string, rec []byte) error) error {
	return s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			_, rec, err := docValue(k, v)
			if err != nil {
				return err
			}
			return fn(string(k), rec)
		})
	})
}

// Apply implements Store: the batch is one transaction.
func (s *Bolt) Apply(ctx context.Context, b *Batch) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		if b.Meta != nil {
			if err := tx.Bucket(bucketMeta).Put(keyParams, seal(keyParams, b.Meta)); err != nil {
				return err
			}
		}
		if err := s.applyDocs(tx, b); err != nil {
			return err
		}
		if err := applyReports(tx, b); err != nil {
			return err
		}
		if b.Cells.Len() == 0 {
			return nil
		}
		// The batch's counter changes go to the log; every foldEvery
		// batches the log is folded into the base.
		lb := tx.Bucket(bucketLog)
		seq, err := lb.NextSequence()
		if err != nil {
			return err
		}
		key := binary.BigEndian.AppendUint64(nil, seq)
		if err := lb.Put(key, seal(key, encodeCells(b.Cells))); err != nil {
			return err
		}
		if lb.Stats().KeyN < foldEvery {
			return nil
		}
		return fold(tx)
	})
}

// applyDocs removes b's Delete documents and puts its Put documents, with
// their numbers, count and a postings segment of their keys, in tx.
func (s *Bolt) applyDocs(tx *bolt.Tx, b *Batch) error {
	meta := tx.Bucket(bucketMeta)
	count, err := readCount(meta)
	if err != nil {
		return err
	}
	docs, nums := tx.Bucket(bucketDocs), tx.Bucket(bucketNums)
	// unfile forgets id's document number: its postings stay in their
	// segments until a merge drops them, and lookups skip them.
	unfile := func(id string) error {
		v := docs.Get([]byte(id))
		if v == nil {
			return nil
		}
		num, _, err := docValue([]byte(id), v)
		if err != nil {
			return err
		}
		count--
		if err := nums.Delete(bytes.Clone(num)); err != nil {
			return err
		}
		return docs.Delete([]byte(id))
	}
	for _, e := range b.Delete {
		if err := unfile(e.ID); err != nil {
			return err
		}
	}
	var seg []byte
	for _, e := range b.Put {
		if err := unfile(e.ID); err != nil {
			return err
		}
		seq, err := nums.NextSequence()
		if err != nil {
			return err
		}
		if seq > math.MaxUint32 {
			return errors.New("index full: more than 2^32 documents added over its life")
		}
		num := binary.BigEndian.AppendUint32(nil, uint32(seq))
		if err := docs.Put([]byte(e.ID), seal([]byte(e.ID), append(slices.Clip(num), e.Record...))); err != nil {
			return err
		}
		if err := nums.Put(num, seal(num, []byte(e.ID))); err != nil {
			return err
		}
		count++
		for _, k := range e.Keys {
			seg = binary.BigEndian.AppendUint64(seg, k)
			seg = append(seg, num...)
		}
	}
	if err := meta.Put(keyCount, seal(keyCount, binary.BigEndian.AppendUint64(nil, uint64(max(count, 0))))); err != nil {
		return err
	}
	if len(seg) > 0 {
		return addSegment(tx, sortSegment(seg), s.mergeLimit)
	}
	return nil
}

// applyReports stores b's undelivered report and drops the reports it
// marks delivered.
func applyReports(tx *bolt.Tx, b *Batch) error {
	ub := tx.Bucket(bucketUndelivered)
	if b.Report != nil {
		seq, err := ub.NextSequence()
		if err != nil {
			return err
		}
		key := binary.BigEndian.AppendUint64(nil, seq)
		if err := ub.Put(key, seal(key, b.Report)); err != nil {
			return err
		}
	}
	for _, r := range b.Delivered {
		if err := ub.Delete([]byte(r)); err != nil {
			return err
		}
	}
	return nil
}

// Undelivered implements Store.
func (s *Bolt) Undelivered(ctx context.Context) ([]Receipt, error) {
	var out []Receipt
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUndelivered).ForEach(func(k, v []byte) error {
			r, ok := unseal(k, v)
			if !ok {
				return damaged(fmt.Sprintf("undelivered report %x", k), nil)
			}
			out = append(out, Receipt{Key: string(k), Report: bytes.Clone(r)})
			return nil
		})
	})
	return out, err
}

// Close implements Store.
func (s *Bolt) Close() error { return guard(s.db.Close) }
