// Package eval scores detected pairs against labeled ground truth:
// precision, recall and F1 of the decisions, ROC AUC of the scores, and
// recall for each label.
package eval

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Label is one labeled pair of documents.
type Label struct {
	A, B string
	// Positive is the ground truth: the pair shares text.
	Positive bool
	// Class is an optional finer label (for example cut, light, heavy, non).
	Class string
}

// TSV describes the columns of a ground-truth file. The zero value takes
// the first two columns as the pair, finds the 0/1 column by name
// (is_reuse, label, truth, positive) and has no class column.
type TSV struct {
	A, B, Truth, Class string
}

// ReadTSV reads labeled pairs from a tab-separated file with a header
// row. Errors name the line.
//
// It is one pass over the file with each malformed line reported where
// it is met.
func (c TSV) ReadTSV(r io.Reader) ([]Label, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("line 1: no header row")
	}
	header := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
	col := func(name string, fallback int, candidates ...string) (int, error) {
		if name == "" {
			for _, cand := range candidates {
				if i := slices.Index(header, cand); i >= 0 {
					return i, nil
				}
			}
			if fallback >= 0 && fallback < len(header) {
				return fallback, nil
			}
			return -1, nil
		}
		if i := slices.Index(header, name); i >= 0 {
			return i, nil
		}
		return -1, fmt.Errorf("line 1: no column %q among %q", name, header)
	}
	ia, err := col(c.A, 0)
	if err != nil {
		return nil, err
	}
	ib, err := col(c.B, 1)
	if err != nil {
		return nil, err
	}
	it, err := col(c.Truth, -1, "is_reuse", "label", "truth", "positive", "is_duplicate")
	if err != nil {
		return nil, err
	}
	if it < 0 {
		return nil, fmt.Errorf("line 1: no 0/1 column found among %q; name it", header)
	}
	ic := -1
	if c.Class != "" {
		if ic, err = col(c.Class, -1); err != nil {
			return nil, err
		}
	}
	var out []Label
	for line := 2; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) < len(header) {
			return nil, fmt.Errorf("line %d: %d columns, header has %d", line, len(f), len(header))
		}
		l := Label{A: f[ia], B: f[ib]}
		switch f[it] {
		case "1", "true", "yes":
			l.Positive = true
		case "0", "false", "no":
		default:
			return nil, fmt.Errorf("line %d: column %q holds %q, not 0 or 1", line, header[it], f[it])
		}
		if ic >= 0 {
			l.Class = f[ic]
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// Prediction is what a detector said of a pair.
type Prediction struct {
	Score float64
	// Positive is the detector's decision.
	Positive bool
}

// Key returns the order-free key of a pair.
func Key(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// Metrics are the scores of a detector against ground truth.
type Metrics struct {
	Labeled        int     `json:"labeled"`
	Positives      int     `json:"positives"`
	TruePositives  int     `json:"true_positives"`
	FalsePositives int     `json:"false_positives"`
	FalseNegatives int     `json:"false_negatives"`
	Precision      float64 `json:"precision"`
	Recall         float64 `json:"recall"`
	F1             float64 `json:"f1"`
	AUC            float64 `json:"roc_auc"`
	// Unlabeled counts predicted positives that no label covers; with
	// complete truth they are false positives.
	Unlabeled int `json:"unlabeled_predicted"`
	// ByClass gives, for each class, its pairs, how many were predicted
	// positive, and that share (recall for reuse classes, the false
	// positive rate for a non-reuse class), and the median score.
	ByClass []ClassMetrics `json:"by_class,omitempty"`
}

// ClassMetrics are the figures of one class of labels.
type ClassMetrics struct {
	Class       string  `json:"class"`
	Pairs       int     `json:"pairs"`
	Predicted   int     `json:"predicted"`
	Rate        float64 `json:"rate"`
	MedianScore float64 `json:"median_score"`
}

// Score compares predictions (keyed by Key) with labels. A labeled pair
// absent from predictions scores 0 and is predicted negative. With
// complete set, the labels list every positive pair, and every predicted
// positive that no label covers is a false positive.
func Score(labels []Label, preds map[[2]string]Prediction, complete bool) Metrics {
	var m Metrics
	m.Labeled = len(labels)
	seen := make(map[[2]string]bool, len(labels))
	var pos, neg []float64
	classes := map[string][]float64{}
	classPred := map[string]int{}
	for _, l := range labels {
		k := Key(l.A, l.B)
		seen[k] = true
		p := preds[k]
		if l.Positive {
			m.Positives++
			pos = append(pos, p.Score)
			if p.Positive {
				m.TruePositives++
			} else {
				m.FalseNegatives++
			}
		} else {
			neg = append(neg, p.Score)
			if p.Positive {
				m.FalsePositives++
			}
		}
		if l.Class != "" {
			classes[l.Class] = append(classes[l.Class], p.Score)
			if p.Positive {
				classPred[l.Class]++
			}
		}
	}
	for k, p := range preds {
		if p.Positive && !seen[k] {
			m.Unlabeled++
		}
	}
	if complete {
		m.FalsePositives += m.Unlabeled
	}
	if d := m.TruePositives + m.FalsePositives; d > 0 {
		m.Precision = float64(m.TruePositives) / float64(d)
	}
	if m.Positives > 0 {
		m.Recall = float64(m.TruePositives) / float64(m.Positives)
	}
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	m.AUC = AUC(pos, neg)
	for c, scores := range classes {
		m.ByClass = append(m.ByClass, ClassMetrics{Class: c, Pairs: len(scores), Predicted: classPred[c],
			Rate: float64(classPred[c]) / float64(len(scores)), MedianScore: median(scores)})
	}
	slices.SortFunc(m.ByClass, func(a, b ClassMetrics) int {
		return cmp.Or(cmp.Compare(b.MedianScore, a.MedianScore), cmp.Compare(a.Class, b.Class))
	})
	return m
}

// AUC is the area under the ROC curve: the probability that a random
// positive scores above a random negative, ties counting half (the
// Mann-Whitney U statistic). It is 0.5 when either side is empty.
func AUC(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return 0.5
	}
	type item struct {
		s   float64
		pos bool
	}
	all := make([]item, 0, len(pos)+len(neg))
	for _, s := range pos {
		all = append(all, item{s, true})
	}
	for _, s := range neg {
		all = append(all, item{s, false})
	}
	slices.SortFunc(all, func(a, b item) int { return cmp.Compare(a.s, b.s) })
	// Rank sum of positives, tied ranks averaged.
	var rankSum float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].s == all[i].s {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			if all[k].pos {
				rankSum += avg
			}
		}
		i = j
	}
	np, nn := float64(len(pos)), float64(len(neg))
	return (rankSum - np*(np+1)/2) / (np * nn)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
