package shingle

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spaolacci/murmur3"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

func tokens(t *Text) []string {
	var out []string
	for _, tok := range t.Tokens {
		out = append(out, string(t.Norm[tok.NormStart:tok.NormEnd]))
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"ascii", "The UK-based Syrian Observatory, for Human Rights!", []string{"the", "uk", "based", "syrian", "observatory", "for", "human", "rights"}},
		{"apostrophes alike", "Syria’s Assad's", []string{"syria", "s", "assad", "s"}},
		{"digits", "14 killed, 10 wounded; 15,000 devices", []string{"14", "killed", "10", "wounded", "15", "000", "devices"}},
		{"nfkc fullwidth", "ＡＢＣ ｄｅｆ", []string{"abc", "def"}},
		{"nfkc ligature", "ﬁnance", []string{"finance"}},
		{"case fold", "STRASSE Straße ΣΊΣΥΦΟΣ", []string{"strasse", "strasse", "σίσυφοσ"}},
		{"accented", "Café naïve Zürich", []string{"café", "naïve", "zürich"}},
		{"cyrillic", "Москва — столица России.", []string{"москва", "столица", "россии"}},
		{"arabic", "وزارة الداخلية السورية", []string{"وزارة", "الداخلية", "السورية"}},
		{"arabic marks", "مُحَمَّد", []string{"مُحَمَّد"}},
		{"devanagari marks", "हिन्दी भाषा", []string{"हिन्दी", "भाषा"}},
		{"chinese chars", "叙利亚内政部", []string{"叙", "利", "亚", "内", "政", "部"}},
		{"japanese mixed", "東京タワーとTokyo", []string{"東", "京", "タ", "ワ", "ー", "と", "tokyo"}},
		{"invalid utf8", "ab\xffcd e", []string{"ab", "cd", "e"}},
		{"empty", "", nil},
		{"punctuation only", "… — !!! ...", nil},
		{"ascii then accent", "resumé", []string{"resumé"}},
	}
	var txt Text
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			txt.Tokenize(tc.in)
			got := tokens(&txt)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			checkOffsets(t, &txt, tc.in)
			if got, want := fmt.Sprintf("%q %v", tokens(&txt), txt.Tokens), reference(tc.in); got != want {
				t.Errorf("Tokenize(%q) = %s, reference %s", tc.in, got, want)
			}
		})
	}
}

// TestTokenizeLongTexts compares Tokenize with the reference on random
// texts long enough for its 64-byte blocks: ASCII words of all lengths
// (some longer than a block), punctuation, upper case, accented and
// non-Latin words, curly quotes, unspaced scripts and invalid bytes, so
// that tokens meet block ends and bytes of 0x80 and above at every offset.
func TestTokenizeLongTexts(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	pieces := []string{" ", " ", "  ", ", ", ". ", "\n", "-", "’", "'", "é", "É", "ß", "Москва", "叙利", "\xff", "\u0301", "①", "ﬁ"}
	letters := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var txt Text
	for trial := 0; trial < 3000; trial++ {
		var b strings.Builder
		for n := rng.IntN(600); b.Len() < n; {
			if rng.IntN(3) == 0 {
				b.WriteString(pieces[rng.IntN(len(pieces))])
				continue
			}
			l := 1 + rng.IntN(12)
			if rng.IntN(40) == 0 {
				l = 60 + rng.IntN(80)
			}
			for range l {
				b.WriteByte(letters[rng.IntN(len(letters))])
			}
		}
		in := b.String()
		txt.Tokenize(in)
		checkOffsets(t, &txt, in)
		if got, want := fmt.Sprintf("%q %v", tokens(&txt), txt.Tokens), reference(in); got != want {
			t.Fatalf("Tokenize(%q) =\n%s, want\n%s", in, got, want)
		}
	}
}

// checkOffsets verifies the invariants every Text keeps.
func checkOffsets(t *testing.T, txt *Text, in string) {
	t.Helper()
	prevEnd, prevNorm := int32(0), int32(-1)
	for i, tok := range txt.Tokens {
		if tok.Start < prevEnd || tok.End <= tok.Start || int(tok.End) > len(in) {
			t.Fatalf("token %d: bad original range [%d,%d) after %d in %q", i, tok.Start, tok.End, prevEnd, in)
		}
		if tok.NormStart <= prevNorm || tok.NormEnd <= tok.NormStart || int(tok.NormEnd) > len(txt.Norm) {
			t.Fatalf("token %d: bad normalised range [%d,%d)", i, tok.NormStart, tok.NormEnd)
		}
		if i > 0 && txt.Norm[tok.NormStart-1] != ' ' {
			t.Fatalf("token %d: not separated by a space in %q", i, txt.Norm)
		}
		prevEnd, prevNorm = tok.End, tok.NormEnd
	}
	if !utf8.Valid(txt.Norm) {
		t.Fatalf("normalised text is not valid UTF-8: %q", txt.Norm)
	}
}

func TestHashDefinition(t *testing.T) {
	// The documented definition: murmur3 x64_128's first half, seed
	// 0x6e656172, of the shingle's tokens joined by single spaces.
	var txt Text
	txt.Tokenize("At least 14 interior MINISTRY personnel...")
	got := Words(nil, &txt, 5)
	if len(got) != 2 {
		t.Fatalf("got %d shingles, want 2", len(got))
	}
	want0, _ := murmur3.Sum128WithSeed([]byte("at least 14 interior ministry"), 0x6e656172)
	want1, _ := murmur3.Sum128WithSeed([]byte("least 14 interior ministry personnel"), 0x6e656172)
	if got[0] != want0 || got[1] != want1 {
		t.Errorf("Words = %x, want [%x %x]", got, want0, want1)
	}
	// Stored signatures depend on these exact values.
	if want0 != 0x327b53f8bced37f7 {
		t.Errorf("hash of a fixed shingle changed to %#x: stored signatures would be invalid", want0)
	}
}

func TestSum128MatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	buf := make([]byte, 300)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for n := 0; n <= 100; n++ {
		for _, seed := range []uint32{0, Seed, rng.Uint32()} {
			// A slice of a longer buffer, as shingles are of Text.Norm:
			// bytes after the end must not count.
			from := rng.IntN(100)
			data := buf[from : from+n]
			g1, g2 := sum128(data, seed)
			w1, w2 := murmur3.Sum128WithSeed(data, seed)
			if g1 != w1 || g2 != w2 {
				t.Fatalf("length %d, seed %#x: %x %x, want %x %x", n, seed, g1, g2, w1, w2)
			}
		}
	}
}

func TestShortTexts(t *testing.T) {
	var txt Text
	for n := 0; n < 5; n++ {
		txt.Tokenize(strings.Repeat("word ", n))
		if got := Words(nil, &txt, 5); len(got) != 0 {
			t.Errorf("%d tokens gave %d 5-shingles, want 0", n, len(got))
		}
	}
	txt.Tokenize("one two three four five")
	if got := Words(nil, &txt, 5); len(got) != 1 {
		t.Errorf("5 tokens gave %d 5-shingles, want 1", len(got))
	}
}

func TestPunctuationAndCaseDoNotMatter(t *testing.T) {
	var a, b Text
	a.Tokenize(`"14 interior ministry personnel were killed," he said.`)
	b.Tokenize("14 Interior Ministry personnel were KILLED -- he said")
	ha, hb := Words(nil, &a, 3), Words(nil, &b, 3)
	if fmt.Sprint(ha) != fmt.Sprint(hb) {
		t.Errorf("normalised shingles differ:\n%x\n%x", ha, hb)
	}
}

// tokenized returns in tokenized.
func tokenized(in string) *Text {
	var t Text
	t.Tokenize(in)
	return &t
}

func TestSpan(t *testing.T) {
	in := "Alpha, beta gamma; delta epsilon."
	txt := tokenized(in)
	c := Config{Unit: WordUnit, K: 2}
	s, e := c.Span(txt, 1, 2) // "beta gamma", "gamma delta"
	if got := in[s:e]; got != "beta gamma; delta" {
		t.Errorf("Span = %q", got)
	}
	from, to := c.Tokens(txt, 1, 2)
	if from != 1 || to != 4 {
		t.Errorf("Tokens = %d,%d, want 1,4", from, to)
	}
}

func TestChars(t *testing.T) {
	in := "Ab, cd!"
	txt := tokenized(in)
	c := Config{Unit: CharUnit, K: 3}
	got := c.Shingles(nil, txt)
	// Normalised text "ab cd": 3-grams "ab ", "b c", " cd".
	want := []uint64{Hash([]byte("ab ")), Hash([]byte("b c")), Hash([]byte(" cd"))}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Chars = %x, want %x", got, want)
	}
	s, e := c.Span(txt, 1, 2)
	if in[s:e] != "Ab, cd" {
		t.Errorf("Span = %q", in[s:e])
	}
	txt.Tokenize("叙利亚内政部")
	if n := len(Words(nil, txt, 3)); n != 4 {
		t.Errorf("6 Han characters gave %d 3-shingles, want 4", n)
	}
}

func TestTokenizeAllocs(t *testing.T) {
	in := strings.Repeat("At least 14 interior ministry troops were killed in an ambush. ", 20)
	var txt Text
	var dst []uint64
	txt.Tokenize(in)
	dst = Words(dst[:0], &txt, 5)
	allocs := testing.AllocsPerRun(50, func() {
		txt.Tokenize(in)
		dst = Words(dst[:0], &txt, 5)
	})
	if allocs != 0 {
		t.Errorf("reused Text and slice: %v allocations a run, want 0", allocs)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "Hello, World", "ＡＢＣ", "叙利亚 اسد Москва", "ab\xffcd", "ﬁ ß Σ", "\u0301a", "①②", "a\u200db",
		// Longer than a block of the ASCII fast path (64 bytes and 8).
		strings.Repeat("Syria’s interior MINISTRY said 14 were killed, 3 wounded. ", 3),
		strings.Repeat("x", 70) + "é " + strings.Repeat("ab1 ", 30) + "naïve\xff" + strings.Repeat("Q", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var txt Text
		txt.Tokenize(in)
		checkOffsets(t, &txt, in)
		if got, want := fmt.Sprintf("%q %v", tokens(&txt), txt.Tokens), reference(in); got != want {
			t.Fatalf("Tokenize(%q) = %s, want %s", in, got, want)
		}
		var pre Text
		for n := 0; n <= len(txt.Tokens); n++ {
			pre.TokenizePrefix(in, n)
			if len(pre.Tokens) < n || !slices.Equal(pre.Tokens[:n], txt.Tokens[:n]) {
				t.Fatalf("TokenizePrefix(%q, %d) = %v, want a prefix of %v", in, n, pre.Tokens, txt.Tokens)
			}
			if m := len(pre.Tokens); m > 0 && string(pre.Norm) != string(txt.Norm[:pre.Tokens[m-1].NormEnd]) {
				t.Fatalf("TokenizePrefix(%q, %d): Norm %q, want %q", in, n, pre.Norm, txt.Norm[:pre.Tokens[m-1].NormEnd])
			}
		}
		for _, c := range []Config{{WordUnit, 1}, {WordUnit, 3}, {CharUnit, 2}} {
			hs := c.Shingles(nil, &txt)
			for i := range hs {
				s, e := c.Span(&txt, i, i)
				if s < 0 || e > len(in) || s > e {
					t.Fatalf("%v shingle %d: span [%d,%d) outside %d bytes", c, i, s, e, len(in))
				}
			}
		}
	})
}

// reference tokenises in rune by rune, as the package documents it, and
// formats the tokens and their offsets as the fuzz test prints Tokenize's.
func reference(in string) string {
	var words []string
	var toks []Token
	at := 0 // in the normalised text
	add := func(start, end int) {
		w := cases.Fold().String(norm.NFKC.String(in[start:end]))
		if w == "" {
			return
		}
		if len(words) > 0 {
			at++
		}
		toks = append(toks, Token{int32(start), int32(end), int32(at), int32(at + len(w))})
		words = append(words, w)
		at += len(w)
	}
	start := -1 // of the word being read
	for i := 0; i < len(in); {
		r, size := utf8.DecodeRuneInString(in[i:])
		word := !(r == utf8.RuneError && size <= 1) && isWord(r) && !unspaced(r)
		if !word && start >= 0 {
			add(start, i)
			start = -1
		}
		switch {
		case word && start < 0:
			start = i
		case !word && !(r == utf8.RuneError && size <= 1) && unspaced(r):
			add(i, i+size)
		}
		i += size
	}
	if start >= 0 {
		add(start, len(in))
	}
	return fmt.Sprintf("%q %v", words, toks)
}

func ExampleWords() {
	var t Text
	t.Tokenize("Fourteen interior-ministry personnel were killed.")
	fmt.Println(string(t.Norm))
	hashes := Words(nil, &t, 5)
	fmt.Println(len(hashes), "shingles")
	c := Config{Unit: WordUnit, K: 5}
	s, e := c.Span(&t, 1, 1)
	fmt.Printf("shingle 1 covers %q\n", "Fourteen interior-ministry personnel were killed."[s:e])
	// Output:
	// fourteen interior ministry personnel were killed
	// 2 shingles
	// shingle 1 covers "interior-ministry personnel were killed"
}

var benchText = strings.Repeat("At least 14 interior ministry troops were killed in an \"ambush\" by supporters of ousted President Bashar al-Assad. ", 40)

func BenchmarkTokenize(b *testing.B) {
	var txt Text
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		txt.Tokenize(benchText)
	}
}

func BenchmarkWords(b *testing.B) {
	var txt Text
	txt.Tokenize(benchText)
	var dst []uint64
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		dst = Words(dst[:0], &txt, 5)
	}
}
