package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/detect"
)

// Clean escapes the control and bidirectional-control characters of s
// as Go does in a quoted string (\n, \x1b, \u202e), so that an id, title
// or source, which are untrusted, always prints as one inert line.
func Clean(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			q := strconv.QuoteRune(r)
			if r == utf8.RuneError {
				q = fmt.Sprintf("'\\x%02x'", s[i])
			}
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nightlyText writes the report of a run against an index: the summary
// first, then the findings grouped by today's article (a new or changed
// document), strongest first.
func nightlyText(w io.Writer, r Report) error {
	bw := bufio.NewWriter(w)
	tw := &errWriter{w: bw}
	s := r.Summary
	tw.printf("%s given: %d new, %d changed, %d unchanged; %s",
		plural(s.New+s.Changed+s.Unchanged, "document"), s.New, s.Changed, s.Unchanged, plural(s.Pairs, "pair"))
	if s.Earlier > 0 {
		tw.printf(", %d of them found by earlier runs that did not deliver them", s.Earlier)
	}
	sum := summarize(&r)
	tw.printf("%s, %s", kindsAndGroups(&sum), plural(sum.Outlets, "outlet"))
	p := r.Params
	tw.printf("\n(%s %d-shingles, near-duplicate at Jaccard ≥ %.2f, reuse at coverage ≥ %.2f)\n", p.Unit, p.K, p.Threshold, p.ReuseScore)
	if len(r.Pairs) == 0 {
		tw.printf("\nNo new or changed document matches anything.\n")
	}
	// Each pair goes under its new or changed side (the first, if both
	// are); groups come in the order of their strongest pair.
	type group struct {
		doc   int
		pairs []int
	}
	var groups []*group
	byDoc := map[int]*group{}
	for k := range r.Pairs {
		pr := &r.Pairs[k]
		today := pr.I
		if r.Documents[pr.I].Status == detect.StatusIndexed && r.Documents[pr.J].Status != detect.StatusIndexed {
			today = pr.J
		}
		g := byDoc[today]
		if g == nil {
			g = &group{doc: today}
			byDoc[today] = g
			groups = append(groups, g)
		}
		g.pairs = append(g.pairs, k)
	}
	// Pairs are ordered by score already: groups are met in the order of
	// their strongest pair.
	for _, g := range groups {
		d := &r.Documents[g.doc]
		tw.printf("\n%s %s%s\n", d.Status, Clean(d.ID), describe(d))
		for _, k := range g.pairs {
			pr := &r.Pairs[k]
			other, mine, theirs := pr.J, pr.CoverageA, pr.CoverageB
			if other == g.doc {
				other, mine, theirs = pr.I, pr.CoverageB, pr.CoverageA
			}
			o := &r.Documents[other]
			tw.printf("  matches %s %s%s\n", o.Status, Clean(o.ID), describe(o))
			tw.printf("    %s %.3f: %s\n", pr.Kind, pr.Score, explainScore(pr, mine, theirs))
			words := 0
			for i := range pr.Passages {
				words += pr.Passages[i].Words
			}
			tw.printf("    jaccard %.3f, containment %.3f / %.3f, coverage %.3f / %.3f, %s, %s\n",
				pr.Jaccard, pr.ContainmentA, pr.ContainmentB, pr.CoverageA, pr.CoverageB, plural(len(pr.Passages), "passage"), plural(words, "word"))
			if pr.Direction != "" {
				tw.printf("    direction %s (a = %s): %s\n", pr.Direction, Clean(pr.A), pr.Why)
			}
			quotePassages(tw, "    ", pr.Passages)
		}
	}
	return finish(bw, tw, r.Warnings)
}

// finish writes the warnings at the end of a text report and flushes it.
func finish(bw *bufio.Writer, tw *errWriter, warnings []string) error {
	if len(warnings) > 0 {
		tw.printf("\n%s:\n", plural(len(warnings), "warning"))
		for _, w := range warnings {
			tw.printf("  %s\n", Clean(w))
		}
	}
	if tw.err != nil {
		return tw.err
	}
	return bw.Flush()
}

// describe is " (date, source, title)" without what is empty.
func describe(d *detect.Document) string {
	var parts []string
	for _, s := range []string{d.Date, d.Source, d.Title} {
		if s != "" {
			parts = append(parts, Clean(s))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// explainScore says what a pair's score is made of, for today's article
// (whose coverage is mine) and the other.
func explainScore(p *detect.Pair, mine, other float64) string {
	if p.Kind == detect.Duplicate {
		return "the same text once normalised"
	}
	return fmt.Sprintf("%.0f%% of this article and %.0f%% of the other are in shared passages; Jaccard similarity %.3f", 100*mine, 100*other, p.Jaccard)
}
