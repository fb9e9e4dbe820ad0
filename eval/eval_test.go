package eval

import (
	"math"
	"strings"
	"testing"
)

func TestAUC(t *testing.T) {
	tests := []struct {
		pos, neg []float64
		want     float64
	}{
		{[]float64{0.9, 0.8}, []float64{0.1, 0.2}, 1},
		{[]float64{0.1, 0.2}, []float64{0.9, 0.8}, 0},
		{[]float64{0.5}, []float64{0.5}, 0.5},
		{[]float64{0.9, 0.0}, []float64{0.0, 0.0, 0.3}, (3 + 0.5*2) / 6.0},
		{nil, []float64{1}, 0.5},
	}
	for _, tc := range tests {
		if got := AUC(tc.pos, tc.neg); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("AUC(%v, %v) = %v, want %v", tc.pos, tc.neg, got, tc.want)
		}
	}
}

// TestAUCBruteForce checks the rank formula against counting pairs.
func TestAUCBruteForce(t *testing.T) {
	pos := []float64{0.3, 0.7, 0.7, 0.1, 0.9, 0.0}
	neg := []float64{0.0, 0.7, 0.2, 0.05, 0.0}
	var wins float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	if got, want := AUC(pos, neg), wins/float64(len(pos)*len(neg)); math.Abs(got-want) > 1e-12 {
		t.Errorf("AUC = %v, pair count gives %v", got, want)
	}
}

func TestReadTSVAndScore(t *testing.T) {
	in := "source_doc\tanswer_doc\ttask\tcategory\tis_reuse\nS\tA\ta\tcut\t1\nS\tB\ta\tnon\t0\nC\tS\ta\tlight\t1\n"
	labels, err := TSV{Class: "category"}.ReadTSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 3 || !labels[0].Positive || labels[1].Positive || labels[2].Class != "light" {
		t.Fatalf("labels %+v", labels)
	}
	preds := map[[2]string]Prediction{
		Key("A", "S"): {Score: 0.8, Positive: true},
		Key("B", "S"): {Score: 0.05},
		Key("X", "Y"): {Score: 0.5, Positive: true},
	}
	m := Score(labels, preds, false)
	if m.TruePositives != 1 || m.FalseNegatives != 1 || m.FalsePositives != 0 || m.Precision != 1 || m.Recall != 0.5 || m.Unlabeled != 1 {
		t.Errorf("metrics %+v", m)
	}
	if m.AUC != 0.5 { // positives 0.8 and 0 against negative 0.05
		t.Errorf("AUC %v", m.AUC)
	}
	if complete := Score(labels, preds, true); complete.FalsePositives != 1 || complete.Precision != 0.5 {
		t.Errorf("complete truth: %+v", complete)
	}
	if m.ByClass[0].Class != "cut" || m.ByClass[0].Rate != 1 {
		t.Errorf("by class %+v", m.ByClass)
	}
}

func TestReadTSVErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "no header",
		"a\tb\n1\t2\n":                  "no 0/1 column",
		"a\tb\tis_reuse\nx\ty\tmaybe\n": "line 2",
		"a\tb\tis_reuse\nx\ty\n":        "line 2: 2 columns",
	} {
		if _, err := (TSV{}).ReadTSV(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", in, err, want)
		}
	}
}
