package eval

import (
	"strings"
	"testing"
)

// FuzzReadTSV feeds ReadTSV arbitrary files: it returns labels or an
// error, never panics, and every label it returns names both documents.
func FuzzReadTSV(f *testing.F) {
	f.Add("a\tb\tis_reuse\nx\ty\t1\n", "", "")
	f.Add("source\tanswer\tcategory\tlabel\nx\ty\tcut\t1\n", "category", "")
	f.Add("a\tb\n", "", "label")
	f.Fuzz(func(t *testing.T, data, class, truth string) {
		labels, err := TSV{Class: class, Truth: truth}.ReadTSV(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, l := range labels {
			if l.A == "" && l.B == "" {
				t.Fatalf("a label with no documents from %q", data)
			}
		}
	})
}
