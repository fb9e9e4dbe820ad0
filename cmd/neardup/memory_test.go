package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// peakRSS runs cmd and returns its peak resident set, VmHWM, read from
// /proc as it runs: a high-water mark, so the last reading is the peak
// but for its last milliseconds. (getrusage's Maxrss of a child counts
// the parent's resident set at the fork, whatever the child uses.)
func peakRSS(cmd *exec.Cmd) (int64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var peak int64
	for {
		if data, err := os.ReadFile(status); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					peak = max(peak, kb<<10)
				}
			}
		}
		select {
		case err := <-done:
			return peak, err
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// TestWarningBomb scans a gzipped file of a few KB that expands to
// millions of bad lines: memory stays flat, the report keeps the first
// corpus.MaxWarnings warnings and counts the rest by kind.
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
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	peak, err := peakRSS(cmd)
	if err != nil {
		t.Fatalf("%v: %s", err, msg.String())
	}
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
