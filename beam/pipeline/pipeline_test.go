package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/neardup/neardup/detect"
)

// binDir holds the neardup command the tests build.
var binDir string

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "neardup-beam-test"); err != nil {
		panic(err)
	}
	code := ptest.MainRetWithDefault(m, "prism")
	os.RemoveAll(binDir)
	os.Exit(code)
}

// neardupBin is the neardup command, once built.
var neardupBin string

// neardup builds the neardup command of the root module once, and
// returns its path.
func neardup(t *testing.T) string {
	t.Helper()
	if neardupBin != "" {
		return neardupBin
	}
	bin := filepath.Join(binDir, "neardup")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/neardup")
	cmd.Dir = "../.." // the root module, with its own go.sum
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building neardup: %v\n%s", err, out)
	}
	neardupBin = bin
	return bin
}

// scanJSON is what the test compares of a JSON report.
type scanJSON struct {
	Summary     json.RawMessage
	Stats       json.RawMessage
	Pairs       []json.RawMessage
	Clusters    []json.RawMessage
	Syndication []json.RawMessage
	Templates   []json.RawMessage
	Warnings    []string
}

func readReport(t *testing.T, path string) scanJSON {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r scanJSON
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// sameAsScan runs the pipeline under prism on path and neardup scan on
// the same input, and requires the same pairs (ids, kinds, scores,
// passages, directions), clusters, syndicated passages and templates,
// and the same bytes of JSON.
func sameAsScan(t *testing.T, path string, idField string) {
	t.Helper()
	dir := t.TempDir()
	want, got := filepath.Join(dir, "scan.json"), filepath.Join(dir, "beam.json")
	args := []string{"scan", "-q", "--format", "json", "-o", want}
	if idField != "" {
		args = append(args, "--id-field", idField)
	}
	if out, err := exec.Command(neardup(t), append(args, path)...).CombinedOutput(); err != nil {
		t.Fatalf("neardup scan: %v\n%s", err, out)
	}
	cfg := Config{Roots: []string{path}, Options: detect.Defaults(), Output: got, Format: "json"}
	cfg.Reader.IDField = "id"
	if idField != "" {
		cfg.Reader.IDField = idField
	}
	p, s := beam.NewPipelineWithRoot()
	if err := Build(context.Background(), s, &cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	w, g := readReport(t, want), readReport(t, got)
	if len(w.Pairs) == 0 {
		t.Fatalf("%s: the scan reports no pairs: the test shows nothing", path)
	}
	for name, pair := range map[string][2]any{"pairs": {w.Pairs, g.Pairs}, "clusters": {w.Clusters, g.Clusters},
		"syndicated passages": {w.Syndication, g.Syndication}, "templates": {w.Templates, g.Templates},
		"summary": {w.Summary, g.Summary}, "stats": {w.Stats, g.Stats}, "warnings": {w.Warnings, g.Warnings}} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: the pipeline's %s differ from the scan's", path, name)
		}
	}
	a, _ := os.ReadFile(want)
	b, _ := os.ReadFile(got)
	if string(a) != string(b) {
		t.Errorf("%s: the reports differ in their bytes", path)
	}
	t.Logf("%s: %d pairs, %d clusters, the same", path, len(g.Pairs), len(g.Clusters))
}

func shared(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no %s beside the repository (see shared/README.md)", rel)
	}
	return p
}

func TestSeedsAsScan(t *testing.T) { sameAsScan(t, "../../testdata/seeds", "") }

func TestCloughAsScan(t *testing.T) { sameAsScan(t, shared(t, "corpora/clough_stevenson"), "") }

func TestReutersAsScan(t *testing.T) {
	if testing.Short() {
		t.Skip("Reuters takes a minute or two under prism")
	}
	sameAsScan(t, shared(t, "corpora/reuters21578/docs.jsonl"), "doc_id")
}

// TestShards: --shards writes every reported pair as a JSON line, the
// same pairs as the merged report.
func TestShards(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Roots: []string{"../../testdata/seeds"}, Options: detect.Defaults(), Output: filepath.Join(dir, "r.json"), Format: "json",
		Shards: filepath.Join(dir, "pairs")}
	cfg.Reader.IDField = "id"
	p, s := beam.NewPipelineWithRoot()
	if err := Build(context.Background(), s, &cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	shards, _ := filepath.Glob(filepath.Join(dir, "pairs-*.jsonl"))
	var got []json.RawMessage
	for _, sh := range shards {
		data, err := os.ReadFile(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			got = append(got, json.RawMessage(line))
		}
	}
	merged := readReport(t, cfg.Output)
	if len(shards) == 0 || len(got) != len(merged.Pairs) || len(got) == 0 {
		t.Fatalf("%d shards with %d pairs; the report has %d", len(shards), len(got), len(merged.Pairs))
	}
	var a, b struct{ A, B, Kind string }
	json.Unmarshal(got[0], &a)
	json.Unmarshal(merged.Pairs[0], &b)
	if a != b {
		t.Errorf("shard pair %+v, report pair %+v", a, b)
	}
}
