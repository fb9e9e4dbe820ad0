package corpus

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// fields are the members of an article object that decode reads.
type fields struct {
	id, text, title, date, source, url []byte // raw values, strings with quotes
	hasID, hasText                     bool
	// textValue is the text's value when it is a string, decoded as the
	// object was scanned (textDecoded).
	textValue   string
	textDecoded bool
}

// scanFlat reads a JSON object whose members the decoder needs without
// building a map: it finds the raw values of the id, text and metadata
// members, skipping others (nested ones included). It returns false on
// anything it does not handle plainly (escaped keys, invalid UTF-8,
// malformed input), and decode then falls back to encoding/json, which
// decides and words any error. Where scanFlat succeeds, the result is the
// same as encoding/json's. A string text is decoded while it is scanned,
// in scratch, which is returned grown for the next call.
//
// It is a hand-written state machine over the bytes, kept whole because
// its states share local variables on the hot path.
func scanFlat(data []byte, idField, textField string, meta metaFields, scratch []byte) (f fields, _ []byte, ok bool) {
	if !utf8.Valid(data) {
		return f, scratch, false
	}
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return f, scratch, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return f, scratch, skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return f, scratch, false
		}
		ks := i + 1
		ke := ks
		for ke < len(data) && data[ke] != '"' {
			if data[ke] == '\\' || data[ke] < 0x20 {
				return f, scratch, false
			}
			ke++
		}
		if ke >= len(data) {
			return f, scratch, false
		}
		key := string(data[ks:ke])
		i = skipSpace(data, ke+1)
		if i >= len(data) || data[i] != ':' {
			return f, scratch, false
		}
		i = skipSpace(data, i+1)
		vs := i
		var ve int
		decoded := false
		if key == textField && i < len(data) && data[i] == '"' {
			// The text, the bulk of the line, is read once: checked
			// and decoded together.
			if scratch, ve, ok = decodeString(scratch[:0], data, i); !ok {
				return f, scratch, false
			}
			decoded = true
		} else if ve, ok = skipValue(data, i); !ok {
			return f, scratch, false
		}
		v := data[vs:ve]
		switch key {
		case idField:
			f.id, f.hasID = v, true
		case textField:
			f.text, f.hasText = v, true
			f.textValue, f.textDecoded = "", decoded
			if decoded {
				f.textValue = string(scratch)
			}
		case meta[0]:
			f.title = v
		case meta[1]:
			f.date = v
		case meta[2]:
			f.source = v
		case meta[3]:
			f.url = v
		}
		i = skipSpace(data, ve)
		if i >= len(data) {
			return f, scratch, false
		}
		if data[i] == '}' {
			return f, scratch, skipSpace(data, i+1) == len(data)
		}
		if data[i] != ',' {
			return f, scratch, false
		}
		i = skipSpace(data, i+1)
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at i.
//
// It is a state machine over the bytes, kept whole for the same reason as
// scanFlat.
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch c := data[i]; {
	case c == '"':
		return skipString(data, i)
	case c == '{' || c == '[':
		// Nested values are checked by encoding/json when they matter:
		// here only their extent.
		depth, start := 0, i
		for i < len(data) {
			switch data[i] {
			case '"':
				e, ok := skipString(data, i)
				if !ok {
					return 0, false
				}
				i = e
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, json.Valid(data[start : i+1])
				}
			}
			i++
		}
		return 0, false
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit {
				return i + len(lit), true
			}
		}
		return 0, false
	case c == '-' || '0' <= c && c <= '9':
		j := i
		for j < len(data) && (data[j] == '-' || data[j] == '+' || data[j] == '.' || data[j] == 'e' || data[j] == 'E' || '0' <= data[j] && data[j] <= '9') {
			j++
		}
		if !json.Valid(data[i:j]) {
			return 0, false
		}
		return j, true
	}
	return 0, false
}

// skipString returns the end of the JSON string starting at i, its
// control characters and escapes checked.
func skipString(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		// Plain bytes eight at a time: stop at the first quote, backslash
		// or control character.
		for j+8 <= len(data) {
			if m := special(binary.LittleEndian.Uint64(data[j:])); m != 0 {
				j += bits.TrailingZeros64(m) / 8
				break
			}
			j += 8
		}
		if j >= len(data) {
			break
		}
		switch c := data[j]; {
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			j++
			if j >= len(data) {
				return 0, false
			}
			switch data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(data) {
					return 0, false
				}
				for _, h := range data[j+1 : j+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return 0, false
					}
				}
				j += 4
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

// decodeString appends to dst the value of the JSON string that starts at
// data[i], a quote, and returns it with the index just past the string.
// It checks what skipString checks and decodes as encoding/json does (a
// \u escape of a lone surrogate becomes U+FFFD), in one pass: plain
// bytes are copied eight at a time. ok is false if the string is
// malformed.
//
// It is a state machine over the bytes, kept whole for the same reason as
// scanFlat.
func decodeString(dst, data []byte, i int) (_ []byte, end int, ok bool) {
	// The value is no longer than its JSON, and blocks are written whole
	// before the length is cut back to their plain bytes: room for eight
	// more.
	dst = slices.Grow(dst, len(data)-i+8)
	j := i + 1
	for {
		for j+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[j:])
			l := len(dst)
			binary.LittleEndian.PutUint64(dst[l:l+8], x)
			if m := special(x); m != 0 {
				n := bits.TrailingZeros64(m) / 8
				dst = dst[:l+n]
				j += n
				break
			}
			dst = dst[:l+8]
			j += 8
		}
		if j >= len(data) {
			return dst, 0, false
		}
		c := data[j]
		switch {
		case c == '"':
			return dst, j + 1, true
		case c < 0x20:
			return dst, 0, false
		case c != '\\':
			// A plain byte of the last seven.
			dst = append(dst, c)
			j++
			continue
		}
		j++
		if j >= len(data) {
			return dst, 0, false
		}
		switch data[j] {
		case '"', '\\', '/':
			dst = append(dst, data[j])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(data, j+1)
			if !ok {
				return dst, 0, false
			}
			j += 4
			if utf16.IsSurrogate(r) {
				if r2, ok2 := hex4(data, j+3); ok2 && data[j+1] == '\\' && data[j+2] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						dst = utf8.AppendRune(dst, dec)
						j += 7
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, 0, false
		}
		j++
	}
}

// special marks, in the high bit of each byte, the bytes of x (eight
// bytes of a string, little-endian) that end a plain run: a quote, a
// backslash or a control character. Marks above the lowest may be false
// (a borrow carries across bytes); the lowest is exact.
func special(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	b := x ^ (lo * '\\')
	return ((q-lo)&^q | (b-lo)&^b | (x-lo*0x20)&^x) & hi
}

// rawString reads a raw value as decode's stringField does: a string, a
// number as its literal, null as "". ok is false for other values.
func rawString(raw []byte) (string, bool) {
	switch {
	case len(raw) == 0:
		return "", false
	case raw[0] == '"':
		return unquote(raw)
	case raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9':
		return string(raw), true
	case string(raw) == "null":
		return "", true
	}
	return "", false
}

// unquote returns the Go string of a raw JSON string value, decoded as
// encoding/json does (decodeString).
func unquote(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner), true
	}
	out, end, ok := decodeString(nil, raw, 0)
	if !ok || end != len(raw) {
		return "", false
	}
	return string(out), true
}

// hex4 reads four hex digits at in[i:].
func hex4(in []byte, i int) (rune, bool) {
	if i+4 > len(in) {
		return 0, false
	}
	var r rune
	for _, c := range in[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
