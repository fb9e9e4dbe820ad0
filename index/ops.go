package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// Outcome is what Add or Check found: the documents involved (the new and
// changed ones given, and the indexed ones they match), the pairs among
// them, and counts. Only the documents of pairs keep their texts.
type Outcome struct {
	Result    detect.Result
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// DefaultBatch is the number of documents Add writes in one transaction.
const DefaultBatch = 500

// Add indexes docs in transactions of batch documents (DefaultBatch if
// batch < 1), in order, and reports what each new or changed document
// matches among the documents indexed before it: those indexed by earlier
// runs, whether or not docs gives them again, and this run's earlier
// ones. A document whose id is indexed with the same text and metadata is
// left as it is; with other text it is replaced, and matched again as it
// now is. committed, if not nil, is told after each transaction how many
// of docs are durably in the index. Ids must be distinct.
func (x *Index) Add(ctx context.Context, docs []corpus.Doc, batch int, committed func(n int)) (*Outcome, error) {
	return x.AddSeq(ctx, seqOf(docs), batch, committed)
}

// AddSeq is Add for documents read one at a time, as corpus.Reader.Walk
// reads them; an error from docs ends the run with that error, after the
// transactions committed so far. It holds a batch of documents at a time;
// of the others, their ids and their entries in the Outcome, which keep
// texts only for the documents of pairs.
func (x *Index) AddSeq(ctx context.Context, docs iter.Seq2[corpus.Doc, error], batch int, committed func(n int)) (*Outcome, error) {
	return x.run(ctx, docs, batch, committed, true)
}

// Check reports what docs match among the indexed documents, and among
// themselves (each against those before it), without changing the
// index. Stock phrases are those of the index.
func (x *Index) Check(ctx context.Context, docs []corpus.Doc) (*Outcome, error) {
	return x.CheckSeq(ctx, seqOf(docs))
}

// CheckSeq is Check for documents read one at a time. Each new or changed
// document is matched against those checked before it, so those are
// held, with their features, until the end.
func (x *Index) CheckSeq(ctx context.Context, docs iter.Seq2[corpus.Doc, error]) (*Outcome, error) {
	return x.run(ctx, docs, DefaultBatch, nil, false)
}

// seqOf is docs one at a time.
func seqOf(docs []corpus.Doc) iter.Seq2[corpus.Doc, error] {
	return func(yield func(corpus.Doc, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
	}
}

type found struct {
	doc  corpus.Doc
	f    detect.Features
	text string
}

func (x *Index) run(ctx context.Context, docs iter.Seq2[corpus.Doc, error], batch int, committed func(int), write bool) (*Outcome, error) {
	if batch < 1 {
		batch = DefaultBatch
	}
	out := &Outcome{}
	c := newCollector(x)
	mem := map[uint64][]string{} // Check: postings of the documents checked so far
	given := map[string]bool{}   // ids given so far
	var chunk []corpus.Doc
	done := 0
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := x.runChunk(ctx, chunk, done, c, mem, out, write); err != nil {
			return err
		}
		done += len(chunk)
		if committed != nil {
			committed(done)
		}
		chunk = chunk[:0]
		return nil
	}
	for d, err := range docs {
		if err != nil {
			return nil, err
		}
		if given[d.ID] {
			return nil, fmt.Errorf("document id %q given twice (%s)", d.ID, d.Where())
		}
		given[d.ID] = true
		if chunk = append(chunk, d); len(chunk) == batch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	c.finish(&out.Result, x.o.Params(0))
	return out, nil
}

// runChunk indexes (when writing) and matches chunk, the documents of the
// run after its first done, adding what it finds to c and out.
func (x *Index) runChunk(ctx context.Context, chunk []corpus.Doc, done int, c *collector, mem map[uint64][]string, out *Outcome, write bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ids := make([]string, len(chunk))
	for i, d := range chunk {
		ids[i] = d.ID
	}
	olds, err := x.store.Records(ids)
	if err != nil {
		return err
	}
	prep, err := x.prepare(chunk, olds, write)
	if err != nil {
		return err
	}
	b := &Batch{}
	var cc cellCounter
	var fresh []found
	at := map[string]int{} // the new or changed documents of the chunk, by id
	for i, d := range chunk {
		p := &prep[i]
		switch {
		case p.unchanged:
			out.Unchanged++
			continue
		case p.old != nil:
			b.Delete = append(b.Delete, Entry{ID: d.ID, Keys: keys(p.old)})
			cc.count(p.old, -1)
			out.Updated++
		default:
			out.Added++
		}
		b.Put = append(b.Put, Entry{ID: d.ID, Record: p.rec, Keys: keys(&p.f)})
		cc.count(&p.f, +1)
		at[d.ID] = len(fresh)
		fresh = append(fresh, found{d, p.f, d.Text})
	}
	b.Cells = cc.cells()
	if write && (len(b.Put) > 0 || len(b.Delete) > 0) {
		if err := x.store.Apply(b); err != nil {
			return fmt.Errorf("writing documents %d to %d: %w", done+1, done+len(chunk), err)
		}
	}
	counters, err := x.sketch(b, write)
	if err != nil {
		return err
	}
	n, err := x.store.Len()
	if err != nil {
		return err
	}
	stock := x.stockTest(counters, n)
	// One lookup for the batch: the keys of all its documents.
	kss := make([][]uint64, len(fresh))
	var all []uint64
	for i := range fresh {
		kss[i] = lookupKeys(&fresh[i].f, stock)
		all = append(all, kss[i]...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	posts, err := x.store.Postings(all)
	if err != nil {
		return err
	}
	for i, d := range fresh {
		// A document matches every other one indexed, but not a new or
		// changed one later in the chunk, which matches it in its turn.
		// (Those of later chunks are not written yet; one indexed before
		// this run and changed later in it is matched again then.)
		before := func(id string) bool {
			j, inChunk := at[id]
			return id != d.doc.ID && (!inChunk || j < i)
		}
		idsOf := func(k uint64) []string {
			j, _ := slices.BinarySearch(all, k)
			return posts[j]
		}
		if err := c.match(d, kss[i], idsOf, stock, before, mem, !write); err != nil {
			return err
		}
	}
	c.endBatch()
	return nil
}

// prepared is one document of a batch, made ready to write.
type prepared struct {
	f         detect.Features
	old       *detect.Features // of the indexed text it replaces
	unchanged bool             // indexed already, with this text and metadata
	rec       []byte           // the record to store (when writing)
}

// prepare extracts the features of docs, whose indexed records are olds
// (nil where new), and encodes their records when writing: on all of
// x's workers.
func (x *Index) prepare(docs []corpus.Doc, olds [][]byte, write bool) ([]prepared, error) {
	out := make([]prepared, len(docs))
	errs := make([]error, len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range x.ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(docs); i = int(next.Add(1) - 1) {
				errs[i] = w.prepare(&out[i], docs[i], olds[i], write)
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (w *worker) prepare(p *prepared, d corpus.Doc, old []byte, write bool) error {
	if old != nil {
		r, oldText, err := decodeRecord(old)
		if err != nil {
			return fmt.Errorf("index record of %q: %w", d.ID, err)
		}
		meta := d
		meta.Text = ""
		if oldText == d.Text && r.Doc == meta {
			p.unchanged = true
			return nil
		}
		of := w.ex.Extract(oldText)
		p.old = &of
	}
	p.f = w.ex.Extract(d.Text)
	if !write {
		return nil
	}
	var err error
	p.rec, err = w.encodeRecord(d, &p.f)
	return err
}

// sketch returns the index's counters: read from the store the first
// time, then kept up to date with the batches this process writes.
// Another process's batches are seen from the next run on.
func (x *Index) sketch(b *Batch, written bool) ([]uint16, error) {
	if x.counters == nil {
		c, err := x.store.Sketch()
		if err != nil {
			return nil, err
		}
		x.counters = c
	} else if written {
		addCells(x.counters, b.Cells)
	}
	return x.counters, nil
}

// collector gathers the documents and pairs of a run.
type collector struct {
	x      *Index
	docs   []detect.Document
	at     map[string]int
	pairs  []detect.Pair
	paired []int // by document: its pairs
	// cache holds the indexed documents loaded during a batch to verify
	// against, checked the documents a Check has checked, for the rest of
	// the run.
	cache, checked map[string]*found
	settled        int // documents before this batch's, whose texts are settled
}

func newCollector(x *Index) *collector {
	return &collector{x: x, at: map[string]int{}, cache: map[string]*found{}, checked: map[string]*found{}}
}

func (c *collector) doc(d corpus.Doc, f *detect.Features) int {
	if i, ok := c.at[d.ID]; ok {
		if c.docs[i].Text == "" { // put aside while in no pair
			c.docs[i].Text = d.Text
		}
		return i
	}
	c.at[d.ID] = len(c.docs)
	c.docs = append(c.docs, detect.Document{Doc: d, Tokens: f.Tokens, Shingles: len(f.Hashes)})
	c.paired = append(c.paired, 0)
	return len(c.docs) - 1
}

// renew replaces what c holds of the document d.ID, as indexed before,
// with d, dropping the pairs found with it: d is matched again. The
// cache cannot hold its old text: it is emptied after each batch, and
// within d's batch the documents before d do not load it.
func (c *collector) renew(d *found) {
	i, ok := c.at[d.doc.ID]
	if !ok {
		return
	}
	c.pairs = slices.DeleteFunc(c.pairs, func(p detect.Pair) bool {
		if p.I != i && p.J != i {
			return false
		}
		c.paired[p.I]--
		c.paired[p.J]--
		return true
	})
	c.docs[i] = detect.Document{Doc: d.doc, Tokens: d.f.Tokens, Shingles: len(d.f.Hashes)}
}

// get returns the document id to verify against, nil if it is not
// loaded or was removed.
func (c *collector) get(id string) *found {
	if d, ok := c.checked[id]; ok {
		return d
	}
	return c.cache[id]
}

// endBatch lets go of what the next batches do not need: the loaded
// documents, and the texts of this batch's documents that are in no
// pair, which a later pair with one of them gives back.
func (c *collector) endBatch() {
	clear(c.cache)
	for i := c.settled; i < len(c.docs); i++ {
		if c.paired[i] == 0 {
			c.docs[i].Text = ""
		}
	}
	c.settled = len(c.docs)
}

// lookupKeys returns the keys to look a document up under: its norm and
// band keys, and its fingerprints that are not stock phrases now.
func lookupKeys(f *detect.Features, stock func(uint64) bool) []uint64 {
	if f.Tokens == 0 {
		return nil
	}
	ks := []uint64{normKey(f)}
	ks = append(ks, f.Bands...)
	for _, k := range f.Prints {
		if !stock(k) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

// match verifies d against the documents filed under its keys ks (idsOf
// gives them) that before admits, and, for Check, against those in mem;
// stock tells the stock phrases.
func (c *collector) match(d found, ks []uint64, idsOf func(uint64) []string, stock func(uint64) bool, before func(string) bool, mem map[uint64][]string, checking bool) error {
	x := c.x
	// As in a scan: a shared band or norm key, or a fingerprint of at
	// most detect.RareGroup documents, makes a candidate; commoner
	// fingerprints must be shared MinPrints times.
	cand := map[string]bool{}
	common := map[string]int{}
	for i := range ks {
		ids := idsOf(ks[i])
		if checking {
			ids = append(slices.Clip(ids), mem[ks[i]]...)
		}
		_, isPrint := slices.BinarySearch(d.f.Prints, ks[i]) // Prints are sorted
		isPrint = isPrint && !slices.Contains(d.f.Bands, ks[i]) && ks[i] != normKey(&d.f)
		for _, id := range ids {
			if !before(id) { // mem holds earlier checked documents: before admits them
				continue
			}
			if !isPrint || len(ids) <= detect.RareGroup {
				cand[id] = true
			} else if common[id]++; common[id] >= c.x.o.MinPrints {
				cand[id] = true
			}
		}
	}
	c.renew(&d)
	if checking {
		for _, k := range ks {
			mem[k] = append(mem[k], d.doc.ID)
		}
		c.checked[d.doc.ID] = &d
	}
	ids := make([]string, 0, len(cand))
	for id := range cand {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if err := c.load(ids); err != nil {
		return err
	}
	di := c.doc(d.doc, &d.f)
	for _, id := range ids {
		o := c.get(id)
		if o == nil {
			continue // removed meanwhile by another process
		}
		a, b := &d, o
		if b.doc.ID < a.doc.ID {
			a, b = b, a
		}
		p := detect.Verify(x.o, &a.f, &b.f, a.text, b.text, stock)
		if !x.o.Reports(&p) {
			continue
		}
		oi := c.doc(o.doc, &o.f)
		p.A, p.B, p.I, p.J = a.doc.ID, b.doc.ID, di, oi
		if a != &d {
			p.I, p.J = oi, di
		}
		c.pairs = append(c.pairs, p)
		c.paired[di]++
		c.paired[oi]++
	}
	return nil
}

// load reads the indexed documents among ids not yet in the cache.
func (c *collector) load(ids []string) error {
	var need []string
	for _, id := range ids {
		_, loaded := c.cache[id]
		if _, ok := c.checked[id]; !ok && !loaded {
			need = append(need, id)
		}
	}
	if len(need) == 0 {
		return nil
	}
	recs, err := c.x.store.Records(need)
	if err != nil {
		return err
	}
	for i, raw := range recs {
		if raw == nil {
			c.cache[need[i]] = nil
			continue
		}
		r, text, err := decodeRecord(raw)
		if err != nil {
			return fmt.Errorf("index record of %q: %w", need[i], err)
		}
		d := r.Doc
		d.Text = text
		c.cache[need[i]] = &found{doc: d, f: c.x.ws[0].ex.Extract(text), text: text}
	}
	return nil
}

func (c *collector) finish(res *detect.Result, p detect.Params) {
	res.Params = p
	res.Documents = c.docs
	res.Pairs = c.pairs
	detect.SortPairs(res.Pairs)
	// Clusters index documents in order; keep the order of first sight.
	res.Clusters = detect.Clusters(res.Documents, res.Pairs)
	slices.SortStableFunc(res.Clusters, func(a, b detect.Cluster) int { return cmp.Compare(a.ID, b.ID) })
}

// Remove deletes the documents ids from the index and returns how many
// were there.
func (x *Index) Remove(ids []string) (int, error) {
	recs, err := x.store.Records(ids)
	if err != nil {
		return 0, err
	}
	b := &Batch{}
	var cc cellCounter
	for i, raw := range recs {
		if raw == nil {
			continue
		}
		_, text, err := decodeRecord(raw)
		if err != nil {
			return 0, fmt.Errorf("index record of %q: %w", ids[i], err)
		}
		f := x.ws[0].ex.Extract(text)
		b.Delete = append(b.Delete, Entry{ID: ids[i], Keys: keys(&f)})
		cc.count(&f, -1)
	}
	b.Cells = cc.cells()
	if len(b.Delete) == 0 {
		return 0, nil
	}
	if err := x.store.Apply(b); err != nil {
		return 0, err
	}
	if x.counters != nil {
		addCells(x.counters, b.Cells)
	}
	return len(b.Delete), nil
}

// Documents returns every indexed document with its text, ordered by id:
// what a batch scan of the index's contents reads.
func (x *Index) Documents(ctx context.Context) ([]corpus.Doc, error) {
	var docs []corpus.Doc
	err := x.store.Scan(func(id string, raw []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, text, err := decodeRecord(raw)
		if err != nil {
			return fmt.Errorf("index record of %q: %w", id, err)
		}
		d := r.Doc
		d.Text = text
		docs = append(docs, d)
		return nil
	})
	slices.SortFunc(docs, func(a, b corpus.Doc) int { return cmp.Compare(a.ID, b.ID) })
	return docs, err
}
