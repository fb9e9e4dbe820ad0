package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// write creates files under dir from name → content.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		data := []byte(content)
		if strings.HasSuffix(name, ".gz") {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(data)
			zw.Close()
			data = buf.Bytes()
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readDir reads root and returns its documents and warnings.
func readDir(t *testing.T, r Reader, roots ...string) ([]Doc, []error) {
	t.Helper()
	var warns []error
	r.Warn = func(err error) { warns = append(warns, err) }
	var docs []Doc
	err := r.Walk(context.Background(), roots, func(d Doc) error { docs = append(docs, d); return nil })
	if err != nil {
		warns = append(warns, err)
	}
	return docs, warns
}

func TestFormats(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a.txt":            "Plain text article.",
		"sub/b.md":         "---\ntitle: A title\ndate: 2024-12-26\nsource: DW\n---\nMarkdown body.",
		"c.html":           `<html><head><title>Page</title><meta property="article:published_time" content="2024-12-25"><style>p{}</style><script>var x="hidden";</script></head><body><p>Visible <b>text</b>.</p><noscript>no</noscript><div>Second</div></body></html>`,
		"d.json":           `{"id": "doc-d", "text": "JSON article", "title": "T", "date": "2024-12-24", "source": "AFP", "url": "http://x"}`,
		"e.jsonl":          "{\"id\": 1, \"text\": \"line one\"}\n\n{\"id\": \"two\", \"text\": \"line two\"}\r\n",
		"f.txt.gz":         "Gzipped text.",
		"g.jsonl.gz":       `{"id": "g1", "text": "gzipped line"}`,
		"h.json":           `[{"id": "h1", "text": "array one"}, {"text": "array two"}]`,
		".hidden/x.txt":    "hidden",
		".y.txt":           "hidden",
		"image.png":        "\x89PNG",
		"deep/er/e/st.htm": "<p>deep</p>",
	})
	docs, warns := readDir(t, Reader{}, dir)
	if len(warns) > 0 {
		t.Fatalf("warnings: %v", warns)
	}
	got := map[string]Doc{}
	var ids []string
	for _, d := range docs {
		got[d.ID] = d
		ids = append(ids, d.ID)
	}
	want := []string{"a.txt", "c.html", "doc-d", "deep/er/e/st.htm", "1", "two", "f.txt.gz", "g1", "h1", "h.json#1", "sub/b.md"}
	if !slices.Equal(ids, want) {
		t.Errorf("ids = %q, want %q (walk order)", ids, want)
	}
	if d := got["sub/b.md"]; d.Title != "A title" || d.Date != "2024-12-26" || d.Source != "DW" || d.Text != "Markdown body." {
		t.Errorf("front matter: %+v", d)
	}
	if d := got["c.html"]; d.Text != "Visible text.\nSecond" || d.Title != "Page" || d.Date != "2024-12-25" {
		t.Errorf("html: %+v", d)
	}
	if d := got["doc-d"]; d.Text != "JSON article" || d.Source != "AFP" || d.URL != "http://x" || d.Date != "2024-12-24" {
		t.Errorf("json: %+v", d)
	}
	if d := got["two"]; d.Line != 3 || d.Where() != filepath.Join(dir, "e.jsonl")+":3" {
		t.Errorf("jsonl place: %+v", d)
	}
	if got["f.txt.gz"].Text != "Gzipped text." {
		t.Errorf("gzip: %+v", got["f.txt.gz"])
	}
}

func TestFields(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"x.jsonl": `{"doc_id": "00001", "body": "wire copy"}`})
	docs, warns := readDir(t, Reader{IDField: "doc_id", TextField: "body"}, dir)
	if len(warns) > 0 || len(docs) != 1 || docs[0].ID != "00001" || docs[0].Text != "wire copy" {
		t.Errorf("docs %+v, warnings %v", docs, warns)
	}
	_, warns = readDir(t, Reader{}, dir)
	if len(warns) != 1 || !strings.Contains(warns[0].Error(), `no "text" field`) || !strings.Contains(warns[0].Error(), "x.jsonl:1") {
		t.Errorf("missing field: %v", warns)
	}
}

// TestBadInputs checks that each bad input gives one warning naming it
// and that the good files around it are still read.
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"good1.txt":       "A good article.",
		"empty.txt":       "",
		"blank.md":        " \n\t\n",
		"binary.txt":      "ELF\x00\x01\x02binary",
		"latin1.txt":      "caf\xe9 cr\xe8me",
		"corrupt.txt.gz":  "",
		"lines.jsonl":     "{\"id\": \"ok1\", \"text\": \"fine\"}\n{\"id\": \"bad\", \"text\": \n{\"id\": \"ok2\", \"text\": \"also fine\"}\n",
		"broken.json":     `{"id": "x", "text": "unterminated`,
		"notext.json":     `{"id": "y", "text": 42.5e999999}`,
		"good2.html":      "<p>Another good one.</p>",
		"empty.html":      "<script>only()</script>",
		"huge.txt":        strings.Repeat("word ", 300),
		"hugeline.jsonl":  `{"id": "long", "text": "` + strings.Repeat("w ", 600) + `"}` + "\n" + `{"id": "short", "text": "fits"}`,
		"nullid.jsonl":    `{"id": null, "text": "no id given"}`,
		"arraybad.json":   `[{"id": "a1", "text": "ok"}, 5]`,
		"sub/good3.jsonl": `{"id": "g3", "text": "third"}`,
		"badutf8.jsonl":   "{\"id\": \"u\", \"text\": \"caf\xe9\"}",
	})
	// A truly corrupt gzip: a valid header, then garbage.
	os.WriteFile(filepath.Join(dir, "corrupt.txt.gz"), []byte("\x1f\x8b\x08\x00garbage-garbage"), 0o644)
	os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling.txt"))

	docs, warns := readDir(t, Reader{MaxBytes: 1000}, dir)
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	want := []string{"a1", "g3", "good1.txt", "good2.html", "latin1.txt", "nullid.jsonl:1", "ok1", "ok2", "short", "u"}
	if !slices.Equal(ids, want) {
		t.Errorf("read %q, want %q", ids, want)
	}
	wantWarn := map[string]string{
		"empty.txt":        "no text",
		"blank.md":         "no text",
		"binary.txt":       "binary",
		"latin1.txt":       "invalid UTF-8",
		"corrupt.txt.gz":   "",
		"lines.jsonl:2":    "invalid JSON",
		"broken.json":      "invalid JSON",
		"notext.json":      `field "text"`,
		"empty.html":       "no text",
		"huge.txt":         "larger than the size limit",
		"hugeline.jsonl:1": "larger than the size limit",
		"arraybad.json":    "array element 1",
		"dangling.txt":     "broken symbolic link",
		"badutf8.jsonl:1":  "invalid UTF-8",
	}
	if len(warns) != len(wantWarn) {
		t.Errorf("%d warnings, want %d: %v", len(warns), len(wantWarn), warns)
	}
	for place, text := range wantWarn {
		found := false
		for _, w := range warns {
			if strings.Contains(w.Error(), filepath.Join(dir, place)+":") && strings.Contains(w.Error(), text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning naming %s with %q in %v", place, text, warns)
		}
	}
	for _, w := range warns {
		var e *Error
		if !errors.As(w, &e) {
			t.Errorf("warning %v is not a *corpus.Error", w)
		}
	}
	for _, d := range docs {
		if d.ID == "latin1.txt" && d.Text != "caf\uFFFD cr\uFFFDme" {
			t.Errorf("repaired text %q", d.Text)
		}
	}
}

func TestUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("permissions do not stop root from reading")
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"locked.txt": "secret", "open.txt": "readable"})
	os.Chmod(filepath.Join(dir, "locked.txt"), 0)
	docs, warns := readDir(t, Reader{}, dir)
	if len(docs) != 1 || len(warns) != 1 || !strings.Contains(warns[0].Error(), "locked.txt") {
		t.Errorf("docs %v warnings %v", docs, warns)
	}
}

func TestSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"a/doc.txt": "text"})
	os.Symlink("..", filepath.Join(dir, "a", "up"))
	os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "again"))
	docs, warns := readDir(t, Reader{}, dir)
	if len(docs) != 1 || len(warns) != 0 {
		t.Errorf("docs %d %v, warnings %v", len(docs), docs, warns)
	}
}

func TestMissingRoot(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"a.txt": "text"})
	docs, warns := readDir(t, Reader{}, filepath.Join(dir, "nope"), dir)
	if len(docs) != 1 {
		t.Errorf("the readable root was not read: %v", docs)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Error(), "nope") {
		t.Errorf("missing root: %v", warns)
	}
}

func TestFileRoot(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"one.txt": "text"})
	docs, _ := readDir(t, Reader{}, filepath.Join(dir, "one.txt"))
	if len(docs) != 1 || docs[0].ID != "one.txt" {
		t.Errorf("file root: %+v", docs)
	}
}

func TestCancel(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"a.txt": "x", "b.txt": "y"})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := (&Reader{}).Walk(ctx, []string{dir}, func(Doc) error { n++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("err %v after %d documents", err, n)
	}
}

func fuzzRead(t *testing.T, name string, data []byte) {
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := Reader{MaxBytes: 1 << 16, Warn: func(err error) {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("warning does not name the file: %v", err)
		}
	}}
	err := r.readFile(context.Background(), p, name, func(d Doc) error {
		if strings.TrimSpace(d.Text) == "" {
			t.Fatalf("empty document passed on: %+v", d)
		}
		if !strings.Contains(d.Path, name) {
			t.Fatalf("document path %q", d.Path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{`{"id": "a", "text": "b"}`, "{\"id\": 1, \"text\": \"x\"}\n{", `[{"text": "t"}]`, "\xff\xfe", `{"text": null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.jsonl", data)
		fuzzRead(t, "f.json", data)
	})
}

func FuzzHTML(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<script>x</script>y", "<head><title>t</title><meta name=date content=1>", "<svg><p>a", "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.html", data) })
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"plain", "---\ntitle: x\n---\nbody", "---\nnot: closed", "---\r\ndate: 1\r\n---\r\n", "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.txt", data) })
}

func ExampleReader_Walk() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "wire.jsonl"), []byte(`{"id": "afp-1", "text": "Fourteen killed.", "source": "AFP"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "page.html"), []byte(`<title>DW</title><p>Fourteen <i>killed</i>.</p><script>ads()</script>`), 0o644)
	r := &Reader{}
	r.Walk(context.Background(), []string{dir}, func(d Doc) error {
		fmt.Printf("%s %q %s%s\n", d.ID, d.Text, d.Source, d.Title)
		return nil
	})
	// Output:
	// page.html "Fourteen killed." DW
	// afp-1 "Fourteen killed." AFP
}

func TestReload(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a.txt":       "first text",
		"b.jsonl.gz":  "{\"id\": \"b1\", \"text\": \"one\"}\n{\"id\": \"b2\", \"text\": \"two\"}\n{\"id\": \"b3\", \"text\": \"three\"}\n",
		"c.json":      `[{"id": "c0", "text": "zero"}, {"id": "c1", "text": "uno"}]`,
		"d/e.html":    "<p>page</p>",
		"f.jsonl":     "{\"id\": \"f1\", \"text\": \"x\"}\n",
		"g.jsonl":     "{\"id\": \"g1\", \"text\": \"gone soon\"}\n",
		"h.jsonl":     "not json\n{\"id\": \"h2\", \"text\": \"after a bad line\"}\n",
		"i.markdown":  "---\ntitle: T\n---\nbody",
		"j.txt.gz":    "zipped",
		"k/l/m.jsonl": "{\"id\": \"m1\", \"text\": \"deep\"}\n",
	})
	var all []Doc
	(&Reader{}).Walk(context.Background(), []string{dir}, func(d Doc) error { all = append(all, d); return nil })
	texts := map[string]string{}
	for _, d := range all {
		texts[d.ID] = d.Text
	}
	// Ask for some, out of order, one twice.
	want := []Doc{all[5], all[1], all[3], all[1], all[len(all)-1], all[7]}
	got := make([]string, len(want))
	err := (&Reader{}).Reload(context.Background(), want, func(k int, d Doc) error {
		if d.ID != want[k].ID {
			t.Errorf("request %d: got %s, want %s", k, d.ID, want[k].ID)
		}
		got[k] = d.Text
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, d := range want {
		if got[k] != texts[d.ID] {
			t.Errorf("%s: reloaded %q, read %q", d.ID, got[k], texts[d.ID])
		}
	}
	// All of them, in reverse order, each twice.
	var every []Doc
	for i := len(all) - 1; i >= 0; i-- {
		every = append(every, all[i], all[i])
	}
	n := 0
	err = (&Reader{}).Reload(context.Background(), every, func(k int, d Doc) error {
		n++
		if d.Text != texts[every[k].ID] {
			t.Errorf("request %d (%s): got %q, want %q", k, every[k].ID, d.Text, texts[every[k].ID])
		}
		return nil
	})
	if err != nil || n != len(every) {
		t.Fatalf("reloading all: %d of %d, %v", n, len(every), err)
	}
	// A document gone from its file is an error naming the file.
	var g Doc
	for _, d := range all {
		if d.ID == "g1" {
			g = d
		}
	}
	os.WriteFile(filepath.Join(dir, "g.jsonl"), []byte("\n"), 0o644)
	err = (&Reader{}).Reload(context.Background(), []Doc{g}, func(int, Doc) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "g.jsonl") {
		t.Errorf("reloading a vanished document: %v", err)
	}
}

// FuzzFastDecode checks that the fast path of JSON decoding, where it
// applies, gives what encoding/json gives.
func FuzzFastDecode(f *testing.F) {
	for _, s := range []string{
		`{"id": "a", "text": "b"}`, `{"id": 12.5e3, "text": "tab\tand \"quote\" \u00e9"}`,
		`{"text": "x", "meta": {"a": [1, "}"]}, "title": null}`, `{"text": 5}`, `{"id": true, "text": "t"}`,
		`{"text": "a", "text": "b"}`, `{}`, `{"text": "x"} trailing`, `{"a\u0062": "x"}`, `{"text": "\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &Reader{}
		fast, _, fok := scanFlat(data, "id", "text", defaultMeta, nil)
		if !fok {
			return
		}
		got, gerr := decodeFlat("f", 1, &fast, "id", "text")
		want, werr := r.decodeGeneral("f", 1, data, "id", "text", defaultMeta)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("%q: fast error %v, general error %v", data, gerr, werr)
		}
		if gerr == nil && got != want {
			t.Fatalf("%q: fast %+v, general %+v", data, got, want)
		}
	})
}

func TestFastDecodeMatchesGeneral(t *testing.T) {
	r := &Reader{}
	for _, in := range []string{
		`{"id": "a", "text": "line\nbreak \"quoted\" \\ \/ \b\f\r\t \u00e9 \u4e2d"}`,
		`{"text": "\ud83d\ude00 pair, \ud800 lone high, \udc00 lone low, \ud800\u0041 high then letter"}`,
		`{"id": -3.5e2, "text": "n", "title": 7, "date": null, "source": {"x": 1}, "url": "http://x"}`,
		`{"text": "dup", "text": "last wins"}`,
		` { "text" : "spaces" , "id" : "s" } `,
	} {
		f, _, ok := scanFlat([]byte(in), "id", "text", defaultMeta, nil)
		if !ok {
			t.Fatalf("%s: fast path not taken", in)
		}
		got, gerr := decodeFlat("f", 1, &f, "id", "text")
		want, werr := r.decodeGeneral("f", 1, []byte(in), "id", "text", defaultMeta)
		if gerr != nil || werr != nil || got != want {
			t.Errorf("%s:\nfast    %+v %v\ngeneral %+v %v", in, got, gerr, want, werr)
		}
	}
}

// TestLinesLongerThanTheBuffer reads JSON lines longer than the line
// reader's 256 KiB buffer, which are gathered from several reads, beside
// short ones, which are not copied: every line must come out whole, and
// a long line over the size limit is skipped without losing the next.
func TestLinesLongerThanTheBuffer(t *testing.T) {
	long := strings.Repeat("word ", 120000) // 600 kB
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a.jsonl": `{"id": "s1", "text": "short one"}` + "\n" +
			`{"id": "long", "text": "` + long + `"}` + "\r\n" +
			`{"id": "s2", "text": "short two"}` + "\n" +
			`{"id": "long2", "text": "` + long + `end"}`,
	})
	for _, limit := range []int64{0, 700000, 300000} {
		docs, warns := readDir(t, Reader{MaxBytes: limit}, dir)
		got := map[string]string{}
		for _, d := range docs {
			got[d.ID] = d.Text
		}
		if got["s1"] != "short one" || got["s2"] != "short two" {
			t.Errorf("limit %d: short lines read as %q and %q", limit, got["s1"], got["s2"])
		}
		if limit == 300000 {
			if len(docs) != 2 || len(warns) != 2 {
				t.Errorf("limit %d: %d documents and warnings %v, want the 2 short ones and 2 warnings", limit, len(docs), warns)
			}
			continue
		}
		if got["long"] != long || got["long2"] != long+"end" || len(warns) != 0 {
			t.Errorf("limit %d: long lines of %d and %d bytes, warnings %v", limit, len(got["long"]), len(got["long2"]), warns)
		}
	}
}

// TestDecodeStringMatchesSkipAndJSON holds the one-pass string decoder
// to skipString's verdict and extent and to encoding/json's value, on
// strings with every escape at every offset from the eight-byte blocks,
// and on malformed ones. unquote, which decodes escaped values with it,
// is held to the same.
func TestDecodeStringMatchesSkipAndJSON(t *testing.T) {
	pieces := []string{`\n`, `\"`, `\\`, `\/`, `\b`, `\f`, `\r`, `\t`, `\u00e9`, `\u4e2d`, `\ud83d\ude00`, `\ud800`, `\udc00x`, `\ud800\u0041`, "é", "\x01", `\x`, `\u12`, `\`}
	for _, p := range pieces {
		for pre := 0; pre < 17; pre++ {
			for post := 0; post < 10; post++ {
				for _, tail := range []string{`"`, `", "id": "x"}`, ``} {
					data := []byte(`"` + strings.Repeat("a", pre) + p + strings.Repeat("b", post) + tail)
					end, ok := skipString(data, 0)
					var want string
					if ok {
						if err := json.Unmarshal(data[:end], &want); err != nil {
							t.Fatalf("%q: skipString accepts what encoding/json refuses: %v", data[:end], err)
						}
					}
					got, gend, gok := decodeString([]byte("old"), data, 0)
					if gok != ok || ok && (string(got) != "old"+want || gend != end) {
						t.Fatalf("%q: decodeString = %q, %d, %v; want %q, %d, %v", data, got, gend, gok, "old"+want, end, ok)
					}
					if u, uok := unquote(data[:max(end, 1)]); ok && (!uok || u != want) {
						t.Fatalf("%q: unquote = %q, %v; want %q", data[:end], u, uok, want)
					}
				}
			}
		}
	}
}
