package detect

import (
	"fmt"
	"time"

	"github.com/neardup/neardup/corpus"
)

// Directions of a pair's shared text (Pair.Direction).
const (
	// AToB: A's text is (nearly) all in B, as a wire story or press
	// release is in the articles built on it, and A is not dated after B.
	AToB = "a->b"
	// BToA: likewise from B to A.
	BToA = "b->a"
	// Common: neither shows it came from the other; both carry copy from
	// a source that may not be in the corpus.
	Common = "common"
)

// inShare is the share of a document's shingles that must be in the
// other for the other to have taken it whole: an outlet that edits a
// wire story lightly keeps most of its shingles.
const inShare = 0.8

// SetDirections sets each pair's Direction and its grounds (Why), from
// its containments and its documents' dates (pairs index docs).
func SetDirections(docs []Document, pairs []Pair) {
	dates := dateCache(docs)
	for k := range pairs {
		pairs[k].Direction, pairs[k].Why = direction(&pairs[k], dates)
	}
}

// dateFunc returns document i's date, if it has one that can be read.
type dateFunc = func(i int) (time.Time, bool)

// dateCache returns a function that parses each document's date once.
func dateCache(docs []Document) dateFunc {
	parsed := map[int]time.Time{}
	failed := map[int]bool{}
	return func(i int) (time.Time, bool) {
		if t, ok := parsed[i]; ok {
			return t, true
		}
		if failed[i] || docs[i].Date == "" {
			return time.Time{}, false
		}
		t, ok := corpus.ParseDate(docs[i].Date)
		if !ok {
			failed[i] = true
			return t, false
		}
		parsed[i] = t
		return t, true
	}
}

// direction is a pair's direction and its grounds.
func direction(p *Pair, date func(int) (time.Time, bool)) (string, string) {
	aIn, bIn := p.ContainmentA >= inShare, p.ContainmentB >= inShare
	ta, okA := date(p.I)
	tb, okB := date(p.J)
	dated := okA && okB
	switch {
	case aIn && bIn:
		why := "the same text"
		if p.Kind != Duplicate {
			why = fmt.Sprintf("each holds most of the other (%.0f%% and %.0f%%)", 100*p.ContainmentA, 100*p.ContainmentB)
		}
		switch {
		case dated && ta.Before(tb):
			return AToB, why + "; a is dated first"
		case dated && tb.Before(ta):
			return BToA, why + "; b is dated first"
		case dated:
			return Common, why + ", dated alike: neither is known to come first"
		}
		return Common, why + ", and no dates to tell which came first"
	case aIn:
		if dated && ta.After(tb) {
			return Common, fmt.Sprintf("%.0f%% of a is in b, but a is dated after b", 100*p.ContainmentA)
		}
		return AToB, fmt.Sprintf("%.0f%% of a is in b, %.0f%% of b in a: b took a%s", 100*p.ContainmentA, 100*p.ContainmentB, dateWords(dated, "a"))
	case bIn:
		if dated && tb.After(ta) {
			return Common, fmt.Sprintf("%.0f%% of b is in a, but b is dated after a", 100*p.ContainmentB)
		}
		return BToA, fmt.Sprintf("%.0f%% of b is in a, %.0f%% of a in b: a took b%s", 100*p.ContainmentB, 100*p.ContainmentA, dateWords(dated, "b"))
	}
	return Common, fmt.Sprintf("neither took the other whole (%.0f%% of a is in b, %.0f%% of b in a): both carry copy from a source that is neither", 100*p.ContainmentA, 100*p.ContainmentB)
}

func dateWords(dated bool, src string) string {
	if dated {
		return "; " + src + " is not dated after the other"
	}
	return "; no dates to say otherwise"
}
