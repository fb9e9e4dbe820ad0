// Command harness times whole processes: it runs a command several times
// and prints the median, fastest and slowest wall time, the peak resident
// set size, and the median user and system CPU time (the last three from
// getrusage) as one Markdown table row. The CPU times show what wall time
// on a shared machine hides: work that moved between user and kernel, or
// off the critical path.
//
//	harness -runs 5 -label "neardup scan" -- neardup scan -q corpus.jsonl
//
// Several commands separated by ::: are timed in rounds, each round
// running every command once, starting with a different one each time,
// and get a row each, with their labels in order: all of them meet the
// same moments of a shared machine's load, so their ratios hold better
// than those of commands timed one after the other.
//
//	harness -runs 7 -label "wc -w" -label neardup -- wc -w docs.jsonl ::: neardup scan -q docs.jsonl
//
// The commands' standard output is discarded; a command's standard error
// is shown when it fails.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// timing is what the runs of one command measured.
type timing struct {
	label string
	args  []string
	walls []float64
	users []float64 // CPU seconds in user mode
	syss  []float64 // CPU seconds in the kernel
	peak  int64     // KiB
}

func main() {
	runs := flag.Int("runs", 5, "times to run each command")
	var labels []string
	flag.Func("label", "row label, one a command in order (default: the command)", func(s string) error {
		labels = append(labels, s)
		return nil
	})
	flag.Parse()
	cmds := split(flag.Args())
	if len(cmds) == 0 || len(labels) > len(cmds) {
		fmt.Fprintln(os.Stderr, "usage: harness [-runs N] [-label L]... -- command args... [::: command args...]")
		os.Exit(2)
	}
	ts := make([]timing, len(cmds))
	for i, args := range cmds {
		ts[i] = timing{label: strings.Join(args, " "), args: args}
		if i < len(labels) {
			ts[i].label = labels[i]
		}
	}
	for r := 0; r < *runs; r++ {
		for k := range ts {
			t := &ts[(r+k)%len(ts)]
			if err := t.run(); err != nil {
				fmt.Fprintf(os.Stderr, "harness: %s: %v\n", t.label, err)
				os.Exit(1)
			}
		}
	}
	for _, t := range ts {
		slices.Sort(t.walls)
		fmt.Printf("| %s | %.3f | %.3f | %.3f | %d | %.3f | %.3f |\n", t.label, t.walls[len(t.walls)/2], t.walls[0], t.walls[len(t.walls)-1], t.peak/1024, median(t.users), median(t.syss))
	}
}

// median returns the median of xs, which it sorts, or NaN if there are
// none (the CPU times, where getrusage gives none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// split cuts args into commands at each ":::".
func split(args []string) [][]string {
	var cmds [][]string
	for len(args) > 0 {
		i := slices.Index(args, ":::")
		if i < 0 {
			i = len(args)
		}
		if i > 0 {
			cmds = append(cmds, args[:i])
		}
		args = args[min(i+1, len(args)):]
	}
	return cmds
}

// run runs t's command once and records its wall time, CPU times and
// peak RSS.
func (t *timing) run() error {
	cmd := exec.Command(t.args[0], t.args[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start).Seconds()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, stderr.String())
	}
	t.walls = append(t.walls, wall)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		t.peak = max(t.peak, ru.Maxrss) // KiB on Linux
		t.users = append(t.users, seconds(ru.Utime))
		t.syss = append(t.syss, seconds(ru.Stime))
	}
	return nil
}

func seconds(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }
