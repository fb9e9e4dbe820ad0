package main

import (
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/urfave/cli/v2"

	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/report"
)

func scanCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text, json or csv (pairs)", Category: "Output"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` instead of stdout", Category: "Output"},
		&cli.StringFlag{Name: "html", Usage: "write a self-contained HTML report (heatmap, clusters, side-by-side passages) to `FILE`", Category: "Output"},
		&cli.StringFlag{Name: "matrix", Usage: "write the similarity matrix as CSV to `FILE`", Category: "Output"},
		&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"},
		&cli.IntFlag{Name: "limit", Value: 50, Usage: "list at most `N` of each kind of finding in the text report; 0 lists all (--format json always has all)", Category: "Output"},
		&cli.IntFlag{Name: "dense-max", Value: report.DefaultDenseMax, Usage: "largest corpus whose matrix is dense; above it, sparse triplets", Category: "Output"},
	}, detectFlags()...)
	return &cli.Command{
		Name:      "scan",
		Usage:     "find near-duplicates and shared passages among the articles under PATHs",
		ArgsUsage: "PATH...",
		Description: `Reads every article under each PATH (directories are walked recursively;
.txt .md .html .htm .json .jsonl, each optionally .gz) and reports duplicate,
near-duplicate and reuse pairs, their clusters and the shared passages.

Examples:
   neardup scan testdata/seeds
   neardup scan --format json -o out.json articles/
   neardup scan --html report.html articles/         # open report.html in a browser
   neardup scan --id-field doc_id --text-field body wire.jsonl.gz
   neardup scan --min-score 0 --exhaustive small-set/   # every pair's score`,
		Flags:        flags,
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("scan needs at least one PATH to read (try: neardup scan testdata/seeds)")
			}
			format := c.String("format")
			if err := checkFormat(format); err != nil {
				return err
			}
			o, err := options(c)
			if err != nil {
				return err
			}
			if stop, err := profile(c); err != nil {
				return err
			} else {
				defer stop()
			}
			out, err := openOutputs(c)
			if err != nil {
				return err
			}
			defer out.abandon()
			con := newConsole(c)
			o.Progress = con.showProgress
			rd := con.reader(c)
			done, err := inputs(c, rd)
			if err != nil {
				return err
			}
			defer done()
			src := newFileSource(con, rd, c.Args().Slice())
			res, err := detect.Scan(c.Context, src, o)
			con.clear()
			if err != nil {
				return err
			}
			if len(res.Documents) == 0 {
				return usagef("no documents found under %v", c.Args().Slice())
			}
			if c.Bool("explain") {
				explain(c.App.ErrWriter, res.Params, res.Stats)
			}
			return out.write(c, report.Report{Result: res, Warnings: con.warnings.List()})
		},
	}
}

// profile starts the CPU profile that the hidden --cpuprofile flag asks
// for and returns the function that stops it and writes the allocation
// profile beside it (FILE.heap).
func profile(c *cli.Context) (func(), error) {
	p := c.String("cpuprofile")
	if p == "" {
		return func() {}, nil
	}
	runtime.MemProfileRate = 512 << 10 // the runtime's default, which main turns off
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		if h, err := os.Create(p + ".heap"); err == nil {
			runtime.GC() // the profile is as of the last collection
			pprof.Lookup("allocs").WriteTo(h, 0)
			h.Close()
		}
	}, nil
}
