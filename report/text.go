package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/neardup/neardup/detect"
)

// Text writes r for people, what matters first: the summary; reuse
// pairs, strongest evidence first, each with what its score is, its
// direction and its passages; the syndicated passages; then, a line
// each, near-duplicates, templates, exact duplicates and clusters. Each
// list stops at r.Limit with a count of the rest. A run against an index
// is reported by today's articles instead (nightlyText).
func Text(w io.Writer, r Report) error {
	if r.Summary != nil {
		return nightlyText(w, r)
	}
	bw := bufio.NewWriter(w)
	t := &textReport{errWriter: errWriter{w: bw}, r: &r, doc: documentsByID(r.Documents)}
	t.summary()
	if len(r.Pairs) == 0 {
		t.printf("\nNo near-duplicates and no shared passages found.\n")
	}
	t.reuse()
	t.syndication()
	t.nearDuplicates()
	t.templates()
	t.duplicates()
	t.clusters()
	return finish(bw, &t.errWriter, r.Warnings)
}

// textReport writes the sections of a text report.
type textReport struct {
	errWriter
	r   *Report
	doc func(id string) *detect.Document
}

func (t *textReport) summary() {
	s := summarize(t.r)
	t.printf("%s, %s", plural(s.Documents, "document"), plural(s.Pairs, "pair"))
	t.printf("%s, %s\n", kindsAndGroups(&s), plural(s.Outlets, "outlet"))
	p := t.r.Params
	t.printf("(%s %d-shingles, %s %d hashes; near-duplicate at Jaccard ≥ %.2f, reuse when shared passages cover ≥ %.2f of an article)\n",
		p.Unit, p.K, p.Hasher, p.Perms, p.Threshold, p.ReuseScore)
}

// kindsAndGroups is " (2 reuse, 1 duplicate), 3 syndicated passages,
// 0 templates, 2 clusters": the pairs by kind and what they group into.
func kindsAndGroups(s *summary) string {
	k := s.Kinds
	var kinds []string
	for _, c := range []struct {
		n    int
		name string
	}{{k.Reuse, "reuse"}, {k.NearDuplicate, "near-duplicate"}, {k.Duplicate, "duplicate"}, {k.Template, "template"}, {k.Candidate, "candidate"}} {
		if c.n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", c.n, c.name))
		}
	}
	out := ""
	if len(kinds) > 0 {
		out = " (" + strings.Join(kinds, ", ") + ")"
	}
	return out + ", " + plural(s.Syndication, "syndicated passage") + ", " + plural(s.Templates, "template") + ", " + plural(s.Clusters, "cluster")
}

// list writes a section: its heading, with the number of items, and
// item(i) for each of the n items up to the limit, then a line for the
// rest. A section of no items is left out.
func (t *textReport) list(heading string, n int, item func(i int)) {
	if n == 0 {
		return
	}
	t.printf("\n%s (%d)\n", heading, n)
	shown := n
	if t.r.Limit > 0 && n > t.r.Limit {
		shown = t.r.Limit
	}
	for i := range shown {
		item(i)
	}
	if shown < n {
		t.printf("  … and %d more (--format json lists them all, or --limit 0)\n", n-shown)
	}
}

// reuse lists the reuse pairs, template pairs aside, strongest evidence
// first: most words in shared passages, then score.
func (t *textReport) reuse() {
	var ks []int
	for k := range t.r.Pairs {
		if p := &t.r.Pairs[k]; p.Kind == detect.Reuse && !p.Template {
			ks = append(ks, k)
		}
	}
	slices.SortStableFunc(ks, func(a, b int) int {
		pa, pb := &t.r.Pairs[a], &t.r.Pairs[b]
		return cmp.Or(cmp.Compare(words(pb), words(pa)), cmp.Compare(pb.Score, pa.Score))
	})
	t.list("Reuse: articles that share passages, strongest evidence first", len(ks), func(i int) { t.pair(i+1, &t.r.Pairs[ks[i]]) })
}

// words is the number of words in p's passages.
func words(p *detect.Pair) int {
	n := 0
	for i := range p.Passages {
		n += p.Passages[i].Words
	}
	return n
}

// pair writes one pair in full: its score and what it is, the figures,
// the direction, both articles and the longest passages.
func (t *textReport) pair(n int, p *detect.Pair) {
	t.printf("\n%d. %s %.3f  %s ~ %s\n", n, p.Kind, p.Score, Clean(p.A), Clean(p.B))
	t.printf("   %s\n", scoreWords(p))
	t.printf("   Jaccard %.3f, containment %.3f / %.3f, coverage %.3f / %.3f, %s, %s\n",
		p.Jaccard, p.ContainmentA, p.ContainmentB, p.CoverageA, p.CoverageB, plural(len(p.Passages), "passage"), plural(words(p), "word"))
	if p.Direction != "" {
		t.printf("   direction %s: %s\n", p.Direction, p.Why)
	}
	for _, side := range []struct{ name, id string }{{"a", p.A}, {"b", p.B}} {
		if d := describe(t.doc(side.id)); d != "" {
			t.printf("   %s: %s%s\n", side.name, Clean(side.id), d)
		}
	}
	quotePassages(&t.errWriter, "   ", p.Passages)
}

// quotePassages writes the three longest of ps, a line each under
// indent, and how many more there are.
func quotePassages(w *errWriter, indent string, ps []detect.Passage) {
	shown := longest(nil, ps, 3)
	for _, i := range shown {
		w.printf("%s\"%s\" (%d words)\n", indent, Quote(ps[i].Text, 160), ps[i].Words)
	}
	if more := len(ps) - len(shown); more > 0 {
		w.printf("%sand %s (--format json lists them all)\n", indent, plural(more, "more passage"))
	}
}

// scoreWords says what p's score is made of.
func scoreWords(p *detect.Pair) string {
	switch p.Kind {
	case detect.Duplicate:
		return "score 1: the same text once normalised"
	case detect.NearDuplicate:
		return fmt.Sprintf("score = Jaccard similarity: %.0f%% of their shingles are shared", 100*p.Jaccard)
	}
	who, cov := p.A, p.CoverageA
	if p.CoverageB > cov {
		who, cov = p.B, p.CoverageB
	}
	if p.Jaccard > cov {
		return fmt.Sprintf("score = Jaccard similarity: %.0f%% of their shingles are shared", 100*p.Jaccard)
	}
	return fmt.Sprintf("score = coverage: %.0f%% of %s is shared text", 100*cov, Clean(who))
}

// syndication lists the syndicated passages, most articles first.
func (t *textReport) syndication() {
	fs := t.r.Syndication
	t.list("Syndicated passages: text several articles carry, most articles first", len(fs), func(i int) { t.family("S", &fs[i]) })
}

// templates lists the templates, a line each with some members.
func (t *textReport) templates() {
	fs := t.r.Templates
	t.list("Templates: text an outlet repeats across its own articles, not syndication", len(fs), func(i int) { t.family("T", &fs[i]) })
}

// family writes a family in two lines: its size, outlets, dates and
// longest passage; then its members.
func (t *textReport) family(prefix string, f *detect.Family) {
	t.printf("\n%s%d  %s", prefix, f.ID, plural(len(f.Members), "article"))
	if len(f.Outlets) > 0 {
		t.printf(", %s: %s", plural(len(f.Outlets), "outlet"), Clean(strings.Join(f.Outlets, ", ")))
	}
	if f.First != "" {
		if f.First == f.Last {
			t.printf(", %s", Clean(f.First))
		} else {
			t.printf(", %s to %s", Clean(f.First), Clean(f.Last))
		}
	}
	if len(f.Passages) > 0 {
		ps := f.Passages[0]
		t.printf(": \"%s\" (%d words)", Quote(ps.Text, 160), ps.Words)
		if len(f.Passages) > 1 {
			t.printf(" and %s", plural(len(f.Passages)-1, "more passage"))
		}
	}
	t.printf("\n    %s\n", idList(f.Members, 10))
}

// idList is up to n ids, cleaned, and a count of the rest.
func idList(ids []string, n int) string {
	var b strings.Builder
	for i, id := range ids {
		if i == n {
			fmt.Fprintf(&b, " and %d more", len(ids)-n)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Clean(id))
	}
	return b.String()
}

// nearDuplicates lists the near-duplicate pairs, a line each.
func (t *textReport) nearDuplicates() {
	var ps []*detect.Pair
	for k := range t.r.Pairs {
		if p := &t.r.Pairs[k]; p.Kind == detect.NearDuplicate {
			ps = append(ps, p)
		}
	}
	t.list("Near-duplicates: score = Jaccard similarity of their shingles", len(ps), func(i int) {
		t.printf("  %.3f  %s ~ %s  (direction %s)\n", ps[i].Score, Clean(ps[i].A), Clean(ps[i].B), ps[i].Direction)
	})
}

// duplicates lists the groups of exact duplicates, a line each: the
// components of the duplicate pairs, the earliest dated first when the
// pairs say which it is.
func (t *textReport) duplicates() {
	docs := t.r.Documents
	parent := map[int]int{}
	var find func(int) int
	find = func(x int) int {
		if p, ok := parent[x]; ok && p != x {
			parent[x] = find(p)
			return parent[x]
		}
		parent[x] = x
		return x
	}
	source := map[int]bool{}
	for k := range t.r.Pairs {
		p := &t.r.Pairs[k]
		if p.Kind != detect.Duplicate {
			continue
		}
		a, b := find(p.I), find(p.J)
		parent[max(a, b)] = min(a, b)
		switch p.Direction {
		case detect.AToB:
			source[p.I] = true
		case detect.BToA:
			source[p.J] = true
		}
	}
	groups := map[int][]int{}
	for x := range parent {
		r := find(x)
		groups[r] = append(groups[r], x)
	}
	roots := make([]int, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	t.list("Exact-duplicate groups: the same text once normalised", len(roots), func(i int) {
		g := groups[roots[i]]
		slices.Sort(g)
		ids := make([]string, len(g))
		first := ""
		for i, m := range g {
			ids[i] = docs[m].ID
			if source[m] && first == "" {
				first = docs[m].ID
			}
		}
		t.printf("  %s", idList(ids, 10))
		if first != "" {
			t.printf("  (dated first: %s)", Clean(first))
		}
		t.printf("\n")
	})
}

// clusters lists the document clusters, a line each.
func (t *textReport) clusters() {
	cs := t.r.Clusters
	t.list("Clusters: an article and the articles it shares passages with", len(cs), func(i int) {
		c := &cs[i]
		src := "none the source of the others"
		if c.Source != "" {
			src = "source " + Clean(c.Source)
		}
		t.printf("  %d. %s around %s, %s: %s\n", c.ID, plural(len(c.Members), "article"), Clean(c.Center), src, idList(c.Members, 10))
	})
}
