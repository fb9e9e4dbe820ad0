package detect

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/shingle"
)

func readSeeds(t testing.TB) []corpus.Doc {
	t.Helper()
	var docs []corpus.Doc
	r := corpus.Reader{Warn: func(err error) { t.Fatalf("seeds: %v", err) }}
	if err := r.Walk(context.Background(), []string{"../testdata/seeds"}, func(d corpus.Doc) error {
		docs = append(docs, d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return docs
}

func mustRun(t testing.TB, docs []corpus.Doc, o Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), docs, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func pairList(res *Result) string {
	var s []string
	for _, p := range res.Pairs {
		s = append(s, p.A+"~"+p.B+":"+string(p.Kind))
	}
	return strings.Join(s, " ")
}

// TestSeeds is the case neardup exists for: two of five reports of one
// event share AFP copy (a 37-word quote and some shorter quotes) while all
// five share the story's stock phrases.
func TestSeeds(t *testing.T) {
	docs := readSeeds(t)
	for _, exhaustive := range []bool{false, true} {
		o := Defaults()
		o.Exhaustive = exhaustive
		res := mustRun(t, docs, o)
		if got := pairList(res); got != "000_a86943d9168e89d9.txt~003_c20ac59b2d2f44c9.txt:reuse" {
			t.Fatalf("exhaustive=%v: pairs %s", exhaustive, got)
		}
		p := res.Pairs[0]
		if p.Jaccard > 0.1 {
			t.Errorf("whole-document Jaccard %.3f: the point of this case is that it is low", p.Jaccard)
		}
		var all []string
		for _, ps := range p.Passages {
			all = append(all, ps.Text)
			if docs[0].Text[ps.A.Start:ps.A.End] != ps.Text || docs[3].Text[ps.B.Start:ps.B.End] != ps.TextB {
				t.Errorf("passage %q: byte ranges do not match its text", ps.Text)
			}
		}
		joined := strings.Join(all, " | ")
		for _, quote := range []string{
			"14 interior ministry personnel were killed and 10 others wounded",
			"death sentences and arbitrary judgments against thousands of prisoners",
		} {
			if !strings.Contains(joined, quote) {
				t.Errorf("no passage contains %q; passages: %s", quote, joined)
			}
		}
		if len(res.Clusters) != 1 || len(res.Clusters[0].Members) != 2 {
			t.Errorf("clusters %+v", res.Clusters)
		}
	}
}

// TestSeedsInCharacters: in character 7-grams too, only the pair that
// shares AFP copy is reuse. Every pair of the five shares some 7-grams
// (Jaccard above the reuse score for four more) and short runs of the
// story's words; the floors in characters and the decision on coverage
// leave them out.
func TestSeedsInCharacters(t *testing.T) {
	docs := readSeeds(t)
	o := DefaultsFor(shingle.Config{Unit: shingle.CharUnit, K: 7})
	o.Exhaustive = true
	if got := pairList(mustRun(t, docs, o)); got != "000_a86943d9168e89d9.txt~003_c20ac59b2d2f44c9.txt:reuse" {
		t.Errorf("pairs %s", got)
	}
	o.MinScore = 0
	above := 0
	for _, p := range mustRun(t, docs, o).Pairs[1:] {
		if p.Kind != Candidate {
			t.Errorf("%s~%s: %s, want candidate", p.A, p.B, p.Kind)
		}
		if p.Jaccard >= o.ReuseScore {
			above++
		}
	}
	if above == 0 {
		t.Error("no other pair has a Jaccard similarity above the reuse score: the decision on coverage is not tested")
	}
}

func TestDefaultsFor(t *testing.T) {
	for _, tc := range []struct {
		c                    shingle.Config
		minPassage, evidence int
	}{
		{shingle.Config{Unit: shingle.WordUnit, K: 5}, 1, 5},
		{shingle.Config{Unit: shingle.WordUnit, K: 8}, 1, 5},
		{shingle.Config{Unit: shingle.CharUnit, K: 7}, 11, 44},
		{shingle.Config{Unit: shingle.CharUnit, K: 3}, 15, 48},
		{shingle.Config{Unit: shingle.CharUnit, K: 40}, 1, 11},
		{shingle.Config{Unit: shingle.CharUnit, K: 60}, 1, 1},
	} {
		o := DefaultsFor(tc.c)
		if o.Shingle != tc.c || o.MinPassage != tc.minPassage || o.MinEvidence != tc.evidence {
			t.Errorf("DefaultsFor(%v): shingles %v, MinPassage %d, MinEvidence %d; want %d, %d", tc.c, o.Shingle, o.MinPassage, o.MinEvidence, tc.minPassage, tc.evidence)
		}
		if err := o.Check(); err != nil {
			t.Errorf("DefaultsFor(%v): %v", tc.c, err)
		}
	}
}

// TestSeedsScoresOfOtherPairs checks that every other pair of seeds was
// looked at and scored well below the pair that shares wire copy.
func TestSeedsScoresOfOtherPairs(t *testing.T) {
	o := Defaults()
	o.Exhaustive = true
	o.MinScore = 0
	res := mustRun(t, readSeeds(t), o)
	if len(res.Pairs) != 10 {
		t.Fatalf("%d pairs verified, want all 10", len(res.Pairs))
	}
	for _, p := range res.Pairs[1:] {
		if p.Kind != Candidate || p.Score > 0.08 {
			t.Errorf("%s~%s: %s at %.3f", p.A, p.B, p.Kind, p.Score)
		}
	}
}

// words makes n pseudo-random words from a fixed vocabulary.
func words(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "w%d", rng.IntN(5000))
	}
	return b.String()
}

func TestShortDocuments(t *testing.T) {
	docs := []corpus.Doc{
		{ID: "a", Text: "Breaking news"},
		{ID: "b", Text: "BREAKING news!"},
		{ID: "c", Text: "Breaking news today"},
		{ID: "d", Text: "Breaking news today. " + words(rand.New(rand.NewPCG(1, 1)), 200)},
		{ID: "e", Text: "Breaking news today. " + words(rand.New(rand.NewPCG(2, 2)), 200)},
	}
	for _, exhaustive := range []bool{false, true} {
		o := Defaults()
		o.Exhaustive = exhaustive
		o.MinScore = 0
		res := mustRun(t, docs, o)
		if got := pairList(res); got != "a~b:duplicate" {
			t.Errorf("exhaustive=%v: pairs %s, want only the identical short texts", exhaustive, got)
		}
	}
}

func TestNearDuplicate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	base := strings.Fields(words(rng, 400))
	edited := append([]string(nil), base...)
	for i := 0; i < len(edited); i += 40 {
		edited[i] = "changed"
	}
	docs := []corpus.Doc{
		{ID: "orig", Text: strings.Join(base, " ")},
		{ID: "copy", Text: strings.Join(edited, " ")},
		{ID: "other", Text: words(rng, 400)},
	}
	res := mustRun(t, docs, Defaults())
	if got := pairList(res); got != "copy~orig:near-duplicate" {
		t.Fatalf("pairs %s", got)
	}
	if p := res.Pairs[0]; p.Jaccard < 0.5 || p.Score < p.Jaccard {
		t.Errorf("figures %+v", p)
	}
}

// TestStockPhrases: a sentence that every article carries is no evidence,
// while a passage two articles alone share is.
func TestStockPhrases(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	stock := "according to the syrian observatory for human rights a britain based war monitor with sources on the ground"
	shared := words(rng, 60)
	var docs []corpus.Doc
	for i := 0; i < 12; i++ {
		text := words(rng, 150) + ". " + stock + ". " + words(rng, 100)
		if i == 3 || i == 7 {
			text += ". " + shared
		}
		docs = append(docs, corpus.Doc{ID: fmt.Sprintf("doc%02d", i), Text: text})
	}
	res := mustRun(t, docs, Defaults())
	if got := pairList(res); got != "doc03~doc07:reuse" {
		t.Errorf("pairs %s", got)
	}
	for _, ps := range res.Pairs[0].Passages {
		if strings.Contains(ps.Text, "observatory") {
			t.Errorf("stock phrase given as evidence: %q", ps.Text)
		}
	}
}

// TestSharedPhraseIsNotReuse: two short briefs that share one turn of
// phrase of six words (two shingles) are not reuse, though the phrase
// covers more than a tenth of each; a shared sentence of twelve words
// (eight shingles) is. With MinEvidence 1 the phrase alone would pair.
func TestSharedPhraseIsNotReuse(t *testing.T) {
	phrase := "for a proposed public offering of"
	sentence := "the company said the sale would be completed by the end of june"
	docs := []corpus.Doc{
		{ID: "a", Text: "Acme Corp said it filed with regulators " + phrase + " two mln common shares priced near ten dlrs each."},
		{ID: "b", Text: "Widget Inc registered " + phrase + " bonds worth 40 mln dlrs, underwritten by First Boston."},
		{ID: "c", Text: "Gadget Co agreed to sell its plastics unit to a Dutch buyer. " + sentence + "."},
		{ID: "d", Text: "A Dutch chemicals group will buy the plastics arm of Gadget Co. " + sentence + ", it added."},
		// Two dividend notices: three shared shingles give a Jaccard
		// similarity of 0.19, above the reuse score, but no evidence.
		{ID: "e", Text: "Qtly div 25 cts vs 25 cts prior. Pay April 24. Record March 31."},
		{ID: "f", Text: "Qtly div 25 cts vs 25 cts. Pay May 15. Record April 20."},
	}
	res := mustRun(t, docs, Defaults())
	if got := pairList(res); got != "c~d:reuse" {
		t.Errorf("pairs %q, want c~d:reuse alone", got)
	}
	o := Defaults()
	o.MinScore = 0
	res = mustRun(t, docs, o)
	found := 0
	for _, p := range res.Pairs {
		if p.A+p.B == "ab" || p.A+p.B == "ef" {
			found++
			if p.Kind != Candidate || len(p.Passages) != 0 || p.Score != p.Jaccard {
				t.Errorf("%s~%s at MinScore 0: kind %s, %d passages, score %v, Jaccard %v; want a candidate scored on Jaccard, no passage", p.A, p.B, p.Kind, len(p.Passages), p.Score, p.Jaccard)
			}
			if p.A == "e" && !(p.Score > o.ReuseScore) {
				t.Errorf("e~f scores %v, not above the reuse score: the case is not tested", p.Score)
			}
		}
	}
	if found != 2 {
		t.Errorf("MinScore 0: %d of a~b and e~f reported, want both as candidates", found)
	}
	o = Defaults()
	o.MinEvidence = 1
	if got := pairList(mustRun(t, docs, o)); !strings.Contains(got, "a~b:reuse") {
		t.Errorf("MinEvidence 1: pairs %q, want a~b:reuse among them", got)
	}
}

// planted builds a corpus with whole copies, shared paragraphs and
// unrelated articles, and returns the pairs that share text.
func planted(seed uint64, n int) ([]corpus.Doc, map[string]bool) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var docs []corpus.Doc
	want := map[string]bool{}
	for i := 0; i < n; i++ {
		docs = append(docs, corpus.Doc{ID: fmt.Sprintf("d%03d", i), Text: words(rng, 200+rng.IntN(300))})
	}
	for i := 0; i+1 < n; i += 10 {
		// Two shared paragraphs of 40 words inside otherwise new text.
		para1, para2 := words(rng, 40), words(rng, 40)
		docs[i].Text = para1 + ". " + docs[i].Text + ". " + para2
		docs[i+1].Text = words(rng, 100) + ". " + para1 + ". " + docs[i+1].Text + ". " + para2
		want[docs[i].ID+"~"+docs[i+1].ID] = true
		// A light edit of a whole article.
		if i+2 < n {
			ws := strings.Fields(docs[i+2].Text)
			for k := 0; k < len(ws); k += 25 {
				ws[k] = "edited"
			}
			docs = append(docs, corpus.Doc{ID: docs[i+2].ID + "x", Text: strings.Join(ws, " ")})
			want[docs[i+2].ID+"~"+docs[i+2].ID+"x"] = true
		}
	}
	return docs, want
}

func TestPlantedRecallAndPrecision(t *testing.T) {
	docs, want := planted(11, 120)
	for _, exhaustive := range []bool{false, true} {
		o := Defaults()
		o.Exhaustive = exhaustive
		res := mustRun(t, docs, o)
		got := map[string]bool{}
		for _, p := range res.Pairs {
			got[p.A+"~"+p.B] = true
			if !want[p.A+"~"+p.B] {
				t.Errorf("exhaustive=%v: unplanted pair %s~%s %s %.3f", exhaustive, p.A, p.B, p.Kind, p.Score)
			}
		}
		for k := range want {
			if !got[k] {
				t.Errorf("exhaustive=%v: planted pair %s not found", exhaustive, k)
			}
		}
	}
}

// TestDeterministicWhateverWorkers also runs verification from hashes kept
// by the first reading, from texts read again, and from both, and counts
// shingles in the sketch from the start or midway, which in a corpus this
// small finds the same stock phrases as exact counts.
func TestDeterministicWhateverWorkers(t *testing.T) {
	docs, _ := planted(12, 80)
	docs = append(docs, readSeeds(t)...)
	for i := 0; i < len(docs); i += 3 { // a sign-off line: stock
		docs[i].Text += "\n(Reporting by the wire agency desk; editing by its night editors in London)"
	}
	var first *Result
	for _, c := range []struct{ workers, keep, exact int }{{1, 0, 0}, {2, 0, 0}, {5, 0, 0}, {2, -1, 0}, {2, 3000, 0}, {1, 0, 1}, {5, 0, 1}, {2, 0, 20000}} {
		o := Defaults()
		o.Workers = c.workers
		o.KeepHashes = c.keep
		o.MinScore = 0
		o.exactLimit = c.exact
		res := mustRun(t, docs, o)
		if first == nil {
			first = res
			if first.Stats.StockShingles == 0 {
				t.Fatal("no stock shingles: the sketch would not be tested")
			}
			continue
		}
		if c.exact > 0 {
			if !res.Stats.StockSketched {
				t.Fatalf("exact limit %d: the sketch was not used", c.exact)
			}
			res.Stats.StockShingles, res.Stats.StockSketched = first.Stats.StockShingles, false
		}
		if !reflect.DeepEqual(first, res) {
			t.Fatalf("workers=%d, keep %d hashes, exact limit %d: a different result", c.workers, c.keep, c.exact)
		}
	}
}

func TestMinwiseHasherAgrees(t *testing.T) {
	o := Defaults()
	o.Hasher = "minwise"
	if got := pairList(mustRun(t, readSeeds(t), o)); got != "000_a86943d9168e89d9.txt~003_c20ac59b2d2f44c9.txt:reuse" {
		t.Errorf("minwise hasher: %s", got)
	}
}

func TestClusterSource(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	wire := words(rng, 120)
	docs := []corpus.Doc{
		{ID: "outlet1", Text: words(rng, 200) + ". " + wire + ". " + words(rng, 100), Date: "2024-12-27"},
		{ID: "wire", Text: wire, Date: "2024-12-26"},
		{ID: "outlet2", Text: words(rng, 50) + ". " + wire, Date: "2024-12-26"},
		{ID: "unrelated", Text: words(rng, 300)},
	}
	res := mustRun(t, docs, Defaults())
	if len(res.Clusters) != 1 {
		t.Fatalf("clusters %+v (pairs %s)", res.Clusters, pairList(res))
	}
	c := res.Clusters[0]
	if c.Source != "wire" || fmt.Sprint(c.Members) != "[outlet1 outlet2 wire]" {
		t.Errorf("cluster %+v", c)
	}
	// Outlets that each add to a story the other also carries, neither
	// taking the other whole: no source among them.
	res = mustRun(t, append(slices.Clone(docs[:1]), docs[2]), Defaults())
	if len(res.Pairs) != 1 || res.Pairs[0].Direction != Common || len(res.Clusters) != 1 || res.Clusters[0].Source != "" {
		t.Errorf("two outlets: pairs %s, clusters %+v", pairList(res), res.Clusters)
	}
}

// TestDirection takes the rule's cases one by one.
func TestDirection(t *testing.T) {
	docs := []Document{{Doc: corpus.Doc{Date: "2024-12-26"}}, {Doc: corpus.Doc{Date: "2024-12-27"}}, {}, {Doc: corpus.Doc{Date: "26 December 2024"}}}
	date := dateCache(docs)
	for _, c := range []struct {
		i, j   int
		ca, cb float64
		kind   Kind
		want   string
	}{
		{0, 1, 0.95, 0.30, Reuse, AToB},              // a, dated first, is in b
		{1, 0, 0.95, 0.30, Reuse, Common},            // a is in b but dated after it
		{0, 1, 0.30, 0.95, Reuse, Common},            // b is in a but dated after it
		{1, 0, 0.30, 0.95, Reuse, BToA},              // b, dated first, is in a
		{0, 2, 0.95, 0.30, Reuse, AToB},              // no date to say otherwise
		{0, 1, 0.09, 0.13, Reuse, Common},            // neither took the other whole
		{0, 1, 1, 1, Duplicate, AToB},                // the same text, a dated first
		{1, 0, 1, 1, Duplicate, BToA},                // the same text, b dated first
		{0, 3, 1, 1, Duplicate, Common},              // dated alike (another form)
		{0, 2, 1, 1, Duplicate, Common},              // no date for one
		{0, 1, inShare, inShare - 0.01, Reuse, AToB}, // at the share
	} {
		p := Pair{I: c.i, J: c.j, ContainmentA: c.ca, ContainmentB: c.cb, Kind: c.kind}
		if got, why := direction(&p, date); got != c.want || why == "" {
			t.Errorf("%+v: %s (%s), want %s", c, got, why, c.want)
		}
	}
}

func TestDuplicateIDs(t *testing.T) {
	_, err := Run(context.Background(), []corpus.Doc{{ID: "x", Text: "a", Path: "p1"}, {ID: "x", Text: "b", Path: "p2"}}, Defaults())
	if err == nil || !strings.Contains(err.Error(), "p1") || !strings.Contains(err.Error(), "p2") {
		t.Errorf("err = %v", err)
	}
}

func TestCheck(t *testing.T) {
	for _, mod := range []func(*Options){
		func(o *Options) { o.Threshold = 0 },
		func(o *Options) { o.Shingle.K = 0 },
		func(o *Options) { o.Hasher = "x" },
		func(o *Options) { o.Window = 0 },
		func(o *Options) { o.Perms = 0 },
	} {
		o := Defaults()
		mod(&o)
		if _, err := Run(context.Background(), nil, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	docs, _ := planted(1, 50)
	if _, err := Run(ctx, docs, Defaults()); err == nil {
		t.Error("a cancelled run returned no error")
	}
}

func ExampleRun() {
	wire := "Fourteen interior ministry personnel were killed and ten others wounded after a treacherous ambush by remnants of the former regime, the minister said."
	docs := []corpus.Doc{
		{ID: "outlet-a", Text: "Clashes broke out in Tartus province on Wednesday as the new authorities sought to arrest an officer of the ousted government. " + wire + " Residents said they fled the area overnight and shops stayed closed."},
		{ID: "outlet-b", Text: "Security forces came under fire near the coast. " + wire + " The group that led the offensive earlier this month now runs the ministry."},
		{ID: "outlet-c", Text: "Markets were calm in Damascus as traders returned to the old city."},
	}
	res, err := Run(context.Background(), docs, Defaults())
	if err != nil {
		panic(err)
	}
	for _, p := range res.Pairs {
		fmt.Printf("%s ~ %s: %s\n", p.A, p.B, p.Kind)
		for _, ps := range p.Passages {
			fmt.Printf("  %q\n", ps.Text)
		}
	}
	// Output:
	// outlet-a ~ outlet-b: reuse
	//   "Fourteen interior ministry personnel were killed and ten others wounded after a treacherous ambush by remnants of the former regime, the minister said"
}

func BenchmarkRunSeeds(b *testing.B) {
	docs := readSeeds(b)
	size := 0
	for _, d := range docs {
		size += len(d.Text)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		mustRun(b, docs, Defaults())
	}
}

// TestDistinctKeys checks the keys a document's shingles are counted
// under, and its count of distinct hashes: exact, or -1 when two
// different hashes share a key.
func TestDistinctKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	var wk filer
	for trial := 0; trial < 400; trial++ {
		hs := make([]uint64, rng.IntN(300))
		for i := range hs {
			switch trial % 6 {
			case 0: // spread
				hs[i] = rng.Uint64()
			case 1: // repeats, and key 0, with bits keyOf drops
				hs[i] = rng.Uint64()%50<<idBits | rng.Uint64()&(1<<idBits-1)
			case 2: // repeats of whole hashes, 0 among them
				hs[i] = rng.Uint64() % 40 * 0x9e3779b97f4a7c15
			case 3: // repeats, keys that clash now and then
				hs[i] = rng.Uint64()%60<<idBits | rng.Uint64()%2
			default: // spread, then key 0 twice: one hash, or two
				hs[i] = rng.Uint64()
			}
		}
		if trial%6 >= 4 && len(hs) >= 2 {
			hs[0], hs[len(hs)-1] = 5, 5+uint64(trial%6-4)
		}
		var want []uint64
		byKey := map[uint64]map[uint64]bool{}
		hashes := map[uint64]bool{}
		for _, h := range hs {
			k := keyOf(h)
			if !slices.Contains(want, k) {
				want = append(want, k)
				byKey[k] = map[uint64]bool{}
			}
			byKey[k][h] = true
			hashes[h] = true
		}
		wantN := len(hashes)
		for _, hs := range byKey {
			if len(hs) > 1 {
				wantN = -1
			}
		}
		got, n := wk.distinctKeys([]uint64{7}, hs)
		if got[0] != 7 {
			t.Fatal("dst overwritten")
		}
		got = got[1:]
		if !slices.Equal(got, want) { // in order of first appearance
			t.Fatalf("trial %d: %d keys, want %d", trial, len(got), len(want))
		}
		if n != wantN {
			t.Fatalf("trial %d: %d distinct hashes, want %d", trial, n, wantN)
		}
		// Large documents' keys are found by sorting: the same, in order.
		sorted, sn := distinctSorted([]uint64{7}, hs)
		w := slices.Clone(want)
		slices.Sort(w)
		if sorted[0] != 7 || !slices.Equal(sorted[1:], w) || sn != wantN {
			t.Fatalf("trial %d, by sorting: %d keys (want %d), %d distinct hashes (want %d)", trial, len(sorted)-1, len(w), sn, wantN)
		}
		if empty, _ := distinctSorted(nil, hs); !slices.Equal(empty, w) {
			t.Fatalf("trial %d, by sorting into nothing: %d keys, want %d", trial, len(empty), len(w))
		}
	}
}

// TestIdenticalGroups: documents with one normalised text are filed once,
// by the first of them; the scan must still report every pair among them
// and, for each of them, every pair the group's first has, as the
// exhaustive comparison of all pairs does.
func TestIdenticalGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	text := words(rng, 300)
	para := words(rng, 60)
	docs := []corpus.Doc{
		{ID: "g1", Text: text + " " + para},
		{ID: "other", Text: words(rng, 200) + " " + para + " " + words(rng, 100)},
		{ID: "g2", Text: strings.ToUpper(text + " " + para)},
		{ID: "g3", Text: strings.ReplaceAll(text+" "+para, " ", ", ")},
		{ID: "unrelated", Text: words(rng, 300)},
	}
	var got [2]string
	for k, exhaustive := range []bool{false, true} {
		o := Defaults()
		o.Exhaustive = exhaustive
		got[k] = pairList(mustRun(t, docs, o))
	}
	if got[0] != got[1] {
		t.Fatalf("scan pairs %s,\nexhaustive %s", got[0], got[1])
	}
	for _, want := range []string{"g1~g2:duplicate", "g1~g3:duplicate", "g2~g3:duplicate", "g1~other:reuse", "g2~other:reuse", "g3~other:reuse"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("pairs %s lack %s", got[0], want)
		}
	}
}

// TestNoEvidence holds a scan without evidence to the scan with it: the
// same pairs and figures, passages with their words counted and nothing
// else, documents without their texts, for word and character shingles.
func TestNoEvidence(t *testing.T) {
	docs, _ := planted(13, 60)
	docs = append(docs, readSeeds(t)...)
	for _, sh := range []shingle.Config{{Unit: shingle.WordUnit, K: 5}, {Unit: shingle.WordUnit, K: 2}, {Unit: shingle.CharUnit, K: 7}} {
		o := Defaults()
		o.Shingle = sh
		o.MinScore = 0
		full := mustRun(t, docs, o)
		o.NoEvidence = true
		bare := mustRun(t, docs, o)
		passages := 0
		for k := range full.Pairs {
			passages += len(full.Pairs[k].Passages)
			for x := range full.Pairs[k].Passages {
				ps := &full.Pairs[k].Passages[x]
				*ps = Passage{Words: ps.Words, inA: ps.inA, inB: ps.inB}
			}
		}
		for _, fs := range [][]Family{full.Syndication, full.Templates} {
			for k := range fs {
				for x := range fs[k].Passages {
					fs[k].Passages[x].Text = "" // the families are the same, their text unread
				}
			}
		}
		for k := range full.Documents {
			full.Documents[k].Text = ""
		}
		if passages == 0 {
			t.Fatalf("%v: no passages to compare", sh)
		}
		if !reflect.DeepEqual(full, bare) {
			t.Errorf("%v: without evidence, a different result", sh)
		}
	}
}

// TestClustersNeverChain holds clusters to their rule on random graphs
// (checkClusters): every member has a pair with the cluster's center.
func TestClustersNeverChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	for trial := 0; trial < 500; trial++ {
		n := 1 + rng.IntN(40)
		docs := make([]Document, n)
		for i := range docs {
			docs[i].ID = fmt.Sprintf("d%02d", i)
			if rng.IntN(3) == 0 {
				docs[i].Date = fmt.Sprintf("2024-12-%02d", 1+rng.IntN(5))
			}
		}
		var pairs []Pair
		adj := make([][]int, n)
		from := map[[2]int]bool{} // a pair runs from [0] to [1]
		used := map[[2]int]bool{}
		date := dateCache(docs)
		for range rng.IntN(2 * n) {
			i, j := rng.IntN(n), rng.IntN(n)
			if i == j || used[[2]int{min(i, j), max(i, j)}] {
				continue
			}
			i, j = min(i, j), max(i, j)
			used[[2]int{i, j}] = true
			p := Pair{I: i, J: j, Kind: []Kind{Reuse, NearDuplicate, Candidate}[rng.IntN(3)], ContainmentA: float64(rng.IntN(5)) / 4, ContainmentB: float64(rng.IntN(5)) / 4}
			pairs = append(pairs, p)
			if p.Kind != Candidate {
				adj[i], adj[j] = append(adj[i], j), append(adj[j], i)
				switch dir, _ := direction(&p, date); dir {
				case AToB:
					from[[2]int{i, j}] = true
				case BToA:
					from[[2]int{j, i}] = true
				}
			}
		}
		SetDirections(docs, pairs)
		got := clusters(docs, pairs)
		checkClusters(t, trial, docs, pairs, got, adj, from)
	}
}

// checkClusters checks the clusters got of pairs against the rule: each
// member has a pair with the center, no document is in two clusters,
// centers come in order of their pairs and nothing is left that could
// be a cluster; a pair names the cluster of both its documents; a
// source has a pair running from it to each other member.
func checkClusters(t *testing.T, trial int, docs []Document, pairs []Pair, got []Cluster, adj [][]int, from map[[2]int]bool) {
	t.Helper()
	at := map[string]int{}
	for i, d := range docs {
		at[d.ID] = i
	}
	in := make([]int, len(docs))
	lastDegree := len(docs) + 1
	for _, c := range got {
		center := at[c.Center]
		if len(adj[center]) > lastDegree {
			t.Fatalf("trial %d: cluster %d's center has %d pairs, an earlier one %d", trial, c.ID, len(adj[center]), lastDegree)
		}
		lastDegree = len(adj[center])
		for _, id := range c.Members {
			m := at[id]
			if in[m] != 0 {
				t.Fatalf("trial %d: %s in clusters %d and %d", trial, id, in[m], c.ID)
			}
			in[m] = c.ID
			if m != center && !slices.Contains(adj[center], m) {
				t.Fatalf("trial %d: cluster %d joins %s, which has no pair with its center %s", trial, c.ID, id, c.Center)
			}
		}
		source := ""
		for _, a := range c.Members {
			all := true
			for _, b := range c.Members {
				all = all && (a == b || from[[2]int{at[a], at[b]}])
			}
			if all {
				source = a
			}
		}
		if c.Source != source {
			t.Fatalf("trial %d: cluster %d source %q, want %q", trial, c.ID, c.Source, source)
		}
	}
	for i := range docs {
		if in[i] != 0 {
			continue
		}
		for _, j := range adj[i] {
			if in[j] == 0 {
				t.Fatalf("trial %d: %s and %s share a pair and neither is in a cluster", trial, docs[i].ID, docs[j].ID)
			}
		}
	}
	for _, p := range pairs {
		want := 0
		if p.Kind != Candidate && in[p.I] != 0 && in[p.I] == in[p.J] {
			want = in[p.I]
		}
		if p.Cluster != want {
			t.Fatalf("trial %d: pair %d-%d names cluster %d, want %d", trial, p.I, p.J, p.Cluster, want)
		}
	}
}

// TestChunkedShingles checks that a large text tokenized piece by piece
// has the features of the whole: hashes, token count, normalised hash.
func TestChunkedShingles(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	var b strings.Builder
	for b.Len() < 3*chunkBytes {
		switch rng.IntN(20) {
		case 0:
			b.WriteString("\n\n")
		case 1:
			b.WriteString(" Ärger, ÉTÉ! ")
		case 2:
			b.WriteString("  東京の天気 ")
		default:
			b.WriteString(words(rng, 1+rng.IntN(30)) + ". ")
		}
	}
	text := b.String()
	for _, k := range []int{1, 2, 5, 9} {
		o := Defaults()
		o.Shingle.K = k
		e, err := NewExtractor(o)
		if err != nil {
			t.Fatal(err)
		}
		got := e.chunkedShingles(text)
		e.text.Tokenize(text)
		want := Features{Tokens: e.text.Len()}
		want.Hashes = o.Shingle.Shingles(nil, &e.text)
		wantNorm := Features{}
		wantNorm.Norm[0], wantNorm.Norm[1] = murmurNorm(e.text.Norm)
		if got.Tokens != want.Tokens || !slices.Equal(got.Hashes, want.Hashes) || got.Norm != wantNorm.Norm {
			t.Errorf("k=%d: %d tokens, %d hashes (equal: %v), norm equal: %v; want %d tokens, %d hashes",
				k, got.Tokens, len(got.Hashes), slices.Equal(got.Hashes, want.Hashes), got.Norm == wantNorm.Norm, want.Tokens, len(want.Hashes))
		}
	}
}

// TestComparePairIsScan: every pair a scan reports, compared alone with
// the corpus's stock phrases, has the scan's figures and passages.
func TestComparePairIsScan(t *testing.T) {
	docs, _ := planted(17, 80)
	docs = append(docs, readSeeds(t)...)
	o := Defaults()
	res := mustRun(t, docs, o)
	if len(res.Pairs) < 10 {
		t.Fatalf("only %d pairs to compare", len(res.Pairs))
	}
	for _, p := range res.Pairs {
		got, err := ComparePair(context.Background(), Docs(docs), o, p.B, p.A)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Pairs) != 1 {
			t.Fatalf("%s ~ %s: %d pairs", p.A, p.B, len(got.Pairs))
		}
		q := got.Pairs[0]
		want := p
		want.I, want.J, want.Cluster, q.Cluster = 0, 1, 0, 0
		if !reflect.DeepEqual(q, want) {
			t.Errorf("%s ~ %s: compared alone\n%+v\nin the scan\n%+v", p.A, p.B, q, want)
		}
	}
	if _, err := ComparePair(context.Background(), Docs(docs), o, docs[0].ID, "no such id"); err == nil {
		t.Error("an id that is not in the corpus: no error")
	}
}

// TestPairBinary: a pair encoded and decoded is the same pair, its
// passages' shingle ranges included.
func TestPairBinary(t *testing.T) {
	docs, _ := planted(19, 40)
	res := mustRun(t, docs, Defaults())
	if len(res.Pairs) == 0 {
		t.Fatal("no pairs")
	}
	for _, p := range res.Pairs {
		b, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var q Pair
		if err := q.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("%s ~ %s: decoded\n%+v\nwas\n%+v", p.A, p.B, q, p)
		}
	}
}
