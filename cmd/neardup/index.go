package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/shingle"
)

func profileFlag() cli.Flag {
	return &cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"}
}

func dbFlag() cli.Flag {
	return &cli.StringFlag{Name: "db", Required: true, Usage: "the index: a file `PATH` (bbolt), or redis://HOST:PORT/N", Category: "Index"}
}

func lockWaitFlag() cli.Flag {
	return &cli.DurationFlag{Name: "lock-wait", Value: 5 * time.Second, Usage: "how long to wait for another process's lock on the index file", Category: "Index"}
}

func indexCommand() *cli.Command {
	return &cli.Command{
		Name:  "index",
		Usage: "keep a persistent index for nightly checks: add, remove, stats, pairs",
		Description: `An index keeps every document added to it (its text compressed, its keys,
shingle frequencies), so that new documents are checked against all of them
without reading the archive again. It is one file (bbolt) or a Redis database
shared by several machines.

Examples:
   neardup index add --db news.idx archive/
   neardup check --db news.idx --fail-on-match today/
   neardup index stats --db news.idx
   neardup index remove --db news.idx some-id
   neardup index pairs --db news.idx --html report.html`,
		Subcommands: []*cli.Command{indexAddCommand(), indexRemoveCommand(), indexStatsCommand(), indexPairsCommand()},
	}
}

func indexAddCommand() *cli.Command {
	flags := append([]cli.Flag{dbFlag(), lockWaitFlag(), profileFlag(),
		&cli.IntFlag{Name: "batch", Value: index.DefaultBatch, Usage: "documents written in one transaction", Category: "Index"},
		&cli.BoolFlag{Name: "verbose", Usage: "say on stderr after each transaction how many documents are in", Category: "Output"},
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, json or csv", Category: "Output"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE`", Category: "Output"},
	}, detectFlags()...)
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
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, json or csv", Category: "Output"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE`", Category: "Output"},
		&cli.StringFlag{Name: "html", Usage: "also write an HTML report to `FILE`", Category: "Output"},
	}, detectFlags()...)
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

// openIndex opens the index named by --db with the detection options of
// the command line, taking the index's own parameters for the options
// the command line leaves unset.
func openIndex(c *cli.Context, readOnly bool) (*index.Index, error) {
	o, err := options(c)
	if err != nil {
		return nil, err
	}
	store, err := openStore(c.Context, c.String("db"), readOnly, c.Duration("lock-wait"))
	if err != nil {
		return nil, err
	}
	if meta, err := store.Meta(); err == nil && meta != nil {
		var p index.Params
		if json.Unmarshal(meta, &p) == nil {
			adopt(&o, p, c.IsSet)
		}
	}
	x, err := index.Open(store, o)
	if err != nil {
		store.Close()
		return nil, usageError{err}
	}
	return x, nil
}

func openStore(ctx context.Context, db string, readOnly bool, wait time.Duration) (index.Store, error) {
	if strings.HasPrefix(db, "redis://") {
		return index.OpenRedis(ctx, db)
	}
	if readOnly {
		if _, err := os.Stat(db); err != nil {
			return nil, usagef("%s: no index there (create one with neardup index add --db %s SOURCE...)", db, db)
		}
	}
	s, err := index.OpenBolt(db, readOnly, wait)
	if err != nil {
		return nil, usageError{err}
	}
	return s, nil
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
		o.PassageHashes = p.Prints
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
	format := c.String("format")
	if err := checkFormat(format); err != nil {
		return err
	}
	x, err := openIndex(c, !write && !strings.HasPrefix(c.String("db"), "redis://"))
	if err != nil {
		return err
	}
	defer x.Close()
	con := newConsole(c)
	// One progress line: what add has committed of what it has read.
	read, committed := 0, 0
	progress := func() {
		if write {
			con.status("indexed %d of %d read", committed, max(read, committed))
		} else {
			con.status("checking: %d documents read", read)
		}
	}
	docs := readEach(c.Context, con, con.reader(c), c.Args().Slice(), func(n int) { read = n; progress() })
	var out *index.Outcome
	if write {
		verbose := c.Bool("verbose")
		out, err = x.AddSeq(c.Context, docs, c.Int("batch"), func(n int) {
			committed = n
			if verbose {
				fmt.Fprintf(c.App.ErrWriter, "committed %d\n", n)
			} else {
				progress()
			}
		})
	} else {
		out, err = x.CheckSeq(c.Context, docs)
	}
	con.clear()
	if err != nil {
		return err
	}
	given := out.Added + out.Updated + out.Unchanged
	if given == 0 {
		return usagef("no documents found under %v", c.Args().Slice())
	}
	if !c.Bool("quiet") {
		if write {
			fmt.Fprintf(c.App.ErrWriter, "%s: %d added, %d updated, %d unchanged; %s\n",
				count(given, "document"), out.Added, out.Updated, out.Unchanged, count(len(out.Result.Pairs), "pair"))
		} else {
			fmt.Fprintf(c.App.ErrWriter, "%s checked; %s\n", count(given, "document"), count(len(out.Result.Pairs), "pair"))
		}
	}
	if err := emitReport(c, report.Report{Result: &out.Result, Warnings: con.warnings}); err != nil {
		return err
	}
	if !write && c.Bool("fail-on-match") {
		for _, p := range out.Result.Pairs {
			if p.Decided() {
				return cli.Exit("", exitMatch)
			}
		}
	}
	return nil
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
		Flags:     append([]cli.Flag{dbFlag(), lockWaitFlag()}, detectFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("give the ids of the documents to remove")
			}
			x, err := openIndex(c, false)
			if err != nil {
				return err
			}
			defer x.Close()
			n, err := x.Remove(c.Args().Slice())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "removed %d of %d\n", n, c.NArg())
			return nil
		},
	}
}

func indexStatsCommand() *cli.Command {
	return &cli.Command{
		Name:  "stats",
		Usage: "show what the index holds and how it was built",
		Flags: append([]cli.Flag{dbFlag(), lockWaitFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text or json"}}, detectFlags()...),
		Action: func(c *cli.Context) error {
			x, err := openIndex(c, !strings.HasPrefix(c.String("db"), "redis://"))
			if err != nil {
				return err
			}
			defer x.Close()
			st, err := x.Stats()
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
			if fi, err := os.Stat(c.String("db")); err == nil {
				fmt.Fprintf(w, "file: %s, %.1f MiB\n", c.String("db"), float64(fi.Size())/(1<<20))
			}
			fmt.Fprintf(w, "shingles: %s %d-grams, normalisation v%d\n", p.Unit, p.K, p.NormVersion)
			fmt.Fprintf(w, "signatures: %s, %d hashes, seed %#x, %d bands × %d rows (threshold %v)\n", p.Hasher, p.Perms, p.Seed, p.Bands, p.Rows, p.Threshold)
			fmt.Fprintf(w, "passages: window %d shingles, %d hash functions; frequency sketch %d × 2^%d\n", p.Window, p.Prints, p.SketchDepth, p.SketchBits)
			return nil
		},
	}
}

func indexPairsCommand() *cli.Command {
	flags := append([]cli.Flag{dbFlag(), lockWaitFlag(),
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, json or csv", Category: "Output"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE`", Category: "Output"},
		&cli.StringFlag{Name: "html", Usage: "also write an HTML report to `FILE`", Category: "Output"},
	}, detectFlags()...)
	return &cli.Command{
		Name:  "pairs",
		Usage: "report every pair among the indexed documents, as a scan of them would",
		Flags: flags, OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if err := checkFormat(format); err != nil {
				return err
			}
			x, err := openIndex(c, !strings.HasPrefix(c.String("db"), "redis://"))
			if err != nil {
				return err
			}
			defer x.Close()
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
			return emitReport(c, report.Report{Result: res})
		},
	}
}
