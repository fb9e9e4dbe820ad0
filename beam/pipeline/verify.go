package pipeline

import (
	"context"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/neardup/neardup/detect"
)

// keyByFirstFn keys a pair of documents by its first id.
func keyByFirstFn(p string) (string, string) { a, b, _ := strings.Cut(p, "\x00"); return a, b }

// joinFirstFn joins the pairs of a document, keyed by its id, with the
// document, and keys each by its second id.
func joinFirstFn(ctx context.Context, id string, seconds func(*string) bool, recs func(*[]byte) bool, emit func(string, []byte)) {
	var rec []byte
	if !recs(&rec) {
		return
	}
	var b string
	for seconds(&b) {
		emit(b, rec)
		joinBytes.Inc(ctx, int64(len(b)+len(rec)))
	}
}

// verifyFn verifies each pair of documents, joined with both, as a scan
// verifies a candidate (detect.Verify, with the corpus's stock phrases),
// and emits the pairs a scan reports, encoded whole, and a 1 for each
// pair verified.
type verifyFn struct {
	Settings []byte
	s        settingsCache
	ex       *detect.Extractor
	stock    map[uint64]bool
}

func (f *verifyFn) ProcessElement(ctx context.Context, id string, firsts func(*[]byte) bool, recs func(*[]byte) bool, stock []uint64, emit func([]byte), verified func(int)) error {
	s, err := f.s.get(f.Settings)
	if err != nil {
		return err
	}
	if f.ex == nil {
		if f.ex, err = detect.NewExtractor(s.Options); err != nil {
			return err
		}
		f.stock = make(map[uint64]bool, len(stock))
		for _, k := range stock {
			f.stock[k] = true
		}
	}
	var rb []byte
	if !recs(&rb) {
		return nil
	}
	var b record
	if err := decode(rb, &b); err != nil {
		return err
	}
	fb := f.ex.Shingles(b.Doc.Text)
	isStock := func(h uint64) bool { return f.stock[detect.ScanKey(h)] }
	o := s.Options
	var ab []byte
	for firsts(&ab) {
		var a record
		if err := decode(ab, &a); err != nil {
			return err
		}
		verified(1)
		candidateN.Inc(ctx, 1)
		if !o.Keeps(&a.Doc, &b.Doc) {
			continue
		}
		fa := f.ex.Shingles(a.Doc.Text)
		p := detect.Verify(o, &fa, &fb, a.Doc.Text, b.Doc.Text, isStock)
		if !o.Reports(&p) {
			continue
		}
		p.A, p.B = a.Doc.ID, b.Doc.ID
		enc, err := p.MarshalBinary()
		if err != nil {
			return err
		}
		emit(enc)
	}
	return nil
}

func init() {
	register.Function1x2(keyByFirstFn)
	register.Function5x0(joinFirstFn)
	register.DoFn7x1[context.Context, string, func(*[]byte) bool, func(*[]byte) bool, []uint64, func([]byte), func(int), error](&verifyFn{})
	register.Emitter1[int]()
}

// verify returns the reported pairs of the candidate pairs of documents,
// encoded, and the number of candidates verified.
func verify(s beam.Scope, set []byte, pairs, docs, stockKeys beam.PCollection) (reported, verified beam.PCollection) {
	s = s.Scope("verify")
	withFirst := beam.ParDo(s, joinFirstFn, beam.CoGroupByKey(s, beam.ParDo(s, keyByFirstFn, pairs), docs))
	return beam.ParDo2(s, &verifyFn{Settings: set}, beam.CoGroupByKey(s, withFirst, docs), beam.SideInput{Input: stockKeys})
}
