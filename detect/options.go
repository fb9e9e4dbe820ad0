package detect

import (
	"fmt"
	"math"

	"github.com/neardup/neardup/corpus"

	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/minhash"
	"github.com/neardup/neardup/shingle"
)

// Options configure detection. Start from Defaults and change what you
// need; Check reports values that cannot work.
type Options struct {
	// Shingle says how documents are shingled (default: word 5-shingles).
	Shingle shingle.Config
	// Perms is the length of document signatures (default 128).
	Perms int
	// Hasher is "oph" (one-permutation hashing, the default) or "minwise"
	// (github.com/dgryski/go-minhash, the reference).
	Hasher string
	// Seed seeds the signatures. Indexes record it.
	Seed uint64
	// Threshold is the whole-document Jaccard similarity at or above which
	// a pair is a near-duplicate; document banding is tuned to it.
	Threshold float64
	// ReuseScore is the share of one of two documents (its coverage: the
	// share of its tokens inside passages they share) at or above which
	// the pair is reuse. The Jaccard similarity in a pair's score does not
	// count towards it.
	ReuseScore float64
	// MinScore is the least score of a reported pair. A negative value
	// means ReuseScore. Pairs of no kind but "candidate" (below every
	// decision) are reported only when MinScore is below ReuseScore. Zero
	// reports every verified candidate.
	MinScore float64

	// Window is the length, in shingles, of the passage windows: every
	// window of Window consecutive shingles (stock phrases left out) is
	// min-hashed and its minimum kept as a fingerprint (winnowing), so
	// documents that share a run of Window shingles certainly share a
	// fingerprint, and windows of Jaccard similarity s share one with
	// probability s for each of PassageHashes hash functions.
	Window int
	// PassageHashes is the number of independent hash functions windows
	// are min-hashed with (bands of one row each).
	PassageHashes int
	// MinPrints is the number of common fingerprints (held by more than
	// 16 documents) two documents must share to be candidates for reuse.
	// A rarer fingerprint, or a shared band, is enough alone.
	MinPrints int
	// MinPassage is the least number of shingles, stock phrases not
	// counted, that a shared run needs to be evidence.
	MinPassage int
	// MinEvidence is the least number of shingles, stock phrases not
	// counted, that a pair's passages must hold together to be evidence
	// at all. Two articles that share fewer share a turn of phrase ("for
	// a proposed public offering of"), which in a short article would
	// otherwise cover a tenth of it; such a pair is scored on its Jaccard
	// similarity alone. The default, 5, is the default of passim (the
	// text-reuse detector of the Viral Texts project,
	// github.com/dasmiq/passim) for the least number of matching 5-grams
	// between two documents. Zero or one counts any passage.
	MinEvidence int
	// Gap is the most shingles between two runs, on both sides, for them
	// to join into one passage.
	Gap int
	// StockFraction, StockMinDocs and StockMaxDocs define stock phrases:
	// a shingle found in at least
	// max(StockMinDocs, min(StockFraction·N, StockMaxDocs)) of N documents.
	// The floor keeps small corpora sane: in five documents, text that
	// three share is more likely one wire story than a stock phrase. The
	// cap makes a line that hundreds of articles carry (an agency
	// sign-off, a copyright notice) boilerplate however large the corpus.
	StockFraction float64
	StockMinDocs  int
	StockMaxDocs  int

	// Exhaustive verifies every pair of documents instead of the LSH
	// candidates: exact, quadratic, for small corpora and for testing LSH.
	Exhaustive bool
	// CrossSource keeps only the pairs of documents of two different
	// sources (outlets), both known: an outlet's reuse of its own
	// background paragraphs is left out (passim's series).
	CrossSource bool
	// Workers is the number of goroutines that shingle, sign and verify;
	// zero means one per CPU. Results do not depend on it.
	Workers int
	// KeepHashes is how many shingle hashes (8 bytes each) a scan's first
	// reading may keep for verification; the documents past it are read
	// and tokenised again when they have candidates. Zero means
	// DefaultKeepHashes; negative, none. Results do not depend on it.
	KeepHashes int
	// NoEvidence leaves the passages of a scan's pairs without their
	// evidence: their byte ranges (A, B) and texts (Text, TextB) stay
	// zero, as do the texts of the Result's Documents, and with word
	// shingles the documents of reported pairs are not read and
	// tokenised again for them. Words is counted all the same. It is for
	// callers that report figures alone, as the CSV report does.
	NoEvidence bool
	// Progress, if not nil, is told how far each stage has got. It is
	// called from one goroutine at a time.
	Progress func(stage string, done, total int)

	// exactLimit, for tests, replaces the number of entries counted
	// exactly before the sketch (zero: the constant exactLimit).
	exactLimit int
}

// Passage floors of character shingles, in characters: the lengths of 3
// and of 9 words at the length of a word of English news, its space
// included (benchmarks/README.md, "Character shingles").
const (
	charsRun      = 17
	charsEvidence = 50
)

// DefaultsFor returns the default options for shingles c: Defaults with
// c and, for character shingles, the passage floors in characters instead
// of shingles. Shingles of a few characters are shared by any two texts
// on one subject, so counts meant for word shingles would take a shared
// word or two for evidence: a run must span 17 characters (MinPassage
// 18-n shingles of n characters), about 3 words, and a pair's passages 50
// characters in all (MinEvidence 51-n), about the 9 words that
// MinEvidence's 5 word 5-shingles make; runs of 5 words' length, the
// least that word shingles find, leave lightly revised reuse unreported.
func DefaultsFor(c shingle.Config) Options {
	o := Defaults()
	o.Shingle = c
	if c.Unit == shingle.CharUnit {
		o.MinPassage = max(1, charsRun-c.K+1)
		o.MinEvidence = max(1, charsEvidence-c.K+1)
	}
	return o
}

// Defaults returns the default options, for word 5-shingles.
func Defaults() Options {
	return Options{
		Shingle:       shingle.Config{Unit: shingle.WordUnit, K: 5},
		Perms:         128,
		Hasher:        "oph",
		Seed:          minhash.DefaultSeed,
		Threshold:     0.5,
		ReuseScore:    0.1,
		MinScore:      -1,
		Window:        6,
		PassageHashes: 1,
		MinPrints:     2,
		MinPassage:    1,
		MinEvidence:   5,
		Gap:           6,
		StockFraction: 0.1,
		StockMinDocs:  5,
		StockMaxDocs:  100,
	}
}

// Check reports the first option that cannot work.
//
// It is one case per option, which is clearest as one switch.
func (o *Options) Check() error {
	switch {
	case o.Shingle.K < 1:
		return fmt.Errorf("shingle size %d: must be at least 1", o.Shingle.K)
	case o.Perms < 1 || o.Perms > 1024:
		return fmt.Errorf("perms %d: must be from 1 to 1024", o.Perms)
	case o.PassageHashes < 1 || o.PassageHashes > 64:
		return fmt.Errorf("passage hashes %d: must be from 1 to 64", o.PassageHashes)
	case o.Hasher != "oph" && o.Hasher != "minwise":
		return fmt.Errorf("hasher %q: must be oph or minwise", o.Hasher)
	case !(o.Threshold > 0 && o.Threshold <= 1):
		return fmt.Errorf("threshold %v: must be in (0, 1]", o.Threshold)
	case !(o.ReuseScore >= 0 && o.ReuseScore <= 1):
		return fmt.Errorf("reuse score %v: must be in [0, 1]", o.ReuseScore)
	case o.MinScore > 1 || math.IsNaN(o.MinScore):
		return fmt.Errorf("min score %v: must be at most 1", o.MinScore)
	case o.MinPrints < 1:
		return fmt.Errorf("min prints %d: must be at least 1", o.MinPrints)
	case o.Window < 1:
		return fmt.Errorf("window %d: must be at least 1", o.Window)
	case o.MinPassage < 1:
		return fmt.Errorf("min passage %d: must be at least 1", o.MinPassage)
	case o.MinEvidence < 0:
		return fmt.Errorf("min evidence %d: must not be negative", o.MinEvidence)
	case o.Gap < 0:
		return fmt.Errorf("gap %d: must not be negative", o.Gap)
	case o.StockFraction < 0 || o.StockFraction > 1:
		return fmt.Errorf("stock fraction %v: must be in [0, 1]", o.StockFraction)
	case o.Workers < 0:
		return fmt.Errorf("workers %d: must not be negative", o.Workers)
	}
	return nil
}

func (o *Options) minScore() float64 {
	if o.MinScore < 0 {
		return o.ReuseScore
	}
	return o.MinScore
}

func (o *Options) signer(size int) minhash.Signer {
	if o.Hasher == "minwise" {
		return minhash.NewMinWise(size, o.Seed)
	}
	return minhash.NewOPH(size, o.Seed)
}

// Params describe a run for its output: what was asked and what was
// derived from it.
type Params struct {
	Unit            string     `json:"unit"`
	K               int        `json:"k"`
	Hasher          string     `json:"hasher"`
	Perms           int        `json:"perms"`
	Seed            uint64     `json:"seed"`
	NormVersion     int        `json:"normalisation_version"`
	Threshold       float64    `json:"threshold"`
	Bands           lsh.Params `json:"banding"`
	ProbAtThreshold float64    `json:"candidate_probability_at_threshold"`
	ReuseScore      float64    `json:"reuse_score"`
	MinScore        float64    `json:"min_score"`
	Window          int        `json:"window"`
	PassageHashes   int        `json:"passage_hashes"`
	MinPrints       int        `json:"min_prints"`
	MinPassage      int        `json:"min_passage"`
	MinEvidence     int        `json:"min_evidence"`
	Gap             int        `json:"gap"`
	StockMinDocs    int        `json:"stock_min_docs"`
	Exhaustive      bool       `json:"exhaustive,omitempty"`
}

// Params derives the banding and the other run parameters for a corpus of
// n documents.
func (o *Options) Params(n int) Params { return o.params(n, o.banding()) }

// params is Params with the banding db, o.banding(), computed.
func (o *Options) params(n int, db lsh.Params) Params {
	return Params{
		Unit: o.Shingle.Unit.String(), K: o.Shingle.K, Hasher: o.Hasher, Perms: o.Perms, Seed: o.Seed,
		NormVersion: shingle.Version, Threshold: o.Threshold, Bands: db, ProbAtThreshold: db.Probability(o.Threshold),
		ReuseScore: o.ReuseScore, MinScore: o.minScore(), Window: o.Window, PassageHashes: o.PassageHashes, MinPrints: o.MinPrints,
		MinPassage: o.MinPassage, MinEvidence: o.MinEvidence, Gap: o.Gap,
		StockMinDocs: o.stockMin(n), Exhaustive: o.Exhaustive,
	}
}

// Keeps reports whether the pair of documents a and b may be reported:
// always, but with CrossSource only when both have a source and the
// sources differ.
func (o *Options) Keeps(a, b *corpus.Doc) bool {
	return !o.CrossSource || a.Source != "" && b.Source != "" && a.Source != b.Source
}

// banding is the document banding for the threshold.
func (o *Options) banding() lsh.Params { return lsh.Optimal(o.Threshold, o.Perms, 0.5, 0.5) }

// StockCutoff is the document frequency from which a shingle is stock in
// a corpus of n documents.
func (o *Options) StockCutoff(n int) int { return o.stockMin(n) }

// stockMin is the document frequency from which a shingle is stock.
func (o *Options) stockMin(n int) int {
	return max(o.StockMinDocs, min(int(math.Ceil(o.StockFraction*float64(n))), o.StockMaxDocs))
}
