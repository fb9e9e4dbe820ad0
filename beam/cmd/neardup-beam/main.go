// Command neardup-beam runs neardup's scan as an Apache Beam pipeline:
// locally on the prism runner, or on Flink, Spark or Dataflow with their
// runners' flags (see the README's "Beyond one machine").
//
//	neardup-beam --runner prism --format json -o out.json testdata/seeds
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3" // s3:// paths
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/neardup/neardup/beam/pipeline"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "neardup-beam:", err)
		os.Exit(3)
	}
}

func run(ctx context.Context) error {
	// Beam's runner flags (--runner, --endpoint, --project, …) are on the
	// standard flag set, which beam.Init reads: neardup-beam's are too.
	cfg := pipeline.Config{Options: detect.Defaults()}
	flag.StringVar(&cfg.Output, "o", "", "write the report to `FILE` (a local path, or gs://… where the runner has that file system)")
	flag.StringVar(&cfg.Format, "format", "json", "report format: json or csv, as neardup scan writes them")
	flag.StringVar(&cfg.Shards, "shards", "", "also write the reported pairs as JSON Lines shards named `PREFIX`-….jsonl")
	flag.StringVar(&cfg.Reader.IDField, "id-field", "id", "JSON field of a document's id")
	flag.StringVar(&cfg.Reader.TextField, "text-field", "text", "JSON field of a document's text")
	flag.StringVar(&cfg.Reader.TitleField, "title-field", "title", "JSON field of a document's title")
	flag.StringVar(&cfg.Reader.DateField, "date-field", "date", "JSON field of a document's date")
	flag.StringVar(&cfg.Reader.SourceField, "source-field", "source", "JSON field of a document's source")
	flag.StringVar(&cfg.Reader.URLField, "url-field", "url", "JSON field of a document's URL")
	full := flag.Bool("html-full", false, "read all visible text of HTML pages, not their main text")
	showMetrics := flag.Bool("metrics", false, "print the pipeline's counters on stderr at the end: documents, candidate pairs, bytes handed to each shuffle")
	o := &cfg.Options
	flag.Float64Var(&o.Threshold, "threshold", o.Threshold, "whole-document Jaccard similarity of a near-duplicate")
	flag.Float64Var(&o.ReuseScore, "reuse-score", o.ReuseScore, "share of one document that shared passages must cover for a reuse pair")
	flag.Float64Var(&o.MinScore, "min-score", o.MinScore, "report every verified pair scoring at least X (negative: the reuse score)")
	flag.IntVar(&o.MinEvidence, "min-evidence", o.MinEvidence, "least shingles, stock phrases aside, of a pair's passages")
	flag.BoolVar(&o.CrossSource, "cross-source", false, "report only pairs of documents from two different sources")
	flag.Parse()
	beam.Init()
	if *full {
		cfg.Reader.HTML = corpus.HTMLFull
	}
	cfg.Roots = flag.Args()
	if len(cfg.Roots) == 0 || cfg.Output == "" {
		return fmt.Errorf("usage: neardup-beam [--runner prism] [--format json|csv] -o FILE PATH [PATH ...]")
	}
	if cfg.Format != "json" && cfg.Format != "csv" {
		return fmt.Errorf("--format %q: choose json or csv", cfg.Format)
	}
	p, s := beam.NewPipelineWithRoot()
	if err := pipeline.Build(ctx, s, &cfg); err != nil {
		return err
	}
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return err
	}
	if *showMetrics && res != nil {
		sums := map[string]int64{}
		for _, c := range res.Metrics().AllMetrics().Counters() {
			if c.Key.Namespace == "neardup" {
				sums[c.Key.Name] += c.Result()
			}
		}
		names := make([]string, 0, len(sums))
		for n := range sums {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(os.Stderr, "%s\t%d\n", n, sums[n])
		}
	}
	return nil
}
