package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// Outcome is what Add or Check found: the documents involved (those given
// and the indexed ones they match), the pairs among them, and counts.
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
// matches among the documents indexed before it, this run's earlier ones
// included. A document whose id is indexed with the same text and
// metadata is left as it is; with other text it is replaced. committed,
// if not nil, is told after each transaction how many of docs are
// durably in the index. Ids must be distinct.
func (x *Index) Add(ctx context.Context, docs []corpus.Doc, batch int, committed func(n int)) (*Outcome, error) {
	return x.run(ctx, docs, batch, committed, true)
}

// Check reports what docs match among the indexed documents, and among
// themselves (each against those before it), without changing the
// index. Stock phrases are those of the index.
func (x *Index) Check(ctx context.Context, docs []corpus.Doc) (*Outcome, error) {
	return x.run(ctx, docs, len(docs), nil, false)
}

type found struct {
	doc  corpus.Doc
	f    detect.Features
	text string
}

func (x *Index) run(ctx context.Context, docs []corpus.Doc, batch int, committed func(int), write bool) (*Outcome, error) {
	if batch < 1 {
		batch = DefaultBatch
	}
	order := make(map[string]int, len(docs))
	for i, d := range docs {
		if _, dup := order[d.ID]; dup {
			return nil, fmt.Errorf("document id %q given twice (%s)", d.ID, d.Where())
		}
		order[d.ID] = i
	}
	out := &Outcome{}
	c := newCollector(x)
	mem := map[uint64][]string{} // Check: postings of the documents checked so far
	for start := 0; start < len(docs); start += batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		chunk := docs[start:min(start+batch, len(docs))]
		ids := make([]string, len(chunk))
		for i, d := range chunk {
			ids[i] = d.ID
		}
		olds, err := x.store.Records(ids)
		if err != nil {
			return nil, err
		}
		prep, err := x.prepare(chunk, olds, write)
		if err != nil {
			return nil, err
		}
		b := &Batch{}
		var cc cellCounter
		var fresh []found
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
			fresh = append(fresh, found{d, p.f, d.Text})
		}
		b.Cells = cc.cells()
		if write && (len(b.Put) > 0 || len(b.Delete) > 0) {
			if err := x.store.Apply(b); err != nil {
				return nil, fmt.Errorf("writing documents %d to %d: %w", start+1, start+len(chunk), err)
			}
		}
		if committed != nil {
			committed(start + len(chunk))
		}
		counters, err := x.sketch(b, write)
		if err != nil {
			return nil, err
		}
		n, err := x.store.Len()
		if err != nil {
			return nil, err
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
			return nil, err
		}
		for i, d := range fresh {
			before := func(id string) bool {
				i, inRun := order[id]
				return id != d.doc.ID && (!inRun || i < order[d.doc.ID])
			}
			idsOf := func(k uint64) []string {
				j, _ := slices.BinarySearch(all, k)
				return posts[j]
			}
			if err := c.match(d, kss[i], idsOf, stock, before, mem, !write); err != nil {
				return nil, err
			}
		}
	}
	c.finish(&out.Result, x.o.Params(0))
	return out, nil
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
	x     *Index
	docs  []detect.Document
	at    map[string]int
	pairs []detect.Pair
	cache map[string]*found // indexed documents loaded to verify against
}

func newCollector(x *Index) *collector {
	return &collector{x: x, at: map[string]int{}, cache: map[string]*found{}}
}

func (c *collector) doc(d corpus.Doc, f *detect.Features) int {
	if i, ok := c.at[d.ID]; ok {
		return i
	}
	c.at[d.ID] = len(c.docs)
	c.docs = append(c.docs, detect.Document{Doc: d, Tokens: f.Tokens, Shingles: len(f.Hashes)})
	return len(c.docs) - 1
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
	if checking {
		for _, k := range ks {
			mem[k] = append(mem[k], d.doc.ID)
		}
		c.cache[d.doc.ID] = &d
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
		o := c.cache[id]
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
	}
	return nil
}

// load reads the indexed documents among ids not yet in the cache.
func (c *collector) load(ids []string) error {
	var need []string
	for _, id := range ids {
		if _, ok := c.cache[id]; !ok {
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
