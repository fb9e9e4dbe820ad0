package pipeline

import (
	"context"
	"encoding/hex"
	"slices"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/neardup/neardup/detect"
)

// featuresFn finds each document's features with detect's Extractor, as
// a scan does, and emits what the later stages need of them:
//   - the document, with its token and shingle counts;
//   - its distinct shingle keys, counted in the bundle (detect.ScanKey);
//   - its band keys and fingerprints, each as key → "norm:j", where norm
//     stands for its normalised text (documents of one text are one in
//     the tables, as in a scan) and j tells apart two entries of one
//     document under one key;
//   - its normalised text → its id.
//
// Documents without tokens have no keys, as in a scan.
type featuresFn struct {
	Settings []byte
	ex       *detect.Extractor
	counts   map[uint64]int64
}

func (f *featuresFn) Setup() error {
	s, err := decodeSettings(f.Settings)
	if err != nil {
		return err
	}
	f.ex, err = detect.NewExtractor(s.Options)
	return err
}

func (f *featuresFn) StartBundle(_ func(string, []byte), _, _ func(uint64, string), _ func(string, string), _ func(uint64, int64)) {
	f.counts = map[uint64]int64{}
}

func (f *featuresFn) ProcessElement(ctx context.Context, id string, b []byte, docs func(string, []byte), bands, prints func(uint64, string), norms func(string, string), _ func(uint64, int64)) error {
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
		f.counts[k]++
	}
	norm := hex.EncodeToString(normBytes(ft.Norm))
	file := func(ks []uint64, emit func(uint64, string), c beam.Counter) {
		seen := map[uint64]int{}
		for _, k := range ks {
			sk := detect.ScanKey(k)
			e := norm + ":" + strconv.Itoa(seen[sk])
			emit(sk, e)
			c.Inc(ctx, int64(8+len(e)))
			seen[sk]++
		}
	}
	file(ft.Bands, bands, bandBytes)
	file(ft.Prints, prints, printBytes)
	norms(norm, id)
	normBytesC.Inc(ctx, int64(len(norm)+len(id)))
	return nil
}

func (f *featuresFn) FinishBundle(ctx context.Context, _ func(string, []byte), _, _ func(uint64, string), _ func(string, string), emit func(uint64, int64)) {
	for k, n := range f.counts {
		emit(k, n)
	}
	countBytes.Inc(ctx, int64(16*len(f.counts)))
	f.counts = nil
}

// Counters of the bytes each stage hands to a shuffle, as the runner
// reports them (neardup-beam --metrics): what a corpus costs a cluster.
var (
	readBytes  = beam.NewCounter("neardup", "shuffle_bytes_read")
	docBytes   = beam.NewCounter("neardup", "shuffle_bytes_documents")
	bandBytes  = beam.NewCounter("neardup", "shuffle_bytes_band_keys")
	printBytes = beam.NewCounter("neardup", "shuffle_bytes_fingerprints")
	normBytesC = beam.NewCounter("neardup", "shuffle_bytes_texts")
	countBytes = beam.NewCounter("neardup", "shuffle_bytes_shingle_counts")
	pairBytes  = beam.NewCounter("neardup", "shuffle_bytes_candidate_pairs")
	joinBytes  = beam.NewCounter("neardup", "shuffle_bytes_joined_documents")
	candidateN = beam.NewCounter("neardup", "candidate_pairs")
	documentN  = beam.NewCounter("neardup", "documents")
)

func normBytes(n [2]uint64) []byte {
	b := make([]byte, 16)
	for i := range 8 {
		b[i], b[8+i] = byte(n[0]>>(8*i)), byte(n[1]>>(8*i))
	}
	return b
}

func init() {
	register.DoFn8x1[context.Context, string, []byte, func(string, []byte), func(uint64, string), func(uint64, string), func(string, string), func(uint64, int64), error](&featuresFn{})
	register.Emitter2[uint64, string]()
	register.Emitter2[string, string]()
	register.Emitter2[uint64, int64]()
}

// features returns, of the documents, their records with counts, their
// band and fingerprint entries, their normalised texts and their
// shingle keys' partial counts.
func features(s beam.Scope, set []byte, docs beam.PCollection) (recs, bands, prints, norms, counts beam.PCollection) {
	s = s.Scope("features")
	return beam.ParDo5(s, &featuresFn{Settings: set}, docs)
}
