package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/internal/redistest"
)

// TestMain lets the test binary act as neardup, so tests can run it as a
// separate process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("NEARDUP_AS_MAIN") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, append([]string{"neardup"}, os.Args[1:]...), os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func writeCorpus(t *testing.T, n int) (string, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	f, _ := os.Create(path)
	enc := json.NewEncoder(f)
	var ids []string
	var shared string
	for i := 0; i < n; i++ {
		text := ""
		for w := 0; w < 120+rng.IntN(120); w++ {
			text += fmt.Sprintf("w%d ", rng.IntN(20000))
		}
		if i%50 == 0 {
			shared = text[:300]
		} else if i%50 == 1 {
			text = shared + text // planted reuse
		}
		id := fmt.Sprintf("doc%05d", i)
		ids = append(ids, id)
		enc.Encode(map[string]string{"id": id, "text": text})
	}
	f.Close()
	return path, ids
}

// TestKillIndexAdd kills "index add" at random moments, 20 times: each
// time the index opens and holds exactly the documents of the
// transactions committed, in input order; a rerun completes the job with
// no duplicates and the pairs of a batch scan.
func TestKillIndexAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 processes")
	}
	const total, batch = 3000, 100
	corpusPath, ids := writeCorpus(t, total)
	db := filepath.Join(t.TempDir(), "kill.idx")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// How long a whole run takes here: kills land within it.
	start := time.Now()
	if code, _, errs := neardup(t, "index", "add", "-q", "--batch", strconv.Itoa(batch), "--db", filepath.Join(t.TempDir(), "timing.idx"), corpusPath); code != 0 {
		t.Fatalf("timing run: exit %d: %s", code, errs)
	}
	whole := time.Since(start)
	rng := rand.New(rand.NewPCG(11, 12))
	committedRE := regexp.MustCompile(`^committed (\d+)$`)
	kills := 0
	for round := 0; round < 40 && kills < 20; round++ {
		cmd := exec.Command(self, "index", "add", "-q", "--verbose", "--batch", strconv.Itoa(batch), "--db", db, corpusPath)
		cmd.Env = append(os.Environ(), "NEARDUP_AS_MAIN=1")
		cmd.Stdout = nil
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		seen := make(chan int, 1000)
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				if m := committedRE.FindStringSubmatch(sc.Text()); m != nil {
					n, _ := strconv.Atoi(m[1])
					seen <- n
				}
			}
			close(seen)
		}()
		time.Sleep(20*time.Millisecond + time.Duration(rng.Float64()*0.6*float64(whole)))
		killed := cmd.Process.Signal(syscall.SIGKILL) == nil
		cmd.Wait()
		last := 0
		for n := range seen {
			last = n
		}
		if !killed || last == total {
			if last == total {
				// Finished before the kill: start over with a new index.
				os.Remove(db)
			}
			continue
		}
		kills++
		// The index opens, and holds a prefix of the input in whole
		// transactions, at least what was reported committed.
		s, err := index.OpenBolt(db, index.BoltOptions{ReadOnly: true, LockWait: time.Second})
		if errors.Is(err, index.ErrNoIndex) && last == 0 {
			t.Logf("kill %d before the first transaction: %v", kills, err)
			continue
		}
		if err != nil {
			t.Fatalf("kill %d: index does not open: %v", kills, err)
		}
		x, err := index.Open(context.Background(), s, detect.Defaults())
		if err != nil {
			t.Fatalf("kill %d: %v", kills, err)
		}
		docs, err := x.Documents(context.Background())
		x.Close()
		if err != nil {
			t.Fatalf("kill %d: reading documents: %v", kills, err)
		}
		var got []string
		for _, d := range docs {
			got = append(got, d.ID)
		}
		if len(got) < last || (len(got)%batch != 0 && len(got) != total) || !slices.Equal(got, ids[:len(got)]) {
			t.Fatalf("kill %d: %d documents after %d reported committed; not whole transactions of the input's start", kills, len(got), last)
		}
		t.Logf("kill %d after %d committed: index holds %d", kills, last, len(got))
		if len(got) > total/3 {
			os.Remove(db) // start over, so that the next kill lands mid-run too
		}
	}
	if kills < 20 {
		t.Fatalf("only %d kills landed mid-run", kills)
	}
	// A rerun completes the job.
	if code, _, errs := neardup(t, "index", "add", "-q", "--db", db, corpusPath); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errs)
	}
	s, _ := index.OpenBolt(db, index.BoltOptions{ReadOnly: true, LockWait: time.Second})
	x, _ := index.Open(context.Background(), s, detect.Defaults())
	docs, _ := x.Documents(context.Background())
	x.Close()
	if len(docs) != total {
		t.Fatalf("after the rerun: %d documents, want %d", len(docs), total)
	}
	_, indexed, _ := neardup(t, "index", "pairs", "--db", db, "--format", "csv")
	_, scanned, _ := neardup(t, "scan", "-q", "--format", "csv", corpusPath)
	if indexed != scanned {
		t.Errorf("pairs of the index differ from a scan of the corpus:\n%.300s\n%.300s", indexed, scanned)
	}
	var docsRead []corpus.Doc
	(&corpus.Reader{}).Walk(context.Background(), []string{corpusPath}, func(d corpus.Doc) error { docsRead = append(docsRead, d); return nil })
	if len(docsRead) != total {
		t.Fatal("corpus not read back")
	}
}

// TestConcurrentRedisAdd runs four "index add" processes at once against
// one Redis index: every document ends up there, and the index's pairs
// are those of a batch scan.
func TestConcurrentRedisAdd(t *testing.T) {
	url := redistest.Start(t)
	if url == "" {
		t.Skip("no redis-server")
	}
	const each = 300
	corpusPath, ids := writeCorpus(t, 4*each)
	dir := t.TempDir()
	// Split the corpus into four files, one a process.
	data, _ := os.ReadFile(corpusPath)
	lines := regexp.MustCompile("\n").Split(string(data), -1)
	var parts []string
	for p := 0; p < 4; p++ {
		name := filepath.Join(dir, fmt.Sprintf("part%d.jsonl", p))
		var chunk string
		for _, l := range lines[p*each : (p+1)*each] {
			chunk += l + "\n"
		}
		os.WriteFile(name, []byte(chunk), 0o644)
		parts = append(parts, name)
	}
	self, _ := os.Executable()
	db := url + "/1"
	var cmds []*exec.Cmd
	for _, part := range parts {
		cmd := exec.Command(self, "index", "add", "-q", "--batch", "50", "--db", db, part)
		cmd.Env = append(os.Environ(), "NEARDUP_AS_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("a writer failed: %v", err)
		}
	}
	code, stats, errs := neardup(t, "index", "stats", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatal(errs)
	}
	var st struct{ Documents int }
	json.Unmarshal([]byte(stats), &st)
	if st.Documents != len(ids) {
		t.Fatalf("%d documents in the index, want %d", st.Documents, len(ids))
	}
	_, indexed, _ := neardup(t, "index", "pairs", "--db", db, "--format", "csv")
	_, scanned, _ := neardup(t, "scan", "-q", "--format", "csv", corpusPath)
	if indexed != scanned || len(indexed) < 200 {
		t.Errorf("pairs of the Redis index differ from a scan:\n%.300s\n%.300s", indexed, scanned)
	}
}
