// Package shingle turns text into normalised tokens and hashed shingles.
//
// Normalisation is Unicode NFKC followed by full case folding, applied to
// each token; everything that is not a letter, digit or combining mark
// separates tokens, so punctuation and white space never reach a shingle.
// Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao,
// Khmer, Myanmar) have no word boundaries to find: each of their
// characters is a token of its own, so word k-shingles over such text are
// character k-grams, and mixed text works without a switch.
//
// A shingle is k consecutive tokens (Words) or n consecutive characters of
// the normalised text (Chars). Its hash is the first 64 bits of
// MurmurHash3 x64_128, under the fixed seed Seed, of the shingle's
// normalised UTF-8 text with tokens joined by one space. The definition is
// stable: stored signatures stay valid across releases that keep Version.
package shingle

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/internal/swar"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Seed is the murmur3 seed of every shingle hash ("near" in ASCII). It is
// part of the stored format: changing it invalidates every stored
// signature.
const Seed uint32 = 0x6e656172

// Version names the normalisation and hashing rules. Indexes record it and
// refuse to mix signatures made under different versions.
const Version = 1

// Token is one token of a Text.
type Token struct {
	// Start and End are the token's byte offsets in the original text.
	Start, End int32
	// NormStart and NormEnd are its byte offsets in Text.Norm.
	NormStart, NormEnd int32
}

// Text is a tokenised document. The zero value is an empty Text; Tokenize
// refills one, reusing its memory, so a Text is best reused across
// documents in a loop.
type Text struct {
	// Norm holds the normalised tokens joined by single spaces.
	Norm []byte
	// Tokens lists the tokens in order of appearance.
	Tokens []Token

	runes []int32 // byte offset in Norm of each rune, built by Chars
	fold  cases.Caser
	fbuf  []byte
	init  bool
}

// Len reports the number of tokens.
func (t *Text) Len() int { return len(t.Tokens) }

// Tokenize replaces t's contents with the tokens of text. Offsets are
// limited to 2 GiB; callers keep documents far below that. Invalid UTF-8
// bytes separate tokens like punctuation does.
func (t *Text) Tokenize(text string) { t.TokenizePrefix(text, -1) }

// TokenizePrefix is Tokenize that may stop reading text once t holds n
// tokens, for a caller that needs no more: t.Tokens then starts with the
// first n tokens that Tokenize finds, and may hold some after them, with
// Norm their normalised text. A negative n reads the whole text.
//
// It is the tokenizer's hot loop, with a word-at-a-time fast path and the
// rune-at-a-time path beside it; kept whole so that both stay in
// registers.
func (t *Text) TokenizePrefix(text string, n int) {
	if n < 0 {
		n = math.MaxInt
	}
	if !t.init {
		t.fold = cases.Fold()
		t.init = true
	}
	t.Norm = t.Norm[:0]
	t.Tokens = t.Tokens[:0]
	t.runes = t.runes[:0]
	i := 0
	for i < len(text) && len(t.Tokens) < n {
		if len(text)-i >= blockRead && text[i] < utf8.RuneSelf {
			if j := t.asciiBlock(text, i); j > i {
				i = j
				continue
			}
		}
		c := asciiClass[text[i]]
		if c == other {
			i++
			continue
		}
		if c == high {
			r, size := utf8.DecodeRuneInString(text[i:])
			switch {
			case r == utf8.RuneError && size <= 1:
				i++
			case unspaced(r):
				t.addNorm(text[i:i+size], i, i+size)
				i += size
			case isWord(r):
				t.slowToken(text, i)
				i = t.lastEnd()
			default:
				i += size
			}
			continue
		}
		// Fast path: an ASCII token needs no NFKC and folds bytewise.
		j := i + 1
		seen := c
		for j < len(text) {
			cj := asciiClass[text[j]]
			if cj&(lower|upper) == 0 {
				break
			}
			seen |= cj
			j++
		}
		if j < len(text) && asciiClass[text[j]] == high && t.continuesWord(text[j:]) {
			t.slowToken(text, i)
			i = t.lastEnd()
			continue
		}
		ns := t.startNorm()
		t.Norm = append(t.Norm, text[i:j]...)
		if seen&upper != 0 {
			for k := int(ns); k < len(t.Norm); k++ {
				if b := t.Norm[k]; 'A' <= b && b <= 'Z' {
					t.Norm[k] = b + 'a' - 'A'
				}
			}
		}
		t.Tokens = append(t.Tokens, Token{int32(i), int32(j), ns, int32(len(t.Norm))})
		i = j
	}
}

// blockRead is the number of bytes asciiBlock reads: a block, and the
// eight bytes past it that copying a token a word at a time may read.
const blockRead = 64 + 8

// asciiBlock adds the ASCII tokens of text[i:i+64] that end before its
// first byte of 0x80 and above, and returns where the text is to be read
// next: past the block, at its first byte of 0x80 or above, or at the
// first token that runs to either (which may continue past them), and so
// at i when there is no token to add. text[i-1], if any, must not be part
// of a token, and text must have blockRead bytes from i.
//
// The block's bytes are classified eight at a time into bitmaps, and its
// tokens are found from the bitmaps' edges without a branch a byte.
func (t *Text) asciiBlock(text string, i int) int {
	var word, high, anyHigh uint64 // bit b for text[i+b]
	for c := 0; c < 8; c++ {
		x := swar.Load8(text, i+8*c)
		hi := x & msb
		anyHigh |= hi
		word |= gather(alnum(x&^msb)&^hi) << (8 * c)
	}
	if anyHigh != 0 { // rare in most text: gathered only then
		for c := 0; c < 8; c++ {
			high |= gather(swar.Load8(text, i+8*c)&msb) << (8 * c)
		}
	}
	limit := bits.TrailingZeros64(high) // 64 if none
	starts := word &^ (word << 1)
	ends := word &^ (word >> 1) // last bytes of tokens
	// Norm grows by at most 64 bytes, tokens and spaces, and a token is
	// copied eight bytes at a time: room for 72 more.
	n := len(t.Norm)
	t.Norm = slices.Grow(t.Norm, 72)
	buf := t.Norm[:cap(t.Norm)]
	for starts != 0 {
		s, e := bits.TrailingZeros64(starts), bits.TrailingZeros64(ends)+1
		if e >= limit {
			// The token runs to the end of the block, or to a byte
			// that may continue it, or starts past such a byte: it is
			// read again from its start, or from that byte.
			t.Norm = buf[:n]
			return i + min(s, limit)
		}
		if n > 0 {
			buf[n] = ' '
			n++
		}
		// ASCII letters and digits are in lower case with bit 0x20 set.
		for k := 0; k < e-s; k += 8 {
			binary.LittleEndian.PutUint64(buf[n+k:], swar.Load8(text, i+s+k)|0x20*lsb)
		}
		t.Tokens = append(t.Tokens, Token{int32(i + s), int32(i + e), int32(n), int32(n + e - s)})
		n += e - s
		starts &= starts - 1
		ends &= ends - 1
	}
	t.Norm = buf[:n]
	return i + limit
}

// gather packs the bits 0x80 of each byte of x into one byte, the first
// byte's the lowest bit.
func gather(x uint64) uint64 { return ((x >> 7) * 0x0102040810204080) >> 56 }

// Eight bytes at a time: the functions below take eight bytes of text as
// a little-endian word and mark some of them with their bit 0x80.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// inRange marks the bytes of x, all below 0x80, from lo to hi.
func inRange(x uint64, lo, hi byte) uint64 {
	return (x + (0x80-uint64(lo))*lsb) &^ (x + (0x7f-uint64(hi))*lsb) & msb
}

// alnum marks the ASCII letters and digits of x7, all bytes below 0x80.
func alnum(x7 uint64) uint64 {
	return inRange(x7|0x20*lsb, 'a', 'z') | inRange(x7, '0', '9')
}

// Classes of bytes, for the tokeniser's ASCII fast path.
const (
	other = 0 // ASCII, not part of a word
	lower = 1 // ASCII lower-case letter or digit
	upper = 2 // ASCII upper-case letter
	high  = 4 // part of a multi-byte UTF-8 sequence, or invalid
)

var asciiClass = func() (c [256]uint8) {
	for b := range c {
		switch {
		case b >= utf8.RuneSelf:
			c[b] = high
		case 'A' <= b && b <= 'Z':
			c[b] = upper
		case 'a' <= b && b <= 'z', '0' <= b && b <= '9':
			c[b] = lower
		}
	}
	return c
}()

func (t *Text) lastEnd() int { return int(t.Tokens[len(t.Tokens)-1].End) }

// continuesWord reports whether s starts with a rune that extends a word
// token (a non-ASCII letter, digit or mark of a spaced script).
func (t *Text) continuesWord(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return false
	}
	return isWord(r) && !unspaced(r)
}

// slowToken reads the word token starting at byte i of text, which may
// contain non-ASCII runes, and appends its normalised form.
func (t *Text) slowToken(text string, i int) {
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if (r == utf8.RuneError && size <= 1) || !isWord(r) || unspaced(r) {
			break
		}
		j += size
	}
	t.addNorm(text[i:j], i, j)
}

// addNorm appends the NFKC, case-folded form of tok as one token covering
// original bytes [start, end).
func (t *Text) addNorm(tok string, start, end int) {
	t.fbuf = norm.NFKC.AppendString(t.fbuf[:0], tok)
	folded := t.fold.Bytes(t.fbuf)
	if len(folded) == 0 {
		return
	}
	ns := t.startNorm()
	t.Norm = append(t.Norm, folded...)
	t.Tokens = append(t.Tokens, Token{int32(start), int32(end), ns, int32(len(t.Norm))})
}

// startNorm writes the separator before a new token and returns where the
// token's normalised bytes begin.
func (t *Text) startNorm() int32 {
	if len(t.Norm) > 0 {
		t.Norm = append(t.Norm, ' ')
	}
	return int32(len(t.Norm))
}

func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// unspaced reports whether r belongs to a script written without spaces
// between words.
func unspaced(r rune) bool {
	if r < 0x0E00 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// Hash returns the shingle hash of normalised shingle text s.
func Hash(s []byte) uint64 {
	h, _ := sum128(s, Seed)
	return h
}

// Words appends to dst the hashes of t's word k-shingles in order and
// returns the extended slice: element i covers t.Tokens[i:i+k]. A text of
// fewer than k tokens has no shingles. k must be positive.
func Words(dst []uint64, t *Text, k int) []uint64 {
	n := len(t.Tokens) - k + 1
	if n <= 0 {
		return dst
	}
	m := len(dst)
	dst = slices.Grow(dst, n)[:m+n]
	// Held in locals: writing dst cannot change them, but the compiler
	// would load them from t again for each shingle.
	out, norm, first, last := dst[m:], t.Norm, t.Tokens[:n], t.Tokens[k-1:]
	for i := range out {
		out[i] = Hash(norm[first[i].NormStart:last[i].NormEnd])
	}
	return dst
}

// Chars appends to dst the hashes of the character n-grams of t.Norm
// (tokens joined by single spaces) and returns the extended slice: element
// i covers runes [i, i+n) of t.Norm. Use CharSpan to map them back.
func Chars(dst []uint64, t *Text, n int) []uint64 {
	t.indexRunes()
	m := len(t.runes) - 1 - n + 1
	dst = slices.Grow(dst, max(m, 0))
	for i := 0; i < m; i++ {
		dst = append(dst, Hash(t.Norm[t.runes[i]:t.runes[i+n]]))
	}
	return dst
}

func (t *Text) indexRunes() {
	t.runes = t.runes[:0]
	for i := range string(t.Norm) {
		t.runes = append(t.runes, int32(i))
	}
	t.runes = append(t.runes, int32(len(t.Norm)))
}

// Unit says what a shingle is made of.
type Unit int

const (
	// WordUnit shingles are k consecutive tokens.
	WordUnit Unit = iota
	// CharUnit shingles are n consecutive characters of the normalised text.
	CharUnit
)

func (u Unit) String() string {
	if u == CharUnit {
		return "char"
	}
	return "word"
}

// Config chooses how a document is shingled. The zero value is not
// usable: K must be positive.
type Config struct {
	Unit Unit
	K    int
}

// Shingles appends t's shingle hashes under c to dst.
func (c Config) Shingles(dst []uint64, t *Text) []uint64 {
	if c.Unit == CharUnit {
		return Chars(dst, t, c.K)
	}
	return Words(dst, t, c.K)
}

// Span returns the byte range of the original text covered by shingles
// first through last (inclusive) of t under c. The range runs from the
// start of the first token touched to the end of the last one. Word
// shingles need only t.Tokens, so a Text that keeps just those will do.
// For character shingles the first call of Span or Tokens on t indexes
// its runes: make one before sharing t between goroutines.
func (c Config) Span(t *Text, first, last int) (start, end int) {
	if c.Unit == WordUnit {
		return int(t.Tokens[first].Start), int(t.Tokens[last+c.K-1].End)
	}
	if len(t.runes) == 0 {
		t.indexRunes()
	}
	ns, ne := t.runes[first], t.runes[last+c.K]
	return t.normToOrig(ns, ne)
}

// Tokens returns the half-open range of token indexes touched by shingles
// first through last (inclusive) of t under c.
func (c Config) Tokens(t *Text, first, last int) (from, to int) {
	if c.Unit == WordUnit {
		return first, last + c.K
	}
	if len(t.runes) == 0 {
		t.indexRunes()
	}
	return t.tokenAt(t.runes[first]), t.tokenAt(t.runes[last+c.K]-1) + 1
}

// tokenAt returns the index of the token whose normalised bytes contain or
// follow offset off.
func (t *Text) tokenAt(off int32) int {
	lo, hi := 0, len(t.Tokens)
	for lo < hi {
		m := (lo + hi) / 2
		if t.Tokens[m].NormEnd <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo >= len(t.Tokens) {
		lo = len(t.Tokens) - 1
	}
	return lo
}

func (t *Text) normToOrig(ns, ne int32) (int, int) {
	a, b := t.tokenAt(ns), t.tokenAt(ne-1)
	return int(t.Tokens[a].Start), int(t.Tokens[b].End)
}
