package detect

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/passage"
)

// Source is a corpus that Scan reads twice: once whole, in order, to
// file every document, and then, by number, only the texts of the
// documents that have candidates. Between the two, texts are not held.
type Source interface {
	// Each calls fn with every document, numbered from 0 in an order
	// that does not change from one call to the next.
	Each(ctx context.Context, fn func(i int, d corpus.Doc) error) error
	// Texts calls fn with the text of document idx[k], for each k, in any
	// order.
	Texts(ctx context.Context, idx []int, fn func(k int, text string) error) error
}

// Docs is a Source of documents in memory.
type Docs []corpus.Doc

// Each implements Source.
func (s Docs) Each(ctx context.Context, fn func(i int, d corpus.Doc) error) error {
	for i, d := range s {
		if err := fn(i, d); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Texts implements Source.
func (s Docs) Texts(ctx context.Context, idx []int, fn func(k int, text string) error) error {
	for k, i := range idx {
		if err := fn(k, s[i].Text); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Run detects the near-duplicate and reused documents among docs, which
// must have distinct ids: Scan of a corpus in memory. Documents are
// reported in order of id.
func Run(ctx context.Context, docs []corpus.Doc, o Options) (*Result, error) {
	return Scan(ctx, Docs(docs), o)
}

// Scan detects the near-duplicate and reused documents of src. Documents
// are reported in order of id; their ids must be distinct.
func Scan(ctx context.Context, src Source, o Options) (*Result, error) {
	s, nStock, err := readCorpus(ctx, src, o)
	if err != nil {
		return nil, err
	}
	cands, err := s.candidates(ctx)
	if err != nil {
		return nil, err
	}
	pairs, err := s.verifyAll(ctx, src, cands)
	if err != nil {
		return nil, err
	}
	if s.o.CrossSource {
		pairs = slices.DeleteFunc(pairs, func(p Pair) bool {
			return !s.o.Keeps(&s.docs.at(s.byPos[p.I]).doc, &s.docs.at(s.byPos[p.J]).doc)
		})
	}
	res := &Result{Params: s.params, Pairs: pairs, Stats: Stats{Candidates: len(cands), StockShingles: max(0, nStock), StockSketched: nStock < 0}}
	// The documents need no evidence: they are listed while it is found,
	// on what its stages leave of the cores.
	made := make(chan struct{})
	go func() {
		defer close(made)
		res.Documents = make([]Document, s.docs.n)
		for p, i := range s.byPos {
			l := s.docs.at(i)
			res.Documents[p] = Document{Doc: l.doc, Tokens: l.tokens, Shingles: l.shingles}
		}
	}()
	if s.o.NoEvidence {
		err = s.countWords(ctx, src, pairs)
	} else {
		err = s.evidence(ctx, src, pairs)
	}
	<-made
	if err != nil {
		return nil, err
	}
	SetDirections(res.Documents, res.Pairs)
	Group(res)
	if s.texts != nil {
		for p := range res.Documents {
			res.Documents[p].Text = s.texts[p]
		}
	}
	return res, nil
}

// readCorpus reads src the first time, orders its documents and finds
// its stock phrases: what Scan and ComparePair do first. nStock is the
// number of stock shingles, -1 when a sketch decided them.
func readCorpus(ctx context.Context, src Source, o Options) (s *scan, nStock int, err error) {
	if err := o.Check(); err != nil {
		return nil, 0, err
	}
	workers := o.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s = &scan{o: o, workers: workers, bands: o.banding()}
	s.df.limit = o.exactLimit
	if err := s.read(ctx, src); err != nil {
		return nil, 0, err
	}
	// The documents are sorted by id while shingles are counted.
	ordered := make(chan error, 1)
	go func() { ordered <- s.order() }()
	s.params = o.params(s.docs.n, s.bands)
	if o.Progress != nil {
		o.Progress("counting", s.docs.n, 0)
	}
	stock, nStock, shared := s.df.stockSet(s.params.StockMinDocs, s.workers)
	if err := <-ordered; err != nil {
		return nil, 0, err
	}
	s.stockKey, s.shared = stock, shared
	if s.docs.n < s.params.StockMinDocs {
		s.stockKey = func(uint64) bool { return false }
		nStock = 0
	}
	return s, nStock, nil
}

type scan struct {
	o        Options
	bands    lsh.Params // o.banding(), computed once
	params   Params
	workers  int
	docs     keptDocs // by number (order of Each)
	ws       []*filer
	ex       []*Extractor // one a worker, for both readings
	df       counter
	pos      []int // number → place in id order
	byPos    []int // place → number
	stockKey func(uint64) bool
	shared   *filter      // keys of two documents or more, if counted exactly
	texts    []string     // by place: texts of the documents of reported pairs
	sides    []verifyDoc  // by place: what verification needs of a document
	kept     atomic.Int64 // hashes kept by the first reading
}

// order sorts the documents by id and rejects repeated ids.
func (s *scan) order() error {
	s.byPos = make([]int, s.docs.n)
	for i := range s.byPos {
		s.byPos[i] = i
	}
	slices.SortStableFunc(s.byPos, func(a, b int) int { return cmp.Compare(s.docs.at(a).doc.ID, s.docs.at(b).doc.ID) })
	s.pos = make([]int, s.docs.n)
	for p, i := range s.byPos {
		s.pos[i] = p
		if p > 0 && s.docs.at(s.byPos[p-1]).doc.ID == s.docs.at(i).doc.ID {
			return fmt.Errorf("document id %q is used twice: %s and %s", s.docs.at(i).doc.ID, s.docs.at(s.byPos[p-1]).doc.Where(), s.docs.at(i).doc.Where())
		}
	}
	return nil
}

// newSeq prepares the shingle hashes of a document for verification,
// distinct of them (counted if negative): when document frequencies were
// counted exactly, with the shingles of one document only left out, as
// they match nothing. at is scratch for the positions kept, returned
// grown.
func (s *scan) newSeq(hashes []uint64, distinct int, at []int32) (*passage.Seq, []int32) {
	if s.shared == nil {
		return passage.NewSharedSeq(hashes, distinct, nil), at
	}
	// Every position is written, and kept when its bit is set: no
	// branch to miss on the one in five or so that are.
	at = slices.Grow(at[:0], len(hashes)+1)[:len(hashes)+1]
	n := 0
	f := *s.shared // in registers, not loaded again each time at is written
	for i, h := range hashes {
		at[n] = int32(i)
		n += int(f.bit(keyOf(h)))
	}
	at = at[:n] // not nil: none shared is not a nil at
	return passage.NewSharedSeq(hashes, distinct, at), at
}

// isStock reports whether shingle hash h is a stock phrase.
func (s *scan) isStock(h uint64) bool { return s.stockKey(keyOf(h)) }

// parallel calls fn(worker, i) for i in [0, n) on s.workers goroutines,
// reporting progress as stage.
func (s *scan) parallel(ctx context.Context, stage string, n int, fn func(w, i int)) error {
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	step := max(1, n/100)
	for w := 0; w < s.workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				if s.o.Progress != nil && i < n && i%step == 0 {
					s.o.Progress(stage, i, n)
				}
				mu.Unlock()
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(w, i)
			}
		}(w)
	}
	wg.Wait()
	return ctx.Err()
}
