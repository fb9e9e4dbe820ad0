package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/neardup/neardup/corpus"
)

// record is a document as it moves between transforms: its fields, its
// text, and where it was read (file number, then line and element), which
// decides which of two documents with one id is kept, as in a scan.
type record struct {
	Doc              corpus.Doc
	File             int
	Tokens, Shingles int
}

// warning is a warning of reading, with where it was met, so that the
// report lists them in the order a scan meets them.
type warning struct {
	File, Line int
	Msg, Kind  string
}

// warningOf encodes err, met in file n.
func warningOf(n int, err error) []byte {
	w := warning{File: n, Msg: err.Error(), Kind: corpus.WarningKind(err)}
	var ce *corpus.Error
	if errors.As(err, &ce) {
		w.Line = ce.Line
	}
	return encode(&w)
}

// file is a file to read: its number in the order scan reads files, its
// path (a local path or a URL of the runner's file system) and the id of
// its documents that have none of their own. A pattern is a root with a
// scheme, which the workers expand.
type file struct {
	N         int
	Path, ID  string
	IsPattern bool
}

// files lists the roots as scan does, locally; roots with a scheme are
// left as patterns. It returns the warnings of the listing.
func files(ctx context.Context, cfg *Config) ([]file, [][]byte, error) {
	var warnings [][]byte
	r := cfg.Reader
	r.Warn = func(err error) { warnings = append(warnings, warningOf(-1, err)) }
	var out []file
	for _, root := range cfg.Roots {
		if strings.Contains(root, "://") {
			out = append(out, file{N: len(out), Path: root, IsPattern: true})
			continue
		}
		fs, err := r.Files(ctx, []string{root})
		if err != nil {
			return nil, nil, err
		}
		for _, f := range fs {
			out = append(out, file{N: len(out), Path: f.Path, ID: f.ID})
		}
	}
	return out, warnings, nil
}

// expandFn expands a pattern into the files of the runner's file system
// that it matches, numbered after n, their ids relative to the pattern's
// directory.
type expandFn struct{}

func (expandFn) ProcessElement(ctx context.Context, b []byte, emit func([]byte), warn func([]byte)) error {
	var f file
	if err := decode(b, &f); err != nil {
		return err
	}
	if !f.IsPattern {
		emit(b)
		return nil
	}
	var names []string
	err := withFS(ctx, f.Path, func(fs filesystem.Interface) (err error) {
		names, err = fs.List(ctx, f.Path)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if len(names) == 0 {
		warn(warningOf(f.N, fmt.Errorf("%s: no files match", f.Path)))
	}
	dir := f.Path[:strings.LastIndex(f.Path[:strings.IndexAny(f.Path+"*?[", "*?[")], "/")+1]
	for i, name := range names {
		if !corpus.Supported(path.Base(name)) {
			continue
		}
		emit(encode(&file{N: f.N<<20 + i, Path: name, ID: strings.TrimPrefix(name, dir)}))
	}
	return nil
}

// readFn reads a file's documents with corpus's reader, as scan reads
// them, and emits each keyed by its id, with the warnings of its file.
type readFn struct {
	Settings []byte
	s        settings
}

func (f *readFn) Setup() error {
	var err error
	f.s, err = decodeSettings(f.Settings)
	return err
}

func (f *readFn) ProcessElement(ctx context.Context, b []byte, emit func(string, []byte), warn func([]byte)) error {
	var fl file
	if err := decode(b, &fl); err != nil {
		return err
	}
	r := f.s.Reader.reader(func(err error) { warn(warningOf(fl.N, err)) })
	// Local paths and those with a scheme alike, through the runner's file
	// systems.
	return withFS(ctx, fl.Path, func(fs filesystem.Interface) error {
		in, err := fs.OpenRead(ctx, fl.Path)
		if err != nil {
			warn(warningOf(fl.N, &corpus.Error{Path: fl.Path, Err: err}))
			return nil
		}
		defer in.Close()
		return f.decode(ctx, r, fl, in, emit)
	})
}

// decode reads the documents of fl from in and emits each keyed by its id.
func (f *readFn) decode(ctx context.Context, r *corpus.Reader, fl file, in io.Reader, emit func(string, []byte)) error {
	return r.Decode(ctx, fl.Path, fl.ID, in, func(d corpus.Doc) error {
		rec := encode(&record{Doc: d, File: fl.N})
		emit(d.ID, rec)
		readBytes.Inc(ctx, int64(len(d.ID)+len(rec)))
		return nil
	})
}

// withFS calls fn with the runner's file system of path.
func withFS(ctx context.Context, path string, fn func(filesystem.Interface) error) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	return fn(fs)
}

// firstFn keeps, of the documents that share an id, the first read, as a
// scan does, and warns of the others.
func firstFn(id string, recs func(*[]byte) bool, emit func(string, []byte), warn func([]byte)) error {
	var first []byte
	var kept record
	var dups []record
	var b []byte
	for recs(&b) {
		var r record
		if err := decode(b, &r); err != nil {
			return err
		}
		if first == nil || before(&r, &kept) {
			if first != nil {
				dups = append(dups, kept)
			}
			first, kept = b, r
		} else {
			dups = append(dups, r)
		}
	}
	for _, d := range dups {
		w := warning{File: d.File, Line: d.Doc.Line, Msg: corpus.DuplicateError(&d.Doc, &kept.Doc).Error(), Kind: corpus.WarningKind(corpus.ErrDuplicateID)}
		warn(encode(&w))
	}
	emit(id, first)
	return nil
}

// before reports whether a was read before b.
func before(a, b *record) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Doc.Line != b.Doc.Line {
		return a.Doc.Line < b.Doc.Line
	}
	return a.Doc.Elem < b.Doc.Elem
}

func init() {
	register.DoFn4x1[context.Context, []byte, func([]byte), func([]byte), error](&expandFn{})
	register.DoFn4x1[context.Context, []byte, func(string, []byte), func([]byte), error](&readFn{})
	register.Function4x1(firstFn)
	register.Emitter1[[]byte]()
	register.Emitter1[string]()
	register.Emitter2[string, []byte]()
	register.Iter1[[]byte]()
}

// read returns the documents of the files, one an id, keyed by id, and
// the warnings of reading them.
func read(s beam.Scope, set []byte, fs beam.PCollection) (docs, warnings beam.PCollection) {
	s = s.Scope("read")
	expanded, w1 := beam.ParDo2(s, &expandFn{}, fs)
	all, w2 := beam.ParDo2(s, &readFn{Settings: set}, beam.Reshuffle(s, expanded))
	docs, w3 := beam.ParDo2(s, firstFn, beam.GroupByKey(s, all))
	return docs, beam.Flatten(s, w1, w2, w3)
}
