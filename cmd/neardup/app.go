package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/shingle"
)

// Run runs neardup with args (args[0] is the program name) and returns the
// exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// go-redis logs each failed dial and pool event on stderr; neardup
	// says once what failed, with the URL's password masked.
	redis.SetLogger(quietLogger{})
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, reorder(app, args))
	if err != nil {
		sayFailure(stderr, err)
	}
	return exitCode(err)
}

// quietLogger drops go-redis's log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

func onUsageError(c *cli.Context, err error, isSub bool) error {
	help := "neardup --help"
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name {
		help = "neardup " + c.Command.FullName() + " --help"
	}
	if c.Command != nil && defines(c.Command, "db") && shapesKeys(err) {
		return usageError{fmt.Errorf("%w: an index's shingles, signatures and banding are fixed when it is made (neardup index stats --db … shows them; rebuild it with index add to change them)", err)}
	}
	return usageError{fmt.Errorf("%w (see %s)", err, help)}
}

// shapesKeys reports whether err is about a flag, not defined, that
// shapes an index's keys.
func shapesKeys(err error) bool {
	msg := err.Error()
	if !strings.Contains(msg, "flag provided but not defined") {
		return false
	}
	for _, f := range []string{"-k", "-word-ngrams", "-char-ngrams", "-perms", "-hasher", "-window", "-passage-hashes", "-threshold"} {
		if strings.HasSuffix(msg, " "+f) || strings.HasSuffix(msg, " -"+f) {
			return true
		}
	}
	return false
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:  "neardup",
		Usage: "find near-duplicate and syndicated articles",
		Description: `neardup reads a pile of articles and reports which of them were built from the
same text (a wire story, a press release), whole or in part, with the shared
passages as evidence.

Examples:
   neardup scan testdata/seeds
   neardup scan --format json -o result.json archive/
   neardup scan --id-field doc_id corpus.jsonl.gz --matrix matrix.csv
   neardup compare a.txt b.txt`,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		// Never let the library exit the process: Run returns the code.
		ExitErrHandler:       func(*cli.Context, error) {},
		Version:              version(),
		EnableBashCompletion: true,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				var names []string
				for _, cmd := range c.App.Commands {
					if !cmd.Hidden {
						names = append(names, cmd.Name)
					}
				}
				return usagef("no command %q: the commands are %s (see neardup --help)", c.Args().First(), strings.Join(names, ", "))
			}
			return cli.ShowAppHelp(c)
		},
		Commands: withExitCodes([]*cli.Command{scanCommand(), compareCommand(), checkCommand(), indexCommand(), evalCommand(), completionCommand()}),
	}
}

// withExitCodes adds the exit codes to the help of cmds and their
// subcommands.
func withExitCodes(cmds []*cli.Command) []*cli.Command {
	for _, c := range cmds {
		if len(c.Subcommands) > 0 {
			withExitCodes(c.Subcommands)
			continue
		}
		if defines(c, "db") && c.Before == nil {
			c.Before = requireDB
		}
		if strings.Contains(c.Description, "Exit codes") {
			continue
		}
		codes := "Exit codes: 0 done; "
		if c.Name == "check" {
			codes += "1 --fail-on-match found something; "
		}
		codes += "2 bad usage, an input path that cannot be read, or no index there; 3 the run failed (output not written, the index locked by another process, damaged, or unreachable); 130 interrupted."
		if c.Description != "" {
			c.Description += "\n\n"
		}
		c.Description += codes
	}
	return cmds
}

// requireDB refuses a command of the index run without --db.
func requireDB(c *cli.Context) error {
	if c.String("db") == "" {
		return usagef("%s needs --db PATH or --db redis://HOST:PORT/N (see %s --help)", c.Command.HelpName, c.Command.HelpName)
	}
	return nil
}

// detectFlags are the flags that shape detection, shared by the commands
// that find pairs in a corpus: every concern's.
func detectFlags() []cli.Flag {
	return slices.Concat(candidateFlags(), verifyFlags(), stockFlags(), inputFlags(), consoleFlags())
}

// runFlags are the flags of detection that a run against an existing
// index may set: those that decide and report pairs. The flags that shape
// its keys (shingles, signatures, banding, windows) are the index's own,
// recorded when it was made.
func runFlags() []cli.Flag {
	keep := []string{"min-score", "min-prints", "cross-source", "workers", "reuse-score", "min-passage", "min-evidence", "gap", "stock-fraction", "stock-min-docs", "stock-max-docs"}
	var out []cli.Flag
	for _, f := range slices.Concat(candidateFlags(), verifyFlags(), stockFlags()) {
		if slices.Contains(keep, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return out
}

// candidateFlags shape which pairs are proposed and reported.
func candidateFlags() []cli.Flag {
	d := detect.Defaults()
	return []cli.Flag{
		&cli.Float64Flag{Name: "min-score", Value: -1, DefaultText: "the reuse score", Usage: "report every verified pair scoring at least `X` (0 reports all)", Category: "Detection"},
		&cli.IntFlag{Name: "perms", Value: d.Perms, Usage: "hashes per document signature", Category: "Detection"},
		&cli.StringFlag{Name: "hasher", Value: d.Hasher, Usage: "signature core: oph (fast) or minwise (go-minhash reference)", Category: "Detection"},
		&cli.IntFlag{Name: "window", Value: d.Window, Usage: "passage window, in shingles: shared runs this long are always candidates", Category: "Passages"},
		&cli.IntFlag{Name: "min-prints", Value: d.MinPrints, Usage: "fingerprints two documents must share to be reuse candidates", Category: "Passages"},
		&cli.IntFlag{Name: "passage-hashes", Value: d.PassageHashes, Usage: "hash functions passage windows are min-hashed with", Category: "Passages"},
		&cli.BoolFlag{Name: "exhaustive", Usage: "verify every pair instead of LSH candidates (small corpora)", Category: "Detection"},
		&cli.IntFlag{Name: "workers", DefaultText: "one per CPU", Usage: "goroutines", Category: "Detection"},
		&cli.BoolFlag{Name: "cross-source", Usage: "report only pairs of documents from two different sources (outlets), both known", Category: "Detection"},
	}
}

// verifyFlags shape the verification of a pair: its shingles, passages
// and decision.
func verifyFlags() []cli.Flag {
	d := detect.Defaults()
	return []cli.Flag{
		&cli.Float64Flag{Name: "threshold", Value: d.Threshold, Usage: "whole-document Jaccard similarity of a near-duplicate", Category: "Detection"},
		&cli.Float64Flag{Name: "reuse-score", Value: d.ReuseScore, Usage: "share of one document that shared passages must cover for a reuse pair", Category: "Detection"},
		&cli.IntFlag{Name: "k", Aliases: []string{"word-ngrams"}, Value: d.Shingle.K, Usage: "words per shingle", Category: "Detection"},
		&cli.IntFlag{Name: "char-ngrams", Usage: "shingle by `N` characters instead of words", Category: "Detection"},
		&cli.IntFlag{Name: "min-passage", Value: d.MinPassage, Usage: "least shingles, stock phrases aside, of a shared run (character n-grams: 18-N)", Category: "Passages"},
		&cli.IntFlag{Name: "min-evidence", Value: d.MinEvidence, Usage: "least shingles, stock phrases aside, that a pair's passages hold together to be evidence; fewer is a shared phrase (character n-grams: 51-N)", Category: "Passages"},
		&cli.IntFlag{Name: "gap", Value: d.Gap, Usage: "most shingles between runs joined into one passage", Category: "Passages"},
	}
}

// stockFlags define the stock phrases of a corpus.
func stockFlags() []cli.Flag {
	d := detect.Defaults()
	return []cli.Flag{
		&cli.Float64Flag{Name: "stock-fraction", Value: d.StockFraction, Usage: "share of documents from which a shingle is a stock phrase", Category: "Passages"},
		&cli.IntFlag{Name: "stock-min-docs", Value: d.StockMinDocs, Usage: "least documents from which a shingle is a stock phrase", Category: "Passages"},
		&cli.IntFlag{Name: "stock-max-docs", Value: d.StockMaxDocs, Usage: "documents from which a shingle is a stock phrase whatever the corpus size", Category: "Passages"},
	}
}

// inputFlags say how documents are read.
func inputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "id-field", Value: "id", Usage: "JSON field of a document's id", Category: "Input"},
		&cli.StringFlag{Name: "text-field", Value: "text", Usage: "JSON field of a document's text", Category: "Input"},
		&cli.StringFlag{Name: "title-field", Value: "title", Usage: "JSON field of a document's title", Category: "Input"},
		&cli.StringFlag{Name: "date-field", Value: "date", Usage: "JSON field of a document's date (RFC 3339, 2006-01-02, RFC 1123, January 2, 2006, …)", Category: "Input"},
		&cli.StringFlag{Name: "source-field", Value: "source", Usage: "JSON field of a document's source: its outlet", Category: "Input"},
		&cli.StringFlag{Name: "url-field", Value: "url", Usage: "JSON field of a document's URL", Category: "Input"},
		&cli.StringFlag{Name: "max-bytes", Value: "64MiB", Usage: "largest `SIZE` of a document (a text or HTML file, a JSON Lines line, a JSON array element): bytes, or with kB, MB, GB, KiB, MiB, GiB", Category: "Input"},
		&cli.StringFlag{Name: "max-file-bytes", Value: "4GiB", Usage: "largest `SIZE` of a file, after decompression", Category: "Input"},
		&cli.StringFlag{Name: "input-format", Usage: "format of the files named on the command line and of standard input (-): txt, md, html, json or jsonl (default: by name, sniffed for - and unknown names)", Category: "Input"},
		&cli.StringFlag{Name: "html-mode", Value: "main", Usage: "what of an HTML page is its text: main (the article, without navigation, header, footer, asides and banners) or full (all visible text)", Category: "Input"},
	}
}

// consoleFlags say what is printed on stderr.
func consoleFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not print warnings and progress on stderr", Category: "Output"},
		&cli.BoolFlag{Name: "explain", Usage: "print the derived parameters (banding, probabilities) on stderr", Category: "Output"},
	}
}

// unitFloors gives the passage floors whose flags are not set the
// defaults for o's shingles (detect.DefaultsFor: character n-grams count
// them in characters).
func unitFloors(o *detect.Options, isSet func(string) bool) {
	d := detect.DefaultsFor(o.Shingle)
	if !isSet("min-passage") {
		o.MinPassage = d.MinPassage
	}
	if !isSet("min-evidence") {
		o.MinEvidence = d.MinEvidence
	}
}

// options returns the detection options of c's flags; the flags c's
// command does not define keep their defaults.
func options(c *cli.Context) (detect.Options, error) {
	o := detect.Defaults()
	if c.IsSet("k") && c.IsSet("char-ngrams") {
		return o, usagef("-k (words per shingle) and --char-ngrams (characters per shingle) exclude each other: give one")
	}
	floats := map[string]*float64{"threshold": &o.Threshold, "reuse-score": &o.ReuseScore, "min-score": &o.MinScore, "stock-fraction": &o.StockFraction}
	ints := map[string]*int{"k": &o.Shingle.K, "perms": &o.Perms, "window": &o.Window, "passage-hashes": &o.PassageHashes,
		"min-prints": &o.MinPrints, "min-passage": &o.MinPassage, "min-evidence": &o.MinEvidence, "gap": &o.Gap,
		"stock-min-docs": &o.StockMinDocs, "stock-max-docs": &o.StockMaxDocs, "workers": &o.Workers}
	for name, v := range floats {
		if hasFlag(c, name) {
			*v = c.Float64(name)
		}
	}
	for name, v := range ints {
		if hasFlag(c, name) {
			*v = c.Int(name)
		}
	}
	if n := c.Int("char-ngrams"); n != 0 {
		o.Shingle = shingle.Config{Unit: shingle.CharUnit, K: n}
	}
	unitFloors(&o, c.IsSet)
	if hasFlag(c, "hasher") {
		o.Hasher = c.String("hasher")
	}
	o.Exhaustive = c.Bool("exhaustive")
	o.CrossSource = c.Bool("cross-source")
	if err := o.Check(); err != nil {
		return o, usageError{err}
	}
	return o, nil
}

// console prints warnings and progress on stderr.
type console struct {
	w        io.Writer
	quiet    bool
	tty      bool
	warnings corpus.Warnings
	progress bool // a progress line is showing
}

func newConsole(c *cli.Context) *console {
	con := &console{w: c.App.ErrWriter, quiet: c.Bool("quiet")}
	if f, ok := con.w.(*os.File); ok {
		con.tty = term.IsTerminal(int(f.Fd()))
	}
	return con
}

// maxShown is how many warnings the console prints before it only counts
// them; reports list corpus.MaxWarnings and count the rest.
const maxShown = 20

func (con *console) warn(err error) {
	con.warnings.Add(err)
	if !con.quiet && con.warnings.Len() <= maxShown {
		con.clear()
		fmt.Fprintln(con.w, "warning:", report.Clean(err.Error()))
	}
}

// summary tells how many warnings were not printed.
func (con *console) summary() {
	if n := con.warnings.Len() - maxShown; n > 0 && !con.quiet {
		con.clear()
		fmt.Fprintf(con.w, "warning: %d more warnings; the report lists the first %d and counts the rest\n", n, corpus.MaxWarnings)
	}
}

// status shows a progress line, on terminals only.
func (con *console) status(format string, args ...any) {
	if con.quiet || !con.tty {
		return
	}
	fmt.Fprintf(con.w, "\r\033[K"+format, args...)
	con.progress = true
}

// showProgress is a detect.Options.Progress that shows on terminals.
func (con *console) showProgress(stage string, done, total int) {
	if total > 0 {
		con.status("%s: %d/%d", stage, done, total)
	} else {
		con.status("%s: %d documents", stage, done)
	}
}

func (con *console) clear() {
	if con.progress {
		fmt.Fprint(con.w, "\r\033[K")
		con.progress = false
	}
}

func (con *console) reader(c *cli.Context) *corpus.Reader {
	r := &corpus.Reader{IDField: c.String("id-field"), TextField: c.String("text-field"), Format: c.String("input-format"), Warn: con.warn,
		TitleField: c.String("title-field"), DateField: c.String("date-field"), SourceField: c.String("source-field"), URLField: c.String("url-field")}
	if c.String("html-mode") == "full" {
		r.HTML = corpus.HTMLFull
	}
	r.MaxBytes, _ = parseSize(c.String("max-bytes"))
	r.MaxFileBytes, _ = parseSize(c.String("max-file-bytes"))
	return r
}

// parseSize reads a size in bytes, with an optional unit: kB, MB, GB
// (powers of 1000) or KiB, MiB, GiB (powers of 1024).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(num), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (say 64MiB, 500kB or 1000000)", s)
	}
	return n * mult, nil
}

// inputs checks the input flags and spools the sources that cannot be
// read twice (spool); the reader r then reads them from their copies.
// Call the returned function when done.
func inputs(c *cli.Context, r *corpus.Reader) (func(), error) {
	if f := c.String("input-format"); f != "" && !slices.Contains(corpus.Formats, f) {
		return nil, usagef("--input-format %q: choose one of %s", f, strings.Join(corpus.Formats, ", "))
	}
	for _, flag := range []string{"max-bytes", "max-file-bytes"} {
		if _, err := parseSize(c.String(flag)); err != nil {
			return nil, usagef("--%s: %w", flag, err)
		}
	}
	spooled, cleanup, err := spool(c.Context, c.Args().Slice())
	if err != nil {
		return nil, err
	}
	r.Spooled = spooled
	return cleanup, nil
}

// readAll reads the documents under paths, dropping (with a warning) a
// document whose id was seen before.
func readAll(ctx context.Context, con *console, r *corpus.Reader, paths []string) ([]corpus.Doc, error) {
	var docs []corpus.Doc
	show := func(n int) { con.status("reading: %d documents", n) }
	for d, err := range readEach(ctx, con, r, paths, show) {
		if err != nil {
			return docs, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// readEach is readAll one document at a time: it keeps only where each
// document was found, to tell a repeated id, and tells show how many it
// has read every thousand. Its error, if any, comes last.
func readEach(ctx context.Context, con *console, r *corpus.Reader, paths []string, show func(n int)) iter.Seq2[corpus.Doc, error] {
	return func(yield func(corpus.Doc, error) bool) {
		seen := newPlaces()
		stopped := errors.New("stopped")
		err := r.Walk(ctx, paths, func(d corpus.Doc) error {
			if !seen.add(con, d) {
				return nil
			}
			if n := len(seen.at); n%1000 == 0 {
				show(n)
			}
			if !yield(d, nil) {
				return stopped
			}
			return nil
		})
		con.clear()
		con.summary()
		switch {
		case err == nil, errors.Is(err, stopped):
		default:
			yield(corpus.Doc{}, err)
		}
	}
}

func explain(w io.Writer, p detect.Params, st detect.Stats) {
	fmt.Fprintf(w, "shingles: %s %d-grams, normalisation v%d, murmur3 seed %#x\n", p.Unit, p.K, p.NormVersion, shingle.Seed)
	fmt.Fprintf(w, "documents: %s hasher, %d hashes (seed %#x), %v; a pair at Jaccard %.2f becomes a candidate with probability %.3f\n",
		p.Hasher, p.Perms, p.Seed, p.Bands, p.Threshold, p.ProbAtThreshold)
	fmt.Fprintf(w, "passages: every window of %d shingles min-hashed by %d hash functions (winnowing); documents sharing a run of %d shingles are always candidates, windows of Jaccard s with probability 1-(1-s)^%d\n",
		p.Window, p.PassageHashes, p.Window, p.PassageHashes)
	fmt.Fprintf(w, "evidence: runs of ≥ %d non-stock shingles joined across gaps of ≤ %d, ≥ %d non-stock shingles a pair; stock phrases: shingles in ≥ %d documents\n",
		p.MinPassage, p.Gap, p.MinEvidence, p.StockMinDocs)
	if st.StockSketched {
		fmt.Fprintf(w, "work: %d candidate pairs verified; shingle frequencies counted in a sketch\n", st.Candidates)
	} else {
		fmt.Fprintf(w, "work: %d candidate pairs verified, %d stock shingles\n", st.Candidates, st.StockShingles)
	}
	fmt.Fprintf(w, "decision: near-duplicate at Jaccard ≥ %.2f, reuse at passage coverage ≥ %.2f; reporting scores ≥ %.2f\n", p.Threshold, p.ReuseScore, p.MinScore)
}

func writeReport(w io.Writer, format string, r report.Report) error {
	switch format {
	case "json":
		return report.JSON(w, r)
	case "csv":
		return report.CSV(w, r)
	default:
		return report.Text(w, r)
	}
}

func checkFormat(f string) error {
	switch f {
	case "text", "json", "csv":
		return nil
	}
	return usagef("--format %q: choose text, json or csv", f)
}
