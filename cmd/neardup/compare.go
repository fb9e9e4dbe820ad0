package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/report"
)

func compareCommand() *cli.Command {
	flags := slices.Concat([]cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text or json", Category: "Output"},
		&cli.StringFlag{Name: "corpus", Usage: "take both documents, by id, from the corpus at `SOURCE` (a directory, JSON or JSON Lines), with its stock phrases: the figures scan gives the pair", Category: "Input"},
	}, verifyFlags(), stockFlags(), inputFlags(), consoleFlags())
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare two articles and show every passage they share",
		ArgsUsage: "A B | --corpus SOURCE ID_A ID_B",
		Description: `Verifies one pair exactly, whatever its score, and explains it: Jaccard
similarity, containment both ways, the decision and every shared passage.

With two files, each must hold one document; two documents have no stock
phrases. With --corpus, both are taken by id from the corpus, whose stock
phrases apply, so the figures are those scan gives the pair.

Examples:
   neardup compare testdata/seeds/000_a86943d9168e89d9.txt testdata/seeds/003_c20ac59b2d2f44c9.txt
   neardup compare --corpus testdata/seeds 000_a86943d9168e89d9.txt 003_c20ac59b2d2f44c9.txt
   neardup compare --corpus wire.jsonl --id-field doc_id 12345 12377`,
		Flags:        flags,
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				if c.String("corpus") != "" {
					return usagef("compare --corpus SOURCE needs two ids; got %d arguments", c.NArg())
				}
				return usagef("compare needs two files, A and B, or --corpus SOURCE and two ids; got %d arguments", c.NArg())
			}
			format := c.String("format")
			if format != "text" && format != "json" {
				return usagef("--format %q: choose text or json", format)
			}
			o, err := options(c)
			if err != nil {
				return err
			}
			o.MinScore = 0
			con := newConsole(c)
			r := con.reader(c)
			var res *detect.Result
			var docs []corpus.Doc
			if src := c.String("corpus"); src != "" {
				done, err := inputs(c, r)
				if err != nil {
					return err
				}
				defer done()
				o.Progress = con.showProgress
				res, err = detect.ComparePair(c.Context, newFileSource(con, r, []string{src}), o, c.Args().Get(0), c.Args().Get(1))
				con.clear()
				if err != nil {
					return usagef("%s: %w", src, err)
				}
				for _, d := range res.Documents {
					docs = append(docs, d.Doc)
				}
			} else {
				o.Exhaustive = true
				for _, name := range c.Args().Slice() {
					got, err := readAll(c.Context, con, r, []string{name})
					if err != nil {
						return err
					}
					if len(got) != 1 {
						return usagef("%s: holds %d documents; compare needs one each (or --corpus SOURCE with two ids)", name, len(got))
					}
					docs = append(docs, got[0])
				}
				if docs[0].ID == docs[1].ID {
					docs[1].ID += " (B)"
				}
				if res, err = detect.Run(c.Context, docs, o); err != nil {
					return err
				}
			}
			if c.Bool("explain") {
				explain(c.App.ErrWriter, res.Params, res.Stats)
			}
			rep := report.Report{Result: res, Warnings: con.warnings.List()}
			if format == "json" {
				return report.JSON(c.App.Writer, rep)
			}
			// A pair that shares too little for evidence is shown what it
			// shares all the same, marked as phrases.
			var phrases []detect.Passage
			if ps := res.Pairs; len(ps) == 1 && ps[0].Kind == detect.Candidate && len(ps[0].Passages) == 0 && o.MinEvidence > 1 {
				o.MinEvidence = 0
				o.Exhaustive = true
				all, err := detect.Run(c.Context, docs, o)
				if err != nil {
					return err
				}
				if len(all.Pairs) == 1 {
					phrases = all.Pairs[0].Passages
				}
			}
			return explainPair(c, rep, phrases)
		},
	}
}

// explainPair writes the one pair of a comparison with all its passages,
// and the phrases it shares below the evidence floor, if given.
func explainPair(c *cli.Context, r report.Report, phrases []detect.Passage) error {
	w := c.App.Writer
	a, b := r.Documents[0], r.Documents[1]
	fmt.Fprintf(w, "A: %s (%d tokens, %d shingles)\nB: %s (%d tokens, %d shingles)\n", a.ID, a.Tokens, a.Shingles, b.ID, b.Tokens, b.Shingles)
	if len(r.Pairs) == 0 {
		_, err := fmt.Fprintf(w, "\nThey share no shingle: unrelated.\n")
		return err
	}
	p := r.Pairs[0]
	verdict := map[detect.Kind]string{
		detect.Duplicate:     "duplicate: the same text once normalised",
		detect.NearDuplicate: fmt.Sprintf("near-duplicate: Jaccard %.3f ≥ threshold %.2f", p.Jaccard, r.Params.Threshold),
		detect.Reuse:         fmt.Sprintf("reuse: shared passages cover %.3f of one document ≥ %.2f", max(p.CoverageA, p.CoverageB), r.Params.ReuseScore),
		detect.Candidate:     fmt.Sprintf("not reported by scan: shared passages cover %.3f of either document < %.2f", max(p.CoverageA, p.CoverageB), r.Params.ReuseScore),
	}[p.Kind]
	if len(phrases) > 0 {
		verdict += fmt.Sprintf("; what they share holds fewer than %d shingles outside stock phrases (--min-evidence), so it is a shared phrase, not a passage", r.Params.MinEvidence)
	}
	fmt.Fprintf(w, "\n%s\n", verdict)
	fmt.Fprintf(w, "score %.3f  jaccard %.3f  containment A in B %.3f, B in A %.3f  coverage A %.3f, B %.3f  shared shingles %d\n",
		p.Score, p.Jaccard, p.ContainmentA, p.ContainmentB, p.CoverageA, p.CoverageB, p.Shared)
	fmt.Fprintf(w, "\n%d shared passages:\n", len(p.Passages))
	writePassages(w, p.Passages)
	if len(phrases) > 0 {
		fmt.Fprintf(w, "\n%d shared phrases, not evidence (below --min-evidence %d together):\n", len(phrases), r.Params.MinEvidence)
		writePassages(w, phrases)
	}
	return nil
}

// writePassages lists passages, numbered, with both sides' text.
func writePassages(w io.Writer, ps []detect.Passage) {
	for i, ps := range ps {
		fmt.Fprintf(w, "\n%d. %d words, A bytes %d-%d, B bytes %d-%d\n   A: %s\n", i+1, ps.Words, ps.A.Start, ps.A.End, ps.B.Start, ps.B.End, report.Quote(ps.Text, 1<<20))
		if report.Quote(ps.TextB, 1<<20) != report.Quote(ps.Text, 1<<20) {
			fmt.Fprintf(w, "   B: %s\n", report.Quote(ps.TextB, 1<<20))
		}
	}
}
