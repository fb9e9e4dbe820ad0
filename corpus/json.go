package corpus

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// metaFields are the names of the JSON members that hold a document's
// title, date, source and url, in that order.
type metaFields [4]string

// defaultMeta are metaFields' defaults: the metadata's own names.
var defaultMeta = metaFields{"title", "date", "source", "url"}

// MissingFieldError is the error of a JSON object without the text field.
type MissingFieldError struct{ Field string }

func (e *MissingFieldError) Error() string {
	return fmt.Sprintf("no %q field (choose the text field with --text-field)", e.Field)
}

func (r *Reader) readLines(ctx context.Context, name, id string, in io.Reader, fn func(Doc) error) error {
	br := bufio.NewReaderSize(in, 256<<10)
	max := r.maxBytes()
	for line := 1; ; line++ {
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		data, tooLong, err := readLine(br, max)
		if len(data) > 0 || tooLong {
			switch {
			case tooLong:
				r.warn(&Error{Path: name, Line: line, Err: fmt.Errorf("%w of %d bytes", ErrTooLarge, max)})
			case len(bytes.TrimSpace(data)) == 0:
			case r.want != nil && !r.want(line, 0):
			default:
				doc, derr := r.decode(name, line, data)
				if derr != nil {
					r.warn(derr)
				} else {
					if doc.ID == "" {
						doc.ID = id + ":" + strconv.Itoa(line)
					}
					if err := r.emit(doc, fn); err != nil {
						return err
					}
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			r.warn(&Error{Path: name, Line: line, Err: err})
			return nil
		}
	}
}

// readLine reads one line without its end, up to max bytes; a longer
// line is consumed and reported as tooLong. data is valid until the next
// read from br: a line that fits in br's buffer is not copied.
func readLine(br *bufio.Reader, max int64) (data []byte, tooLong bool, err error) {
	chunk, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		if int64(len(chunk)) > max {
			return nil, true, err
		}
		return bytes.TrimRight(chunk, "\r\n"), false, err
	}
	// A line longer than the buffer is gathered, or skipped past max.
	for {
		if tooLong = tooLong || int64(len(data)+len(chunk)) > max; !tooLong {
			data = append(data, chunk...)
		}
		if err != bufio.ErrBufferFull {
			break
		}
		chunk, err = br.ReadSlice('\n')
	}
	if tooLong {
		return nil, true, err
	}
	return bytes.TrimRight(data, "\r\n"), false, err
}

func (r *Reader) readJSON(name, id string, data []byte, fn func(Doc) error) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		r.warn(&Error{Path: name, Err: ErrEmpty})
		return nil
	}
	if trimmed[0] != '[' {
		if int64(len(trimmed)) > r.maxBytes() {
			r.warn(&Error{Path: name, Err: fmt.Errorf("%w of %d bytes", ErrTooLarge, r.maxBytes())})
			return nil
		}
		doc, err := r.decode(name, 0, trimmed)
		if err != nil {
			r.warn(err)
			return nil
		}
		if doc.ID == "" {
			doc.ID = id
		}
		return r.emit(doc, fn)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(trimmed, &items); err != nil {
		r.warn(&Error{Path: name, Err: jsonError(trimmed, err)})
		return nil
	}
	for i, raw := range items {
		if r.want != nil && !r.want(0, i) {
			continue
		}
		if int64(len(raw)) > r.maxBytes() {
			r.warn(&Error{Path: name, Err: fmt.Errorf("array element %d: %w of %d bytes", i, ErrTooLarge, r.maxBytes())})
			continue
		}
		doc, err := r.decode(name, 0, raw)
		if err != nil {
			r.warn(fmt.Errorf("%w (array element %d)", err, i))
			continue
		}
		doc.Elem = i
		if doc.ID == "" {
			doc.ID = id + "#" + strconv.Itoa(i)
		}
		if err := r.emit(doc, fn); err != nil {
			return err
		}
	}
	return nil
}

// decode reads one article object.
func (r *Reader) decode(name string, line int, data []byte) (Doc, error) {
	idField, textField := r.IDField, r.TextField
	if idField == "" {
		idField = "id"
	}
	if textField == "" {
		textField = "text"
	}
	meta := defaultMeta
	for i, f := range []string{r.TitleField, r.DateField, r.SourceField, r.URLField} {
		if f != "" {
			meta[i] = f
		}
	}
	f, scratch, ok := scanFlat(data, idField, textField, meta, r.scratch)
	r.scratch = scratch
	if ok {
		return decodeFlat(name, line, &f, idField, textField)
	}
	return r.decodeGeneral(name, line, data, idField, textField, meta)
}

// decodeGeneral reads one article object with encoding/json, for the
// objects scanFlat leaves.
func (r *Reader) decodeGeneral(name string, line int, data []byte, idField, textField string, meta metaFields) (Doc, error) {
	if !utf8.Valid(data) {
		// encoding/json would repair it silently; say so.
		r.warn(&Error{Path: name, Line: line, Err: ErrBadUTF8})
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return Doc{}, &Error{Path: name, Line: line, Err: jsonError(data, err)}
	}
	doc := Doc{Path: name, Line: line}
	rawText, ok := obj[textField]
	if !ok {
		return Doc{}, &Error{Path: name, Line: line, Err: &MissingFieldError{Field: textField}}
	}
	var text string
	err := json.Unmarshal(rawText, &text)
	if err != nil || bytes.Equal(bytes.TrimSpace(rawText), []byte("null")) {
		err = errors.New("not a string")
		return Doc{}, &Error{Path: name, Line: line, Err: fmt.Errorf("field %q: %w", textField, err)}
	}
	doc.Text = text
	if raw, ok := obj[idField]; ok {
		if doc.ID, err = stringField(raw); err != nil {
			return Doc{}, &Error{Path: name, Line: line, Err: fmt.Errorf("field %q: %w", idField, err)}
		}
	}
	for i, key := range metaKeys {
		if raw, ok := obj[meta[i]]; ok {
			v, _ := stringField(raw)
			doc.setMeta(key, v)
		}
	}
	return doc, nil
}

// decodeFlat makes a document of the members scanFlat found, as the
// general path would.
func decodeFlat(name string, line int, f *fields, idField, textField string) (Doc, error) {
	doc := Doc{Path: name, Line: line}
	if !f.hasText {
		return Doc{}, &Error{Path: name, Line: line, Err: &MissingFieldError{Field: textField}}
	}
	text, ok := f.textValue, f.textDecoded
	if !ok {
		text, ok = unquote(f.text)
	}
	if !ok {
		return Doc{}, &Error{Path: name, Line: line, Err: fmt.Errorf("field %q: not a string", textField)}
	}
	doc.Text = text
	if f.hasID {
		if doc.ID, ok = rawString(f.id); !ok {
			return Doc{}, &Error{Path: name, Line: line, Err: fmt.Errorf("field %q: not a string or number", idField)}
		}
	}
	doc.Title, _ = rawString(f.title)
	doc.Date, _ = rawString(f.date)
	doc.Source, _ = rawString(f.source)
	doc.URL, _ = rawString(f.url)
	return doc, nil
}

// stringField reads a JSON string, or a number as its literal text.
func stringField(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	if string(raw) == "null" {
		return "", nil
	}
	return "", errors.New("not a string or number")
}

// jsonError words a JSON syntax error with its line and column in data.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset)
		if off > len(data) {
			off = len(data)
		}
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		col := off - bytes.LastIndexByte(data[:off], '\n')
		return fmt.Errorf("invalid JSON at line %d, column %d: %w", line, col, err)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}
