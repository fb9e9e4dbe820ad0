// Command harness times whole processes: it runs a command several times
// and prints the median, fastest and slowest wall time and the peak
// resident set size (from getrusage) as one Markdown table row.
//
//	harness -runs 5 -label "neardup scan" -- neardup scan -q corpus.jsonl
//
// The command's standard output is discarded; its standard error is shown
// when it fails.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "times to run the command")
	label := flag.String("label", "", "row label (default: the command)")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: harness [-runs N] [-label L] -- command args...")
		os.Exit(2)
	}
	if *label == "" {
		*label = strings.Join(args, " ")
	}
	var walls []float64
	var peak int64
	for i := 0; i < *runs; i++ {
		cmd := exec.Command(args[0], args[1:]...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start).Seconds()
		if err != nil {
			fmt.Fprintf(os.Stderr, "harness: %s: %v\n%s", *label, err, stderr.String())
			os.Exit(1)
		}
		walls = append(walls, wall)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
	}
	slices.Sort(walls)
	fmt.Printf("| %s | %.3f | %.3f | %.3f | %d |\n", *label, walls[len(walls)/2], walls[0], walls[len(walls)-1], peak/1024)
}
