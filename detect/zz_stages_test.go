package detect

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/neardup/neardup/corpus"
)

func TestStagesTmp(t *testing.T) {
	var docs []corpus.Doc
	r := &corpus.Reader{IDField: "doc_id"}
	r.Walk(context.Background(), []string{"/work/shared/corpora/reuters21578/docs.jsonl"}, func(d corpus.Doc) error { docs = append(docs, d); return nil })
	o := Defaults()
	start := time.Now()
	last := ""
	o.Progress = func(stage string, done, total int) {
		if stage != last {
			fmt.Fprintf(os.Stderr, "%8.3f %s\n", time.Since(start).Seconds(), stage)
			last = stage
		}
	}
	for i := 0; i < 3; i++ {
		start = time.Now(); last = ""
		res, err := Scan(context.Background(), Docs(docs), o)
		fmt.Fprintln(os.Stderr, time.Since(start), len(res.Pairs), res.Stats.Candidates, err)
	}
}
