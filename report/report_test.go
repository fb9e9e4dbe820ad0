package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/internal/swar"
)

func sample() Report {
	res := &detect.Result{
		Documents: []detect.Document{{}, {}, {}},
		Pairs: []detect.Pair{{A: "a", B: "c", I: 0, J: 2, Kind: detect.Reuse, Score: 0.25, Jaccard: 0.1, CoverageB: 0.25,
			Passages: []detect.Passage{{Words: 3, Text: "short \x1b[31mred\x1b[0m"}, {Words: 9, Text: "a longer\n\tpassage here"}}}},
	}
	res.Documents[0].ID, res.Documents[1].ID, res.Documents[2].ID = "a", "b", "c"
	detect.Group(res)
	return Report{Result: res, Warnings: []string{"x.txt: no text"}}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"a\n\n b\tc":                      "a b c",
		"evil \x1b[2J\x07 bell":           "evil \uFFFD[2J\uFFFD bell",
		"rtl \u202eoverride":              "rtl \uFFFDoverride",
		strings.Repeat("ab ", 100):        strings.TrimSpace(strings.Repeat("ab ", 6)) + " …",
		"élan " + strings.Repeat("é", 30): "élan …",
	} {
		if got := Quote(in, 20); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
}

// quoteReference is Quote as first written, over the whole of s: the
// definition that Quote, which stops reading early, must keep.
func quoteReference(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return '\uFFFD'
		}
		return r
	}, s)
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexByte(s[:max], ' ')
	if cut <= 0 {
		cut = max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return s[:cut] + " …"
}

// TestQuoteMatchesReference compares Quote with its definition on random
// strings of words, white space of all kinds, control and bidi
// characters, multi-byte runes and invalid bytes, at limits around their
// lengths.
func TestQuoteMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	pieces := []string{"word", "é", "日本", " ", "  ", "\t", "\n", "\v", "\f", "\r", "\x7f", "\x00", "\u00a0", "\u0085", "\u2028", "\x1b", "\x07", "\u202e", "\xff", "\xe2\x82", "a", "longerword", "\u3000", "\u009f", "syndicated", "wire copy", "!", " !x", "~", "Reuters,"}
	for trial := 0; trial < 20000; trial++ {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		in := b.String()
		max := 1 + rng.IntN(len(in)+4)
		if got, want := Quote(in, max), quoteReference(in, max); got != want {
			t.Fatalf("Quote(%q, %d) = %q, want %q", in, max, got, want)
		}
	}
}

func TestText(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"3 documents, 1 pair (1 reuse), 1 syndicated passage, 0 templates, 1 cluster",
		"score = coverage: 25% of c is shared text", "1. 2 articles around a, none the source of the others: a, c", `"a longer passage here" (9 words)`, "1 warning:\n  x.txt: no text"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("a terminal escape from article text reached the output")
	}
	if strings.Index(out, "a longer") > strings.Index(out, "short") {
		t.Error("passages not longest first")
	}
}

func TestMatrix(t *testing.T) {
	var dense, sparse bytes.Buffer
	Matrix(&dense, sample(), 10)
	Matrix(&sparse, sample(), 2)
	if got := dense.String(); got != "id,a,b,c\na,1,,0.2500\nb,,1,\nc,0.2500,,1\n" {
		t.Errorf("dense:\n%s", got)
	}
	if got := sparse.String(); got != "a,b,score\na,c,0.2500\n" {
		t.Errorf("sparse:\n%s", got)
	}
}

func TestCSVAndJSON(t *testing.T) {
	var c, j bytes.Buffer
	CSV(&c, sample())
	if !strings.HasPrefix(c.String(), "a,title_a,date_a,source_a,b,title_b,date_b,source_b,kind,score,direction,jaccard,") ||
		!strings.Contains(c.String(), "a,,,,c,,,,reuse,0.2500,,0.1000,") || !strings.Contains(c.String(), ",1,false,2,12,\"a longer\n\tpassage here\"\n") {
		t.Errorf("csv:\n%s", c.String())
	}
	JSON(&j, Report{Result: &detect.Result{}})
	for _, k := range []string{`"summary": {`, `"documents": []`, `"pairs": []`, `"clusters": []`, `"syndication": []`, `"templates": []`, `"warnings": []`} {
		if !strings.Contains(j.String(), k) {
			t.Errorf("empty result JSON lacks %s:\n%s", k, j.String())
		}
	}
}

// TestOutputsKeepOrder writes more pairs than one encoding chunk holds:
// the CSV must equal a plain csv.Writer's, row for row, and the JSON must
// list the pairs in order.
func TestOutputsKeepOrder(t *testing.T) {
	res := &detect.Result{}
	var want bytes.Buffer
	cw := csv.NewWriter(&want)
	cw.Write([]string{"a", "title_a", "date_a", "source_a", "b", "title_b", "date_b", "source_b", "kind", "score", "direction",
		"jaccard", "containment_a", "containment_b", "coverage_a", "coverage_b", "shared_shingles", "cluster", "template",
		"passages", "passage_words", "longest_passage"})
	for i := range 1500 {
		p := detect.Pair{A: fmt.Sprintf("doc,%d", i), B: fmt.Sprintf("doc \"%d\"", i+1), Kind: detect.Reuse, Score: float64(1500-i) / 1500, Shared: i,
			Passages: []detect.Passage{{Words: i % 7}}}
		res.Pairs = append(res.Pairs, p)
		cw.Write([]string{p.A, "", "", "", p.B, "", "", "", string(p.Kind), ff(p.Score), "", "0.0000", "0.0000", "0.0000", "0.0000", "0.0000",
			strconv.Itoa(i), "0", "false", "1", strconv.Itoa(i % 7), ""})
	}
	cw.Flush()
	var got bytes.Buffer
	if err := CSV(&got, Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Error("CSV rows differ from a plain csv.Writer's")
	}
	var j bytes.Buffer
	if err := JSON(&j, Report{Result: res}); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Pairs []detect.Pair `json:"pairs"`
	}
	if err := json.Unmarshal(j.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Pairs) != len(res.Pairs) {
		t.Fatalf("JSON has %d pairs, want %d", len(back.Pairs), len(res.Pairs))
	}
	for i, p := range back.Pairs {
		if p.A != res.Pairs[i].A || p.Shared != i {
			t.Fatalf("JSON pair %d is %q (shared %d), want %q", i, p.A, p.Shared, res.Pairs[i].A)
		}
	}
}

// TestPlainText8 holds plainText8 to its definition over every string of
// eight bytes from an alphabet of the edge cases: it may refuse only a
// string with a space followed by '!', and never accepts one it should
// not.
func TestPlainText8(t *testing.T) {
	alphabet := []byte{' ', '!', '"', 'a', '~', 0x7f, 0x1f, '\t', 0x00, 0x80, 0xff}
	var s [8]byte
	var rec func(k int)
	rec = func(k int) {
		if k < 8 {
			for _, c := range alphabet {
				s[k] = c
				rec(k + 1)
			}
			return
		}
		want, spaceBang := true, false
		for i, c := range s {
			if c < ' ' || c > '~' || i > 0 && c == ' ' && s[i-1] == ' ' {
				want = false
			}
			if i > 0 && c == '!' && s[i-1] == ' ' {
				spaceBang = true
			}
		}
		if got := plainText8(swar.Load8(string(s[:]), 0)); got != want && !(want && spaceBang) {
			t.Fatalf("plainText8(%q) = %v, want %v", s, got, want)
		}
	}
	// Eleven letters in eight places are 2·10⁸ strings: the first two
	// places take four of them.
	full := alphabet
	for _, c0 := range []byte{' ', '!', 'a', 0x7f} {
		for _, c1 := range []byte{' ', '!', 0x1f, 0x80} {
			s[0], s[1] = c0, c1
			alphabet = full
			rec(2)
		}
	}
}

func BenchmarkQuote(b *testing.B) {
	text := strings.Repeat("Syrian state media said the strikes hit a \"terrorist\" position, while the Observatory reported civilian casualties.\n", 4)
	b.SetBytes(160)
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst = appendQuote(dst[:0], text, 160)
	}
}

// TestTextClusterMembers checks the pairs' lines of their articles: each
// with what it has of date, source and title, in that order.
func TestTextClusterMembers(t *testing.T) {
	rep := sample()
	docs := rep.Documents
	docs = append(docs, detect.Document{Doc: corpus.Doc{ID: "d", Source: "AFP"}}, detect.Document{Doc: corpus.Doc{ID: "e", Date: "2024-12-26", Title: "Ambush, Tartus"}})
	docs[0].Date, docs[0].Source, docs[0].Title = "2024-12-26", "Reuters", "Strike"
	pairs := append(rep.Pairs, detect.Pair{A: "a", B: "d", I: 0, J: 3, Kind: detect.Reuse, Score: 0.5},
		detect.Pair{A: "a", B: "e", I: 0, J: 4, Kind: detect.Reuse, Score: 0.5})
	rep.Result = &detect.Result{Documents: docs, Pairs: pairs}
	detect.Group(rep.Result)
	var buf bytes.Buffer
	if err := Text(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"   a: a (2024-12-26, Reuters, Strike)\n   b: d (AFP)\n", "   b: e (2024-12-26, Ambush, Tartus)\n",
		"1. 4 articles around a, none the source of the others: a, c, d, e\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("no %q in\n%s", want, buf.String())
		}
	}
}

// TestEncodeChunks checks that chunks finished in any order are written
// in order, whatever the number of elements, chunk size and workers, and
// that the first error, of encoding or of writing, is returned.
func TestEncodeChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	for trial := 0; trial < 300; trial++ {
		n, size, workers := rng.IntN(200), 1+rng.IntN(9), 1+rng.IntN(5)
		delays := make([]int, n)
		for i := range delays {
			delays[i] = rng.IntN(3)
		}
		enc := func(b []byte, from, to int) ([]byte, error) {
			for i := from; i < to; i++ {
				for range delays[i] * 100 {
					runtime.Gosched()
				}
				b = strconv.AppendInt(append(b, ' '), int64(i), 10)
			}
			return b, nil
		}
		var want, got bytes.Buffer
		for i := 0; i < n; i++ {
			fmt.Fprintf(&want, " %d", i)
		}
		if err := encodeChunks(&got, n, size, workers, enc); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("n=%d size=%d workers=%d: %q, want %q", n, size, workers, got.String(), want.String())
		}
	}
	bad := errors.New("bad element")
	failAt := func(k int) func(b []byte, from, to int) ([]byte, error) {
		return func(b []byte, from, to int) ([]byte, error) {
			if from <= k && k < to {
				return b, bad
			}
			return append(b, 'x'), nil
		}
	}
	if err := encodeChunks(io.Discard, 100, 3, 4, failAt(50)); err != bad {
		t.Errorf("encoding error: got %v", err)
	}
	var w failWriter
	if err := encodeChunks(&w, 100, 3, 4, failAt(-1)); err != errFull || w.n != 1 {
		t.Errorf("write error: got %v after %d writes, want %v after 1", err, w.n, errFull)
	}
}

var errFull = errors.New("disk full")

// failWriter fails every write.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errFull
}

// TestDocumentsByID finds documents in order of id (by search) and in
// any order (by map), and answers an unknown id with an empty document.
func TestDocumentsByID(t *testing.T) {
	var docs []detect.Document
	for _, id := range []string{"a1", "b2", "c3", "d4", "e5"} {
		docs = append(docs, detect.Document{Doc: corpus.Doc{ID: id, Title: "title " + id}})
	}
	shuffled := []detect.Document{docs[3], docs[0], docs[4], docs[2], docs[1]}
	for _, ds := range [][]detect.Document{docs, shuffled} {
		doc := documentsByID(ds)
		for _, d := range docs {
			if got := doc(d.ID); got.Title != d.Title {
				t.Errorf("%s: %+v", d.ID, got)
			}
		}
		if got := doc("zz"); got.ID != "" {
			t.Errorf("unknown id: %+v", got)
		}
	}
}
