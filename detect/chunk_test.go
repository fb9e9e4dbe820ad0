package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

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
