package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// awkward returns a string of pieces JSON escapes or that are easy to get
// wrong: quotes, backslashes, control characters, U+2028, invalid UTF-8,
// HTML-special ASCII, multi-byte runes.
func awkward(rng *rand.Rand) string {
	pieces := []string{"a", "word ", `"`, `\`, "\n", "\t", "\r", "\b", "\f", "\x00", "\x1f", "\x7f", "\u2028", "\u2029", "<&>", "é", "叙利亚", "\xff", "\xe2\x80", "🙂", " "}
	var b []byte
	for range rng.IntN(30) {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return string(b)
}

func TestAppendPairMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	floats := []float64{0, 1, 0.5, 1.0 / 3, 1e-6, 9.99e-7, 1e-7, 2.5e-12, 1e20, 1e21, 123456789.125, math.SmallestNonzeroFloat64, -0.25}
	for trial := range 2000 {
		p := detect.Pair{A: awkward(rng), B: awkward(rng), Kind: detect.Kind(awkward(rng)), Shared: rng.IntN(1 << 20)}
		for _, f := range []*float64{&p.Score, &p.Jaccard, &p.ContainmentA, &p.ContainmentB, &p.CoverageA, &p.CoverageB} {
			if rng.IntN(2) == 0 {
				*f = floats[rng.IntN(len(floats))]
			} else {
				*f = rng.Float64()
			}
		}
		p.Passages = []detect.Passage{}
		for range rng.IntN(4) {
			p.Passages = append(p.Passages, detect.Passage{A: detect.Span{Start: rng.IntN(1000), End: rng.IntN(1000)}, B: detect.Span{Start: rng.IntN(1000), End: -rng.IntN(10)},
				Words: rng.IntN(100), Text: awkward(rng), TextB: awkward(rng)})
		}
		want, err := indented(p, "    ")
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := appendPair(nil, &p, "    "); !ok || !bytes.Equal(got, want) {
			t.Fatalf("trial %d:\n got %s\nwant %s", trial, got, want)
		}
	}
}

// TestAppendDocumentMatchesEncodingJSON holds appendDocument to
// encoding/json, with metadata present and absent (omitempty), awkward
// strings and lines of zero and more.
func TestAppendDocumentMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	maybe := func() string {
		if rng.IntN(3) == 0 {
			return ""
		}
		return awkward(rng)
	}
	for trial := range 2000 {
		d := detect.Document{Doc: corpus.Doc{ID: awkward(rng), Text: awkward(rng), Title: maybe(), Date: maybe(), Source: maybe(), URL: maybe(), Path: maybe(), Elem: rng.IntN(3)},
			Tokens: rng.IntN(1 << 20), Shingles: rng.IntN(1 << 20)}
		if rng.IntN(2) == 0 {
			d.Line = rng.IntN(1 << 30)
		}
		want, err := indented(d, "    ")
		if err != nil {
			t.Fatal(err)
		}
		if got := appendDocument(nil, &d, "    "); !bytes.Equal(got, want) {
			t.Fatalf("trial %d:\n got %s\nwant %s", trial, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `"q" \ b`, "\x00\x1f\u2028\u2029", "\xff\xfe", "<script>&amp;", "é叙🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got)+"\n" != want.String() {
			t.Fatalf("appendString(%q) = %s, encoding/json %s", s, got, want.String())
		}
	})
}

// TestJSONRefusesNonFiniteFigures: a NaN score is encoding/json's error,
// not invalid JSON.
func TestJSONRefusesNonFiniteFigures(t *testing.T) {
	res := &detect.Result{Pairs: []detect.Pair{{A: "a", B: "b", Score: math.NaN()}}}
	var out bytes.Buffer
	if err := JSON(&out, Report{Result: res}); err == nil {
		t.Errorf("no error for a NaN score; wrote:\n%s", out.String())
	}
}

// TestCSVRowMatchesEncodingCSV holds appendCSVRow to encoding/csv, with
// awkward ids and kinds (commas, quotes, line ends, leading spaces, \.).
func TestCSVRowMatchesEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 19))
	extra := []string{"", `\.`, " lead", "\tlead", "\u00a0lead", "a,b", `q"q`, "cr\rlf\n", `""`, "plain", "=1+1", "@SUM(A1)", "-2", "+x", "\rcr"}
	field := func() string {
		if rng.IntN(2) == 0 {
			return extra[rng.IntN(len(extra))]
		}
		return awkward(rng)
	}
	for trial := range 3000 {
		p := detect.Pair{A: field(), B: field(), Kind: detect.Kind(field()), Shared: rng.IntN(1 << 20),
			Score: rng.Float64(), Jaccard: float64(rng.IntN(3)) / 2, ContainmentA: 1e-9, ContainmentB: 123.45678, CoverageA: rng.Float64(), CoverageB: 0}
		p.Direction, p.Cluster, p.Template = field(), rng.IntN(100), rng.IntN(2) == 0
		for range rng.IntN(4) {
			p.Passages = append(p.Passages, detect.Passage{Words: rng.IntN(100), Text: field()})
		}
		a := &detect.Document{Doc: corpus.Doc{Title: field(), Date: field(), Source: field()}}
		d := &detect.Document{Doc: corpus.Doc{Title: field(), Date: field(), Source: field()}}
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		words, longest := 0, ""
		best := -1
		for _, ps := range p.Passages {
			words += ps.Words
			if ps.Words > best {
				best, longest = ps.Words, ps.Text
			}
		}
		cw.Write([]string{Neutral(p.A), Neutral(a.Title), Neutral(a.Date), Neutral(a.Source), Neutral(p.B), Neutral(d.Title), Neutral(d.Date), Neutral(d.Source),
			string(p.Kind), ff(p.Score), p.Direction, ff(p.Jaccard), ff(p.ContainmentA), ff(p.ContainmentB),
			ff(p.CoverageA), ff(p.CoverageB), strconv.Itoa(p.Shared), strconv.Itoa(p.Cluster), strconv.FormatBool(p.Template),
			strconv.Itoa(len(p.Passages)), strconv.Itoa(words), Neutral(longest)})
		cw.Flush()
		if got := appendCSVRow(nil, &p, a, d); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("trial %d:\n got %q\nwant %q", trial, got, want.Bytes())
		}
	}
}
