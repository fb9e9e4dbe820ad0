// Package index keeps documents in a persistent store so that new ones
// can be checked against everything seen before without re-reading an
// archive: the nightly half of neardup.
//
// For each document the store keeps its metadata, its normalised-text
// hash and its text (compressed, for exact verification and evidence),
// and files it under its keys: document band keys, passage fingerprints
// and its normalised-text hash (package detect). Document frequencies of
// shingles, which decide the stock phrases, are kept in a count-min
// sketch (Cormode & Muthukrishnan, "An Improved Data Stream Summary: The
// Count-Min Sketch and its Applications", J. Algorithms 2005) of
// SketchDepth rows of SketchWidth counters: it never undercounts, and at
// the frequencies that decide stock phrases its overcount is nil in
// practice, so an index finds what a batch scan of the same documents
// finds.
//
// Two Stores are provided: Bolt, one file through go.etcd.io/bbolt, and
// Redis, shared by several processes.
package index

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"runtime"
	"slices"

	"github.com/neardup/neardup/internal/mix"
	"github.com/neardup/neardup/internal/radix"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/shingle"
)

// Sketch dimensions: SketchDepth rows of SketchWidth 16-bit saturating
// counters (stock phrases need far fewer documents than 65,535). At 2^23
// a row, the sketch's overcount stays far below the 100 documents that
// make a stock phrase in large indexes up to several million articles.
const (
	SketchDepth = 4
	SketchBits  = 23
	SketchWidth = 1 << SketchBits
)

// foldEvery is how many logged batches of counter changes a store keeps
// before folding them into its base counters.
const foldEvery = 64

// Store is where an Index keeps its data. Implementations must make Apply
// atomic: after a crash a store holds each batch wholly or not at all.
// Each method stops at ctx's end, without changing what it has not
// committed.
type Store interface {
	// Meta returns the stored parameters, or nil for a new store.
	Meta(ctx context.Context) ([]byte, error)
	// Records returns the encoded records of ids, nil where absent.
	Records(ctx context.Context, ids []string) ([][]byte, error)
	// Postings returns, for each key, the ids filed under it.
	Postings(ctx context.Context, keys []uint64) ([][]string, error)
	// Sketch returns all SketchDepth·SketchWidth counters, row by row.
	// Stores keep the counters as a base and a log of each batch's
	// changes, folded into the base now and then, so that a batch writes
	// its own changes, not the whole sketch.
	Sketch(ctx context.Context) ([]uint16, error)
	// Len returns the number of documents.
	Len(ctx context.Context) (int, error)
	// Scan calls fn for every record, in no particular order.
	Scan(ctx context.Context, fn func(id string, rec []byte) error) error
	// Undelivered returns the stored reports not yet delivered.
	Undelivered(ctx context.Context) ([]Receipt, error)
	// Apply writes a batch atomically.
	Apply(ctx context.Context, b *Batch) error
	// Close releases the store.
	Close() error
}

// Batch is one atomic change to a store.
type Batch struct {
	// Meta, if not nil, replaces the stored parameters.
	Meta []byte
	// Put adds or replaces documents, filing each under its keys.
	Put []Entry
	// Delete removes documents and unfiles them from their keys.
	Delete []Entry
	// Cells are changes to sketch counters.
	Cells Cells
	// Report, if not nil, is stored as undelivered: the pairs the batch's
	// documents were found in, kept until a run delivers them.
	Report []byte
	// Delivered are the keys of stored reports to forget.
	Delivered []string
}

// Receipt is a stored, undelivered report and the key it is kept under.
type Receipt struct {
	Key    string
	Report []byte
}

// Entry is one document in a Batch.
type Entry struct {
	ID     string
	Record []byte
	Keys   []uint64
}

// Params are what an index was built with, as it records them: the
// stored counterpart of the options that shape its keys (run options,
// such as workers or evidence, are not stored). Opening it with others
// is an error: its stored keys would not match. Names are those of
// detect.Params.
type Params struct {
	Format        int     `json:"format"`
	NormVersion   int     `json:"normalisation_version"`
	Unit          string  `json:"unit"`
	K             int     `json:"k"`
	Hasher        string  `json:"hasher"`
	Perms         int     `json:"perms"`
	Seed          uint64  `json:"seed"`
	Threshold     float64 `json:"threshold"`
	Bands         int     `json:"bands"`
	Rows          int     `json:"rows"`
	Window        int     `json:"window"`
	PassageHashes int     `json:"passage_hashes"`
	SketchDepth   int     `json:"sketch_depth"`
	SketchBits    int     `json:"sketch_bits"`
}

func paramsOf(o detect.Options) Params {
	p := o.Params(0)
	return Params{Format: FormatVersion, NormVersion: shingle.Version, Unit: p.Unit, K: p.K, Hasher: p.Hasher,
		Perms: p.Perms, Seed: p.Seed, Threshold: p.Threshold, Bands: p.Bands.Bands, Rows: p.Bands.Rows,
		Window: p.Window, PassageHashes: p.PassageHashes, SketchDepth: SketchDepth, SketchBits: SketchBits}
}

// ErrParams is wrapped by Open's error when the index was built with
// other parameters.
var ErrParams = errors.New("index built with other parameters")

// Index is a document index on a Store. It is not safe for concurrent
// use; several processes may share a Redis store.
type Index struct {
	// Texts makes the Outcomes of AddSeq and Report keep the texts of the
	// documents in pairs, as an HTML report needs; without it they keep
	// only the passages' own text.
	Texts bool

	store  Store
	o      detect.Options
	params Params
	ws     []*preparer // for preparing a batch's documents in parallel; ws[0] serves the rest
	// counters is the frequency sketch, read once and then updated with
	// what this process writes.
	counters []uint16
}

// Open opens an index on store with the detection options o, recording
// o's parameters in a new store and checking them against an old one.
func Open(ctx context.Context, store Store, o detect.Options) (*Index, error) {
	x := &Index{store: store, o: o, params: paramsOf(o)}
	n := o.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	for range n {
		e, err := detect.NewExtractor(o)
		if err != nil {
			return nil, err
		}
		x.ws = append(x.ws, &preparer{ex: e})
	}
	meta, err := store.Meta(ctx)
	if err != nil {
		return nil, err
	}
	want, _ := json.Marshal(x.params)
	if meta == nil {
		if err := store.Apply(ctx, &Batch{Meta: want}); err != nil {
			return nil, err
		}
		return x, nil
	}
	var have Params
	if err := json.Unmarshal(meta, &have); err != nil {
		return nil, fmt.Errorf("reading index parameters: %w", err)
	}
	if have != x.params {
		return nil, fmt.Errorf("%w:\n  index: %s\n  asked: %s\nopen it with the options it was built with, or rebuild it: index the documents again into a new --db",
			ErrParams, describe(have), describe(x.params))
	}
	return x, nil
}

func describe(p Params) string {
	return fmt.Sprintf("%s %d-shingles, %s %d hashes (seed %#x), threshold %v (%d×%d bands), window %d×%d, normalisation v%d, format %d",
		p.Unit, p.K, p.Hasher, p.Perms, p.Seed, p.Threshold, p.Bands, p.Rows, p.Window, p.PassageHashes, p.NormVersion, p.Format)
}

// Params returns the index's parameters.
func (x *Index) Params() Params { return x.params }

// record is what the store keeps of a document.
type record struct {
	Doc      corpus.Doc `json:"doc"` // Text left out
	Norm     [2]uint64  `json:"norm"`
	TextHash uint64     `json:"text_hash"`
	Tokens   int        `json:"tokens"`
	Shingles int        `json:"shingles"`
	Text     []byte     `json:"text"` // DEFLATE
}

// preparer prepares documents: one goroutine's extractor and compressor.
type preparer struct {
	ex *detect.Extractor
	zw *flate.Writer // reused: a new one costs more than a record
}

func (w *preparer) encodeRecord(d corpus.Doc, f *detect.Features) ([]byte, error) {
	var zb bytes.Buffer
	if w.zw == nil {
		w.zw, _ = flate.NewWriter(&zb, flate.BestSpeed)
	} else {
		w.zw.Reset(&zb)
	}
	io.WriteString(w.zw, d.Text)
	if err := w.zw.Close(); err != nil {
		return nil, err
	}
	meta := d
	meta.Text = ""
	return json.Marshal(record{Doc: meta, Norm: f.Norm, TextHash: textHash(d.Text), Tokens: f.Tokens, Shingles: len(f.Hashes), Text: zb.Bytes()})
}

// decodeMeta decodes a record, leaving its text compressed.
func decodeMeta(b []byte) (record, error) {
	var r record
	err := json.Unmarshal(b, &r)
	return r, err
}

// text decompresses the record's text.
func (r *record) text() (string, error) {
	text, err := io.ReadAll(flate.NewReader(bytes.NewReader(r.Text)))
	return string(text), err
}

func decodeRecord(b []byte) (record, string, error) {
	r, err := decodeMeta(b)
	if err != nil {
		return r, "", err
	}
	text, err := r.text()
	return r, text, err
}

func textHash(s string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, s)
	return h.Sum64()
}

// normKey files a document under its normalised text, so that
// duplicates, even too short to shingle, find each other.
func normKey(f *detect.Features) uint64 { return f.Norm[0] ^ 0x6e6f726d6b657921 }

// keys are all the keys a document is filed under. Fingerprints are
// filed whether stock or not: stock changes as the index grows, and is
// judged when looking up.
func keys(f *detect.Features) []uint64 {
	if f.Tokens == 0 {
		return nil
	}
	k := make([]uint64, 0, 1+len(f.Bands)+len(f.Prints))
	k = append(k, normKey(f))
	k = append(k, f.Bands...)
	k = append(k, f.Prints...)
	slices.Sort(k)
	return slices.Compact(k)
}

// sketchCells appends the sketch cells of shingle h, one a row.
func sketchCells(dst []uint32, h uint64) []uint32 {
	for r := 0; r < SketchDepth; r++ {
		x := mix.Sketch(h ^ (uint64(r)+1)*mix.Golden)
		dst = append(dst, uint32(r)*SketchWidth+uint32(x>>(64-SketchBits)))
	}
	return dst
}

// Cells are changes to sketch counters: cell indices in increasing
// order, each with its change (never 0).
type Cells struct {
	At    []uint32
	Delta []int32
}

// Len returns the number of changed cells.
func (c Cells) Len() int { return len(c.At) }

// cellCounter gathers the sketch cells of documents added and removed.
type cellCounter struct {
	add, sub []uint32
	buf      []uint64
}

// count adds delta (+1 or -1) to the cells of f's distinct shingles.
func (cc *cellCounter) count(f *detect.Features, delta int) {
	d := append(cc.buf[:0], f.Hashes...)
	slices.Sort(d)
	cc.buf = d
	for _, h := range slices.Compact(d) {
		if delta > 0 {
			cc.add = sketchCells(cc.add, h)
		} else {
			cc.sub = sketchCells(cc.sub, h)
		}
	}
}

// cells returns the net changes counted.
func (cc *cellCounter) cells() Cells {
	scratch := make([]uint32, max(len(cc.add), len(cc.sub)))
	radix.Sort(cc.add, scratch)
	radix.Sort(cc.sub, scratch[:len(cc.sub)])
	var out Cells
	a, s := cc.add, cc.sub
	for len(a) > 0 || len(s) > 0 {
		var c uint32
		switch {
		case len(s) == 0 || len(a) > 0 && a[0] < s[0]:
			c = a[0]
		default:
			c = s[0]
		}
		d := int32(0)
		for ; len(a) > 0 && a[0] == c; a = a[1:] {
			d++
		}
		for ; len(s) > 0 && s[0] == c; s = s[1:] {
			d--
		}
		if d != 0 {
			out.At = append(out.At, c)
			out.Delta = append(out.Delta, d)
		}
	}
	return out
}

// stockTest returns the stock test of an index of n documents whose
// sketch is counters; with highest, the test at the highest cutoff an
// index of n documents or more can have.
func (x *Index) stockTest(counters []uint16, n int, highest bool) func(uint64) bool {
	c := x.o.StockCutoff(n)
	if highest {
		c = max(c, x.o.StockCutoff(math.MaxInt32))
	}
	cutoff := uint16(min(c, math.MaxUint16))
	if n < int(cutoff) {
		return func(uint64) bool { return false }
	}
	return func(h uint64) bool {
		var buf [SketchDepth]uint32
		for _, c := range sketchCells(buf[:0], h) {
			if counters[c] < cutoff {
				return false
			}
		}
		return true
	}
}

// Stats describe an index.
type Stats struct {
	Documents int `json:"documents"`
	// Undelivered counts the stored reports of batches whose pairs no
	// run has delivered yet.
	Undelivered int    `json:"undelivered_reports"`
	Params      Params `json:"params"`
}

// Stats returns the index's figures.
func (x *Index) Stats(ctx context.Context) (Stats, error) {
	n, err := x.store.Len(ctx)
	if err != nil {
		return Stats{}, err
	}
	u, err := x.store.Undelivered(ctx)
	return Stats{Documents: n, Undelivered: len(u), Params: x.params}, err
}

// Close closes the store.
func (x *Index) Close() error { return x.store.Close() }

// addCells applies counter changes to counters, saturating at 0 and
// 65,535.
func addCells(counters []uint16, cells Cells) {
	for i, c := range cells.At {
		counters[c] = uint16(min(max(int64(counters[c])+int64(cells.Delta[i]), 0), math.MaxUint16))
	}
}

// encodeCells writes counter changes compactly: cells in increasing order
// as varint gaps, each followed by its change as a signed varint.
func encodeCells(cells Cells) []byte {
	out := make([]byte, 0, 3*cells.Len())
	prev := uint32(0)
	for i, c := range cells.At {
		out = appendCell(out, c-prev, cells.Delta[i])
		prev = c
	}
	return out
}

// encodeDense writes the nonzero counters of counters as encodeCells
// writes changes.
func encodeDense(counters []int32) []byte {
	var out []byte
	prev := uint32(0)
	for c, d := range counters {
		if d != 0 {
			out = appendCell(out, uint32(c)-prev, d)
			prev = uint32(c)
		}
	}
	return out
}

func appendCell(dst []byte, gap uint32, d int32) []byte {
	return binary.AppendVarint(binary.AppendUvarint(dst, uint64(gap)), int64(d))
}

// decodeCells adds the changes encoded in b to counters.
func decodeCells(counters []uint16, b []byte) error {
	return eachCell(b, len(counters), func(c int, d int64) {
		counters[c] = uint16(min(max(int64(counters[c])+d, 0), math.MaxUint16))
	})
}

// eachCell calls fn with each cell and change encoded in b (see
// encodeCells); cells must be below n.
func eachCell(b []byte, n int, fn func(c int, d int64)) error {
	c := uint64(0)
	for len(b) > 0 {
		gap, k := binary.Uvarint(b)
		if k <= 0 {
			return errors.New("corrupt sketch log")
		}
		b = b[k:]
		d, m := binary.Varint(b)
		if m <= 0 {
			return errors.New("corrupt sketch log")
		}
		b = b[m:]
		c += gap
		if c >= uint64(n) {
			return errors.New("corrupt sketch log")
		}
		fn(int(c), d)
	}
	return nil
}
