package pipeline

import (
	"bytes"
	"encoding/gob"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// Config is what a pipeline does: the corpus to read and how, the
// detection options, and where the report goes.
type Config struct {
	// Roots are the files and directories to read; local directories are
	// listed when the pipeline is built, as scan lists them, and a root
	// with a scheme (gs://bucket/news/*.jsonl) is a pattern that the
	// runner's file system matches.
	Roots []string
	// Reader says how documents are read: its fields (IDField, TextField,
	// TitleField, …, MaxBytes, HTML); its Warn is not used.
	Reader corpus.Reader
	// Options are the detection options, as scan takes them.
	Options detect.Options
	// Output is the file the report is written to, in Format: json (the
	// JSON contract) or csv, as scan writes them.
	Output, Format string
	// Shards, if set, is a file name prefix under which the reported
	// pairs are also written as JSON Lines in shards, for results too
	// large to merge on one worker.
	Shards string
}

// settings are the parts of Config that the transforms need, encoded
// once so that every worker decodes the same.
type settings struct {
	Reader  readerFields
	Options detect.Options
}

// readerFields are the fields of a corpus.Reader that a worker sets.
type readerFields struct {
	IDField, TextField, TitleField, DateField, SourceField, URLField string
	MaxBytes, MaxFileBytes                                           int64
	HTML                                                             corpus.HTMLMode
}

func (c *Config) settings() []byte {
	r := &c.Reader
	s := settings{Reader: readerFields{r.IDField, r.TextField, r.TitleField, r.DateField, r.SourceField, r.URLField, r.MaxBytes, r.MaxFileBytes, r.HTML}, Options: c.Options}
	s.Options.Progress = nil
	return encode(&s)
}

func decodeSettings(b []byte) (settings, error) {
	var s settings
	err := decode(b, &s)
	return s, err
}

func (f readerFields) reader(warn func(error)) *corpus.Reader {
	return &corpus.Reader{IDField: f.IDField, TextField: f.TextField, TitleField: f.TitleField, DateField: f.DateField,
		SourceField: f.SourceField, URLField: f.URLField, MaxBytes: f.MaxBytes, MaxFileBytes: f.MaxFileBytes, HTML: f.HTML, Warn: warn}
}

// encode and decode move values between transforms as bytes, which every
// runner carries as they are.
func encode(v any) []byte {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		panic(err) // only the pipeline's own types are encoded
	}
	return b.Bytes()
}

func decode(b []byte, v any) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(v) }

// settingsCache decodes a transform's settings once per worker.
type settingsCache struct{ s *settings }

func (c *settingsCache) get(b []byte) (*settings, error) {
	if c.s == nil {
		s, err := decodeSettings(b)
		if err != nil {
			return nil, err
		}
		c.s = &s
	}
	return c.s, nil
}
