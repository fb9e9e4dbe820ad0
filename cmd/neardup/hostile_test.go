package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestWarningBomb scans a gzipped file of a few KB that expands to
// millions of bad lines: memory stays flat, the report keeps the first
// 1,000 warnings and counts the rest by kind.
func TestWarningBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 4 million lines")
	}
	dir := t.TempDir()
	bomb := filepath.Join(dir, "bomb.jsonl.gz")
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	line := []byte("{}\n")
	for range 4_000_000 {
		zw.Write(line)
	}
	zw.Close()
	os.WriteFile(bomb, b.Bytes(), 0o644)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.json")
	cmd := exec.Command(self, "scan", "-q", "--format", "json", "-o", out, bomb, seeds)
	cmd.Env = append(os.Environ(), "NEARDUP_AS_MAIN=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	var res struct {
		Warnings []string
		Pairs    []any
	}
	data, _ := os.ReadFile(out)
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d KB of gzip: peak RSS %d MiB", b.Len()>>10, peak>>20)
	if peak > 200<<20 {
		t.Errorf("peak RSS %d MiB, want under 200", peak>>20)
	}
	if len(res.Warnings) != 1001 || !strings.HasPrefix(res.Warnings[1000], "and 3999000 more: no text field × 3999000") || len(res.Pairs) != 1 {
		t.Errorf("%d warnings, the last %q; %d pairs", len(res.Warnings), res.Warnings[len(res.Warnings)-1], len(res.Pairs))
	}
}

// TestHostileIDs scans documents whose ids are a spreadsheet formula and
// a terminal escape sequence with a forged line: the CSV and the matrix
// hold them as inert text, and the text report keeps each on its line
// with its control characters escaped.
func TestHostileIDs(t *testing.T) {
	dir := t.TempDir()
	text, _ := os.ReadFile(filepath.Join(seeds, "000_a86943d9168e89d9.txt"))
	formula, escape := "=cmd|' /C calc'!A0", "@x\x1b[2J\nreuse          1.000  forged ~ pair"
	var lines []string
	for _, id := range []string{formula, escape, "+plain"} {
		l, _ := json.Marshal(map[string]string{"id": id, "text": string(text), "title": "t\x1b]0;title\x07"})
		lines = append(lines, string(l))
	}
	src := filepath.Join(dir, "h.jsonl")
	os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	matrix := filepath.Join(dir, "m.csv")
	code, csvOut, errs := neardup(t, "scan", "-q", "--format", "csv", "--matrix", matrix, src)
	if code != 0 {
		t.Fatal(errs)
	}
	m, _ := os.ReadFile(matrix)
	for what, out := range map[string]string{"CSV": csvOut, "matrix": string(m)} {
		for _, cell := range strings.FieldsFunc(out, func(r rune) bool { return r == ',' || r == '\n' }) {
			cell = strings.TrimPrefix(cell, `"`)
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s: a cell starts with %q: %q", what, cell[0], cell)
			}
		}
		if !strings.Contains(out, "'=cmd|' /C calc'!A0") {
			t.Errorf("%s: the formula id is not there, neutralised:\n%s", what, out)
		}
	}
	_, text2, _ := neardup(t, "scan", "-q", src)
	if strings.ContainsAny(text2, "\x1b\x07") || strings.Contains(text2, "\nreuse          1.000  forged") {
		t.Errorf("the text report carries control characters or a forged line:\n%s", text2)
	}
	if !strings.Contains(text2, `@x\x1b[2J\nreuse`) {
		t.Errorf("the escape id is not shown escaped:\n%s", text2)
	}
}

// TestOutputsFirst names an output in a directory that does not exist:
// the run fails on it before it reads anything. A run that fails leaves
// an earlier report in place and no temporary file beside it.
func TestOutputsFirst(t *testing.T) {
	dir := t.TempDir()
	for _, flag := range []string{"-o", "--html", "--matrix"} {
		code, _, errs := neardup(t, "scan", "-q", flag, filepath.Join(dir, "missing", "r"), "/no/such/input")
		if code != 2 || !strings.Contains(errs, strings.TrimLeft(flag, "-")) || strings.Contains(errs, "/no/such/input") {
			t.Errorf("%s to a missing directory: exit %d: %s", flag, code, errs)
		}
	}
	old := filepath.Join(dir, "report.json")
	os.WriteFile(old, []byte("yesterday"), 0o644)
	if code, _, _ := neardup(t, "scan", "-q", "-o", old, "/no/such/input"); code != 2 {
		t.Errorf("a missing input: exit %d", code)
	}
	if data, _ := os.ReadFile(old); string(data) != "yesterday" {
		t.Errorf("a failed run changed the earlier report: %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed run left files behind: %v", entries)
	}
	if code, _, errs := neardup(t, "scan", "-q", "--format", "json", "-o", old, seeds); code != 0 {
		t.Fatal(errs)
	}
	if data, _ := os.ReadFile(old); !strings.HasPrefix(string(data), "{") {
		t.Errorf("the report was not written: %.80q", data)
	}
}
