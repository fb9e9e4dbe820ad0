package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/index"
)

// Exit codes, one a class of error; exitCode maps errors to them.
const (
	exitOK          = 0
	exitMatch       = 1 // --fail-on-match found a pair
	exitUsage       = 2 // the caller's to fix: the command line, an unreadable input, no index
	exitFailed      = 3 // the run failed: output not written
	exitInterrupted = 130
)

// usageError marks errors that are the caller's to fix.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// errMatched is returned by a check that found pairs under --fail-on-match:
// its report is written, and only the exit code says so.
var errMatched = errors.New("")

// exitCode is the exit code for err, the one place errors are classed:
// usage errors, unreadable input (*corpus.Error) and a missing or
// mismatched index are the caller's (2); a damaged or locked index and
// every other failure are the run's (3).
func exitCode(err error) int {
	var ue usageError
	var ce *corpus.Error
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, errMatched):
		return exitMatch
	case errors.As(err, &ue), errors.As(err, &ce), errors.Is(err, index.ErrNoIndex), errors.Is(err, index.ErrParams):
		return exitUsage
	}
	return exitFailed
}

// sayFailure writes what failed, if anything is to be said, to w.
func sayFailure(w io.Writer, err error) {
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "neardup: interrupted; no output written")
	case err.Error() != "":
		fmt.Fprintln(w, "neardup:", err)
	}
}
