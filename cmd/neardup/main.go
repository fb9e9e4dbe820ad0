// Command neardup finds near-duplicate and syndicated articles: text that
// two documents took from one source, whole or in part.
//
// Run "neardup --help" for the commands and "neardup scan --help" for the
// options of a scan.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

func main() {
	// The runtime samples allocations for a heap profile unless told not
	// to, which costs a scan time; only --cpuprofile reads them, and turns
	// the sampling back on (profile).
	runtime.MemProfileRate = 0
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
