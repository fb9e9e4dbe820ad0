package detect

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSet checks the set against a map, with 0, repeats and reuse at
// sizes that grow and shrink.
func TestSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	var s set
	for trial := 0; trial < 300; trial++ {
		n := rng.IntN(2000)
		s.reset(n)
		in := map[uint64]bool{}
		for range n {
			v := rng.Uint64() % uint64(1+rng.IntN(n+1)) // repeats and 0
			if trial%3 == 0 {
				v = rng.Uint64()
			}
			if got, want := s.add(v), !in[v]; got != want {
				t.Fatalf("trial %d: add(%d) = %v, want %v", trial, v, got, want)
			}
			in[v] = true
		}
	}
}

// TestExtractPrints checks that Extract's fingerprints are sorted and
// distinct, and the same as those a scan files, on texts whose repeated
// sentences repeat fingerprints.
func TestExtractPrints(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	words := strings.Fields("the minister said on monday that talks would resume in geneva after a pause of two weeks")
	ex, err := NewExtractor(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	for trial := 0; trial < 100; trial++ {
		var b strings.Builder
		for range rng.IntN(400) {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		text := b.String() + b.String() // every fingerprint twice
		f := ex.Extract(text)
		for i := 1; i < len(f.Prints); i++ {
			if f.Prints[i] <= f.Prints[i-1] {
				t.Fatalf("trial %d: prints not sorted and distinct at %d", trial, i)
			}
		}
		scan := slices.Clone(ex.distinct(ex.features(text).Prints))
		slices.Sort(scan)
		if !slices.Equal(scan, f.Prints) {
			t.Fatalf("trial %d: a scan files %d prints, Extract gives %d", trial, len(scan), len(f.Prints))
		}
	}
	// A scan leaves out the set when a text's shingles are distinct:
	// then one winnowing's prints must be distinct as they come.
	unique := 0
	for trial := 0; trial < 300; trial++ {
		var b strings.Builder
		for range rng.IntN(300) {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		f := ex.features(b.String())
		if len(f.Hashes) == 0 || countDistinctHashes(f.Hashes) != len(f.Hashes) {
			continue
		}
		unique++
		if d := ex.distinct(slices.Clone(f.Prints)); len(d) != len(f.Prints) {
			t.Fatalf("trial %d: distinct shingles, but %d prints of %d repeat", trial, len(f.Prints)-len(d), len(f.Prints))
		}
	}
	if unique < 50 {
		t.Fatalf("only %d texts of distinct shingles tried", unique)
	}
}

func countDistinctHashes(hs []uint64) int {
	seen := map[uint64]bool{}
	for _, h := range hs {
		seen[h] = true
	}
	return len(seen)
}

func TestMergeUnique(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	for trial := 0; trial < 500; trial++ {
		gen := func() []uint64 {
			v := make([]uint64, rng.IntN(50))
			for i := range v {
				v[i] = rng.Uint64N(60)
			}
			slices.Sort(v)
			return slices.Compact(v)
		}
		a, b := gen(), gen()
		want := slices.Compact(slices.Sorted(slices.Values(slices.Concat(a, b))))
		if got := mergeUnique([]uint64{99}, a, b); got[0] != 99 || !slices.Equal(got[1:], want) {
			t.Fatalf("mergeUnique(%v, %v) = %v, want %v after 99", a, b, got, want)
		}
	}
}

// TestSortByPlace checks sortByPlace against SortPairs on pairs spread
// over chunks, with repeated scores, places standing for ids.
func TestSortByPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 18))
	for trial := 0; trial < 50; trial++ {
		var found [][]Pair
		var all []Pair
		seen := map[[2]int]bool{}
		for range rng.IntN(8) {
			var ch []Pair
			for range rng.IntN(300) {
				i, j := rng.IntN(500), rng.IntN(500)
				if i >= j || seen[[2]int{i, j}] {
					continue
				}
				seen[[2]int{i, j}] = true
				p := Pair{I: i, J: j, A: fmt.Sprintf("%04d", i), B: fmt.Sprintf("%04d", j), Score: float64(rng.IntN(20)) / 19}
				ch = append(ch, p)
				all = append(all, p)
			}
			found = append(found, ch)
		}
		got := sortByPlace(found)
		SortPairs(all)
		if len(got) != len(all) {
			t.Fatalf("trial %d: %d pairs, want %d", trial, len(got), len(all))
		}
		for k := range all {
			if got[k].I != all[k].I || got[k].J != all[k].J {
				t.Fatalf("trial %d: pair %d is %d~%d, want %d~%d", trial, k, got[k].I, got[k].J, all[k].I, all[k].J)
			}
		}
	}
}
