// Package corpus reads articles from files and directories.
//
// Formats are chosen by file name: .txt, .md and .markdown are plain text
// (with optional front matter, see below); .html and .htm are reduced to
// their visible text; .json holds one article object or an array of them;
// .jsonl and .ndjson hold one article object a line. Any of them may be
// gzipped, with .gz appended to the name. Files of other types are passed
// over.
//
// A plain-text file may open with front matter: a line "---", lines of
// "key: value", and a closing "---". The keys title, date, source and url
// become metadata; the front matter is not part of the text.
//
// A file or line that cannot be used (unreadable, corrupt, binary, empty,
// too large, invalid JSON) is reported as an *Error through the Reader's
// Warn function and passed over; reading goes on. Invalid UTF-8 is
// replaced by U+FFFD and reported the same way, and the repaired document
// is still read.
package corpus

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Doc is one article.
type Doc struct {
	// ID names the document: for files, the path relative to the root it
	// was found under, with forward slashes; for JSON, the id field.
	ID string `json:"id"`
	// Text is the article's text: the file's text, the visible text of an
	// HTML page, or the JSON text field. Evidence offsets index into it.
	Text   string `json:"-"`
	Title  string `json:"title,omitempty"`
	Date   string `json:"date,omitempty"`
	Source string `json:"source,omitempty"`
	URL    string `json:"url,omitempty"`
	// Path is the file the document was read from, and Line its line in a
	// JSON Lines file (0 for other files).
	Path string `json:"path,omitempty"`
	Line int    `json:"line,omitempty"`
	// Elem is the document's place in a JSON array (0 otherwise).
	Elem int `json:"-"`
}

// metaKeys are the metadata fields a document may carry besides its id
// and text, in every format.
var metaKeys = []string{"title", "date", "source", "url"}

// setMeta sets the metadata field named key, one of metaKeys; other keys
// are ignored.
func (d *Doc) setMeta(key, value string) {
	switch key {
	case "title":
		d.Title = value
	case "date":
		d.Date = value
	case "source":
		d.Source = value
	case "url":
		d.URL = value
	}
}

// Where names the document's place for messages: "path" or "path:line".
func (d *Doc) Where() string { return where(d.Path, d.Line) }

func where(path string, line int) string {
	if line > 0 {
		return path + ":" + strconv.Itoa(line)
	}
	return path
}

// Error is a problem with one file or one line of it.
type Error struct {
	Path string
	Line int // 0 when the problem is the whole file
	Err  error
}

func (e *Error) Error() string { return where(e.Path, e.Line) + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Errors that an *Error may wrap.
var (
	ErrEmpty    = errors.New("no text")
	ErrBinary   = errors.New("binary data, not text")
	ErrTooLarge = errors.New("larger than the size limit")
	ErrBadUTF8  = errors.New("invalid UTF-8 replaced by U+FFFD")
)

// DefaultMaxBytes is the default size limit of one document.
const DefaultMaxBytes = 64 << 20

// DefaultMaxFileBytes is the default size limit of one file.
const DefaultMaxFileBytes = 4 << 30

// Stdin is the name that stands for standard input among Walk's roots.
const Stdin = "-"

// Formats are the values of Reader.Format.
var Formats = []string{"txt", "md", "html", "json", "jsonl"}

// Reader reads documents. The zero value reads with the default fields
// ("id", "text") and size limits and discards warnings.
type Reader struct {
	// IDField and TextField name the JSON fields of the id and the text.
	IDField, TextField string
	// TitleField, DateField, SourceField and URLField name the JSON
	// fields of the metadata; empty: title, date, source, url.
	TitleField, DateField, SourceField, URLField string
	// MaxBytes limits the size of one document (a text or HTML file, one
	// JSON Lines line, one element of a JSON array), after
	// decompression. Zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxFileBytes limits the size of one file, after decompression.
	// Zero means DefaultMaxFileBytes.
	MaxFileBytes int64
	// Format, one of Formats, is the format of the files named as roots
	// (not of those found in directories, which are read by their names'
	// endings). Empty: by the name's ending, or, for a name without a
	// known one such as standard input, sniffed from the first bytes.
	Format string
	// HTML says what of an HTML page is its text; the zero value keeps
	// its main text.
	HTML HTMLMode
	// Spooled maps the names of roots that cannot be read twice
	// (standard input, pipes) to copies of them, which are read instead.
	Spooled map[string]string
	// Warn receives each problem with a file or line; nil drops them.
	Warn func(error)

	// roots are the names Walk was given, whose format Format sets.
	roots map[string]bool
	// badDates marks the files whose unreadable dates were warned of.
	badDates map[string]int
	// want, when set, says which documents of a file to decode, by line
	// (JSON Lines) or array element (JSON): Reload uses it.
	want func(line, elem int) bool
	// scratch is where the JSON decoder decodes texts.
	scratch []byte
}

func (r *Reader) warn(err error) {
	if r.Warn != nil {
		r.Warn(err)
	}
}

func (r *Reader) maxBytes() int64 {
	if r.MaxBytes > 0 {
		return r.MaxBytes
	}
	return DefaultMaxBytes
}

func (r *Reader) maxFileBytes() int64 {
	if r.MaxFileBytes > 0 {
		return r.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

// formatKind is the kind of file that Format names.
func formatKind(f string) string {
	switch f {
	case "txt", "md":
		return "text"
	case "html", "json", "jsonl":
		return f
	}
	return ""
}

// Supported reports whether name has a file type the Reader reads.
func Supported(name string) bool { return kindOf(name) != "" }

func kindOf(name string) string {
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".gz")
	switch path.Ext(name) {
	case ".txt", ".md", ".markdown":
		return "text"
	case ".html", ".htm":
		return "html"
	case ".json":
		return "json"
	case ".jsonl", ".ndjson":
		return "jsonl"
	}
	return ""
}

// Walk reads every supported file under each root, in lexical order, and
// calls fn for each document. A root may be a file or a directory;
// directories are walked recursively, hidden entries (names starting with
// ".") are skipped, and symbolic links are followed, each directory at
// most once. Walk returns the first error from fn or ctx. A root that
// cannot be read is reported after the other roots have been read, as an
// error wrapping each such *Error.
func (r *Reader) Walk(ctx context.Context, roots []string, fn func(Doc) error) error {
	return r.each(ctx, roots, func(f File) error { return r.readFile(ctx, f.Path, f.ID, fn) })
}

// File is a file of a corpus: its path, and the id of its documents that
// have none of their own (its path relative to the root it was found
// under).
type File struct {
	Path, ID string
}

// Files returns the files Walk reads under roots, in its order, warning of
// what it skips as Walk does. Each can be read with Decode, elsewhere.
func (r *Reader) Files(ctx context.Context, roots []string) ([]File, error) {
	var files []File
	err := r.each(ctx, roots, func(f File) error { files = append(files, f); return nil })
	return files, err
}

// each calls visit for each file Walk reads under roots.
func (r *Reader) each(ctx context.Context, roots []string, visit func(File) error) error {
	var rootErrs []error
	seen := make(map[string]bool)
	r.roots = map[string]bool{}
	for _, root := range roots {
		r.roots[root] = true
	}
	for _, root := range roots {
		if _, ok := r.Spooled[root]; ok || root == Stdin {
			id := filepath.Base(root)
			if root == Stdin {
				id = "stdin"
			}
			if err := visit(File{root, id}); err != nil {
				return err
			}
			continue
		}
		fi, err := os.Stat(root)
		if err != nil {
			rootErrs = append(rootErrs, &Error{Path: root, Err: err})
			continue
		}
		if !fi.IsDir() {
			if err := visit(File{root, filepath.Base(root)}); err != nil {
				return err
			}
			continue
		}
		if err := r.walkDir(ctx, root, "", seen, visit); err != nil {
			return err
		}
	}
	return errors.Join(rootErrs...)
}

func (r *Reader) walkDir(ctx context.Context, dir, rel string, seen map[string]bool, visit func(File) error) error {
	// A directory is known by its real path, so that a link back to an
	// ancestor or a second link to one directory is walked once.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if seen[real] {
			return nil
		}
		seen[real] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		r.warn(&Error{Path: dir, Err: err})
		// ReadDir returns what it could read before the error.
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		full := filepath.Join(dir, name)
		relName := path.Join(rel, name)
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			fi, err := os.Stat(full)
			if err != nil {
				r.warn(&Error{Path: full, Err: fmt.Errorf("broken symbolic link: %w", err)})
				continue
			}
			typ = fi.Mode().Type()
		}
		switch {
		case typ.IsDir():
			if err := r.walkDir(ctx, full, relName, seen, visit); err != nil {
				return err
			}
		case typ.IsRegular():
			if !Supported(name) {
				continue
			}
			if err := visit(File{full, relName}); err != nil {
				return err
			}
		case Supported(name):
			// A pipe or device would block or never end: only a source
			// named on the command line is read.
			r.warn(&Error{Path: full, Err: errors.New("not a regular file: skipped (name it on the command line to read it)")})
		}
	}
	return nil
}

// Reload reads again the documents at the places that docs name (Path,
// Line and Elem, as Walk gave them), reading each file once and decoding
// only the documents asked for, and calls fn with each document and its
// index in docs. A document no longer found there is an error naming its
// file.
// Reload reports no warnings: the files were read before.
func (r *Reader) Reload(ctx context.Context, docs []Doc, fn func(k int, d Doc) error) error {
	// Each file's wanted places, sorted: the reader meets them in that
	// order, so a cursor tells a wanted line from another without a
	// hash lookup a line (a million of them in a large corpus).
	type place struct{ line, elem int }
	type wanted struct {
		p place
		k int
	}
	byPath := map[string][]wanted{}
	var paths []string
	for k, d := range docs {
		if _, ok := byPath[d.Path]; !ok {
			paths = append(paths, d.Path)
		}
		byPath[d.Path] = append(byPath[d.Path], wanted{place{d.Line, d.Elem}, k})
	}
	less := func(a, b place) bool { return a.line < b.line || a.line == b.line && a.elem < b.elem }
	for _, path := range paths {
		ws := byPath[path]
		slices.SortStableFunc(ws, func(a, b wanted) int {
			return cmp.Or(cmp.Compare(a.p.line, b.p.line), cmp.Compare(a.p.elem, b.p.elem))
		})
		places := 0 // distinct places wanted
		for i := range ws {
			if i == 0 || ws[i].p != ws[i-1].p {
				places++
			}
		}
		cur := 0
		seek := func(p place) bool {
			for cur < len(ws) && less(ws[cur].p, p) {
				cur++
			}
			return cur < len(ws) && ws[cur].p == p
		}
		rr := *r
		rr.Warn = nil
		rr.want = func(line, elem int) bool { return seek(place{line, elem}) }
		found := 0
		err := rr.readFile(ctx, path, "", func(d Doc) error {
			p := place{d.Line, d.Elem}
			if !seek(p) {
				return nil
			}
			found++
			for i := cur; i < len(ws) && ws[i].p == p; i++ {
				if err := fn(ws[i].k, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if found != places {
			return &Error{Path: path, Err: fmt.Errorf("%d documents read before are no longer there: was the file changed during the run?", places-found)}
		}
	}
	return nil
}

// parseText splits optional front matter from a plain-text document.
func parseText(s string) Doc {
	var doc Doc
	body, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		body, ok = strings.CutPrefix(s, "---\r\n")
	}
	if !ok {
		doc.Text = s
		return doc
	}
	meta := Doc{}
	for rest := body; ; {
		line, after, found := strings.Cut(rest, "\n")
		line = strings.TrimRight(line, "\r")
		if line == "---" {
			meta.Text = after
			return meta
		}
		key, value, isKV := strings.Cut(line, ":")
		if !found || !isKV {
			break
		}
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		meta.setMeta(strings.ToLower(strings.TrimSpace(key)), value)
		rest = after
	}
	doc.Text = s // not front matter after all
	return doc
}
