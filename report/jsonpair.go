package report

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/neardup/neardup/internal/swar"

	"github.com/neardup/neardup/detect"
)

// appendPair appends p as encoding/json writes it indented under prefix
// with an indent of two spaces, HTML not escaped: byte for byte the same
// (TestAppendPairMatchesEncodingJSON, FuzzAppendString), several times
// faster, for the report's largest array. It reports false, having
// appended part of p, when a figure is not finite, which encoding/json
// refuses with an error.
func appendPair(b []byte, p *detect.Pair, prefix string) ([]byte, bool) {
	in := prefix + "  "
	b = append(b, '{')
	b = appendKey(b, in, "a")
	b = appendString(b, p.A)
	b = appendKey(append(b, ','), in, "b")
	b = appendString(b, p.B)
	b = appendKey(append(b, ','), in, "kind")
	b = appendString(b, string(p.Kind))
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"score", p.Score}, {"jaccard", p.Jaccard}, {"containment_a", p.ContainmentA}, {"containment_b", p.ContainmentB}, {"coverage_a", p.CoverageA}, {"coverage_b", p.CoverageB}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return b, false
		}
		b = appendKey(append(b, ','), in, f.name)
		b = appendFloat(b, f.v)
	}
	b = appendKey(append(b, ','), in, "shared_shingles")
	b = strconv.AppendInt(b, int64(p.Shared), 10)
	b = appendKey(append(b, ','), in, "passages")
	if len(p.Passages) == 0 {
		b = append(b, "[]"...)
	} else {
		b = append(b, '[')
		in2 := in + "  "
		in3 := in2 + "  "
		for k := range p.Passages {
			ps := &p.Passages[k]
			if k > 0 {
				b = append(b, ',')
			}
			b = append(append(append(b, '\n'), in2...), '{')
			b = appendKey(b, in3, "a")
			b = appendSpan(b, ps.A, in3)
			b = appendKey(append(b, ','), in3, "b")
			b = appendSpan(b, ps.B, in3)
			b = appendKey(append(b, ','), in3, "words")
			b = strconv.AppendInt(b, int64(ps.Words), 10)
			b = appendKey(append(b, ','), in3, "text")
			b = appendString(b, ps.Text)
			b = appendKey(append(b, ','), in3, "text_b")
			b = appendString(b, ps.TextB)
			b = append(append(append(b, '\n'), in2...), '}')
		}
		b = append(append(append(b, '\n'), in...), ']')
	}
	b = appendKey(append(b, ','), in, "direction")
	b = appendString(b, p.Direction)
	b = appendKey(append(b, ','), in, "direction_reason")
	b = appendString(b, p.Why)
	b = appendKey(append(b, ','), in, "cluster")
	b = strconv.AppendInt(b, int64(p.Cluster), 10)
	b = appendKey(append(b, ','), in, "template")
	b = strconv.AppendBool(b, p.Template)
	return append(append(append(b, '\n'), prefix...), '}'), true
}

// appendDocument appends d as encoding/json writes it indented under
// prefix, as appendPair does a pair (TestAppendDocumentMatchesEncodingJSON).
func appendDocument(b []byte, d *detect.Document, prefix string) []byte {
	in := prefix + "  "
	b = append(b, '{')
	b = appendKey(b, in, "id")
	b = appendString(b, d.ID)
	for _, f := range [...]struct{ name, v string }{{"title", d.Title}, {"date", d.Date}, {"source", d.Source}, {"url", d.URL}, {"path", d.Path}} {
		if f.v != "" {
			b = appendKey(append(b, ','), in, f.name)
			b = appendString(b, f.v)
		}
	}
	if d.Line != 0 {
		b = appendKey(append(b, ','), in, "line")
		b = strconv.AppendInt(b, int64(d.Line), 10)
	}
	b = appendKey(append(b, ','), in, "tokens")
	b = strconv.AppendInt(b, int64(d.Tokens), 10)
	b = appendKey(append(b, ','), in, "shingles")
	b = strconv.AppendInt(b, int64(d.Shingles), 10)
	if d.Status != "" {
		b = appendKey(append(b, ','), in, "status")
		b = appendString(b, d.Status)
	}
	return append(append(append(b, '\n'), prefix...), '}')
}

// appendKey starts a member on a new line indented by in. name must
// need no escaping: the report's names are lower-case ASCII letters and
// underscores.
func appendKey(b []byte, in, name string) []byte {
	b = append(append(b, '\n'), in...)
	b = append(append(append(b, '"'), name...), '"')
	return append(b, ": "...)
}

func appendSpan(b []byte, s detect.Span, in string) []byte {
	b = append(b, '{')
	b = appendKey(b, in+"  ", "start")
	b = strconv.AppendInt(b, int64(s.Start), 10)
	b = appendKey(append(b, ','), in+"  ", "end")
	b = strconv.AppendInt(b, int64(s.End), 10)
	return append(append(append(b, '\n'), in...), '}')
}

// appendFloat writes f as encoding/json does: like %g, but with the
// exponent cutoffs of ES6 and exponents not padded. f must be finite.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString writes s as a JSON string as encoding/json does without
// HTML escaping: quotes, backslashes and control characters escaped,
// U+2028 and U+2029 too, invalid UTF-8 as \ufffd.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain bytes at a time: no quote, backslash, control
		// or byte of 0x80 and above among them.
		if i+8 <= len(s) && plain8(swar.Load8(s, i)) {
			i += 8
			continue
		}
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plain8 reports whether the eight bytes of x (swar.Load8) are all printable
// ASCII other than a quote and a backslash.
func plain8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	b := x ^ (lo * '\\')
	return ((q-lo)&^q|(b-lo)&^b|(x-lo*0x20)&^x|x)&hi == 0
}
