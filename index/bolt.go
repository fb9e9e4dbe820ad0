package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrLocked is wrapped by OpenBolt's error when another process has the
// index open for writing.
var ErrLocked = errors.New("index is locked by another process")

var (
	bucketMeta = []byte("meta")
	bucketDocs = []byte("docs")
	bucketPost = []byte("postings") // key (8 bytes) + id → nothing
	bucketDF   = []byte("sketch")   // chunk number (4 bytes) → chunkCells counters
	keyParams  = []byte("params")
)

const chunkCells = 4096

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
			for _, b := range [][]byte{bucketMeta, bucketDocs, bucketPost, bucketDF} {
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

// Sketch implements Store.
func (s *Bolt) Sketch() ([]uint32, error) {
	out := make([]uint32, SketchDepth*SketchWidth)
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDF).ForEach(func(k, v []byte) error {
			base := int(binary.BigEndian.Uint32(k)) * chunkCells
			for i := 0; i < chunkCells && 4*i+4 <= len(v); i++ {
				out[base+i] = binary.LittleEndian.Uint32(v[4*i:])
			}
			return nil
		})
	})
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
		return applyCells(tx.Bucket(bucketDF), b.Cells)
	})
}

// applyCells adds the counter changes, chunk by chunk.
func applyCells(df *bolt.Bucket, cells map[uint32]int32) error {
	byChunk := map[uint32][]uint32{}
	for c := range cells {
		byChunk[c/chunkCells] = append(byChunk[c/chunkCells], c)
	}
	chunks := make([]uint32, 0, len(byChunk))
	for ch := range byChunk {
		chunks = append(chunks, ch)
	}
	sort.Slice(chunks, func(i, j int) bool { return chunks[i] < chunks[j] })
	for _, ch := range chunks {
		key := binary.BigEndian.AppendUint32(nil, ch)
		v := make([]byte, 4*chunkCells)
		copy(v, df.Get(key))
		for _, c := range byChunk[ch] {
			i := 4 * (c % chunkCells)
			n := int64(binary.LittleEndian.Uint32(v[i:])) + int64(cells[c])
			binary.LittleEndian.PutUint32(v[i:], uint32(max(0, n)))
		}
		if err := df.Put(key, v); err != nil {
			return err
		}
	}
	return nil
}

// Close implements Store.
func (s *Bolt) Close() error { return s.db.Close() }
