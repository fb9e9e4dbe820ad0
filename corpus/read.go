package corpus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// readFile reads the documents of the file name, those without an id of
// their own named id, and calls fn for each; problems with the file are
// warned of, and only fn's error is returned.
func (r *Reader) readFile(ctx context.Context, name, id string, fn func(Doc) error) error {
	open := name
	if spool, ok := r.Spooled[name]; ok {
		open = spool
	}
	f, err := os.Open(open)
	if err != nil {
		r.warn(&Error{Path: name, Err: err})
		return nil
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return r.decodeFile(ctx, name, id, f, size, fn)
}

// Decode reads the documents of one file, named name, from src, as Walk
// reads a file: its format and compression by its name, sniffed where the
// name does not tell; documents without an id of their own are named id.
// It calls fn for each document; problems with the file are warned of,
// and only fn's error is returned. It is for files Walk cannot open, such
// as those of a distributed file system.
func (r *Reader) Decode(ctx context.Context, name, id string, src io.Reader, fn func(Doc) error) error {
	return r.decodeFile(ctx, name, id, src, -1, fn)
}

// decodeFile is Decode with the size of a plain file, -1 if not known.
//
// It is long because it handles each failure of sniffing and
// decompressing a file where it happens, with the warning that names it.
func (r *Reader) decodeFile(ctx context.Context, name, id string, src io.Reader, size int64, fn func(Doc) error) error {
	kind := kindOf(name)
	if r.Format != "" && r.roots[name] {
		kind = formatKind(r.Format)
	}
	br := bufio.NewReaderSize(src, 64<<10)
	var in io.Reader = br
	plain := true
	if head, _ := br.Peek(2); strings.HasSuffix(strings.ToLower(name), ".gz") || kind == "" && string(head) == "\x1f\x8b" {
		plain = false
		zr, err := gzip.NewReader(in)
		if err != nil {
			r.warn(&Error{Path: name, Err: fmt.Errorf("gzip: %w", err)})
			return nil
		}
		defer zr.Close()
		in = bufio.NewReaderSize(zr, 64<<10)
	}
	if kind == "" {
		kind = sniff(in.(*bufio.Reader))
	}
	in = &limitedReader{r: in, left: r.maxFileBytes()}
	if kind == "jsonl" {
		return r.readLines(ctx, name, id, in, fn)
	}
	limit := r.maxBytes()
	if kind == "json" {
		limit = r.maxFileBytes() // each element is held to maxBytes
	}
	// A plain file's size is known: read into a buffer of that size, not
	// one that grows by copies to twice a large document.
	bufSize := int64(512)
	if size >= 0 && plain {
		bufSize = min(size, limit) + bytes.MinRead + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, bufSize))
	_, err := buf.ReadFrom(io.LimitReader(in, limit+1))
	data := buf.Bytes()
	if err != nil {
		r.warn(&Error{Path: name, Err: err})
		return nil
	}
	if int64(len(data)) > limit {
		r.warn(&Error{Path: name, Err: fmt.Errorf("%w of %d bytes", ErrTooLarge, limit)})
		return nil
	}
	if kind == "json" {
		return r.readJSON(name, id, data, fn)
	}
	if isBinary(data) {
		r.warn(&Error{Path: name, Err: ErrBinary})
		return nil
	}
	var doc Doc
	if kind == "html" {
		doc = parseHTML(r.cleanOwned(name, data), r.HTML)
	} else {
		doc = parseText(r.cleanOwned(name, data))
	}
	doc.ID, doc.Path = id, name
	return r.emit(doc, fn)
}

// errFileTooLarge ends the reading of a file past MaxFileBytes.
var errFileTooLarge = fmt.Errorf("%w for a file (--max-file-bytes); the rest of it is not read", ErrTooLarge)

// limitedReader reads up to left bytes and then fails with
// errFileTooLarge.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errFileTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left+1] // one byte more tells a file of exactly left bytes from a longer one
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - 1, errFileTooLarge
	}
	return n, err
}

// sniff tells the format of a source from its first bytes: JSON Lines
// when its first line is a JSON object, a JSON array, HTML when it starts
// with a tag, and plain text otherwise.
func sniff(br *bufio.Reader) string {
	head, _ := br.Peek(64 << 10)
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(head) == 0:
		return "text"
	case head[0] == '[':
		return "json"
	case head[0] == '<':
		return "html"
	case head[0] == '{':
		line, _, _ := bytes.Cut(head, []byte("\n"))
		if json.Valid(bytes.TrimSpace(line)) {
			return "jsonl"
		}
		return "json"
	}
	return "text"
}

// emit passes doc to fn unless it has no text. A date that cannot be
// read is warned of once a file.
func (r *Reader) emit(doc Doc, fn func(Doc) error) error {
	if strings.TrimSpace(doc.Text) == "" {
		r.warn(&Error{Path: doc.Path, Line: doc.Line, Err: ErrEmpty})
		return nil
	}
	if doc.Date != "" && r.badDates[doc.Path] == 0 {
		if _, ok := ParseDate(doc.Date); !ok {
			if r.badDates == nil {
				r.badDates = map[string]int{}
			}
			r.badDates[doc.Path]++
			r.warn(&Error{Path: doc.Path, Line: doc.Line, Err: fmt.Errorf("date %q is in no form neardup reads (2006-01-02, RFC 3339, RFC 1123, \"January 2, 2006\"): the dates of this file do not order its articles", doc.Date)})
		}
	}
	return fn(doc)
}

// cleanOwned is clean for data that nothing else holds or changes: valid
// UTF-8 becomes the string without a copy, which for a large document
// is as large as the document.
func (r *Reader) cleanOwned(name string, data []byte) string {
	if len(data) > 0 && utf8.Valid(data) {
		return unsafe.String(unsafe.SliceData(data), len(data))
	}
	return r.clean(name, 0, data)
}

// clean returns data as a valid UTF-8 string, reporting a repair.
func (r *Reader) clean(name string, line int, data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	r.warn(&Error{Path: name, Line: line, Err: ErrBadUTF8})
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

// isBinary reports whether data looks like a binary file: a NUL byte in
// its first 8 KiB, as git and grep decide.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0
}
