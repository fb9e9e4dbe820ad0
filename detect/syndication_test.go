package detect

import (
	"fmt"
	"slices"
	"testing"

	"github.com/neardup/neardup/corpus"
)

// sharing is a reuse pair of documents i and j with one passage, of
// shingles a0..a1 in i and b0..b1 in j.
func sharing(i, j, a0, a1, b0, b1 int) Pair {
	return Pair{I: i, J: j, Kind: Reuse, Passages: []Passage{{Words: a1 - a0 + 5, Text: fmt.Sprintf("p%d-%d", i, a0), TextB: fmt.Sprintf("p%d-%d", j, b0),
		inA: shingleRange{a0, a1}, inB: shingleRange{b0, b1}}}}
}

func members(f Family) string { return fmt.Sprint(f.Members) }

// TestFamiliesByOverlap holds families to their rule: occurrences in one
// document that share 0.8 of the shorter and half of the longer are one
// passage; a long occurrence does not glue together the shorter ones it
// holds; passages carried by the same documents are one family.
func TestFamiliesByOverlap(t *testing.T) {
	docs := make([]Document, 6)
	for i := range docs {
		docs[i].ID = fmt.Sprintf("d%d", i)
	}
	pairs := []Pair{
		sharing(0, 1, 0, 20, 10, 30),    // P: d0 and d1
		sharing(0, 2, 1, 20, 5, 24),     // P again, as d0 has it: d0, d1, d2
		sharing(0, 3, 100, 130, 0, 30),  // Q elsewhere in d0: d0, d3
		sharing(0, 4, 0, 200, 0, 200),   // d4 took all of d0: holds P and Q, glues neither
		sharing(1, 5, 200, 230, 40, 70), // R: d1 and d5, two passages
		sharing(1, 5, 300, 330, 100, 130),
	}
	syn, tmpl := families(docs, pairs)
	var got []string
	for _, f := range syn {
		got = append(got, members(f))
	}
	want := []string{"[d0 d1 d2]", "[d0 d3]", "[d0 d4]", "[d1 d5]"}
	if !slices.Equal(got, want) || len(tmpl) != 0 {
		t.Fatalf("families %v, templates %d; want %v", got, len(tmpl), want)
	}
	if n := len(syn[3].Passages); n != 2 {
		t.Errorf("d1 and d5 carry 2 passages, their family has %d", n)
	}
	for i, f := range syn {
		if f.ID != i+1 {
			t.Errorf("family %d numbered %d", i, f.ID)
		}
	}
}

// TestTemplates: a passage that 10 or more documents carry, 5 or more an
// outlet, is a template, and reuse pairs that share only it are marked;
// carried as widely by more outlets, it is syndication.
func TestTemplates(t *testing.T) {
	for _, c := range []struct {
		outlets  int
		template bool
	}{{1, true}, {2, true}, {3, false}} {
		docs := make([]Document, 12)
		for i := range docs {
			docs[i].Doc = corpus.Doc{ID: fmt.Sprintf("d%02d", i), Source: fmt.Sprintf("outlet %d", i%c.outlets)}
		}
		var pairs []Pair
		for j := 1; j < len(docs); j++ {
			pairs = append(pairs, sharing(0, j, 0, 9, 3, 12))
		}
		near := sharing(0, 1, 50, 90, 50, 90) // a near-duplicate is never a template's
		near.Kind = NearDuplicate
		pairs = append(pairs, near)
		syn, tmpl := families(docs, pairs)
		if got := len(tmpl) == 1 && len(tmpl[0].Members) == 12; got != c.template {
			t.Errorf("%d outlets: %d templates, %d syndicated passages", c.outlets, len(tmpl), len(syn))
		}
		for _, p := range pairs {
			if want := c.template && p.Kind == Reuse; p.Template != want {
				t.Errorf("%d outlets: pair %s~%s template %v", c.outlets, docs[p.I].ID, docs[p.J].ID, p.Template)
			}
		}
	}
}
