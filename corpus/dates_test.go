package corpus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	want := time.Date(2024, 12, 26, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2024-12-26", "2024-12-26T00:00:00Z", "Thu, 26 Dec 2024 00:00:00 +0000", "December 26, 2024", "26 December 2024", "2024/12/26", " 2024-12-26 "} {
		if got, ok := ParseDate(s); !ok || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "yesterday", "26/12/2024", "2024-13-01"} {
		if _, ok := ParseDate(s); ok {
			t.Errorf("ParseDate(%q) read a date", s)
		}
	}
}

// TestMetadataFields reads an archive whose metadata has other names,
// and warns once a file of dates it cannot read.
func TestMetadataFields(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		`{"id":"1","body":"some text","headline":"H1","published_at":"2024-12-26T08:00:00Z","outlet":"A","link":"https://a.example/1"}`,
		`{"id":"2","body":"more text","headline":"H2","published_at":"yesterday","outlet":"B"}`,
		`{"id":"3","body":"and more","published_at":"last week"}`,
	}
	os.WriteFile(filepath.Join(dir, "x.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	var warns []string
	r := Reader{TextField: "body", TitleField: "headline", DateField: "published_at", SourceField: "outlet", URLField: "link",
		Warn: func(err error) { warns = append(warns, err.Error()) }}
	var docs []Doc
	if err := r.Walk(context.Background(), []string{dir}, func(d Doc) error { docs = append(docs, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 || docs[0].Title != "H1" || docs[0].Date != "2024-12-26T08:00:00Z" || docs[0].Source != "A" || docs[0].URL != "https://a.example/1" || docs[1].Source != "B" {
		t.Errorf("documents %+v", docs)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], `date "yesterday"`) {
		t.Errorf("warnings %q, want one about the file's dates", warns)
	}
}
