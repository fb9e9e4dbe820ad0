package main

import (
	"bufio"
	"compress/gzip"
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
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/index"
	"github.com/neardup/neardup/internal/redistest"
	"github.com/redis/go-redis/v9"
	bolt "go.etcd.io/bbolt"
)

// seedDocs returns the seeds as JSON objects with ids and texts.
func seedDocs(t *testing.T) []map[string]string {
	t.Helper()
	entries, err := os.ReadDir(seeds)
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(seeds, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, map[string]string{"id": e.Name(), "text": string(data), "source": "outlet " + e.Name()[:3]})
	}
	return docs
}

func writeJSONL(t *testing.T, path string, docs []map[string]string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	var b strings.Builder
	for _, d := range docs {
		line, _ := json.Marshal(d)
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestYesterdayGivenAgain indexes a nightly dump, then gives the same
// documents again as a user's cron job might: renamed, in another
// directory, reordered, as a JSON array, gzipped, with other white
// space. None of them is new or changed, nothing is reported, and check
// --fail-on-match exits 0.
func TestYesterdayGivenAgain(t *testing.T) {
	docs := seedDocs(t)
	dir := t.TempDir()
	day1 := filepath.Join(dir, "day1.jsonl")
	writeJSONL(t, day1, docs)
	db := filepath.Join(dir, "news.idx")
	code, out, errs := neardup(t, "index", "add", "--db", db, "--format", "json", day1)
	if code != 0 || !strings.Contains(out, `"new": 5`) || !strings.Contains(out, `"pairs": 1`) {
		t.Fatalf("day 1: exit %d\n%s%s", code, out, errs)
	}
	reversed := slices.Clone(docs)
	slices.Reverse(reversed)
	respaced := slices.Clone(docs)
	for i := range respaced {
		d := map[string]string{}
		for k, v := range respaced[i] {
			d[k] = v
		}
		d["text"] = "  " + strings.ReplaceAll(d["text"], " ", "\n ") + "\n\n"
		respaced[i] = d
	}
	array, _ := json.Marshal(docs)
	cases := map[string]func(t *testing.T) string{
		"renamed, another directory": func(t *testing.T) string {
			p := filepath.Join(dir, "sub", "dump-2024-12-27.jsonl")
			writeJSONL(t, p, docs)
			return p
		},
		"reordered": func(t *testing.T) string {
			p := filepath.Join(dir, "reversed.jsonl")
			writeJSONL(t, p, reversed)
			return p
		},
		"JSON array": func(t *testing.T) string {
			p := filepath.Join(dir, "dump.json")
			os.WriteFile(p, array, 0o644)
			return p
		},
		"gzipped": func(t *testing.T) string {
			p := filepath.Join(dir, "dump.jsonl.gz")
			f, _ := os.Create(p)
			zw := gzip.NewWriter(f)
			for _, d := range docs {
				line, _ := json.Marshal(d)
				zw.Write(append(line, '\n'))
			}
			zw.Close()
			f.Close()
			return p
		},
		"other white space": func(t *testing.T) string {
			p := filepath.Join(dir, "respaced.jsonl")
			writeJSONL(t, p, respaced)
			return p
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			src := mk(t)
			code, out, errs := neardup(t, "check", "--db", db, "--fail-on-match", "--format", "json", src)
			var res struct {
				Summary map[string]int
				Pairs   []any
			}
			json.Unmarshal([]byte(out), &res)
			if code != 0 || res.Summary["new"] != 0 || res.Summary["changed"] != 0 || res.Summary["unchanged"] != 5 || len(res.Pairs) != 0 {
				t.Errorf("check: exit %d, summary %v, %d pairs\n%s", code, res.Summary, len(res.Pairs), errs)
			}
			code, _, errs = neardup(t, "index", "add", "--db", db, src)
			if code != 0 || !strings.Contains(errs, "5 documents: 0 new, 0 changed, 5 unchanged; 0 pairs") {
				t.Errorf("add: exit %d\n%s", code, errs)
			}
		})
	}
	// Other metadata is a change, and the pair is reported again.
	changed := slices.Clone(docs)
	changed[0] = map[string]string{"id": docs[0]["id"], "text": docs[0]["text"], "source": "another outlet"}
	p := filepath.Join(dir, "changed.jsonl")
	writeJSONL(t, p, changed)
	code, out, _ = neardup(t, "check", "--db", db, "--fail-on-match", "--format", "csv", p)
	if code != 1 || !hasPair(t, out, "000_a86943d9168e89d9.txt,003_c20ac59b2d2f44c9.txt,changed,indexed,reuse") {
		t.Errorf("a changed source: exit %d\n%s", code, out)
	}
}

// shared returns the path of a corpus in ../shared, skipping the test
// when it is not there.
func shared(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is not here (../shared is beside the repository on CI): %v", rel, err)
	}
	return p
}

// TestHalfOfBBCIndexed indexes every other article of the BBC corpus,
// then checks all of them: half are new, every pair has a new side, and the text report
// leads with the summary and the first new match.
func TestHalfOfBBCIndexed(t *testing.T) {
	bbc := shared(t, "corpora/bbc_news/docs.jsonl")
	data, err := os.ReadFile(bbc)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSpace(string(data)), "\n")
	var half strings.Builder
	for i := 0; i < len(lines); i += 2 {
		half.WriteString(lines[i])
	}
	dir := t.TempDir()
	halfPath, db := filepath.Join(dir, "half.jsonl"), filepath.Join(dir, "bbc.idx")
	os.WriteFile(halfPath, []byte(strings.TrimSpace(half.String())+"\n"), 0o644)
	if code, _, errs := neardup(t, "index", "add", "-q", "--id-field", "doc_id", "--db", db, "-o", os.DevNull, halfPath); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := neardup(t, "check", "-q", "--id-field", "doc_id", "--db", db, "--format", "json", bbc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res struct {
		Summary struct {
			New, Unchanged, Pairs int
		}
		Documents []struct{ ID, Status string }
		Pairs     []struct{ A, B string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if s := res.Summary; s.New != len(lines)/2 || s.Unchanged != len(lines)-len(lines)/2 || s.Pairs != len(res.Pairs) || len(res.Pairs) == 0 {
		t.Errorf("summary %v, %d pairs", res.Summary, len(res.Pairs))
	}
	status := map[string]string{}
	for _, d := range res.Documents {
		status[d.ID] = d.Status
	}
	if !slices.IsSortedFunc(res.Documents, func(a, b struct{ ID, Status string }) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("documents are not in id order")
	}
	for _, p := range res.Pairs {
		if status[p.A] != "new" && status[p.B] != "new" {
			t.Errorf("%s ~ %s: neither side is new (%s, %s)", p.A, p.B, status[p.A], status[p.B])
		}
	}
	_, text, _ := neardup(t, "check", "-q", "--id-field", "doc_id", "--db", db, bbc)
	screen := strings.Join(strings.SplitN(text, "\n", 25)[:24], "\n")
	if !strings.HasPrefix(screen, "2225 documents given: 1112 new, 0 changed, 1113 unchanged;") || !strings.Contains(screen, "\nnew ") || !strings.Contains(screen, "  matches ") {
		t.Errorf("the first screen of the text report:\n%s", screen)
	}
}

// csvPairs returns the pairs of a CSV report of an index command as
// "a,b,kind,score".
func csvPairs(t *testing.T, csv string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSpace(csv), "\n") {
		f := strings.Split(line, ",")
		if i == 0 || len(f) < 6 {
			continue
		}
		out[strings.Join([]string{f[0], f[1], f[4], f[5]}, ",")] = true
	}
	return out
}

// corpusLines writes a generated corpus of n articles (writeCorpus) and
// returns a new directory and the corpus's JSON Lines, each with its
// newline.
func corpusLines(t *testing.T, n int) (string, []string) {
	t.Helper()
	corpusPath, _ := writeCorpus(t, n)
	data, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	return t.TempDir(), strings.SplitAfter(strings.TrimSpace(string(data)), "\n")
}

// TestReportsAreNeverLost adds three nights of articles, interrupting
// index add at random moments with SIGKILL and SIGTERM, and failing one
// run on a missing path. The reports that runs deliver (those that exit
// 0), put together, are the pairs of three clean runs, and nothing is
// left undelivered.
func TestReportsAreNeverLost(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	dir, lines := corpusLines(t, 3000)
	var nights []string
	for n := 0; n < 3; n++ {
		p := filepath.Join(dir, fmt.Sprintf("night%d.jsonl", n))
		os.WriteFile(p, []byte(strings.Join(lines[n*1000:(n+1)*1000], "")), 0o644)
		nights = append(nights, p)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(self, args...)
		cmd.Env = append(os.Environ(), "NEARDUP_AS_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	want := map[string]bool{}
	var whole time.Duration
	for n, night := range nights {
		out := filepath.Join(dir, fmt.Sprintf("clean%d.csv", n))
		start := time.Now()
		cmd := run("index", "add", "-q", "--batch", "50", "--format", "csv", "-o", out, "--db", filepath.Join(dir, "clean.idx"), night)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("clean night %d: %v", n, err)
		}
		whole = max(whole, time.Since(start))
		data, _ := os.ReadFile(out)
		for p := range csvPairs(t, string(data)) {
			want[p] = true
		}
	}
	if len(want) < 40 {
		t.Fatalf("the clean runs report %d pairs", len(want))
	}
	db := filepath.Join(dir, "x.idx")
	got := map[string]bool{}
	rng := rand.New(rand.NewPCG(21, 22))
	kills, terms, round := 0, 0, 0
	for n, night := range nights {
		for attempt := 0; ; attempt++ {
			round++
			out := filepath.Join(dir, fmt.Sprintf("out%d.csv", round))
			args := []string{"index", "add", "-q", "--batch", "50", "--format", "csv", "-o", out, "--db", db, night}
			missing := n == 1 && attempt == 0
			if missing {
				args = append(args, filepath.Join(dir, "missing.jsonl"))
			}
			cmd := run(args...)
			sig := syscall.Signal(0)
			if !missing && attempt < 5 {
				sig = []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM}[rng.IntN(2)]
				time.Sleep(time.Duration(rng.Float64() * 0.8 * float64(whole)))
				cmd.Process.Signal(sig)
			}
			cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			_, stats, _ := neardup(t, "index", "stats", "--db", db)
			t.Logf("night %d, attempt %d, signal %v: exit %d; %q", n, attempt, sig, code, strings.SplitN(stats, "\n", 3)[:2])
			switch {
			case code == 0:
				data, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				for p := range csvPairs(t, string(data)) {
					got[p] = true
				}
			case missing && code != 2:
				t.Fatalf("a missing path: exit %d", code)
			case sig == syscall.SIGTERM && code == 130:
				terms++
			case sig == syscall.SIGKILL && code == -1:
				kills++
			case !missing:
				t.Fatalf("signal %v: exit %d", sig, code)
			}
			if code == 0 && sig == 0 {
				break
			}
		}
	}
	if kills < 2 || terms < 2 {
		t.Errorf("%d runs were killed mid-run, %d terminated: too few to test", kills, terms)
	}
	for p := range want {
		if !got[p] {
			t.Errorf("never delivered: %s", p)
		}
	}
	for p := range got {
		if !want[p] {
			t.Errorf("delivered, but not a pair of the clean runs: %s", p)
		}
	}
	if code, out, _ := neardup(t, "index", "report", "-q", "--db", db, "--format", "csv"); code != 0 || len(csvPairs(t, out)) != 0 {
		t.Errorf("index report after the last run: exit %d\n%s", code, out)
	}
}

// TestNoIndexThere runs every command that must not create an index
// against a mistyped file path and an empty Redis database: each exits 2
// saying there is no index, and leaves nothing behind.
func TestNoIndexThere(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "nwes.idx")
	dbs := []string{typo}
	url := redistest.Start(t)
	if url != "" {
		dbs = append(dbs, url+"/7")
	}
	commands := [][]string{
		{"check", "--fail-on-match", seeds},
		{"index", "stats"},
		{"index", "remove", "some-id"},
		{"index", "pairs"},
		{"index", "report"},
		{"index", "verify"},
	}
	for _, db := range dbs {
		for _, c := range commands {
			args := append(slices.Clone(c[:len(c)-1]), "--db", db, c[len(c)-1])
			if c[len(c)-1] == "stats" || c[len(c)-1] == "pairs" || c[len(c)-1] == "report" || c[len(c)-1] == "verify" {
				args = append(slices.Clone(c), "--db", db)
			}
			code, _, errs := neardup(t, args...)
			if code != 2 || !strings.Contains(errs, "no neardup index at") {
				t.Errorf("%v: exit %d: %s", args, code, errs)
			}
		}
	}
	if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a command created %s", typo)
	}
	if url != "" {
		c := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(url, "redis://"), DB: 7})
		defer c.Close()
		if n, err := c.DBSize(context.Background()).Result(); err != nil || n != 0 {
			t.Errorf("the empty database holds %d keys after the commands (%v)", n, err)
		}
	}
}

// TestRedisWithPassword uses a Redis that requires a password, given in
// the URL and in REDISCLI_AUTH, right and wrong: the commands work or
// fail, and no output ever shows the password.
func TestRedisWithPassword(t *testing.T) {
	const secret = "plain-pass-7"
	url := redistest.Start(t, "--requirepass", secret)
	if url == "" {
		t.Skip("no redis-server")
	}
	host := strings.TrimPrefix(url, "redis://")
	withPass := "redis://:" + secret + "@" + host + "/3"
	all := ""
	run := func(wantCode int, args ...string) {
		t.Helper()
		code, out, errs := neardup(t, args...)
		all += out + errs
		if code != wantCode {
			t.Errorf("%v: exit %d, want %d: %s", args, code, wantCode, errs)
		}
	}
	run(0, "index", "add", "-q", "--db", withPass, "-o", os.DevNull, seeds)
	today := filepath.Join(t.TempDir(), "today.txt")
	data, _ := os.ReadFile(filepath.Join(seeds, "003_c20ac59b2d2f44c9.txt"))
	os.WriteFile(today, data, 0o644)
	run(1, "check", "-q", "--db", withPass, "--fail-on-match", today)
	run(0, "index", "stats", "--db", withPass)
	run(3, "index", "stats", "--db", "redis://:wrong-"+secret+"@"+host+"/3")
	run(3, "index", "stats", "--db", "redis://"+host+"/3")
	t.Setenv("REDISCLI_AUTH", secret)
	run(0, "index", "stats", "--db", "redis://"+host+"/3")
	run(2, "index", "stats", "--db", "redis://"+host+"/4")
	if strings.Contains(all, secret) {
		t.Errorf("the password shows in the output:\n%s", all)
	}
	if !strings.Contains(all, "redis://:xxxxx@"+host) {
		t.Errorf("no message names the URL with its password masked:\n%s", all)
	}
}

// TestRedisWithOtherData gives index add a database that holds other
// data: it refuses to create an index there, and a batch whose keys hold
// values of other types writes nothing.
func TestRedisWithOtherData(t *testing.T) {
	url := redistest.Start(t)
	if url == "" {
		t.Skip("no redis-server")
	}
	ctx := context.Background()
	host := strings.TrimPrefix(url, "redis://")
	c := redis.NewClient(&redis.Options{Addr: host, DB: 5})
	defer c.Close()
	c.Set(ctx, "session:42", "someone else's", 0)
	code, _, errs := neardup(t, "index", "add", "-q", "--db", url+"/5", seeds)
	if code != 3 || !strings.Contains(errs, "holds other data") {
		t.Errorf("a database with other data: exit %d: %s", code, errs)
	}
	if n, _ := c.DBSize(ctx).Result(); n != 1 {
		t.Errorf("%d keys after the refusal, want the 1 that was there", n)
	}
	// A neardup key of another type: the batch fails whole.
	if code, _, errs := neardup(t, "index", "add", "-q", "--db", url+"/6", "-o", os.DevNull, filepath.Join(seeds, "000_a86943d9168e89d9.txt")); code != 0 {
		t.Fatal(errs)
	}
	c6 := redis.NewClient(&redis.Options{Addr: host, DB: 6})
	defer c6.Close()
	before, _ := c6.Keys(ctx, "*").Result()
	c6.Set(ctx, "neardup:undelivered", "not a hash", 0)
	code, _, errs = neardup(t, "index", "add", "-q", "--db", url+"/6", seeds)
	if code != 3 || !strings.Contains(errs, "nothing of this batch was written") {
		t.Errorf("a key of another type: exit %d: %s", code, errs)
	}
	after, _ := c6.Keys(ctx, "*").Result()
	if len(after) != len(before)+1 {
		t.Errorf("%d keys before, %d after a failed batch (one set by the test)", len(before), len(after))
	}
}

// TestLockedIndex runs index add while another process holds the index:
// a failure of the run (3) that says so, not a usage error; and every
// command's help lists the exit codes.
func TestLockedIndex(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.idx")
	if code, _, errs := neardup(t, "index", "add", "-q", "--db", db, "-o", os.DevNull, seeds); code != 0 {
		t.Fatal(errs)
	}
	holder, err := index.OpenBolt(db, index.BoltOptions{LockWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, _, errs := neardup(t, "index", "add", "-q", "--lock-wait", "100ms", "--db", db, seeds)
	if code != 3 || !strings.Contains(errs, "locked by another process") {
		t.Errorf("a locked index: exit %d: %s", code, errs)
	}
	for _, args := range [][]string{{"scan", "--help"}, {"check", "--help"}, {"index", "add", "--help"}, {"index", "verify", "--help"}, {"index", "report", "--help"}} {
		_, out, _ := neardup(t, args...)
		if !strings.Contains(out, "Exit codes: 0 ") {
			t.Errorf("%v lists no exit codes:\n%s", args, out)
		}
	}
}

// TestCompact updates every document of an index, so that copy-on-write
// leaves freed pages, and compacts it: smaller, sound, the same pairs.
func TestCompact(t *testing.T) {
	corpusPath, _ := writeCorpus(t, 600)
	dir := t.TempDir()
	db := filepath.Join(dir, "x.idx")
	if code, _, errs := neardup(t, "index", "add", "-q", "--batch", "20", "--db", db, "-o", os.DevNull, corpusPath); code != 0 {
		t.Fatal(errs)
	}
	// The same articles with other metadata: every one is replaced.
	data, _ := os.ReadFile(corpusPath)
	changed := filepath.Join(dir, "changed.jsonl")
	os.WriteFile(changed, []byte(strings.ReplaceAll(string(data), `"id":`, `"source":"wire","id":`)), 0o644)
	if code, _, errs := neardup(t, "index", "add", "-q", "--batch", "20", "--db", db, "-o", os.DevNull, changed); code != 0 {
		t.Fatal(errs)
	}
	_, before, _ := neardup(t, "index", "pairs", "--db", db, "--format", "csv")
	// The pages in use (bbolt's high-water mark), not the file's size,
	// which bbolt rounds up as it grows.
	inUse := func() int64 {
		b, err := bolt.Open(db, 0o644, &bolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		var n int64
		b.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
		return n
	}
	used := inUse()
	code, out, errs := neardup(t, "index", "compact", "--db", db)
	if now := inUse(); code != 0 || now >= used {
		t.Fatalf("compact: exit %d, pages in use %d → %d bytes: %s%s", code, used, now, out, errs)
	}
	if code, out, _ := neardup(t, "index", "verify", "--db", db); code != 0 {
		t.Errorf("verify after compact: exit %d: %s", code, out)
	}
	if _, after, _ := neardup(t, "index", "pairs", "--db", db, "--format", "csv"); after != before || len(before) < 100 {
		t.Errorf("pairs changed by compact:\n%.300s\n%.300s", before, after)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("compact left files behind: %v", entries)
	}
}

// TestRedisUnixSocket reaches Redis through a unix:// URL.
func TestRedisUnixSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "redis.sock")
	if url := redistest.Start(t, "--unixsocket", sock, "--unixsocketperm", "700"); url == "" {
		t.Skip("no redis-server")
	}
	db := "unix://" + sock + "?db=2"
	if code, _, errs := neardup(t, "index", "add", "-q", "--db", db, "-o", os.DevNull, seeds); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := neardup(t, "index", "stats", "--db", db); code != 0 || !strings.Contains(out, "documents: 5") {
		t.Errorf("stats over a unix socket: exit %d\n%s%s", code, out, errs)
	}
}

// TestCrossSource gives two outlets, each reusing its own background
// paragraph across its own articles, one of whose articles shares a wire
// paragraph with the other's: --cross-source keeps only that pair. The
// outlet comes from a field of another name (--source-field).
func TestCrossSource(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	w := func(n int) string {
		var b strings.Builder
		for range n {
			fmt.Fprintf(&b, "w%d ", rng.IntN(20000))
		}
		return b.String()
	}
	backA, backB, wire := w(60), w(60), w(80)
	var docs []map[string]string
	for i := range 3 {
		docs = append(docs, map[string]string{"id": fmt.Sprintf("a%d", i), "outlet": "Daily A", "text": w(150) + ". " + backA + ". " + w(100)})
	}
	for i := range 2 {
		docs = append(docs, map[string]string{"id": fmt.Sprintf("b%d", i), "outlet": "Weekly B", "text": w(120) + ". " + backB + ". " + w(90)})
	}
	docs[0]["text"] += ". " + wire
	docs[3]["text"] = wire + ". " + docs[3]["text"]
	path := filepath.Join(t.TempDir(), "two.jsonl")
	writeJSONL(t, path, docs)
	_, all, _ := neardup(t, "scan", "-q", "--format", "csv", "--source-field", "outlet", path)
	if n := len(pairRows(t, all)); n != 5 { // a0~a1, a0~a2, a1~a2, b0~b1, a0~b0
		t.Errorf("without --cross-source, %d pairs:\n%s", n, all)
	}
	code, cross, errs := neardup(t, "scan", "-q", "--format", "json", "--source-field", "outlet", "--cross-source", path)
	var res struct {
		Pairs     []struct{ A, B string }
		Clusters  []struct{ Members []string }
		Documents []struct{ ID, Source string }
	}
	json.Unmarshal([]byte(cross), &res)
	if code != 0 || len(res.Pairs) != 1 || res.Pairs[0].A != "a0" || res.Pairs[0].B != "b0" || len(res.Clusters) != 1 {
		t.Errorf("--cross-source: exit %d, pairs %+v, clusters %+v: %s", code, res.Pairs, res.Clusters, errs)
	}
	if len(res.Documents) == 0 || res.Documents[0].Source != "Daily A" {
		t.Errorf("the outlet field is not the source: %+v", res.Documents)
	}
}

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
