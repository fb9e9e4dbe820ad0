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
