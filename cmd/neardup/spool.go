package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/neardup/neardup/corpus"
)

// spool copies the sources among roots that cannot be read twice —
// standard input ("-"), and pipes, devices and sockets named on the
// command line — to temporary files, and returns their copies by name
// (for corpus.Reader.Spooled) and the function that removes them. It
// honours ctx even while an open or a read blocks, as the open of a FIFO
// with no writer does: the process is then left to exit.
func spool(ctx context.Context, roots []string) (map[string]string, func(), error) {
	spooled := map[string]string{}
	dir := ""
	cleanup := func() {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	for _, root := range roots {
		if _, done := spooled[root]; done {
			continue
		}
		open := func() (*os.File, error) { return os.Stdin, nil }
		if root != corpus.Stdin {
			fi, err := os.Stat(root)
			if err != nil || fi.Mode().IsRegular() || fi.IsDir() {
				continue // read where it is (or reported missing by the reader)
			}
			open = func() (*os.File, error) { return os.Open(root) }
		}
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp("", "neardup-spool-"); err != nil {
				return nil, cleanup, err
			}
		}
		dst := filepath.Join(dir, fmt.Sprintf("%d", len(spooled)))
		if err := copyFrom(ctx, dst, open); err != nil {
			cleanup()
			return nil, func() {}, fmt.Errorf("reading %s: %w", root, err)
		}
		spooled[root] = dst
	}
	return spooled, cleanup, nil
}

// copyFrom copies what open gives to a new file dst, giving up when ctx
// is done.
func copyFrom(ctx context.Context, dst string, open func() (*os.File, error)) error {
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	done := make(chan error, 1)
	var src *os.File
	opened := make(chan struct{})
	go func() {
		f, err := open()
		if err != nil {
			close(opened)
			done <- err
			return
		}
		src = f
		close(opened)
		_, err = io.Copy(out, f)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		select {
		case <-opened:
			if src != nil && src != os.Stdin {
				src.Close() // ends a read blocked on a pipe
			}
		default:
		}
		return ctx.Err()
	}
}
