package detect

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

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

// Keys of the filing tables pack a key's top keyBits bits and a
// document's number, so that sorting them groups documents by key; a
// corpus holds at most 2^idBits documents. Random collisions of keyBits
// bits only add candidates, which verification drops.
const (
	idBits   = 28
	keyBits  = 64 - idBits
	parts    = 1 << partBits // tables are split by the top bits of the key
	partBits = 4
)

// MaxDocs is the most documents Scan handles.
const MaxDocs = 1<<idBits - 1

func packKey(k uint64, i int) uint64 { return k&^(1<<idBits-1) | uint64(i) }

func keyOf(e uint64) uint64 { return e &^ (1<<idBits - 1) }

func idOf(e uint64) int { return int(e & (1<<idBits - 1)) }

func partOf(e uint64) int { return int(e >> (64 - partBits)) }

// DefaultKeepHashes is the default of Options.KeepHashes: 128 MiB of
// hashes.
const DefaultKeepHashes = 16 << 20

// light is what Scan keeps of a document between its two readings.
type light struct {
	doc      corpus.Doc // without its text
	tokens   int
	shingles int
	distinct int // distinct shingles, -1 if not known
	norm     [2]uint64
	hashes   []uint64 // kept from the first reading, within Options.KeepHashes
}

// lights holds a scan's documents in chunks of lightChunk, which never
// move once made.
type lights struct {
	chunks [][]light
	n      int
}

const lightChunk = 4096

// newLights returns an empty chunk of lightChunk lights, each of its
// pages written once with a plain store. The stores that fill a light
// hold pointers, and while a collection runs each first reads the slot
// it overwrites; a read of a page never touched maps the kernel's zero
// page, so the store after it faults a second time and flushes the page
// from every core's TLB.
func newLights() []light {
	c := make([]light, lightChunk)
	for k := 0; k < len(c); k += pageLights {
		c[k].tokens = 0
	}
	return c[:0]
}

// pageLights is how many lights fit in 4 KiB, the smallest page.
const pageLights = 4096 / int(unsafe.Sizeof(light{}))

// at returns document i.
func (d *lights) at(i int) *light { return &d.chunks[i/lightChunk][i%lightChunk] }

// worker holds one extraction goroutine's output.
type worker struct {
	ex      *Extractor
	bands   [parts]blocks[uint64]
	prints  [parts]blocks[uint64]
	df      []uint64 // distinct shingle keys waiting to be counted
	set     set      // distinctKeys' table
	scratch []uint64 // for the counter's sketch
}

// Scan detects the near-duplicate and reused documents of src. Documents
// are reported in order of id; their ids must be distinct.
func Scan(ctx context.Context, src Source, o Options) (*Result, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &scan{o: o, workers: workers, bands: o.banding()}
	s.df.limit = o.exactLimit
	if err := s.first(ctx, src); err != nil {
		return nil, err
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
		return nil, err
	}
	s.stockKey, s.shared = stock, shared
	if s.docs.n < s.params.StockMinDocs {
		s.stockKey = func(uint64) bool { return false }
		nStock = 0
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
	// The documents and their clusters need no evidence: they are made
	// while it is found, on what its stages leave of the cores. (Clusters
	// reads the pairs' kinds and containments, which evidence leaves as
	// they are.)
	made := make(chan struct{})
	go func() {
		defer close(made)
		res.Documents = make([]Document, s.docs.n)
		for p, i := range s.byPos {
			l := s.docs.at(i)
			res.Documents[p] = Document{Doc: l.doc, Tokens: l.tokens, Shingles: l.shingles}
		}
		res.Clusters = Clusters(res.Documents, res.Pairs)
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
	if s.texts != nil {
		for p := range res.Documents {
			res.Documents[p].Text = s.texts[p]
		}
	}
	return res, nil
}

type scan struct {
	o        Options
	bands    lsh.Params // o.banding(), computed once
	params   Params
	workers  int
	docs     lights // by number (order of Each)
	ws       []*worker
	ex       []*Extractor // one a worker, for both readings
	df       counter
	pos      []int // number → place in id order
	byPos    []int // place → number
	stockKey func(uint64) bool
	shared   *filter      // keys of two documents or more, if counted exactly
	texts    []string     // by place: texts of the documents of reported pairs
	sides    []side       // by place: what verification needs of a document
	kept     atomic.Int64 // hashes kept by the first reading
}

// first reads the corpus once, extracting in parallel, and keeps each
// document's metadata and its filing keys.
func (s *scan) first(ctx context.Context, src Source) error {
	type job struct {
		i int
		d corpus.Doc
		l *light // where the worker writes what it finds
	}
	// Documents go to the workers in small batches: a channel operation
	// each would cost the reading goroutine as much as decoding a short
	// article.
	jobs := make(chan []job, 4*s.workers)
	var wg sync.WaitGroup
	keepLimit := int64(s.o.KeepHashes)
	if keepLimit == 0 {
		keepLimit = DefaultKeepHashes
	}
	// Large documents are let into extraction within a budget of MiB
	// units, not as many as there are workers: each takes several times
	// its size while its features are found.
	budget := make(chan struct{}, inFlightMiB)
	acquire := func(n int) error {
		for range n {
			select {
			case budget <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	release := func(n int) {
		for range n {
			<-budget
		}
	}
	s.ws = make([]*worker, s.workers)
	s.ex = make([]*Extractor, s.workers)
	signer := s.o.signer(s.o.Perms) // safe for concurrent use
	for w := range s.ws {
		s.ex[w] = newExtractor(s.o, s.bands, signer)
		s.ws[w] = &worker{ex: s.ex[w]}
		wg.Add(1)
		go func(wk *worker) {
			defer wg.Done()
			for batch := range jobs {
				for _, j := range batch {
					wk.extract(s, j.i, j.d.Text, j.l, keepLimit)
					release(largeUnits(j.d.Text))
				}
			}
			wk.scratch = s.df.add(wk.df, wk.scratch)
			wk.df = nil
		}(s.ws[w])
	}
	// Documents are kept in chunks (lights) that never move while the
	// workers write to them.
	var chunks [][]light
	n := 0
	var batch []job
	bytes := 0
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case jobs <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch, bytes = make([]job, 0, batchDocs), 0
		return nil
	}
	err := src.Each(ctx, func(i int, d corpus.Doc) error {
		if i != n {
			return fmt.Errorf("source numbered document %q %d, expected %d", d.ID, i, n)
		}
		if i > MaxDocs {
			return fmt.Errorf("more than %d documents: split the corpus", MaxDocs)
		}
		if n%lightChunk == 0 {
			chunks = append(chunks, newLights())
		}
		c := &chunks[len(chunks)-1]
		meta := d
		meta.Text = ""
		*c = append(*c, light{doc: meta})
		n++
		if s.o.Progress != nil && i%1000 == 0 {
			s.o.Progress("reading", i, 0)
		}
		if err := acquire(largeUnits(d.Text)); err != nil {
			return err
		}
		batch = append(batch, job{i, d, &(*c)[len(*c)-1]})
		if bytes += len(d.Text); len(batch) < batchDocs && bytes < batchBytes {
			return nil
		}
		return send()
	})
	if err == nil {
		err = send()
	}
	close(jobs)
	wg.Wait()
	s.docs = lights{chunks: chunks, n: n}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// inFlightMiB is the budget, in MiB of text, of the large documents whose
// features are being found at once.
const inFlightMiB = 96

// largeUnits is the share of the budget a document takes, in MiB: none
// for a small document, which the worker count bounds well enough; the
// whole budget at most, so that any document gets in.
func largeUnits(text string) int {
	if len(text) < 1<<20 {
		return 0
	}
	return min(len(text)>>20+1, inFlightMiB)
}

// batchDocs and batchBytes bound a batch of the first reading: as many
// documents, or as much text, whichever comes first.
const (
	batchDocs  = 16
	batchBytes = 64 << 10
)

// extract finds the features of document i, of text, files its keys
// and writes what the scan keeps of it to l, its hashes within keepLimit
// kept in all.
func (wk *worker) extract(s *scan, i int, text string, l *light, keepLimit int64) {
	f := wk.ex.features(text)
	distinct := wk.file(i, &f)
	if len(wk.df) > s.df.batch(s.workers) {
		wk.scratch = s.df.add(wk.df, wk.scratch)
		wk.df = wk.df[:0]
	}
	keep := s.kept.Add(int64(len(f.Hashes))) <= keepLimit
	l.tokens, l.shingles, l.distinct, l.norm = f.Tokens, len(f.Hashes), distinct, f.Norm
	if keep {
		l.hashes = f.Hashes
	}
}

// file records document i's keys and its distinct shingles, and returns
// the number of distinct shingles, -1 if not known (distinctKeys).
func (wk *worker) file(i int, f *Features) int {
	if f.Tokens == 0 {
		return 0
	}
	var distinct int
	wk.df, distinct = wk.distinctKeys(wk.df, f.Hashes)
	// One winnowing of distinct shingles selects each position once, so
	// its prints are distinct already: the common case needs no set.
	if distinct != len(f.Hashes) || wk.ex.o.PassageHashes > 1 {
		f.Prints = wk.ex.distinct(f.Prints)
	}
	for _, k := range f.Bands {
		e := packKey(k, i)
		wk.bands[partOf(e)].add(e)
	}
	for _, k := range f.Prints {
		e := packKey(k, i)
		wk.prints[partOf(e)].add(e)
	}
	return distinct
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
