package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrLocked is wrapped by OpenBolt's error when another process has the
// index open for writing.
var ErrLocked = errors.New("index is locked by another process")

var (
	bucketMeta = []byte("meta")
	bucketDocs = []byte("docs")
	bucketPost = []byte("postings")  // key (8 bytes) + id → nothing
	bucketDF   = []byte("sketch")    // chunk number (4 bytes) → chunkCells counters
	bucketLog  = []byte("sketchlog") // sequence (8 bytes) → one batch's counter changes
	keyParams  = []byte("params")
)

const chunkCells = 4096 // 8 KiB of counters a chunk

// Bolt is a Store in one file, through go.etcd.io/bbolt: each Apply is
// one transaction, durable when it returns.
type Bolt struct {
	db *bolt.DB
}

// OpenBolt opens or creates the index file path. A file another process
// holds is an ErrLocked error after waiting up to wait.
func OpenBolt(path string, readOnly bool, wait time.Duration) (*Bolt, error) {
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: wait, ReadOnly: readOnly})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w (waited %v; try again when it has finished)", path, ErrLocked, wait)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !readOnly {
		err = db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketMeta, bucketDocs, bucketPost, bucketDF, bucketLog} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return &Bolt{db: db}, nil
}

func (s *Bolt) view(fn func(tx *bolt.Tx) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketDocs) == nil {
			return errNotIndex
		}
		return fn(tx)
	})
}

var errNotIndex = errors.New("not a neardup index (no documents bucket)")

// Meta implements Store.
func (s *Bolt) Meta() ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			out = bytes.Clone(b.Get(keyParams))
		}
		return nil
	})
	return out, err
}

// Records implements Store.
func (s *Bolt) Records(ids []string) ([][]byte, error) {
	out := make([][]byte, len(ids))
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDocs)
		for i, id := range ids {
			if v := b.Get([]byte(id)); v != nil {
				out[i] = bytes.Clone(v)
			}
		}
		return nil
	})
	return out, err
}

// Postings implements Store.
func (s *Bolt) Postings(keys []uint64) ([][]string, error) {
	out := make([][]string, len(keys))
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPost).Cursor()
		for i, k := range keys {
			prefix := le64(k)
			for key, _ := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, _ = c.Next() {
				out[i] = append(out[i], string(key[8:]))
			}
		}
		return nil
	})
	return out, err
}

// Sketch implements Store: the base counters plus the logged changes.
func (s *Bolt) Sketch() ([]uint16, error) {
	var out []uint16
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = readSketch(tx)
		return err
	})
	return out, err
}

func readSketch(tx *bolt.Tx) ([]uint16, error) {
	out := make([]uint16, SketchDepth*SketchWidth)
	err := tx.Bucket(bucketDF).ForEach(func(k, v []byte) error {
		base := int(binary.BigEndian.Uint32(k)) * chunkCells
		for i := 0; i < chunkCells && 2*i+2 <= len(v) && base+i < len(out); i++ {
			out[base+i] = binary.LittleEndian.Uint16(v[2*i:])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if lb := tx.Bucket(bucketLog); lb != nil {
		err = lb.ForEach(func(_, v []byte) error { return decodeCells(out, v) })
	}
	return out, err
}

// Len implements Store.
func (s *Bolt) Len() (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketDocs).Stats().KeyN
		return nil
	})
	return n, err
}

// Scan implements Store.
func (s *Bolt) Scan(fn func(id string, rec []byte) error) error {
	return s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error { return fn(string(k), v) })
	})
}

// Apply implements Store: the batch is one transaction.
func (s *Bolt) Apply(b *Batch) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if b.Meta != nil {
			if err := tx.Bucket(bucketMeta).Put(keyParams, b.Meta); err != nil {
				return err
			}
		}
		docs, post := tx.Bucket(bucketDocs), tx.Bucket(bucketPost)
		// Postings go in in key order: B+tree pages fill in sequence
		// instead of being split at random.
		var dels, puts [][]byte
		for _, e := range b.Delete {
			if err := docs.Delete([]byte(e.ID)); err != nil {
				return err
			}
			for _, k := range e.Keys {
				dels = append(dels, append(le64(k), e.ID...))
			}
		}
		for _, e := range b.Put {
			if err := docs.Put([]byte(e.ID), e.Record); err != nil {
				return err
			}
			for _, k := range e.Keys {
				puts = append(puts, append(le64(k), e.ID...))
			}
		}
		slices.SortFunc(dels, bytes.Compare)
		slices.SortFunc(puts, bytes.Compare)
		for _, k := range dels {
			if err := post.Delete(k); err != nil {
				return err
			}
		}
		for _, k := range puts {
			if err := post.Put(k, nil); err != nil {
				return err
			}
		}
		if len(b.Cells) == 0 {
			return nil
		}
		// The batch's counter changes go to the log; every foldEvery
		// batches the log is folded into the base.
		lb := tx.Bucket(bucketLog)
		seq, err := lb.NextSequence()
		if err != nil {
			return err
		}
		if err := lb.Put(binary.BigEndian.AppendUint64(nil, seq), encodeCells(b.Cells)); err != nil {
			return err
		}
		if lb.Stats().KeyN < foldEvery {
			return nil
		}
		return fold(tx)
	})
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
		if err := df.Put(key, v); err != nil {
			return err
		}
	}
	if err := tx.DeleteBucket(bucketLog); err != nil {
		return err
	}
	_, err = tx.CreateBucket(bucketLog)
	return err
}

// Close implements Store.
func (s *Bolt) Close() error { return s.db.Close() }
