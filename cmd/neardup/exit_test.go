package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/index"
)

// TestExitCode: each class of error has its one exit code, however it is
// wrapped.
func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errMatched, exitMatch},
		{usagef("bad flag"), exitUsage},
		{fmt.Errorf("reading: %w", &corpus.Error{Path: "x", Err: errors.New("gone")}), exitUsage},
		{fmt.Errorf("open: %w", index.ErrNoIndex), exitUsage},
		{fmt.Errorf("open: %w", index.ErrParams), exitUsage},
		{fmt.Errorf("lookup: %w", &index.DamageError{What: "record", Err: errors.New("checksum")}), exitFailed},
		{errors.New("disk full"), exitFailed},
		{fmt.Errorf("reading: %w", &corpus.Error{Path: "x", Err: context.Canceled}), exitInterrupted},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// TestRequiredFlags: a command without its required flag says which and
// exits 2, as any usage error.
func TestRequiredFlags(t *testing.T) {
	for _, args := range [][]string{{"index", "stats"}, {"check", "x"}, {"eval", "r.json"}} {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), append([]string{"neardup"}, args...), &out, &errOut)
		if code != exitUsage || !strings.Contains(errOut.String(), "needs --") {
			t.Errorf("%v: exit %d, %q", args, code, errOut.String())
		}
	}
}
