package detect

import (
	"slices"
	"strings"

	"github.com/neardup/neardup/internal/mix"

	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
	"github.com/spaolacci/murmur3"
)

// Features are what detection needs of one document: its shingle hashes
// for exact verification and the keys it is filed under to find
// candidates. They depend on the document's text and the Options alone,
// never on the rest of the corpus, so an index can store them.
type Features struct {
	// Tokens counts the document's tokens.
	Tokens int
	// Hashes are the shingle hashes in text order.
	Hashes []uint64
	// Norm is a 128-bit hash of the normalised text: equal for duplicates.
	Norm [2]uint64
	// Bands are the document's LSH band keys, one a band, each salted by
	// its band so that all keys share one table.
	Bands []uint64
	// Prints are the passage fingerprints: the shingle hashes that
	// winnowing selects, sorted and distinct. Those that are stock in a
	// corpus are ignored there.
	Prints []uint64
}

// Extractor computes Features. Create one with NewExtractor; an
// Extractor reuses its memory and is not safe for concurrent use.
type Extractor struct {
	o      Options
	signer minhash.Signer
	bands  lsh.Params
	text   shingle.Text
	wn     passage.Winnower
	sig    []uint32
	// Scratch for features: keys, fingerprints, and a set to make them
	// distinct.
	bandKeys, prints []uint64
	seen             set
}

// NewExtractor returns an Extractor for o, or o's first error.
func NewExtractor(o Options) (*Extractor, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	return newExtractor(o, o.banding(), o.signer(o.Perms)), nil
}

// newExtractor returns an Extractor for o, checked, banded by bands and
// signing with signer, which a scan makes once for all its workers: the
// banding is costly to compute, and an OPH holds tables.
func newExtractor(o Options, bands lsh.Params, signer minhash.Signer) *Extractor {
	return &Extractor{o: o, signer: signer, bands: bands}
}

// Extract returns the features of text. The returned slices are new: the
// caller owns them.
func (e *Extractor) Extract(text string) Features {
	f := e.features(text)
	f.Prints = e.distinct(f.Prints)
	f.Bands = slices.Clone(f.Bands)
	slices.Sort(f.Prints)
	f.Prints = slices.Clone(f.Prints)
	return f
}

// features is Extract for a scan, which files the keys at once: Bands
// and Prints are e's, valid until its next call, and Prints are in no
// particular order, and repeat where a shingle does (distinct makes them
// distinct).
func (e *Extractor) features(text string) Features {
	f := e.Shingles(text)
	if len(f.Hashes) == 0 {
		return f
	}
	e.sig = e.signer.Sign(e.sig[:0], f.Hashes)
	e.bandKeys = lsh.Keys(e.bandKeys[:0], e.bands, e.sig)
	for b := range e.bandKeys {
		e.bandKeys[b] ^= bandSalt(b)
	}
	f.Bands = e.bandKeys
	prints := e.prints[:0]
	for p := 0; p < e.o.PassageHashes; p++ {
		prints = e.wn.Winnow(prints, f.Hashes, e.o.Window, e.o.Seed+uint64(p)*mix.Golden)
	}
	e.prints = prints
	f.Prints = prints
	return f
}

// distinct makes prints distinct in place and returns them: a print
// repeats when its shingle does, or when two of PassageHashes' passes
// select it.
func (e *Extractor) distinct(prints []uint64) []uint64 {
	if len(prints) > sortDistinct { // a large document's: no set four times their size
		slices.Sort(prints)
		return slices.Compact(prints)
	}
	e.seen.reset(len(prints))
	d := prints[:0]
	for _, h := range prints {
		if e.seen.add(h) {
			d = append(d, h)
		}
	}
	return d
}

// Shingles returns the features of text that exact verification needs:
// Tokens, Hashes and Norm, without the keys.
func (e *Extractor) Shingles(text string) Features {
	if len(text) > 2*chunkBytes && e.o.Shingle.Unit == shingle.WordUnit {
		return e.chunkedShingles(text)
	}
	e.text.Tokenize(text)
	f := Features{Tokens: e.text.Len()}
	f.Hashes = e.o.Shingle.Shingles(nil, &e.text)
	f.Norm[0], f.Norm[1] = murmurNorm(e.text.Norm)
	return f
}

// murmurNorm is the hash of a normalised text that tells duplicates.
func murmurNorm(norm []byte) (uint64, uint64) {
	return murmur3.Sum128WithSeed(norm, 0x64757073) // "dups"
}

// chunkBytes is the size of the pieces a large document is tokenized in.
const chunkBytes = 1 << 20

// chunkedShingles is Shingles for a large text, tokenized a piece at a
// time so that its tokens (16 bytes each, a few times the text) are never
// all held at once. Each piece ends at white space, a token boundary, and
// the next one starts again at the last k-1 tokens, so that the shingles
// across the cut are made; the hashes and the normalised text's hash are
// those of Shingles (TestChunkedShingles).
func (e *Extractor) chunkedShingles(text string) Features {
	k := e.o.Shingle.K
	norm := murmur3.New128WithSeed(0x64757073)
	var hashes []uint64
	f := Features{}
	from, carry := 0, 0 // where the piece starts; tokens at its start already counted
	for from < len(text) {
		end := min(from+chunkBytes, len(text))
		if end < len(text) {
			cut := strings.IndexAny(text[end:], " \t\n\r")
			if cut < 0 || cut > chunkBytes {
				end = len(text) // no white space near: the rest at once
			} else {
				end += cut
			}
		}
		e.text.Tokenize(text[from:end])
		toks := e.text.Tokens
		if len(toks) > carry {
			if f.Tokens > 0 {
				norm.Write([]byte{' '})
			}
			norm.Write(e.text.Norm[toks[carry].NormStart:])
			f.Tokens += len(toks) - carry
		}
		if hashes == nil { // sized for the whole text at the first piece's rate
			hashes = make([]uint64, 0, int(float64(len(e.text.Tokens))/float64(end-from)*float64(len(text))*1.02)+k)
		}
		hashes = shingle.Words(hashes, &e.text, k)
		if end == len(text) {
			break
		}
		// The last k-1 tokens start the next piece.
		carry = min(k-1, len(toks))
		if carry > 0 {
			from += int(toks[len(toks)-carry].Start)
		} else {
			from = end
		}
	}
	f.Hashes = hashes
	f.Norm[0], f.Norm[1] = norm.Sum128()
	return f
}

// bandSalt keeps the band keys of different bands apart in one table.
func bandSalt(b int) uint64 { return (uint64(b) + 1) * 0xd6e8feb86659fd93 }

// Verify compares two documents exactly: their figures, kind and shared
// passages with evidence text. textA and textB are the texts fa and fb
// were extracted from; stock reports the stock shingles of the corpus the
// documents belong to (nil: none). The pair's A, B, I and J are left for
// the caller.
func Verify(o Options, fa, fb *Features, textA, textB string, stock func(uint64) bool) Pair {
	var m passage.Matcher
	a := verifyDoc{seq: *passage.NewSeq(fa.Hashes), norm: fa.Norm, tokens: fa.Tokens}
	b := verifyDoc{seq: *passage.NewSeq(fb.Hashes), norm: fb.Norm, tokens: fb.Tokens}
	p := verify(&m, &a, &b, &o, stock, 0, nil) // 0: passages whatever the score
	var ta, tb shingle.Text
	ta.Tokenize(textA)
	tb.Tokenize(textB)
	addEvidence(&p, o.Shingle, &ta, &tb, textA, textB)
	return p
}

// Reports reports whether a scan with options o reports a verified pair:
// duplicates and near-duplicates always, reuse when its score reaches
// the least reported score (Params.MinScore), and candidates (pairs that
// share shingles but too few passages for reuse) only when that score is
// set below ReuseScore and theirs reaches it.
func (o *Options) Reports(p *Pair) bool { return reported(p, o.minScore(), o.ReuseScore) }

// Decided reports whether p is reported by default: a duplicate, a
// near-duplicate or reuse.
func (p *Pair) Decided() bool { return p.Kind != Candidate }
