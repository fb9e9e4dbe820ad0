package detect

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neardup/neardup/corpus"
)

// TestCandidateIsScansRule checks Options.Candidate, the rule stated for
// one pair, against the pairs a scan verifies, on a corpus with every
// case: duplicates, paragraphs shared by a few documents and by more than
// rareGroup, a stock phrase, short documents.
func TestCandidateIsScansRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var docs []corpus.Doc
	stockPhrase := words(rng, 12)
	wide := words(rng, 30) // in 24 documents: its fingerprints are common
	for i := 0; i < 120; i++ {
		text := words(rng, 80+rng.IntN(200))
		if i%3 == 0 {
			text += ". " + stockPhrase
		}
		if i%5 == 0 && i < 120 {
			text = wide + ". " + text
		}
		docs = append(docs, corpus.Doc{ID: fmt.Sprintf("d%03d", i), Text: text})
	}
	for i := 0; i+1 < 60; i += 7 { // shared paragraphs and phrases
		p := words(rng, 25+rng.IntN(40))
		docs[i].Text += ". " + p
		docs[i+1].Text = p + ". " + docs[i+1].Text
		q := words(rng, 10+rng.IntN(6)) // a fingerprint or two
		docs[i+2].Text += ". " + q
		docs[i+62].Text = q + ". " + docs[i+62].Text
	}
	for k := 0; k < 8; k++ { // phrases in more than rareGroup documents
		q := words(rng, 10+2*k)
		for i := 1 + k%5; i < 120; i += 6 {
			docs[i].Text += ". " + q
		}
	}
	docs = append(docs, corpus.Doc{ID: "dup1", Text: docs[4].Text}, corpus.Doc{ID: "dup2", Text: docs[4].Text + " "},
		corpus.Doc{ID: "short1", Text: "w1 w2"}, corpus.Doc{ID: "short2", Text: "w1 w2"})
	o := Defaults()
	o.MinScore = 0
	o.StockFraction = 0.25 // stock from 31 documents: groups of 17 to 30 are common, not stock
	res := mustRun(t, docs, o)

	// The scan's stock phrases and fingerprint groups, counted here.
	ex, err := NewExtractor(o)
	if err != nil {
		t.Fatal(err)
	}
	fs := make([]Features, len(docs))
	df := map[uint64]int{}
	for i, d := range docs {
		fs[i] = ex.Extract(d.Text)
		hs := slices.Clone(fs[i].Hashes)
		slices.Sort(hs)
		for _, h := range slices.Compact(hs) {
			df[keyOf(h)]++
		}
	}
	cutoff := o.StockCutoff(len(docs))
	stock := func(h uint64) bool { return df[keyOf(h)] >= cutoff }
	groups := func(p uint64) int {
		norms := map[[2]uint64]bool{}
		for i := range fs {
			if _, ok := slices.BinarySearch(fs[i].Prints, p); ok && fs[i].Tokens > 0 {
				norms[fs[i].Norm] = true
			}
		}
		return len(norms)
	}
	if !slices.ContainsFunc(fs[0].Prints, stock) {
		t.Fatal("the corpus has no stock fingerprint: the test tests less than it says")
	}
	reported := map[string]bool{}
	for _, p := range res.Pairs {
		reported[p.A+"~"+p.B] = true
	}
	candidates, common := 0, 0
	for i := range docs {
		for j := i + 1; j < len(docs); j++ {
			a, b := i, j
			if docs[b].ID < docs[a].ID {
				a, b = b, a
			}
			c := o.Candidate(&fs[a], &fs[b], stock, groups)
			if c {
				candidates++
			}
			v := Verify(o, &fs[a], &fs[b], docs[a].Text, docs[b].Text, stock)
			key := docs[a].ID + "~" + docs[b].ID
			if want := c && o.Reports(&v); reported[key] != want {
				t.Errorf("%s: scan reports it %v, the rule says candidate %v (%d shared shingles)", key, reported[key], c, v.Shared)
			}
			if c && !slices.ContainsFunc(fs[a].Bands, func(k uint64) bool { return slices.Contains(fs[b].Bands, k) }) && fs[a].Norm != fs[b].Norm {
				common++
			}
		}
	}
	if candidates != res.Stats.Candidates {
		t.Errorf("the rule makes %d candidates, the scan verified %d", candidates, res.Stats.Candidates)
	}
	if common == 0 {
		t.Error("no pair is a candidate by its fingerprints alone")
	}
}

// TestCandidateCases takes the rule's branches one by one on made-up
// features.
func TestCandidateCases(t *testing.T) {
	o := Defaults()
	stock := func(p uint64) bool { return p >= 1000 }
	groups := func(p uint64) int { return int(p % 100) } // a print's group size is its last two digits
	doc := func(norm uint64, bands []uint64, prints ...uint64) *Features {
		return &Features{Tokens: 50, Norm: [2]uint64{norm, 0}, Bands: bands, Prints: prints}
	}
	cases := []struct {
		name string
		a, b *Features
		want bool
	}{
		{"nothing shared", doc(1, []uint64{1, 2}, 105, 110), doc(2, []uint64{3, 4}, 106, 111), false},
		{"same text", doc(1, nil), doc(1, nil), true},
		{"same text, no tokens", &Features{Norm: [2]uint64{7, 0}}, &Features{Norm: [2]uint64{7, 0}}, false},
		{"a band", doc(1, []uint64{1, 2}), doc(2, []uint64{3, 2}), true},
		{"one rare print", doc(1, nil, 105, 216), doc(2, nil, 216, 300), true},
		{"one print of rareGroup texts", doc(1, nil, 116), doc(2, nil, 116), true},
		{"one common print", doc(1, nil, 117), doc(2, nil, 117, 150), false},
		{"two common prints", doc(1, nil, 117, 150), doc(2, nil, 117, 150), true},
		{"one common print and a stock one", doc(1, nil, 117, 1050), doc(2, nil, 117, 1050), false},
		{"a stock print of few texts", doc(1, nil, 1005), doc(2, nil, 1005), false},
	}
	for _, c := range cases {
		if got := o.Candidate(c.a, c.b, stock, groups); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
