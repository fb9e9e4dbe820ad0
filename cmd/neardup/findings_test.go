package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// scanJSON is what the findings tests read of a scan's JSON report.
type scanJSON struct {
	Pairs []struct {
		A, B, Kind string
		Template   bool
		Passages   []struct{ Words int }
	}
	Clusters []struct {
		ID      int
		Center  string
		Members []string
	}
}

// TestClustersOnRealCorpora: in BBC and Reuters, every member of a
// document cluster but its center has a reported pair with the center
// that is not a template's and has a passage: clusters never join
// documents through others.
func TestClustersOnRealCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("scans Reuters")
	}
	for _, name := range []string{"corpora/bbc_news/docs.jsonl", "corpora/reuters21578/docs.jsonl"} {
		path := shared(t, name)
		code, out, errs := neardup(t, "scan", "-q", "--id-field", "doc_id", "--format", "json", path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		var res scanJSON
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		withCenter := map[[2]string]bool{}
		for _, p := range res.Pairs {
			if p.Kind != "candidate" && !p.Template && len(p.Passages) > 0 {
				withCenter[[2]string{p.A, p.B}], withCenter[[2]string{p.B, p.A}] = true, true
			}
		}
		largest := 0
		for _, c := range res.Clusters {
			largest = max(largest, len(c.Members))
			for _, m := range c.Members {
				if m != c.Center && !withCenter[[2]string{m, c.Center}] {
					t.Errorf("%s: cluster %d joins %s, which shares no passage with its center %s", name, c.ID, m, c.Center)
				}
			}
		}
		if len(res.Clusters) == 0 {
			t.Errorf("%s: no clusters", name)
		}
		t.Logf("%s: %d clusters, the largest of %d documents", name, len(res.Clusters), largest)
	}
}

// TestBBCReportLeadsWithTheFinding: the first 40 lines of BBC's text
// report hold the summary and the strongest reuse pair with its passages.
func TestBBCReportLeadsWithTheFinding(t *testing.T) {
	path := shared(t, "corpora/bbc_news/docs.jsonl")
	code, out, errs := neardup(t, "scan", "-q", "--id-field", "doc_id", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(out, "\n")
	first := strings.Join(lines[:min(40, len(lines))], "\n")
	for _, want := range []string{"2225 documents, 397 pairs (228 reuse, 66 near-duplicate, 103 duplicate)", "syndicated passages",
		"Reuse: articles that share passages, strongest evidence first", "1. reuse ", "score = coverage: ", "direction ", "words)"} {
		if !strings.Contains(first, want) {
			t.Errorf("no %q in the first 40 lines:\n%s", want, first)
		}
	}
}
