package pipeline

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/neardup/neardup/detect"
)

// The keys of a corpus are many and small: they leave features packed,
// a batch a partition of keys a bundle, as a scan keeps them in
// partitioned tables, so that a runner moves few large elements.

// partBits is the number of top bits of a key that name its partition.
const partBits = 12

func partOf(k uint64) int { return int(k >> (64 - partBits)) }

// An entry is a document filed under a key: the key, the document's
// normalised text (documents of one text are one in the tables, as in a
// scan) and j, which tells apart two entries of one document under one
// key. entrySize bytes, little-endian.
const entrySize = 8 + 16 + 4

// featuresFn finds each document's features with detect's Extractor, as
// a scan does, and emits the document with its counts and its text's
// norm → id; at the end of a bundle it emits its partitions: the
// distinct shingle keys (detect.ScanKey) of each document counted, and
// the band key and fingerprint entries. Documents without tokens have no
// keys, as in a scan.
type featuresFn struct {
	Settings      []byte
	ex            *detect.Extractor
	shingles      map[int][]uint64
	bands, prints map[int][]byte
}

func (f *featuresFn) Setup() error {
	s, err := decodeSettings(f.Settings)
	if err != nil {
		return err
	}
	f.ex, err = detect.NewExtractor(s.Options)
	return err
}

func (f *featuresFn) StartBundle(_ func(string, []byte), _ func(string, string), _, _, _ func(int, []byte)) {
	f.shingles, f.bands, f.prints = map[int][]uint64{}, map[int][]byte{}, map[int][]byte{}
}

func (f *featuresFn) ProcessElement(ctx context.Context, id string, b []byte, docs func(string, []byte), norms func(string, string), _, _, _ func(int, []byte)) error {
	var r record
	if err := decode(b, &r); err != nil {
		return err
	}
	ft := f.ex.Extract(r.Doc.Text)
	r.Tokens, r.Shingles = ft.Tokens, len(ft.Hashes)
	rec := encode(&r)
	docs(id, rec)
	documentN.Inc(ctx, 1)
	docBytes.Inc(ctx, int64(len(id)+len(rec)))
	if ft.Tokens == 0 {
		return nil
	}
	keys := make([]uint64, len(ft.Hashes))
	for i, h := range ft.Hashes {
		keys[i] = detect.ScanKey(h)
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		f.shingles[partOf(k)] = append(f.shingles[partOf(k)], k)
	}
	var norm [16]byte
	binary.LittleEndian.PutUint64(norm[:], ft.Norm[0])
	binary.LittleEndian.PutUint64(norm[8:], ft.Norm[1])
	file := func(ks []uint64, table map[int][]byte) {
		seen := map[uint64]uint32{}
		for _, k := range ks {
			sk := detect.ScanKey(k)
			e := binary.LittleEndian.AppendUint64(nil, sk)
			e = append(e, norm[:]...)
			e = binary.LittleEndian.AppendUint32(e, seen[sk])
			table[partOf(sk)] = append(table[partOf(sk)], e...)
			seen[sk]++
		}
	}
	file(ft.Bands, f.bands)
	file(ft.Prints, f.prints)
	hexNorm := hex.EncodeToString(norm[:])
	norms(hexNorm, id)
	normBytes.Inc(ctx, int64(len(hexNorm)+len(id)))
	return nil
}

// FinishBundle emits the bundle's partitions: shingle keys as (key,
// documents) counts, 16 bytes each, and the band and fingerprint entries.
func (f *featuresFn) FinishBundle(ctx context.Context, _ func(string, []byte), _ func(string, string), counts, bands, prints func(int, []byte)) {
	for p, ks := range f.shingles {
		slices.Sort(ks)
		var out []byte
		for a := 0; a < len(ks); {
			b := a + 1
			for b < len(ks) && ks[b] == ks[a] {
				b++
			}
			out = binary.LittleEndian.AppendUint64(out, ks[a])
			out = binary.LittleEndian.AppendUint64(out, uint64(b-a))
			a = b
		}
		counts(p, out)
		countBytes.Inc(ctx, int64(len(out)))
	}
	for p, es := range f.bands {
		bands(p, es)
		bandBytes.Inc(ctx, int64(len(es)))
	}
	for p, es := range f.prints {
		prints(p, es)
		printBytes.Inc(ctx, int64(len(es)))
	}
	f.shingles, f.bands, f.prints = nil, nil, nil
}

// Counters of the bytes each stage hands to a shuffle, as the runner
// reports them (neardup-beam --metrics): what a corpus costs a cluster.
var (
	readBytes  = beam.NewCounter("neardup", "shuffle_bytes_read")
	docBytes   = beam.NewCounter("neardup", "shuffle_bytes_documents")
	bandBytes  = beam.NewCounter("neardup", "shuffle_bytes_band_keys")
	printBytes = beam.NewCounter("neardup", "shuffle_bytes_fingerprints")
	normBytes  = beam.NewCounter("neardup", "shuffle_bytes_texts")
	countBytes = beam.NewCounter("neardup", "shuffle_bytes_shingle_counts")
	pairBytes  = beam.NewCounter("neardup", "shuffle_bytes_candidate_pairs")
	joinBytes  = beam.NewCounter("neardup", "shuffle_bytes_joined_documents")
	candidateN = beam.NewCounter("neardup", "candidate_pairs")
	documentN  = beam.NewCounter("neardup", "documents")
)

func init() {
	register.DoFn8x1[context.Context, string, []byte, func(string, []byte), func(string, string), func(int, []byte), func(int, []byte), func(int, []byte), error](&featuresFn{})
	register.Emitter2[string, string]()
	register.Emitter2[int, []byte]()
}

// features returns, of the documents, their records with counts, their
// normalised texts, and the partitions of their shingle keys' counts and
// of their band and fingerprint entries.
func features(s beam.Scope, set []byte, docs beam.PCollection) (recs, norms, counts, bands, prints beam.PCollection) {
	s = s.Scope("features")
	return beam.ParDo5(s, &featuresFn{Settings: set}, docs)
}
