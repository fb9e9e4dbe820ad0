package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/eval"
)

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "score a scan's JSON output against labeled pairs",
		ArgsUsage: "RESULT.json",
		Description: `Reads the output of "neardup scan --format json" and a TSV of labeled pairs
(a header row; the pair's two ids; a 0/1 column) and reports precision,
recall and F1 of the scan's decisions (pairs of kind duplicate,
near-duplicate or reuse), ROC AUC of its scores (pairs it did not report
score 0: scan with --min-score 0 to rank them all), and per-class rates.

Examples:
   neardup scan --format json --min-score 0 corpus/ > result.json
   neardup eval --truth pairs.tsv --class-column category result.json
   neardup eval --truth pairs.tsv --class-column category --only-classes cut,light,non result.json
   neardup eval --truth planted.tsv --complete result.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "truth", Usage: "TSV `FILE` of labeled pairs (required)"},
			&cli.StringFlag{Name: "a-column", Usage: "column of the first id (default: the first column)"},
			&cli.StringFlag{Name: "b-column", Usage: "column of the second id (default: the second column)"},
			&cli.StringFlag{Name: "truth-column", Usage: "the 0/1 column (default: is_reuse, label, truth, positive or is_duplicate)"},
			&cli.StringFlag{Name: "class-column", Usage: "a column of finer labels to report rates for"},
			&cli.StringSliceFlag{Name: "only-classes", Usage: "keep only pairs of these classes (with --class-column), e.g. cut,light,non"},
			&cli.BoolFlag{Name: "complete", Usage: "the truth lists every positive pair: any other reported pair is a false positive"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text or json"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("eval needs one scan result (JSON); got %d arguments", c.NArg())
			}
			if c.String("truth") == "" {
				return usagef("eval needs --truth FILE (see neardup eval --help)")
			}
			f, err := os.Open(c.String("truth"))
			if err != nil {
				return usageError{err}
			}
			defer f.Close()
			cols := eval.TSV{A: c.String("a-column"), B: c.String("b-column"), Truth: c.String("truth-column"), Class: c.String("class-column")}
			labels, err := cols.ReadTSV(f)
			if err != nil {
				return usagef("%s: %w", c.String("truth"), err)
			}
			if only := c.StringSlice("only-classes"); len(only) > 0 {
				if cols.Class == "" {
					return usagef("--only-classes needs --class-column")
				}
				labels = slices.DeleteFunc(labels, func(l eval.Label) bool { return !slices.Contains(only, l.Class) })
			}
			preds, err := readPredictions(c.Args().First())
			if err != nil {
				return usageError{err}
			}
			m := eval.Score(labels, preds, c.Bool("complete"))
			w := c.App.Writer
			if c.String("format") == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(m)
			}
			fmt.Fprintf(w, "labeled pairs %d (%d positive); reported positive: %d true, %d false, %d missed; %d reported pairs unlabeled\n",
				m.Labeled, m.Positives, m.TruePositives, m.FalsePositives, m.FalseNegatives, m.Unlabeled)
			fmt.Fprintf(w, "precision %.4f  recall %.4f  F1 %.4f  ROC AUC %.4f\n", m.Precision, m.Recall, m.F1, m.AUC)
			for _, cm := range m.ByClass {
				fmt.Fprintf(w, "  %-12s %3d pairs, %3d reported (%.3f), median score %.3f\n", cm.Class, cm.Pairs, cm.Predicted, cm.Rate, cm.MedianScore)
			}
			return nil
		},
	}
}

// readPredictions reads the pairs of a scan's JSON output.
func readPredictions(name string) (map[[2]string]eval.Prediction, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var res struct {
		Pairs []struct {
			A, B  string
			Kind  string
			Score float64
		}
	}
	if err := json.NewDecoder(f).Decode(&res); err != nil {
		return nil, fmt.Errorf("%s: not a neardup JSON result: %w", name, err)
	}
	preds := make(map[[2]string]eval.Prediction, len(res.Pairs))
	for _, p := range res.Pairs {
		preds[eval.Key(p.A, p.B)] = eval.Prediction{Score: p.Score, Positive: p.Kind != detect.Candidate}
	}
	return preds, nil
}
