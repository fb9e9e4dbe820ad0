package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/shingle"
)

func profileFlag() cli.Flag {
	return &cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"}
}

func dbFlag() cli.Flag {
	return &cli.StringFlag{Name: "db", Usage: "the index: a file `PATH` (bbolt), or redis://HOST:PORT/N (required)", Category: "Index"}
}

func lockWaitFlag() cli.Flag {
	return &cli.DurationFlag{Name: "lock-wait", Value: 5 * time.Second, Usage: "how long to wait for another process's lock on the index file", Category: "Index"}
}

func indexCommand() *cli.Command {
	return &cli.Command{
		Name:  "index",
		Usage: "keep a persistent index for nightly checks: add, remove, stats, pairs, report, verify, compact",
		Description: `An index keeps every document added to it (its text compressed, its keys,
shingle frequencies), so that new documents are checked against all of them
without reading the archive again. It is one file (bbolt) or a Redis database
shared by several machines.

Examples:
   neardup index add --db news.idx archive/
   neardup check --db news.idx --fail-on-match today/
   neardup index stats --db news.idx
   neardup index remove --db news.idx some-id
   neardup index pairs --db news.idx --html report.html
   neardup index report --db news.idx
   neardup index verify --db news.idx`,
		Subcommands: []*cli.Command{indexAddCommand(), indexRemoveCommand(), indexStatsCommand(), indexPairsCommand(),
			indexReportCommand(), indexVerifyCommand(), indexCompactCommand()},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowSubcommandHelp(c)
			}
			var names []string
			for _, sub := range c.Command.Subcommands {
				if sub.Name != "help" {
					names = append(names, sub.Name)
				}
			}
			hint := ""
			if c.Args().First() == "check" {
				hint = "; check is a command of its own: neardup check --db IDX SOURCE..."
			}
			return usagef("no command %q under index: its commands are %s%s", c.Args().First(), strings.Join(names, ", "), hint)
		},
	}
}

// reportFlags are the flags of a report of an index's pairs: its format
// and file, and with html an HTML page beside it.
func reportFlags(html bool) []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, json or csv", Category: "Output"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE`", Category: "Output"},
	}
	if html {
		flags = append(flags, &cli.StringFlag{Name: "html", Usage: "also write an HTML report to `FILE`", Category: "Output"})
	}
	return flags
}

func indexAddCommand() *cli.Command {
	flags := append([]cli.Flag{dbFlag(), lockWaitFlag(), profileFlag(),
		&cli.IntFlag{Name: "batch", Value: index.DefaultBatch, Usage: "documents written in one transaction", Category: "Index"},
		&cli.BoolFlag{Name: "verbose", Usage: "say on stderr after each transaction how many documents are in", Category: "Output"},
	}, slices.Concat(reportFlags(false), detectFlags())...)
	return &cli.Command{
		Name:      "add",
		Usage:     "add documents to the index and report what they match among those already in it",
		ArgsUsage: "SOURCE...",
		Flags:     flags, OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			return indexRun(c, true)
		},
	}
}

func checkCommand() *cli.Command {
	flags := append([]cli.Flag{dbFlag(), lockWaitFlag(), profileFlag(),
		&cli.BoolFlag{Name: "fail-on-match", Usage: "exit 1 when anything is found (for cron jobs and CI)", Category: "Output"},
	}, slices.Concat(reportFlags(true), runFlags(), inputFlags(), consoleFlags())...)
	return &cli.Command{
		Name:      "check",
		Usage:     "report what documents match in an index, without adding them",
		ArgsUsage: "SOURCE...",
		Description: `Checks each document against the index, and against the documents checked
before it, and reports the pairs as scan does. Nothing is written.

Examples:
   neardup check --db news.idx today/
   neardup check --db news.idx --fail-on-match --format json today/ > matches.json`,
		Flags: flags, OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			return indexRun(c, false)
		},
	}
}

// openForReport checks --format, opens the index and creates the
// command's output files: what a command that reports from an index does
// first. Close the index and abandon the outputs when done.
func openForReport(c *cli.Context, mode storeMode) (*index.Index, *outputs, error) {
	if err := checkFormat(c.String("format")); err != nil {
		return nil, nil, err
	}
	x, err := openIndex(c, mode)
	if err != nil {
		return nil, nil, err
	}
	dst, err := openOutputs(c)
	if err != nil {
		x.Close()
		return nil, nil, err
	}
	return x, dst, nil
}

// storeMode is what a command may do to the index it opens.
type storeMode int

const (
	readIndex   storeMode = iota // check, stats, pairs, verify: write nothing
	updateIndex                  // remove, report: write to an index that exists
	createIndex                  // add: create the index if there is none
)

// openIndex opens the index named by --db with the detection options of
// the command line, taking the index's own parameters for the options
// the command line leaves unset.
func openIndex(c *cli.Context, mode storeMode) (*index.Index, error) {
	o := detect.Defaults()
	if hasFlag(c, "threshold") { // a command that detects
		var err error
		if o, err = options(c); err != nil {
			return nil, err
		}
	}
	store, err := openStore(c.Context, c.String("db"), mode, c.Duration("lock-wait"))
	if err != nil {
		return nil, err
	}
	if meta, err := store.Meta(c.Context); err == nil && meta != nil {
		var p index.Params
		if json.Unmarshal(meta, &p) == nil {
			adopt(&o, p, c.IsSet)
		}
	}
	x, err := index.Open(c.Context, store, o)
	if err != nil {
		store.Close()
		if errors.Is(err, index.ErrParams) {
			return nil, usageError{err}
		}
		return nil, err
	}
	return x, nil
}

func openStore(ctx context.Context, db string, mode storeMode, wait time.Duration) (index.Store, error) {
	var s index.Store
	var err error
	if index.IsRedisURL(db) {
		s, err = index.OpenRedis(ctx, db, index.RedisOptions{Password: os.Getenv("REDISCLI_AUTH"), Create: mode == createIndex})
	} else {
		s, err = index.OpenBolt(db, index.BoltOptions{ReadOnly: mode == readIndex, Create: mode == createIndex, LockWait: wait})
	}
	if errors.Is(err, index.ErrNoIndex) {
		return nil, usagef("no neardup index at %s (create one with neardup index add --db %s SOURCE...)", index.Redact(db), index.Redact(db))
	}
	return s, err
}

// hasFlag reports whether c's command defines the flag name.
func hasFlag(c *cli.Context, name string) bool { return defines(c.Command, name) }

// defines reports whether cmd defines the flag name.
func defines(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return true
		}
	}
	return false
}

// adopt takes p's values for the options whose flags are not set.
func adopt(o *detect.Options, p index.Params, isSet func(string) bool) {
	if !isSet("k") && !isSet("char-ngrams") {
		o.Shingle.K = p.K
		if p.Unit == "char" {
			o.Shingle.Unit = shingle.CharUnit
		}
		unitFloors(o, isSet)
	}
	if !isSet("hasher") {
		o.Hasher = p.Hasher
	}
	if !isSet("perms") {
		o.Perms = p.Perms
	}
	if !isSet("threshold") {
		o.Threshold = p.Threshold
	}
	if !isSet("window") {
		o.Window = p.Window
	}
	if !isSet("passage-hashes") {
		o.PassageHashes = p.PassageHashes
	}
	o.Seed = p.Seed
}

func indexRun(c *cli.Context, write bool) error {
	stop, err := profile(c)
	if err != nil {
		return err
	}
	defer stop()
	if c.NArg() == 0 {
		return usagef("give the documents to %s: a directory or files", c.Command.Name)
	}
	mode := readIndex
	if write {
		mode = createIndex
	}
	x, dst, err := openForReport(c, mode)
	if err != nil {
		return err
	}
	defer x.Close()
	defer dst.abandon()
	con := newConsole(c)
	prog := &addProgress{con: con, write: write, total: inputBytes(c.Args().Slice()), start: time.Now()}
	rd := con.reader(c)
	done, err := inputs(c, rd)
	if err != nil {
		return err
	}
	defer done()
	each := readEach(c.Context, con, rd, c.Args().Slice(), func(n int) { prog.read = n; prog.show() })
	docs := func(yield func(corpus.Doc, error) bool) {
		for d, err := range each {
			prog.readBytes += int64(len(d.Text))
			if !yield(d, err) {
				return
			}
		}
	}
	var out *index.Outcome
	if write {
		verbose := c.Bool("verbose")
		out, err = x.AddSeq(c.Context, docs, c.Int("batch"), func(n int) {
			prog.committed = n
			if verbose {
				fmt.Fprintf(c.App.ErrWriter, "committed %d\n", n)
			} else {
				prog.show()
			}
		})
	} else {
		out, err = x.CheckSeq(c.Context, docs)
	}
	con.clear()
	if err != nil {
		if write && prog.committed > 0 && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w\n%d documents were committed; their matches are kept in the index and delivered by the next index add or index report", err, prog.committed)
		}
		return err
	}
	return deliver(c, x, dst, con, out, write)
}

// deliver writes the report of out, an add's (write) or a check's, marks
// an add's delivered, and fails a check that found pairs under
// --fail-on-match.
func deliver(c *cli.Context, x *index.Index, dst *outputs, con *console, out *index.Outcome, write bool) error {
	sum := out.Summary
	if sum.New+sum.Changed+sum.Unchanged == 0 {
		return usagef("no documents found under %v", c.Args().Slice())
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(c.App.ErrWriter, "%s: %d new, %d changed, %d unchanged; %s\n",
			count(sum.New+sum.Changed+sum.Unchanged, "document"), sum.New, sum.Changed, sum.Unchanged, pairsSaid(sum))
	}
	if err := dst.write(c, report.Report{Result: &out.Result, Summary: &out.Summary, Warnings: con.warnings.List()}); err != nil {
		return err
	}
	if write {
		if err := x.Delivered(c.Context, out); err != nil {
			return fmt.Errorf("the report is written, but marking it delivered failed, so the next run reports it again: %w", err)
		}
	}
	if !write && c.Bool("fail-on-match") {
		for _, p := range out.Result.Pairs {
			if p.Decided() {
				return errMatched
			}
		}
	}
	return nil
}

// addProgress is the one progress line of add and check: what add has
// committed of what it has read, how fast, and, where the input's size
// is known, how long it has to go.
type addProgress struct {
	con              *console
	write            bool
	read, committed  int
	readBytes, total int64
	start            time.Time
}

func (p *addProgress) show() {
	elapsed := max(time.Since(p.start).Seconds(), 0.001)
	line := fmt.Sprintf("%d documents read, %.0f a second", p.read, float64(p.read)/elapsed)
	if p.write {
		line = fmt.Sprintf("indexed %d of %d read, %.0f documents a second", p.committed, max(p.read, p.committed), float64(p.committed)/elapsed)
	}
	if p.total > 0 && p.readBytes > 0 && p.readBytes < p.total {
		left := time.Duration(elapsed * float64(p.total-p.readBytes) / float64(p.readBytes) * float64(time.Second))
		line += fmt.Sprintf(", about %v left", left.Round(time.Second))
	}
	p.con.status("%s", line)
}

// inputBytes returns the size of the files under paths, or 0 when it
// does not tell how much text they hold (compressed files, standard
// input, paths that cannot be read).
func inputBytes(paths []string) int64 {
	var total int64
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if strings.HasSuffix(path, ".gz") {
				return errors.New("compressed")
			}
			info, err := d.Info()
			if err != nil || !info.Mode().IsRegular() {
				return errors.New("not regular")
			}
			total += info.Size()
			return nil
		})
		if err != nil {
			return 0
		}
	}
	return total
}

// pairsSaid says how many pairs a summary counts, and how many of them
// earlier runs found.
func pairsSaid(s index.Summary) string {
	if s.Earlier > 0 {
		return fmt.Sprintf("%s (%d found by earlier runs that did not deliver them)", count(s.Pairs, "pair"), s.Earlier)
	}
	return count(s.Pairs, "pair")
}

// count says n nouns, singular or plural.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func indexRemoveCommand() *cli.Command {
	return &cli.Command{
		Name:      "remove",
		Usage:     "remove documents from the index by id",
		ArgsUsage: "ID...",
		Flags:     []cli.Flag{dbFlag(), lockWaitFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("give the ids of the documents to remove")
			}
			x, err := openIndex(c, updateIndex)
			if err != nil {
				return err
			}
			defer x.Close()
			missing, err := x.Remove(c.Context, c.Args().Slice())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "removed %d of %d\n", c.NArg()-len(missing), c.NArg())
			for _, id := range missing {
				fmt.Fprintf(c.App.Writer, "not in the index: %s\n", report.Clean(id))
			}
			return nil
		},
	}
}

func indexStatsCommand() *cli.Command {
	return &cli.Command{
		Name:  "stats",
		Usage: "show what the index holds and how it was built",
		Flags: []cli.Flag{dbFlag(), lockWaitFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text or json"}},
		Action: func(c *cli.Context) error {
			x, err := openIndex(c, readIndex)
			if err != nil {
				return err
			}
			defer x.Close()
			st, err := x.Stats(c.Context)
			if err != nil {
				return err
			}
			w := c.App.Writer
			if c.String("format") == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			p := st.Params
			fmt.Fprintf(w, "documents: %d\n", st.Documents)
			if st.Undelivered > 0 {
				fmt.Fprintf(w, "undelivered reports: %d (neardup index report prints them)\n", st.Undelivered)
			}
			if fi, err := os.Stat(c.String("db")); err == nil {
				fmt.Fprintf(w, "file: %s, %.1f MiB\n", c.String("db"), float64(fi.Size())/(1<<20))
			}
			fmt.Fprintf(w, "shingles: %s %d-grams, normalisation v%d\n", p.Unit, p.K, p.NormVersion)
			fmt.Fprintf(w, "signatures: %s, %d hashes, seed %#x, %d bands × %d rows (threshold %v)\n", p.Hasher, p.Perms, p.Seed, p.Bands, p.Rows, p.Threshold)
			fmt.Fprintf(w, "passages: window %d shingles, %d hash functions; frequency sketch %d × 2^%d\n", p.Window, p.PassageHashes, p.SketchDepth, p.SketchBits)
			return nil
		},
	}
}

func indexReportCommand() *cli.Command {
	flags := append([]cli.Flag{dbFlag(), lockWaitFlag(),
		&cli.BoolFlag{Name: "keep", Usage: "leave the pairs undelivered: the next add or report gives them again", Category: "Output"},
	}, slices.Concat(reportFlags(true), runFlags(), consoleFlags())...)
	return &cli.Command{
		Name:  "report",
		Usage: "print the matches that earlier index add runs found but did not deliver, adding nothing",
		Description: `index add stores the matches of each transaction with its documents, and
marks them delivered once its report is written. A run that was interrupted,
or failed, leaves them undelivered: the next index add reports them with its
own, and index report prints them now (and marks them delivered, unless
--keep).`,
		Flags: flags, OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			x, dst, err := openForReport(c, updateIndex)
			if err != nil {
				return err
			}
			defer x.Close()
			defer dst.abandon()
			x.Texts = c.String("html") != ""
			out, err := x.Report(c.Context)
			if err != nil {
				return err
			}
			if !c.Bool("quiet") {
				fmt.Fprintf(c.App.ErrWriter, "%s undelivered\n", count(out.Summary.Pairs, "pair"))
			}
			if err := dst.write(c, report.Report{Result: &out.Result, Summary: &out.Summary}); err != nil {
				return err
			}
			if c.Bool("keep") {
				return nil
			}
			return x.Delivered(c.Context, out)
		},
	}
}

func indexVerifyCommand() *cli.Command {
	return &cli.Command{
		Name:  "verify",
		Usage: "check the whole index file: its structure and every stored value's checksum",
		Description: `Exit codes: 0 sound; 2 no index there; 3 damage found (each problem is
listed). A damaged index is rebuilt from its sources (index add into a new
--db), or restored from a copy; index compact rewrites a file whose only
damage is a meta page.`,
		Flags: []cli.Flag{dbFlag(), lockWaitFlag()},
		Action: func(c *cli.Context) error {
			db := c.String("db")
			var problems []error
			var err error
			if index.IsRedisURL(db) {
				var s index.Store
				if s, err = openStore(c.Context, db, readIndex, 0); err != nil {
					return err
				}
				defer s.Close()
				problems = s.(*index.Redis).Verify(c.Context)
			} else if problems, err = index.VerifyBolt(db, c.Duration("lock-wait")); errors.Is(err, index.ErrNoIndex) {
				return usagef("no neardup index at %s", db)
			} else if err != nil {
				return err
			}
			for _, p := range problems {
				fmt.Fprintln(c.App.Writer, p)
			}
			if len(problems) > 0 {
				return fmt.Errorf("%s: %s found", index.Redact(db), count(len(problems), "problem"))
			}
			fmt.Fprintf(c.App.Writer, "%s: no damage found\n", index.Redact(db))
			return nil
		},
	}
}

func indexCompactCommand() *cli.Command {
	return &cli.Command{
		Name:  "compact",
		Usage: "rewrite the index file without the pages that updates have freed",
		Flags: []cli.Flag{dbFlag(), lockWaitFlag()},
		Action: func(c *cli.Context) error {
			db := c.String("db")
			if index.IsRedisURL(db) {
				return usagef("compact rewrites an index file; Redis frees its own memory")
			}
			before, after, err := index.CompactBolt(db, c.Duration("lock-wait"))
			if errors.Is(err, index.ErrNoIndex) {
				return usagef("no neardup index at %s", db)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "%s: %.1f MiB → %.1f MiB\n", db, float64(before)/(1<<20), float64(after)/(1<<20))
			return nil
		},
	}
}

func indexPairsCommand() *cli.Command {
	flags := append([]cli.Flag{dbFlag(), lockWaitFlag()}, slices.Concat(reportFlags(true), runFlags(), consoleFlags())...)
	return &cli.Command{
		Name:  "pairs",
		Usage: "report every pair among the indexed documents, as a scan of them would",
		Flags: flags, OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			x, dst, err := openForReport(c, readIndex)
			if err != nil {
				return err
			}
			defer x.Close()
			defer dst.abandon()
			docs, err := x.Documents(c.Context)
			if err != nil {
				return err
			}
			o, err := options(c)
			if err != nil {
				return err
			}
			adopt(&o, x.Params(), c.IsSet)
			res, err := detect.Run(c.Context, docs, o)
			if err != nil {
				return err
			}
			return dst.write(c, report.Report{Result: res})
		},
	}
}
