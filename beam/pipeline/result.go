package pipeline

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/report"
)

// The merge: every document (without its text), every reported pair and
// every warning go to one worker, which assembles the Result as a scan
// does (detect.Assemble) and writes it. It holds the documents' metadata
// and the pairs in memory, as a scan does.

func metaFn(_ string, b []byte) (int, []byte, error) {
	var r record
	if err := decode(b, &r); err != nil {
		return 0, nil, err
	}
	r.Doc.Text = ""
	return 0, encode(&r), nil
}

func pairToOneFn(b []byte) (int, []byte) { return 0, b }

func warningToOneFn(w []byte) (int, []byte) { return 0, w }

// writeFn assembles the result and writes the report.
type writeFn struct {
	Settings       []byte
	Output, Format string
	Listing        [][]byte // warnings of listing the files
}

func (f *writeFn) ProcessElement(ctx context.Context, _ int, docs func(*[]byte) bool, pairs func(*[]byte) bool, warnings func(*[]byte) bool, n, stockKeys, verified int) error {
	s, err := decodeSettings(f.Settings)
	if err != nil {
		return err
	}
	var list []detect.Document
	at := map[string]int{}
	var b []byte
	for docs(&b) {
		var r record
		if err := decode(b, &r); err != nil {
			return err
		}
		at[r.Doc.ID] = len(list)
		list = append(list, detect.Document{Doc: r.Doc, Tokens: r.Tokens, Shingles: r.Shingles})
	}
	var ps []detect.Pair
	for pairs(&b) {
		var p detect.Pair
		if err := p.UnmarshalBinary(b); err != nil {
			return err
		}
		p.I, p.J = at[p.A], at[p.B]
		ps = append(ps, p)
	}
	res := detect.Assemble(s.Options.Params(n), list, ps)
	res.Stats = detect.Stats{Candidates: verified, StockShingles: stockKeys}
	// Warnings in the order a scan meets them: the listing's, then by
	// file and line.
	var all []warning
	for _, b := range f.Listing {
		var w warning
		if err := decode(b, &w); err != nil {
			return err
		}
		all = append(all, w)
	}
	for warnings(&b) {
		var w warning
		if err := decode(b, &w); err != nil {
			return err
		}
		all = append(all, w)
	}
	slices.SortStableFunc(all, func(a, b warning) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Msg, b.Msg))
	})
	var kept corpus.Warnings
	for _, w := range all {
		kept.AddMessage(w.Msg, w.Kind)
	}
	ws := kept.List()
	return writeFile(ctx, f.Output, func(w *bufio.Writer) error {
		rep := report.Report{Result: res, Warnings: ws}
		if f.Format == "csv" {
			return report.CSV(w, rep)
		}
		return report.JSON(w, rep)
	})
}

// writeFile writes a file of the runner's file system through write.
func writeFile(ctx context.Context, name string, write func(*bufio.Writer) error) error {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	wc, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(wc, 1<<16)
	if err := write(bw); err != nil {
		wc.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		wc.Close()
		return err
	}
	return wc.Close()
}

// shardFn writes the reported pairs of each bundle as JSON Lines in a
// shard of its own, for results too large to merge on one worker.
type shardFn struct {
	Prefix string
	pairs  [][]byte
}

func (f *shardFn) StartBundle() { f.pairs = nil }

func (f *shardFn) ProcessElement(b []byte) error {
	var p detect.Pair
	if err := p.UnmarshalBinary(b); err != nil {
		return err
	}
	line, err := json.Marshal(&p)
	if err != nil {
		return err
	}
	f.pairs = append(f.pairs, line)
	return nil
}

func (f *shardFn) FinishBundle(ctx context.Context) error {
	if len(f.pairs) == 0 {
		return nil
	}
	var id [8]byte
	rand.Read(id[:])
	name := f.Prefix + "-" + hex.EncodeToString(id[:]) + ".jsonl"
	return writeFile(ctx, name, func(w *bufio.Writer) error {
		for _, l := range f.pairs {
			w.Write(l)
			w.WriteByte('\n')
		}
		return nil
	})
}

func init() {
	register.Function2x3(metaFn)
	register.Function1x2(pairToOneFn)
	register.Function1x2(warningToOneFn)
	register.DoFn8x1[context.Context, int, func(*[]byte) bool, func(*[]byte) bool, func(*[]byte) bool, int, int, int, error](&writeFn{})
	register.DoFn1x1[[]byte, error](&shardFn{})
}

// result merges the documents, pairs and warnings and writes the report.
func result(s beam.Scope, cfg *Config, set []byte, listing [][]byte, recs, pairs, warnings, n, stockKeys, verified beam.PCollection) {
	s = s.Scope("result")
	one := beam.CoGroupByKey(s, beam.ParDo(s, metaFn, recs), beam.ParDo(s, pairToOneFn, pairs), beam.ParDo(s, warningToOneFn, warnings))
	beam.ParDo0(s, &writeFn{Settings: set, Output: cfg.Output, Format: cfg.Format, Listing: listing}, one,
		beam.SideInput{Input: n}, beam.SideInput{Input: stats.CountElms(s, stockKeys)}, beam.SideInput{Input: stats.Sum(s, verified)})
	if cfg.Shards != "" {
		beam.ParDo0(s, &shardFn{Prefix: cfg.Shards}, beam.Reshuffle(s, pairs))
	}
}
