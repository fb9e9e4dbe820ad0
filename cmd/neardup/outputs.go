package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/neardup/neardup/report"
)

// pending is an output file being made: a temporary file beside it,
// created before any input is read, so that an unwritable path fails at
// once, and renamed over it only once written whole, so that a failed
// run leaves the file as it was. An output that exists and is not a
// regular file (/dev/null, a named pipe, a terminal) is opened and
// written as it is: a rename would replace the device or pipe with a
// file.
type pending struct {
	name   string
	tmp    *os.File
	direct bool // tmp is the output itself
}

func createPending(flag, name string) (*pending, error) {
	if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return nil, usagef("--%s %s: %w", flag, name, err)
		}
		return &pending{name: name, tmp: f, direct: true}, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return nil, usagef("--%s %s: %w", flag, name, err)
	}
	return &pending{name: name, tmp: tmp}, nil
}

// commit writes the file with fn and puts it in place.
func (p *pending) commit(fn func(w io.Writer) error) error {
	if p.direct {
		err := fn(p.tmp)
		if cerr := p.tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", p.name, err)
		}
		return nil
	}
	err := fn(p.tmp)
	if err == nil {
		err = p.tmp.Sync()
	}
	if cerr := p.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(p.tmp.Name(), p.name)
	}
	if err != nil {
		os.Remove(p.tmp.Name())
		return fmt.Errorf("writing %s: %w", p.name, err)
	}
	return nil
}

func (p *pending) abandon() {
	p.tmp.Close()
	if !p.direct {
		os.Remove(p.tmp.Name())
	}
}

// outputs are the report, HTML page and matrix a command writes, as its
// flags (--output, --html, --matrix) ask.
type outputs struct {
	report, html, matrix *pending
}

// openOutputs creates the pending files of the output flags c's command
// has and sets; call it before reading, and then write or abandon.
func openOutputs(c *cli.Context) (*outputs, error) {
	o := &outputs{}
	for _, f := range []struct {
		flag string
		p    **pending
	}{{"output", &o.report}, {"html", &o.html}, {"matrix", &o.matrix}} {
		if !hasFlag(c, f.flag) {
			continue
		}
		if name := c.String(f.flag); name != "" && name != "-" {
			p, err := createPending(f.flag, name)
			if err != nil {
				o.abandon()
				return nil, err
			}
			*f.p = p
		}
	}
	return o, nil
}

// abandon removes the pending files.
func (o *outputs) abandon() {
	for _, p := range []*pending{o.report, o.html, o.matrix} {
		if p != nil {
			p.abandon()
		}
	}
}

// write writes rep: the matrix, the HTML page, and the report in
// --format to its file or standard output.
func (o *outputs) write(c *cli.Context, rep report.Report) error {
	defer o.abandon() // what is not committed
	if hasFlag(c, "limit") {
		rep.Limit = c.Int("limit")
	}
	if o.matrix != nil {
		if err := o.matrix.commit(func(w io.Writer) error { return report.Matrix(w, rep, c.Int("dense-max")) }); err != nil {
			return err
		}
		o.matrix = nil
	}
	if o.html != nil {
		if err := o.html.commit(func(w io.Writer) error {
			return report.HTML(w, rep, func(i int) string { return rep.Documents[i].Text })
		}); err != nil {
			return err
		}
		o.html = nil
	}
	if o.report == nil {
		return writeReport(c.App.Writer, c.String("format"), rep)
	}
	err := o.report.commit(func(w io.Writer) error { return writeReport(w, c.String("format"), rep) })
	o.report = nil
	return err
}
