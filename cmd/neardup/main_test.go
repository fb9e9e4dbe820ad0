package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// neardup runs the command line and returns its exit code and output.
func neardup(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"neardup"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/neardup -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("output differs from %s at line %d (if the change is right, rerun with -update and review the diff):\ngot:  %s\nwant: %s", path, i+1, g, w)
				break
			}
		}
	}
}

const seeds = "../../testdata/seeds"

func TestScanSeedsGolden(t *testing.T) {
	for _, c := range []struct{ format, file string }{{"text", "seeds.txt"}, {"json", "seeds.json"}, {"csv", "seeds.csv"}} {
		code, out, errs := neardup(t, "scan", "--format", c.format, seeds)
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d, stderr %q", c.format, code, errs)
		}
		golden(t, c.file, out)
	}
}

func TestCompareGolden(t *testing.T) {
	code, out, errs := neardup(t, "compare", seeds+"/000_a86943d9168e89d9.txt", seeds+"/003_c20ac59b2d2f44c9.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "compare.txt", out)
}

// TestCompareSharedPhrase: compare explains a pair that shares only a
// phrase, below the evidence floor, and shows the phrase as no evidence.
func TestCompareSharedPhrase(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	phrase := "for a proposed public offering of"
	for name, text := range map[string]string{
		a: "Acme Corp said it filed with regulators " + phrase + " two mln common shares priced near ten dlrs each.",
		b: "Widget Inc registered " + phrase + " bonds worth 40 mln dlrs, underwritten by First Boston.",
	} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := neardup(t, "compare", a, b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"not reported by scan", "0 shared passages", "1 shared phrases, not evidence (below --min-evidence 5 together)", "A: " + phrase + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = neardup(t, "compare", "--min-evidence", "1", a, b)
	if code != 0 || !strings.Contains(out, "reuse: shared passages") || strings.Contains(out, "not evidence") {
		t.Errorf("--min-evidence 1: exit %d, want the phrase as reuse evidence:\n%s", code, out)
	}
}

// TestCharacterDefaults: with --char-ngrams the passage floors default to
// character lengths (detect.DefaultsFor), and flags given still win.
func TestCharacterDefaults(t *testing.T) {
	for _, tc := range []struct {
		args               []string
		minPassage, minEvi int
	}{
		{nil, 1, 5},
		{[]string{"--char-ngrams", "7"}, 11, 44},
		{[]string{"--char-ngrams", "7", "--min-passage", "3"}, 3, 44},
		{[]string{"--char-ngrams", "7", "--min-evidence", "1"}, 11, 1},
		{[]string{"--min-passage", "2"}, 2, 5},
	} {
		code, out, errs := neardup(t, append(append([]string{"scan", "--format", "json"}, tc.args...), seeds)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errs)
		}
		var r struct {
			Params detect.Params `json:"params"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Params.MinPassage != tc.minPassage || r.Params.MinEvidence != tc.minEvi {
			t.Errorf("%v: min_passage %d, min_evidence %d; want %d, %d", tc.args, r.Params.MinPassage, r.Params.MinEvidence, tc.minPassage, tc.minEvi)
		}
	}
}

// TestCharacterIndex: an index built in character n-grams gives, to later
// commands that do not repeat --char-ngrams, the pairs that a scan in
// character n-grams reports, with their passage floors (not word ones).
func TestCharacterIndex(t *testing.T) {
	db := filepath.Join(t.TempDir(), "char.idx")
	if code, _, errs := neardup(t, "index", "add", "-q", "--char-ngrams", "7", "--db", db, seeds); code != 0 {
		t.Fatal(errs)
	}
	_, scan, _ := neardup(t, "scan", "-q", "--char-ngrams", "7", "--format", "csv", seeds)
	code, pairs, errs := neardup(t, "index", "pairs", "-q", "--db", db, "--format", "csv")
	if code != 0 {
		t.Fatalf("index pairs: exit %d: %s", code, errs)
	}
	if pairs != scan {
		t.Errorf("index pairs of a character index:\n%s\nscan --char-ngrams 7:\n%s", pairs, scan)
	}
	if n := len(pairRows(t, scan)); n != 1 {
		t.Errorf("scan --char-ngrams 7: %d lines, want a header and 000/003:\n%s", n, scan)
	}
}

// TestJSONContract checks the fields README.md promises.
func TestJSONContract(t *testing.T) {
	_, out, _ := neardup(t, "scan", "--format", "json", seeds)
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"params", "documents", "pairs", "clusters", "warnings"} {
		if _, ok := r[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	p := r["pairs"].([]any)[0].(map[string]any)
	for _, k := range []string{"a", "b", "score", "jaccard", "containment_a", "containment_b", "kind", "passages", "direction", "direction_reason"} {
		if _, ok := p[k]; !ok {
			t.Errorf("pair has no %q", k)
		}
	}
	ps := p["passages"].([]any)[0].(map[string]any)
	for _, k := range []string{"text", "a", "b", "words"} {
		if _, ok := ps[k]; !ok {
			t.Errorf("passage has no %q", k)
		}
	}
	// 000 and 003 both carry AFP copy, neither all of the other's: the
	// pair's direction is common and the cluster names no source.
	c := r["clusters"].([]any)[0].(map[string]any)
	if _, ok := c["members"]; !ok || c["source"] != nil || p["direction"] != "common" {
		t.Errorf("cluster %v, direction %v", c, p["direction"])
	}
	params := r["params"].(map[string]any)
	for _, k := range []string{"banding", "candidate_probability_at_threshold", "window", "passage_hashes"} {
		if _, ok := params[k]; !ok {
			t.Errorf("params has no %q", k)
		}
	}
}

func TestDeterministicOutput(t *testing.T) {
	_, one, _ := neardup(t, "scan", "--format", "json", "--workers", "1", seeds)
	_, four, _ := neardup(t, "scan", "--format", "json", "--workers", "4", seeds)
	if one != four {
		t.Error("output depends on the worker count")
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"scan"}, 2, "needs at least one PATH"},
		{[]string{"scan", "--format", "xml", seeds}, 2, "choose text, json or csv"},
		{[]string{"scan", "--bogus", seeds}, 2, "flag provided but not defined"},
		{[]string{"scan", "--threshold", "2", seeds}, 2, "threshold"},
		{[]string{"scan", "/no/such/dir"}, 2, "/no/such/dir"},
		{[]string{"compare", seeds + "/000_a86943d9168e89d9.txt"}, 2, "two files"},
		{[]string{"frobnicate"}, 2, ""},
		{[]string{"scan", "-q", seeds}, 0, ""},
		{[]string{"--help"}, 0, ""},
	}
	for _, tc := range tests {
		code, _, errs := neardup(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.err) {
			t.Errorf("%q: exit %d, stderr %q; want %d with %q", tc.args, code, errs, tc.code, tc.err)
		}
	}
}

// TestBadFilesDoNotStopTheScan runs the seeds with bad files beside them.
func TestBadFilesDoNotStopTheScan(t *testing.T) {
	dir := t.TempDir()
	entries, _ := os.ReadDir(seeds)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(seeds, e.Name()))
		os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "binary.txt"), []byte("\x00\x01\x02"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.jsonl"), []byte("{\"id\": \"x\", \"text\": \"ok text\"}\n{broken\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.txt.gz"), []byte("\x1f\x8bnot gzip"), 0o644)
	os.WriteFile(filepath.Join(dir, "dup.jsonl"), []byte("{\"id\": \"x\", \"text\": \"other text\"}\n"), 0o644)
	code, out, errs := neardup(t, "scan", "--format", "json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, name := range []string{"empty.txt", "binary.txt", "bad.jsonl:2", "bad.txt.gz", "bad.jsonl:1;"} {
		if strings.Count(errs, name) != 1 {
			t.Errorf("stderr should name %s once:\n%s", name, errs)
		}
	}
	if !strings.Contains(errs, `dup.jsonl:1: duplicate document id "x", first read from `) {
		t.Errorf("no warning of the duplicate id:\n%s", errs)
	}
	var r struct {
		Documents []struct{ ID string }
		Pairs     []struct{ A, B string }
		Warnings  []string
	}
	json.Unmarshal([]byte(out), &r)
	if len(r.Documents) != 6 || len(r.Pairs) != 1 || len(r.Warnings) != 5 {
		t.Errorf("%d documents, %d pairs, %d warnings", len(r.Documents), len(r.Pairs), len(r.Warnings))
	}
}

func TestMatrixAndOutputFile(t *testing.T) {
	dir := t.TempDir()
	m, o := filepath.Join(dir, "m.csv"), filepath.Join(dir, "out.json")
	if code, _, errs := neardup(t, "scan", "-q", "--matrix", m, "--format", "json", "-o", o, seeds); code != 0 {
		t.Fatal(errs)
	}
	data, _ := os.ReadFile(m)
	golden(t, "seeds-matrix.csv", string(data))
	if code, _, _ := neardup(t, "scan", "-q", "--matrix", m, "--dense-max", "2", seeds); code != 0 {
		t.Fatal("sparse matrix failed")
	}
	data, _ = os.ReadFile(m)
	_, pairsCSV, _ := neardup(t, "scan", "-q", "--format", "csv", seeds)
	row := strings.Split(pairRows(t, pairsCSV)[0], ",") // a,b,kind,score
	if want := "a,b,score\n" + row[0] + "," + row[1] + "," + row[3] + "\n"; string(data) != want {
		t.Errorf("sparse matrix:\n%s\nwant:\n%s", data, want)
	}
	if fi, err := os.Stat(o); err != nil || fi.Size() == 0 {
		t.Errorf("-o: %v", err)
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "r.json")
	neardup(t, "scan", "-q", "--format", "json", "--min-score", "0", "-o", res, seeds)
	truth := filepath.Join(dir, "truth.tsv")
	os.WriteFile(truth, []byte("a\tb\tis_reuse\n003_c20ac59b2d2f44c9.txt\t000_a86943d9168e89d9.txt\t1\n001_738776c30edf6c3b.txt\t002_15e53ee8a311c0d5.txt\t0\n"), 0o644)
	code, out, errs := neardup(t, "eval", "--truth", truth, res)
	if code != 0 || !strings.Contains(out, "precision 1.0000  recall 1.0000") || !strings.Contains(out, "ROC AUC 1.0000") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}

func TestIndexCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "seeds.idx")
	entries, _ := os.ReadDir(seeds)
	var files []string
	for _, e := range entries {
		files = append(files, filepath.Join(seeds, e.Name()))
	}
	if code, _, errs := neardup(t, "index", "add", "-q", "--db", db, files[0], files[1], files[2]); code != 0 {
		t.Fatal(errs)
	}
	// 003 matches 000 in the index: --fail-on-match exits 1.
	code, out, _ := neardup(t, "check", "-q", "--db", db, "--fail-on-match", "--format", "csv", files[3])
	if code != 1 || !hasPair(t, out, "000_a86943d9168e89d9.txt,003_c20ac59b2d2f44c9.txt,indexed,new,reuse") {
		t.Errorf("check 003: exit %d\n%s", code, out)
	}
	// 004 matches nothing.
	if code, _, errs := neardup(t, "check", "-q", "--db", db, "--fail-on-match", files[4]); code != 0 {
		t.Errorf("check 004: exit %d: %s", code, errs)
	}
	// Other parameters: a clear error saying how to rebuild.
	code, _, errs := neardup(t, "check", "-q", "--db", db, "-k", "7", files[4])
	if code != 2 || !strings.Contains(errs, "rebuild") {
		t.Errorf("k=7 against a k=5 index: exit %d: %s", code, errs)
	}
	code, out, _ = neardup(t, "index", "stats", "--db", db)
	if code != 0 || !strings.Contains(out, "documents: 3") {
		t.Errorf("stats: %s", out)
	}
	if code, out, _ := neardup(t, "index", "remove", "--db", db, "000_a86943d9168e89d9.txt"); code != 0 || !strings.Contains(out, "removed 1 of 1") {
		t.Errorf("remove: %s", out)
	}
	if code, _, _ := neardup(t, "check", "-q", "--db", db, "--fail-on-match", files[3]); code != 0 {
		t.Error("a removed document still matched")
	}
	if code, _, errs := neardup(t, "check", "--db", filepath.Join(t.TempDir(), "none.idx"), files[3]); code != 2 || !strings.Contains(errs, "no neardup index at") {
		t.Errorf("missing index: exit %d: %s", code, errs)
	}
}

// TestNightlyArchive gives the whole archive again, as a nightly job
// does: a new article that sorts before the indexed one it copies is
// found by check (exit 1 with --fail-on-match) and by index add, and the
// stream of documents leaves out a repeated id and a bad file with
// warnings.
func TestNightlyArchive(t *testing.T) {
	dir, db := t.TempDir(), filepath.Join(t.TempDir(), "x.idx")
	src, _ := os.ReadFile(filepath.Join(seeds, "000_a86943d9168e89d9.txt"))
	other, _ := os.ReadFile(filepath.Join(seeds, "004_dca1ace3defc5cb9.txt"))
	os.WriteFile(filepath.Join(dir, "m-wire.txt"), src, 0o644)
	os.WriteFile(filepath.Join(dir, "z-other.txt"), other, 0o644)
	if code, _, errs := neardup(t, "index", "add", "-q", "--db", db, dir); code != 0 {
		t.Fatal(errs)
	}
	// The night's new articles: a copy of the wire story, whose id sorts
	// first, the same id again in a JSON file, and a binary file.
	os.WriteFile(filepath.Join(dir, "a-copy.txt"), append(src, "\nReporting by our correspondent.\n"...), 0o644)
	os.WriteFile(filepath.Join(dir, "b.jsonl"), []byte(`{"id":"a-copy.txt","text":"another text"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.txt"), []byte{0, 1, 2, 3, 0, 0, 7}, 0o644)
	const pair = "a-copy.txt,m-wire.txt,new,indexed,near-duplicate"
	code, out, errs := neardup(t, "check", "--db", db, "--fail-on-match", "--format", "csv", dir)
	if code != 1 || !hasPair(t, out, pair) || !strings.Contains(errs, "3 documents: 1 new, 0 changed, 2 unchanged; 1 pair") {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
	for _, w := range []string{`duplicate document id "a-copy.txt"`, "c.txt: binary"} {
		if !strings.Contains(errs, w) {
			t.Errorf("check: no warning %q:\n%s", w, errs)
		}
	}
	code, out, errs = neardup(t, "index", "add", "--db", db, "--format", "csv", dir)
	if code != 0 || !hasPair(t, out, pair) || !strings.Contains(errs, "3 documents: 1 new, 0 changed, 2 unchanged; 1 pair") {
		t.Errorf("add: exit %d\n%s%s", code, out, errs)
	}
}

// TestRereadingSource checks that a scan that reads texts again from disk
// (as for corpora too large to hold) reports what one holding them does.
func TestRereadingSource(t *testing.T) {
	dir := t.TempDir()
	// Files of several kinds, so that each is read again its own way.
	entries, _ := os.ReadDir(seeds)
	var lines []string
	for i, e := range entries {
		data, _ := os.ReadFile(filepath.Join(seeds, e.Name()))
		if i%2 == 0 {
			os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644)
		} else {
			b, _ := json.Marshal(map[string]string{"id": e.Name(), "text": string(data)})
			lines = append(lines, string(b))
		}
	}
	os.WriteFile(filepath.Join(dir, "more.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	run := func(keep int) *detect.Result {
		con := &console{w: io.Discard, quiet: true}
		src := newFileSource(con, &corpus.Reader{}, []string{dir})
		src.keep = keep
		res, err := detect.Scan(context.Background(), src, detect.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	held, reread := run(keepBytes), run(0)
	if len(held.Pairs) != 1 || !reflect.DeepEqual(held.Pairs, reread.Pairs) {
		t.Errorf("pairs differ:\n%+v\n%+v", held.Pairs, reread.Pairs)
	}
}

// TestIDSet checks the set of ids against a map of the strings, with the
// real hash and with one that makes most ids collide.
func TestIDSet(t *testing.T) {
	for _, weak := range []bool{false, true} {
		s := newIDSet()
		if weak {
			s.hash = func(id string) uint64 { return uint64(len(id) % 3) }
		}
		want := map[string]int{}
		n := 0
		for k := range 3000 {
			id := fmt.Sprintf("doc-%d", (k*7919)%1200) // each id comes back
			i, seen := s.add(id, n)
			w, ok := want[id]
			if seen != ok || ok && i != w {
				t.Fatalf("weak=%v: add(%q) = %d, %v; want %d, %v", weak, id, i, seen, w, ok)
			}
			if !ok {
				want[id] = n
				n++
			}
		}
		if n != 1200 {
			t.Fatalf("weak=%v: %d distinct ids, want 1200", weak, n)
		}
	}
}

// pairRows parses a CSV report and returns a row for each pair: its ids,
// statuses (for a run against an index), kind and score, joined by
// commas, the columns tests name pairs by.
func pairRows(t *testing.T, out string) []string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("not a CSV report (%v):\n%s", err, out)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	names := []string{"a", "b", "kind", "score"}
	if _, ok := col["status_a"]; ok {
		names = []string{"a", "b", "status_a", "status_b", "kind", "score"}
	}
	var rows []string
	for _, r := range recs[1:] {
		var f []string
		for _, n := range names {
			f = append(f, r[col[n]])
		}
		rows = append(rows, strings.Join(f, ","))
	}
	return rows
}

// hasPair reports whether the CSV report out has a pair whose row, as
// pairRows writes it, starts with prefix.
func hasPair(t *testing.T, out, prefix string) bool {
	t.Helper()
	for _, r := range pairRows(t, out) {
		if strings.HasPrefix(r, prefix+",") {
			return true
		}
	}
	return false
}

// TestCompareInCorpus: compare --corpus takes both documents from a
// corpus, a directory or JSON Lines, with its stock phrases, and gives the
// score scan gives the pair (compare of the two files alone has no stock
// phrases, and another).
func TestCompareInCorpus(t *testing.T) {
	_, scanOut, _ := neardup(t, "scan", "-q", "--format", "csv", seeds)
	scanScore, _ := strconv.ParseFloat(strings.Split(pairRows(t, scanOut)[0], ",")[3], 64) // a,b,kind,score
	want := fmt.Sprintf("%.3f", scanScore)
	score := func(out string) string {
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "score" {
				return f[1]
			}
		}
		return ""
	}
	code, out, errs := neardup(t, "compare", "--corpus", seeds, "000_a86943d9168e89d9.txt", "003_c20ac59b2d2f44c9.txt")
	if code != 0 || score(out) != want || want != "0.177" {
		t.Errorf("compare --corpus: exit %d, score %q, scan's %q\n%s%s", code, score(out), want, out, errs)
	}
	_, alone, _ := neardup(t, "compare", filepath.Join(seeds, "000_a86943d9168e89d9.txt"), filepath.Join(seeds, "003_c20ac59b2d2f44c9.txt"))
	if score(alone) == score(out) {
		t.Errorf("the two files alone score as in the corpus (%s): the test shows nothing", score(alone))
	}
	// Two ids of a JSON Lines archive.
	entries, _ := os.ReadDir(seeds)
	var docs []map[string]string
	for _, e := range entries {
		text, _ := os.ReadFile(filepath.Join(seeds, e.Name()))
		docs = append(docs, map[string]string{"doc_id": e.Name()[:3], "text": string(text)})
	}
	archive := filepath.Join(t.TempDir(), "archive.jsonl")
	writeJSONL(t, archive, docs)
	code, out, errs = neardup(t, "compare", "--corpus", archive, "--id-field", "doc_id", "003", "000")
	if code != 0 || score(out) != want {
		t.Errorf("compare --corpus of JSON Lines: exit %d, score %q\n%s%s", code, score(out), out, errs)
	}
	if code, _, errs := neardup(t, "compare", "--corpus", archive, "--id-field", "doc_id", "000", "999"); code != exitUsage || !strings.Contains(errs, `no document "999"`) {
		t.Errorf("an id not in the corpus: exit %d, %s", code, errs)
	}
}

// TestOutputToDevice: -o /dev/null (or a pipe) is written as it is, never
// replaced by a renamed file, which would turn the device into a file.
func TestOutputToDevice(t *testing.T) {
	before, err := os.Stat(os.DevNull)
	if err != nil || before.Mode()&os.ModeDevice == 0 {
		t.Skip("no /dev/null device here")
	}
	for _, flag := range []string{"-o", "--matrix", "--html"} {
		if code, _, errs := neardup(t, "scan", "-q", flag, os.DevNull, seeds); code != 0 {
			t.Fatalf("%s %s: exit %d: %s", flag, os.DevNull, code, errs)
		}
		after, err := os.Stat(os.DevNull)
		if err != nil || after.Mode() != before.Mode() {
			t.Fatalf("%s %s turned it into %v (%v)", flag, os.DevNull, after.Mode(), err)
		}
	}
}
