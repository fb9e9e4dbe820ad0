package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

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

// runAsMain runs neardup as a separate process with stdin as its input.
func runAsMain(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), "NEARDUP_AS_MAIN=1")
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Run()
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// TestStandardInput gives the seeds on standard input in every format,
// named by --input-format and sniffed: the pairs are those of the files.
func TestStandardInput(t *testing.T) {
	docs := seedDocs(t)
	var jsonl bytes.Buffer
	for _, d := range docs {
		l, _ := json.Marshal(d)
		jsonl.Write(append(l, '\n'))
	}
	array, _ := json.Marshal(docs)
	_, want, _ := neardup(t, "scan", "-q", "--format", "csv", seeds)
	for _, c := range []struct {
		format string
		data   []byte
	}{{"jsonl", jsonl.Bytes()}, {"json", array}} {
		for _, named := range []bool{true, false} {
			args := []string{"scan", "-q", "--format", "csv"}
			if named {
				args = append(args, "--input-format", c.format)
			}
			code, got, errs := runAsMain(t, c.data, append(args, "-")...)
			if code != 0 || !slices.Equal(pairRows(t, got), pairRows(t, want)) {
				t.Errorf("%s on stdin (named: %v): exit %d\n%s\nwant\n%s%s", c.format, named, code, got, want, errs)
			}
		}
	}
	// One document a stream: text, Markdown, HTML, each beside the seed it
	// copies, as the other side of the 000/003 pair.
	text, _ := os.ReadFile(filepath.Join(seeds, "003_c20ac59b2d2f44c9.txt"))
	html := "<html><head><title>t</title></head><body><p>" + strings.ReplaceAll(string(text), "\n\n", "</p><p>") + "</p></body></html>"
	for format, data := range map[string]string{"txt": string(text), "md": "---\ntitle: x\n---\n" + string(text), "html": html} {
		for _, named := range []bool{true, false} {
			args := []string{"scan", "-q", "--format", "csv"}
			if named {
				args = append(args, "--input-format", format)
			}
			code, got, errs := runAsMain(t, []byte(data), append(args, "-", filepath.Join(seeds, "000_a86943d9168e89d9.txt"))...)
			if code != 0 || !hasPair(t, got, "000_a86943d9168e89d9.txt,stdin,reuse") {
				t.Errorf("%s on stdin (named: %v): exit %d\n%s%s", format, named, code, got, errs)
			}
		}
	}
	if code, _, errs := runAsMain(t, nil, "scan", "--input-format", "xml", "-"); code != 2 || !strings.Contains(errs, "choose one of") {
		t.Errorf("--input-format xml: exit %d: %s", code, errs)
	}
}

// TestReutersOnStandardInput pipes the Reuters corpus into scan: the
// same pairs as the file.
func TestReutersOnStandardInput(t *testing.T) {
	reuters := shared(t, "corpora/reuters21578/docs.jsonl")
	data, err := os.ReadFile(reuters)
	if err != nil {
		t.Fatal(err)
	}
	_, fromFile, _ := runAsMain(t, nil, "scan", "-q", "--id-field", "doc_id", "--format", "csv", reuters)
	code, fromStdin, errs := runAsMain(t, data, "scan", "-q", "--id-field", "doc_id", "--format", "csv", "-")
	if code != 0 || fromStdin != fromFile || len(pairRows(t, fromFile)) < 20000 {
		t.Errorf("exit %d: %d pairs from stdin, %d from the file: %s", code, len(pairRows(t, fromStdin)), len(pairRows(t, fromFile)), errs)
	}
}

// TestFIFO reads a named pipe: with a writer, as a file; without one, an
// interrupt ends the wait at once (exit 130); inside a directory, it is
// skipped with a warning.
func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "today.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	text, _ := os.ReadFile(filepath.Join(seeds, "003_c20ac59b2d2f44c9.txt"))
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write(text)
			f.Close()
		}
	}()
	code, out, errs := runAsMain(t, nil, "scan", "-q", "--format", "csv", fifo, filepath.Join(seeds, "000_a86943d9168e89d9.txt"))
	if code != 0 || !hasPair(t, out, "000_a86943d9168e89d9.txt,today.txt,reuse") {
		t.Errorf("a FIFO with a writer: exit %d\n%s%s", code, out, errs)
	}
	// No writer: the open blocks until the interrupt.
	self, _ := os.Executable()
	cmd := exec.Command(self, "scan", "-q", fifo)
	cmd.Env = append(os.Environ(), "NEARDUP_AS_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("interrupted while waiting for a writer: exit %d", code)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Error("an interrupt did not end the wait for a writer")
	}
	// In a directory: skipped, with a warning, the rest read.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	syscall.Mkfifo(filepath.Join(sub, "pipe.txt"), 0o644)
	os.WriteFile(filepath.Join(sub, "a.txt"), text, 0o644)
	os.WriteFile(filepath.Join(sub, "b.txt"), text, 0o644)
	code, out, errs = runAsMain(t, nil, "scan", "--format", "csv", sub)
	if code != 0 || !hasPair(t, out, "a.txt,b.txt,duplicate") || !strings.Contains(errs, "pipe.txt: not a regular file: skipped") {
		t.Errorf("a FIFO in a directory: exit %d\n%s%s", code, out, errs)
	}
}

// TestMaxBytesIsPerDocument reads a JSON array larger than --max-bytes
// whose elements are all smaller: every one is read; one element over it
// is left out with a warning; a file over --max-file-bytes is refused.
func TestMaxBytesIsPerDocument(t *testing.T) {
	docs := seedDocs(t)
	big := map[string]string{"id": "big", "text": strings.Repeat("word ", 4000)}
	array, _ := json.Marshal(append(docs, big))
	path := filepath.Join(t.TempDir(), "all.json")
	os.WriteFile(path, array, 0o644)
	code, out, errs := neardup(t, "scan", "--format", "json", "--max-bytes", "15000", path)
	var res struct{ Documents []any }
	json.Unmarshal([]byte(out), &res)
	if code != 0 || len(res.Documents) != len(docs) || !strings.Contains(errs, "array element 5: larger than the size limit") {
		t.Errorf("exit %d, %d documents (want %d)\n%s", code, len(res.Documents), len(docs), errs)
	}
	code, _, errs = neardup(t, "scan", "--max-file-bytes", "12000", path, seeds)
	if code != 0 || !strings.Contains(errs, "for a file (--max-file-bytes)") {
		t.Errorf("--max-file-bytes: exit %d: %s", code, errs)
	}
}
