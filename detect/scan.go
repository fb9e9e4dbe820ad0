package detect

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/passage"
	"github.com/neardup/neardup/shingle"
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

// RareGroup is the most documents a fingerprint may have for sharing it
// alone to make two documents candidates. Text that more documents share
// is common enough to be shared by chance (a frequent phrase), and
// proposes only pairs that share Options.MinPrints such fingerprints.
const RareGroup = 16

// MaxDocs is the most documents Scan handles.
const MaxDocs = 1<<idBits - 1

func packKey(k uint64, i int) uint64 { return k&^(1<<idBits-1) | uint64(i) }
func keyOf(e uint64) uint64          { return e &^ (1<<idBits - 1) }
func idOf(e uint64) int              { return int(e & (1<<idBits - 1)) }
func partOf(e uint64) int            { return int(e >> (64 - partBits)) }

// exactLimit is the number of (document, distinct shingle) entries up to
// which document frequencies are counted exactly; beyond, in a
// count-min sketch, whose overcounts at the frequencies that make stock
// phrases (100 documents and more there) are nil in practice.
const exactLimit = 16 << 20

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

// counter counts document frequencies, exactly and then, past its
// limit (zero: exactLimit) entries, in a sketch.
type counter struct {
	mu    sync.Mutex
	limit int
	// exact holds the keys counted so far split by their top splitBits
	// bits, each as its next 32 bits: the rest of a key (keyBits).
	exact    [1 << splitBits]blocks[uint32]
	n        int
	sketch   *sketch
	sketched atomic.Bool // sketch is set
}

// splitBits is the number of top bits of a key that split the exact
// count; with them, the next 32 bits are the whole key (keyBits).
const splitBits = keyBits - 32

func splitKey(k uint64) (part int, rest uint32) {
	return int(k >> (64 - splitBits)), uint32(k >> idBits)
}

func joinKey(part int, rest uint32) uint64 {
	return uint64(part)<<(64-splitBits) | uint64(rest)<<idBits
}

// add counts keys, distinct keys of documents, and returns scratch, grown,
// for the next call.
func (c *counter) add(keys, scratch []uint64) []uint64 {
	c.mu.Lock()
	if c.sketch == nil {
		for _, k := range keys {
			p, r := splitKey(k)
			c.exact[p].add(r)
		}
		limit := c.limit
		if limit == 0 {
			limit = exactLimit
		}
		if c.n += len(keys); c.n <= limit {
			c.mu.Unlock()
			return scratch
		}
		// Past the limit: the exact counts so far move to a sketch,
		// which the other workers add to meanwhile (counts do not depend
		// on their order), instead of waiting for the move.
		sk := newSketch()
		c.sketch = sk
		c.sketched.Store(true)
		exact := c.exact
		c.exact = [1 << splitBits]blocks[uint32]{}
		c.mu.Unlock()
		var part []uint64
		for p := range exact {
			part = part[:0]
			for _, r := range exact[p].appendTo(nil) {
				part = append(part, joinKey(p, r))
			}
			scratch = sk.addAll(part, scratch)
			exact[p] = blocks[uint32]{}
		}
		return scratch
	}
	// The sketch has locks of its own: workers add to it at once. A
	// large document's keys go in pieces, so that the scratch (twice the
	// keys) stays small.
	sk := c.sketch
	c.mu.Unlock()
	for len(keys) > 0 {
		n := min(len(keys), 1<<20)
		scratch = sk.addAll(keys[:n], scratch)
		keys = keys[n:]
	}
	return scratch
}

// batch returns the number of distinct keys each of workers gathers
// before adding them: 64 Ki while they are counted exactly, and once they
// go to the sketch, where large batches sweep its lines in order, 2 Mi
// among all workers (24 bytes a key with the sketch's scratch).
func (c *counter) batch(workers int) int {
	if c.sketched.Load() {
		return max(1<<16, 1<<21/workers)
	}
	return 1 << 16
}

// stockSet returns the stock test for keys of at least cutoff documents,
// counting on workers goroutines, the number of stock keys (-1 when
// counted in the sketch), and, when counted exactly, a filter of the keys
// of two documents or more (nil in the sketch).
func (c *counter) stockSet(cutoff, workers int) (stock func(uint64) bool, n int, shared *filter) {
	if c.sketch != nil {
		return func(k uint64) bool { return c.sketch.count(k) >= cutoff }, -1, nil
	}
	// The parts of the split are sorted and counted on workers
	// goroutines, each with buffers it reuses from part to part.
	var stocks [1 << splitBits]map[uint32]bool
	var twice [1 << splitBits][]uint32
	var wg sync.WaitGroup
	var next atomic.Int32
	for range min(workers, len(c.exact)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var all, scratch []uint32
			var ones singles
			for p := int(next.Add(1) - 1); p < len(c.exact); p = int(next.Add(1) - 1) {
				all = c.exact[p].appendTo(all[:0])
				c.exact[p] = blocks[uint32]{}
				// Keys of one document are not shared, nor stock unless
				// one document makes stock.
				if cutoff >= 2 {
					all = dropSingles(&ones, all, 0)
				}
				if cap(scratch) < len(all) {
					scratch = make([]uint32, len(all))
				}
				lsh.SortKeys(all, scratch)
				stocks[p], twice[p] = countPart(all, cutoff)
			}
		}()
	}
	wg.Wait()
	var stockRests [1 << splitBits][]uint32
	for p, m := range stocks {
		n += len(m)
		for r := range m {
			stockRests[p] = append(stockRests[p], r)
		}
	}
	shared = newFilter(twice)
	// Most keys asked about are not stock: a filter of the stock keys,
	// small enough to stay in cache, answers for them before a map is
	// looked up.
	maybe := newFilter(stockRests)
	return func(k uint64) bool {
		if maybe.bit(k) == 0 {
			return false
		}
		p, r := splitKey(k)
		return stocks[p][r]
	}, n, shared
}

// countPart returns the set of the rests of sorted all that it holds
// cutoff times or more, and those it holds twice or more.
func countPart(all []uint32, cutoff int) (stock map[uint32]bool, twice []uint32) {
	stock = map[uint32]bool{}
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j] == all[i] {
			j++
		}
		if j-i >= 2 {
			twice = append(twice, all[i])
		}
		if j-i >= cutoff {
			stock[all[i]] = true
		}
		i = j
	}
	return stock, twice
}

// filter is a set of keys with false positives: a bitmap of their top
// bits.
type filter struct {
	bits  []uint64
	shift uint
}

// newFilter returns the filter of the keys given by their parts and
// rests (splitKey), with 16 to 32 bits a key, so that about 1 in 16 to 1
// in 32 keys not in it pass for members.
func newFilter(rests [1 << splitBits][]uint32) *filter {
	n := 0
	for _, r := range rests {
		n += len(r)
	}
	b := 6 // 2^b bits
	if n > 0 {
		b = min(max(b, bits.Len(uint(16*n-1))), keyBits)
	}
	f := &filter{bits: make([]uint64, 1<<b/64), shift: uint(64 - b)}
	for p, rs := range rests {
		for _, r := range rs {
			i := joinKey(p, r) >> f.shift
			f.bits[i/64] |= 1 << (i % 64)
		}
	}
	return f
}

// has reports whether k may be in f: always when it is.
func (f *filter) has(k uint64) bool { return f.bit(k) != 0 }

// bit is has as 1 or 0.
func (f *filter) bit(k uint64) uint64 {
	i := k >> f.shift
	return f.bits[i/64] >> (i % 64) & 1
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

// largeUnits is the share of the budget a document takes: none below
// 1 MiB, the whole budget at most.
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

// distinctKeys appends the distinct keys (keyOf) of hashes to dst, in
// order of first appearance, and returns the number of distinct hashes,
// or -1 when two different hashes share a key, which a set of keys cannot
// tell apart (rare, in 36 bits): then they are counted later.
func (wk *worker) distinctKeys(dst, hashes []uint64) ([]uint64, int) {
	if len(hashes) > sortDistinct {
		return distinctSorted(dst, hashes)
	}
	wk.set.reset(len(hashes))
	dst, n, exact := wk.set.addAllKeyed(dst, hashes)
	if !exact {
		return dst, -1
	}
	return dst, n
}

// sortDistinct is the number of hashes above which distinctKeys sorts a
// copy of them instead of filling a set: a set of a large document's
// shingles takes four times their size.
const sortDistinct = 1 << 20

// distinctSorted is distinctKeys by sorting, with the keys in order.
func distinctSorted(dst, hashes []uint64) ([]uint64, int) {
	sorted := slices.Clone(hashes)
	slices.Sort(sorted)
	n, exact := 0, true
	keys := sorted[:0] // written behind the reading
	var prev uint64
	for i, h := range sorted {
		if i > 0 && h == prev {
			continue
		}
		prev = h
		n++
		if k := keyOf(h); len(keys) > 0 && keys[len(keys)-1] == k {
			exact = false
		} else {
			keys = append(keys, k)
		}
	}
	if len(dst) == 0 {
		dst = keys
	} else {
		dst = append(dst, keys...)
	}
	if !exact {
		return dst, -1
	}
	return dst, n
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

// pairKey packs a pair of places, i < j.
func pairKey(i, j int) uint64 { return uint64(i)<<32 | uint64(j) }

// candidates returns the pairs to verify, as sorted pair keys of places.
func (s *scan) candidates(ctx context.Context) ([]uint64, error) {
	n := s.docs.n
	var keys []uint64
	if s.o.Exhaustive {
		for p := 0; p < n; p++ {
			if s.docs.at(s.byPos[p]).tokens == 0 {
				continue
			}
			for q := p + 1; q < n; q++ {
				if s.docs.at(s.byPos[q]).tokens > 0 {
					keys = append(keys, pairKey(p, q))
				}
			}
		}
		return keys, nil
	}
	// Identical normalised texts are duplicates whatever their length;
	// the first of each group stands for it in the tables.
	rep := make([]int, n) // representative of each document, -1 if none
	group := map[int][]int{}
	grouped := make([]bool, n) // has a group
	first := make(map[[2]uint64]int, n)
	for i := range s.docs.n {
		rep[i] = -1
		if s.docs.at(i).tokens == 0 {
			continue
		}
		r, ok := first[s.docs.at(i).norm]
		if !ok {
			first[s.docs.at(i).norm] = i
			rep[i] = i
			continue
		}
		rep[i] = r
		g, ok := group[r]
		if !ok {
			g = []int{r}
			grouped[r] = true
		}
		for _, x := range g {
			keys = append(keys, s.placePair(x, i))
		}
		group[r] = append(g, i)
	}
	first = nil
	members := func(r int) []int {
		if g, ok := group[r]; ok {
			return g
		}
		return []int{r}
	}
	// Pairs sharing a band are candidates, and so are pairs sharing a
	// fingerprint that few documents have; pairs sharing only common
	// fingerprints are when they share MinPrints of them.
	// The partitions are paired on all workers, each its own.
	type found struct{ rep, prints []uint64 }
	outs := make([]found, parts)
	// Each worker reuses its buffers from table to table.
	entryBufs, scratchBufs := make([][]uint64, s.workers), make([][]uint64, s.workers)
	ones := make([]singles, s.workers)
	err := s.parallel(ctx, "pairing", parts, func(w, part int) {
		var repPairs, printPairs []uint64
		var ids []int
		for _, table := range []int{0, 1} { // bands, then fingerprints
			entries := entryBufs[w][:0]
			for _, wk := range s.ws {
				t := &wk.bands[part]
				if table == 1 {
					t = &wk.prints[part]
				}
				entries = t.appendTo(entries)
				*t = blocks[uint64]{}
			}
			entryBufs[w] = entries
			// A key of one document pairs nothing.
			entries = dropSingles(&ones[w], entries, partBits)
			if cap(scratchBufs[w]) < len(entries) {
				scratchBufs[w] = make([]uint64, len(entries))
			}
			// Grouped by key: the order of a key's documents does
			// not matter.
			lsh.SortHigh(entries, scratchBufs[w], idBits)
			for a := 0; a < len(entries); {
				b := a + 1
				for b < len(entries) && keyOf(entries[b]) == keyOf(entries[a]) {
					b++
				}
				if b-a > 1 && (table == 0 || !s.stockKey(keyOf(entries[a]))) {
					ids = ids[:0]
					for _, e := range entries[a:b] {
						if i := idOf(e); rep[i] == i {
							ids = append(ids, i)
						}
					}
					for x := range ids {
						for y := x + 1; y < len(ids); y++ {
							if ids[x] == ids[y] {
								continue
							}
							k := pairKey(min(ids[x], ids[y]), max(ids[x], ids[y]))
							if table == 0 || len(ids) <= RareGroup {
								repPairs = append(repPairs, k)
							} else {
								printPairs = append(printPairs, k)
							}
						}
					}
				}
				a = b
			}
		}
		outs[part] = found{repPairs, printPairs}
	})
	if err != nil {
		return nil, err
	}
	var nRep, nPrint int
	for _, o := range outs {
		nRep += len(o.rep)
		nPrint += len(o.prints)
	}
	repPairs, printPairs := make([]uint64, 0, nRep), make([]uint64, 0, nPrint)
	for _, o := range outs {
		repPairs = append(repPairs, o.rep...)
		printPairs = append(printPairs, o.prints...)
	}
	outs = nil
	s.ws = nil
	// The two lists are sorted at once.
	done := make(chan struct{})
	go func() {
		repPairs = sortUnique(repPairs)
		close(done)
	}()
	lsh.SortKeys(printPairs, make([]uint64, len(printPairs)))
	<-done
	// Pairs of MinPrints common prints, in order, join the others.
	common := printPairs[:0]
	for a := 0; a < len(printPairs); {
		b := a + 1
		for b < len(printPairs) && printPairs[b] == printPairs[a] {
			b++
		}
		if b-a >= s.o.MinPrints {
			common = append(common, printPairs[a])
		}
		a = b
	}
	pairs := mergeUnique(make([]uint64, 0, len(repPairs)+len(common)), repPairs, common)
	repPairs, printPairs = nil, nil
	keys = slices.Grow(keys, len(pairs))
	for _, k := range pairs {
		i, j := int(k>>32), int(k&0xffffffff)
		if !grouped[i] && !grouped[j] {
			keys = append(keys, s.placePair(i, j)) // the common case
			continue
		}
		for _, x := range members(i) {
			for _, y := range members(j) {
				keys = append(keys, s.placePair(x, y))
			}
		}
	}
	return sortUnique(keys), nil
}

// placePair is the pair key, in places, of documents numbered i and j.
func (s *scan) placePair(i, j int) uint64 {
	p, q := s.pos[i], s.pos[j]
	return pairKey(min(p, q), max(p, q))
}

// mergeUnique appends to dst the values of a and b, both sorted without
// repeats, in order and without repeats.
func mergeUnique(dst, a, b []uint64) []uint64 {
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			dst, a = append(dst, a[0]), a[1:]
		case b[0] < a[0]:
			dst, b = append(dst, b[0]), b[1:]
		default:
			dst, a, b = append(dst, a[0]), a[1:], b[1:]
		}
	}
	return append(append(dst, a...), b...)
}

// sortUnique sorts keys and drops repeats.
func sortUnique(keys []uint64) []uint64 {
	lsh.SortKeys(keys, make([]uint64, len(keys)))
	return slices.Compact(keys)
}

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

// verifyAll reads again the texts of the candidates' documents whose
// hashes the first reading did not keep, verifies the candidates and
// returns the reported pairs, in order of decreasing score, then ids. Their
// passages hold shingle indexes still: evidence or countWords finishes
// them.
func (s *scan) verifyAll(ctx context.Context, src Source, cands []uint64) ([]Pair, error) {
	n := s.docs.n
	need := make([]bool, n) // by place
	for _, c := range cands {
		need[c>>32], need[c&0xffffffff] = true, true
	}
	// What verification needs of each: its sequence, tokens and norm,
	// from the hashes kept by the first reading, or else from the text
	// read again. The texts are read again after verification, for the
	// documents of reported pairs only, unless Options.NoEvidence.
	var places, nums, keptPlaces []int
	for p, ok := range need {
		switch {
		case !ok:
		case s.docs.at(s.byPos[p]).hashes != nil:
			keptPlaces = append(keptPlaces, p)
		default:
			places = append(places, p)
			nums = append(nums, s.byPos[p])
		}
	}
	s.sides = make([]side, n)
	atBufs := make([][]int32, s.workers) // each worker's scratch for newSeq
	err := s.parallel(ctx, "sequencing", len(keptPlaces), func(w, k int) {
		p := keptPlaces[k]
		l := s.docs.at(s.byPos[p])
		var seq *passage.Seq
		seq, atBufs[w] = s.newSeq(l.hashes, l.distinct, atBufs[w])
		s.sides[p] = side{seq: *seq, tokens: l.tokens, norm: l.norm}
	})
	if err != nil {
		return nil, err
	}
	for i := range s.docs.n {
		s.docs.at(i).hashes = nil
	}
	ex := s.ex
	type job struct {
		p    int
		text string
	}
	var mu sync.Mutex
	var changed error
	jobs := make(chan job, 64*s.workers)
	var wg sync.WaitGroup
	for w := 0; w < s.workers; w++ {
		wg.Add(1)
		go func(e *Extractor) {
			defer wg.Done()
			var at []int32 // scratch for newSeq
			for j := range jobs {
				f := e.Shingles(j.text)
				l := s.docs.at(s.byPos[j.p])
				distinct := l.distinct
				if f.Norm != l.norm {
					distinct = -1
					mu.Lock()
					if changed == nil {
						changed = fmt.Errorf("%s: the text read again differs from the text read first: was it changed during the run?", l.doc.Where())
					}
					mu.Unlock()
				}
				var seq *passage.Seq
				seq, at = s.newSeq(f.Hashes, distinct, at)
				s.sides[j.p] = side{seq: *seq, tokens: f.Tokens, norm: f.Norm}
			}
		}(ex[w])
	}
	err = src.Texts(ctx, nums, func(k int, text string) error {
		select {
		case jobs <- job{places[k], text}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(jobs)
	wg.Wait()
	if err == nil {
		err = changed
	}
	if err != nil {
		return nil, err
	}
	// Candidates are verified in chunks of consecutive pairs, which share
	// their first document: a Matcher indexes it once for them all. Each
	// chunk's reported pairs are kept at their size, and sorted at the
	// end by a key that orders them whatever chunk they came from.
	const chunk = 256
	found := make([][]Pair, (len(cands)+chunk-1)/chunk)
	matchers := make([]passage.Matcher, s.workers)
	slabs := make([]passageSlab, s.workers)
	scratch := make([][]Pair, s.workers)
	minScore := s.o.minScore()
	err = s.parallel(ctx, "verifying", len(found), func(w, ch int) {
		kept := scratch[w][:0]
		for c := ch * chunk; c < min(len(cands), (ch+1)*chunk); c++ {
			p, q := int(cands[c]>>32), int(cands[c]&0xffffffff)
			pr := verify(&matchers[w], &s.sides[p], &s.sides[q], &s.o, s.isStock, minScore, &slabs[w])
			if reported(&pr, minScore, s.o.ReuseScore) {
				pr.I, pr.J = p, q
				pr.A, pr.B = s.docs.at(s.byPos[p]).doc.ID, s.docs.at(s.byPos[q]).doc.ID
				kept = append(kept, pr)
			}
		}
		found[ch] = slices.Clone(kept)
		clear(kept) // no references kept from the scratch
		scratch[w] = kept
	})
	if err != nil {
		return nil, err
	}
	s.sides, scratch = nil, nil
	return sortByPlace(found), nil
}

// countWords counts the words of the passages of pairs and leaves out
// their evidence (Options.NoEvidence). Word shingles i to j cover words
// i to j+k-1; what character shingles cover is found from the evidence.
func (s *scan) countWords(ctx context.Context, src Source, pairs []Pair) error {
	if s.o.Shingle.Unit != shingle.WordUnit {
		if err := s.evidence(ctx, src, pairs); err != nil {
			return err
		}
		s.texts = nil
	}
	for k := range pairs {
		for x := range pairs[k].Passages {
			ps := &pairs[k].Passages[x]
			words := ps.Words
			if s.o.Shingle.Unit == shingle.WordUnit {
				words = ps.A.End - ps.A.Start + s.o.Shingle.K
			}
			*ps = Passage{Words: words}
		}
	}
	return nil
}

// evidence turns the shingle ranges of the passages of pairs, which
// verification leaves in their spans, into byte ranges and texts, and
// counts their words.
func (s *scan) evidence(ctx context.Context, src Source, pairs []Pair) error {
	n := s.docs.n
	inPair := make([]bool, n)
	for _, p := range pairs {
		inPair[p.I], inPair[p.J] = true, true
	}
	// Evidence, from the texts of the documents of reported pairs, read
	// a last time, and tokenised again.
	var shown, shownNums []int
	for p, ok := range inPair {
		if ok {
			shown = append(shown, p)
			shownNums = append(shownNums, s.byPos[p])
		}
	}
	s.texts = make([]string, n)
	if err := src.Texts(ctx, shownNums, func(k int, text string) error {
		s.texts[shown[k]] = text
		return nil
	}); err != nil {
		return err
	}
	// Each document is tokenised once, by one worker, which turns the
	// sides of passages it holds into byte ranges and text: refs lists
	// them by document, from refs[at[p]] to refs[at[p+1]].
	type ref struct {
		pair, passage int32
		b             bool // the B side
	}
	at := make([]int32, n+1)
	for k := range pairs {
		np := int32(len(pairs[k].Passages))
		at[pairs[k].I+1] += np
		at[pairs[k].J+1] += np
	}
	for p := range n {
		at[p+1] += at[p]
	}
	refs := make([]ref, at[n])
	next := slices.Clone(at[:n])
	for k := range pairs {
		for x := range pairs[k].Passages {
			i, j := pairs[k].I, pairs[k].J
			refs[next[i]] = ref{int32(k), int32(x), false}
			refs[next[j]] = ref{int32(k), int32(x), true}
			next[i]++
			next[j]++
		}
	}
	next = nil
	reuse := make([]shingle.Text, s.workers)
	return s.parallel(ctx, "evidence", len(shown), func(w, k int) {
		p := shown[k]
		if at[p] == at[p+1] {
			return
		}
		// Word shingles need the tokens up to the last that a passage
		// touches, and no more.
		need := -1
		if s.o.Shingle.Unit == shingle.WordUnit {
			for _, r := range refs[at[p]:at[p+1]] {
				ps := &pairs[r.pair].Passages[r.passage]
				if r.b { // only this document's side: others convert theirs
					need = max(need, ps.B.End+s.o.Shingle.K)
				} else {
					need = max(need, ps.A.End+s.o.Shingle.K)
				}
			}
		}
		t := &reuse[w]
		t.TokenizePrefix(s.texts[p], need)
		for _, r := range refs[at[p]:at[p+1]] {
			ps := &pairs[r.pair].Passages[r.passage]
			if r.b {
				evidenceB(ps, s.o.Shingle, t, s.texts[p])
			} else {
				evidenceA(ps, s.o.Shingle, t, s.texts[p])
			}
		}
	})
}

// sortByPlace returns the pairs of found, all of them in one slice, in
// SortPairs' order. Their places (I < J) are in order of id, so they
// stand for the ids; small keys are sorted, and the pairs, large structs,
// moved once.
func sortByPlace(found [][]Pair) []Pair {
	// Scores are not negative, so their bits order them as the numbers
	// do: complemented, in decreasing order.
	type key struct {
		score  uint64
		ij     uint64 // I and J, packed
		ch, at int32  // where the pair is in found
	}
	n := 0
	for _, ps := range found {
		n += len(ps)
	}
	keys := make([]key, 0, n)
	for ch, ps := range found {
		for k := range ps {
			p := &ps[k]
			keys = append(keys, key{^math.Float64bits(p.Score), uint64(p.I)<<32 | uint64(p.J), int32(ch), int32(k)})
		}
	}
	order := func(x, y key) int {
		if x.score != y.score {
			return cmp.Compare(x.score, y.score)
		}
		return cmp.Compare(x.ij, y.ij)
	}
	// Two halves are sorted at once and merged; then the pairs are
	// moved, each half of them by one goroutine.
	a, b := keys[:len(keys)/2], keys[len(keys)/2:]
	sortedA := make(chan struct{})
	go func() {
		slices.SortFunc(a, order)
		close(sortedA)
	}()
	slices.SortFunc(b, order)
	<-sortedA
	merged := make([]key, 0, len(keys))
	for len(a) > 0 && len(b) > 0 {
		if order(a[0], b[0]) <= 0 {
			merged, a = append(merged, a[0]), a[1:]
		} else {
			merged, b = append(merged, b[0]), b[1:]
		}
	}
	merged = append(append(merged, a...), b...)
	sorted := make([]Pair, len(merged))
	move := func(ks []key, dst []Pair) {
		for i, x := range ks {
			dst[i] = found[x.ch][x.at]
		}
	}
	half := len(merged) / 2
	moved := make(chan struct{})
	go func() {
		move(merged[:half], sorted[:half])
		close(moved)
	}()
	move(merged[half:], sorted[half:])
	<-moved
	return sorted
}
