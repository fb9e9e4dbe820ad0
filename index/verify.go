package index

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxProblems is the most problems Verify lists; it stops there.
const maxProblems = 100

// VerifyBolt checks the index file path whole: its meta pages and size,
// bbolt's consistency check, and every stored value's checksum and
// decoding; that each document is found by its id, and under its number.
// It returns the problems found (none: the file is sound), at most
// maxProblems of them, and an error if the file could not be read at all.
func VerifyBolt(path string, lockWait time.Duration) ([]error, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: %w", path, ErrNoIndex)
	}
	var problems []error
	add := func(err error) bool {
		problems = append(problems, err)
		return len(problems) < maxProblems
	}
	if err := checkBoltFile(path); err != nil {
		var de *DamageError
		if !errors.As(err, &de) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		add(err)
		if fi, serr := os.Stat(path); serr == nil && fi.Size() > 0 && de.What == "file" {
			return problems, nil // truncated: reading on would fault
		}
	}
	var db *bolt.DB
	err := guard(func() error {
		var err error
		db, err = bolt.Open(path, 0o644, &bolt.Options{Timeout: lockWait, ReadOnly: true})
		return err
	})
	if err != nil {
		var de *DamageError
		if errors.As(err, &de) {
			return append(problems, err), nil
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer guard(db.Close)
	// The values first, on this goroutine, where a fault is caught; then,
	// if they are sound, bbolt's check of the pages, which runs on a
	// goroutine of its own and is given only a file whose meta and
	// freelist pages checkBoltFile has found sound.
	err = guard(func() error {
		return db.View(func(tx *bolt.Tx) error {
			if err := isIndex(tx); err != nil {
				add(err)
				return nil
			}
			verifyValues(tx, add)
			if len(problems) > 0 {
				return nil
			}
			for err := range tx.Check(bolt.WithKVStringer(lengths{})) {
				if !add(damaged("file structure", err)) {
					return nil
				}
			}
			return nil
		})
	})
	if err != nil {
		problems = append(problems, err)
	}
	return problems, nil
}

// lengths shows keys and values in bbolt's check by their lengths alone:
// a damaged one may claim more bytes than the file maps.
type lengths struct{}

func (lengths) KeyToString(k []byte) string   { return fmt.Sprintf("(a key of %d bytes)", len(k)) }
func (lengths) ValueToString(v []byte) string { return fmt.Sprintf("(a value of %d bytes)", len(v)) }

// verifyValues checks every value of tx's buckets, calling add for each
// problem until it returns false.
func verifyValues(tx *bolt.Tx, add func(error) bool) {
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(keyParams); v == nil {
		add(damaged("index parameters", errors.New("missing")))
	} else if p, ok := unseal(keyParams, v); !ok {
		add(damaged("index parameters", nil))
	} else if err := json.Unmarshal(p, new(Params)); err != nil {
		add(damaged("index parameters", err))
	}
	count, err := readCount(meta)
	if err != nil && !add(err) {
		return
	}
	n, ok := verifyDocs(tx, add)
	if !ok || n != count && !add(damaged("document count", fmt.Errorf("%d recorded, %d documents stored", count, n))) {
		return
	}
	if !verifyNums(tx, add) || !verifySegments(tx, add) {
		return
	}
	if _, err := readSketch(tx); err != nil && !add(err) {
		return
	}
	verifyReports(tx, add)
}

// errStop ends a ForEach of verification: add asked to stop.
var errStop = errors.New("stop")

// verifyDocs checks each record, and that its number names it; it returns
// the number of records and whether to go on.
func verifyDocs(tx *bolt.Tx, add func(error) bool) (int, bool) {
	docs, nums := tx.Bucket(bucketDocs), tx.Bucket(bucketNums)
	n := 0
	err := docs.ForEach(func(k, v []byte) error {
		n++
		num, rec, err := docValue(k, v)
		if err == nil {
			_, _, err = decodeRecord(rec)
			if err != nil {
				err = damaged(fmt.Sprintf("record of %q", k), err)
			}
		}
		if err == nil && !bytes.Equal(docs.Get(k), v) {
			err = damaged(fmt.Sprintf("record of %q", k), errors.New("not found by its id: the file's tree is damaged"))
		}
		if err == nil {
			if id, ierr := numID(nums, num); ierr != nil {
				err = ierr
			} else if id != string(k) {
				err = damaged(fmt.Sprintf("record of %q", k), fmt.Errorf("its number %d names %q", binary.BigEndian.Uint32(num), id))
			}
		}
		if err != nil && !add(err) {
			return errStop
		}
		return nil
	})
	return n, err == nil
}

// verifyNums checks that each document number names a stored document;
// it returns whether to go on.
func verifyNums(tx *bolt.Tx, add func(error) bool) bool {
	docs := tx.Bucket(bucketDocs)
	return tx.Bucket(bucketNums).ForEach(func(k, v []byte) error {
		var err error
		if id, ok := unseal(k, v); !ok {
			err = damaged(fmt.Sprintf("id of document number %x", k), nil)
		} else if docs.Get(id) == nil {
			err = damaged(fmt.Sprintf("id of document number %x", k), fmt.Errorf("names %q, which is not stored", id))
		}
		if err != nil && !add(err) {
			return errStop
		}
		return nil
	}) == nil
}

// verifySegments checks each postings segment's blocks and order; it
// returns whether to go on.
func verifySegments(tx *bolt.Tx, add func(error) bool) bool {
	return tx.Bucket(bucketSegs).ForEach(func(k, v []byte) error {
		seg, err := openSegment(v)
		if err == nil {
			err = seg.checkAll()
		}
		for j := 1; err == nil && j < seg.n; j++ {
			if bytes.Compare(seg.data[(j-1)*segEntry:j*segEntry], seg.data[j*segEntry:(j+1)*segEntry]) > 0 {
				err = damaged("postings segment", errors.New("out of order"))
			}
		}
		if err != nil && !add(fmt.Errorf("segment %x: %w", k, err)) {
			return errStop
		}
		return nil
	}) == nil
}

// verifyReports checks each undelivered report.
func verifyReports(tx *bolt.Tx, add func(error) bool) {
	tx.Bucket(bucketUndelivered).ForEach(func(k, v []byte) error {
		r, ok := unseal(k, v)
		var err error
		if !ok {
			err = damaged(fmt.Sprintf("undelivered report %x", k), nil)
		} else if jerr := json.Unmarshal(r, new([]storedPair)); jerr != nil {
			err = damaged(fmt.Sprintf("undelivered report %x", k), jerr)
		}
		if err != nil && !add(err) {
			return errStop
		}
		return nil
	})
}

// CompactBolt rewrites the index file path without the pages that
// bbolt's copy-on-write has freed, and returns its sizes before and
// after. It holds the file's lock throughout and replaces the file only
// once the copy is complete and synced.
func CompactBolt(path string, lockWait time.Duration) (before, after int64, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, ErrNoIndex)
	}
	before = fi.Size()
	var src, dst *bolt.DB
	tmp := path + ".compacting"
	err = guard(func() error {
		var err error
		src, err = bolt.Open(path, 0o644, &bolt.Options{Timeout: lockWait})
		if err != nil {
			return err
		}
		defer src.Close()
		if err := src.View(func(tx *bolt.Tx) error {
			if tx.Bucket(bucketMeta) == nil || tx.Bucket(bucketMeta).Get(keyParams) == nil {
				return ErrNoIndex
			}
			return nil
		}); err != nil {
			return err
		}
		os.Remove(tmp)
		dst, err = bolt.Open(tmp, 0o644, &bolt.Options{Timeout: lockWait})
		if err != nil {
			return err
		}
		if err := bolt.Compact(dst, src, 64<<20); err != nil {
			dst.Close()
			return err
		}
		if err := dst.Sync(); err != nil {
			dst.Close()
			return err
		}
		if err := dst.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
		if d, err := os.Open(filepath.Dir(path)); err == nil {
			d.Sync()
			d.Close()
		}
		return nil
	})
	if err != nil {
		os.Remove(tmp)
		return before, 0, fmt.Errorf("%s: %w", path, err)
	}
	fi, err = os.Stat(path)
	if err != nil {
		return before, 0, err
	}
	return before, fi.Size(), nil
}
