package index

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// Outcome is what AddSeq, CheckSeq or Report found: the documents involved (the new and
// changed ones given, and the indexed ones they match), the pairs among
// them with at least one new or changed side, and counts. Only the
// documents of pairs keep their texts.
type Outcome struct {
	Result  detect.Result
	Summary Summary
	// receipts are the stored reports this outcome delivers.
	receipts []string
}

// Summary counts what a run against an index saw and found.
type Summary = detect.Summary

// DefaultBatch is the number of documents Add writes in one transaction.
const DefaultBatch = 500

// AddSeq indexes the documents of docs in transactions of batch
// documents (DefaultBatch if batch < 1) and reports what each new or
// changed document matches among the documents indexed before it: those
// indexed by earlier runs, whether or not docs gives them again, and this
// run's earlier ones. A document is its id: it is unchanged when its
// normalised text and its metadata (title, date, source, url) are, and
// then left as it is, wherever it was read from; otherwise it is
// replaced, and matched again as it now is. Ids must be distinct.
//
// The pairs each transaction finds are stored with its documents, as
// undelivered, and the Outcome holds every undelivered pair, this run's
// and those of earlier runs that ended before delivering theirs, verified
// again against the index as it now is: a run that adds a corpus in one
// go reports what a scan of it reports. Call Delivered once the report is
// safely written. committed, if not nil, is told after each transaction
// how many documents are durably in the index. An error from docs ends
// the run with that error, after the transactions committed so far. The
// run holds one batch of documents at a time, and of the others their
// ids and metadata.
func (x *Index) AddSeq(ctx context.Context, docs iter.Seq2[corpus.Doc, error], batch int, committed func(n int)) (*Outcome, error) {
	r := x.newRun(ctx, true)
	if err := r.each(ctx, docs, batch, committed); err != nil {
		return nil, err
	}
	return r.deliver(ctx)
}

// CheckSeq reports what docs match among the indexed documents, and among
// themselves (each against those before it), without changing the index.
// Stock phrases are those of the index. Each new or changed document is
// matched against those checked before it, so those are held, with their
// features, until the end.
func (x *Index) CheckSeq(ctx context.Context, docs iter.Seq2[corpus.Doc, error]) (*Outcome, error) {
	r := x.newRun(ctx, false)
	if err := r.each(ctx, docs, DefaultBatch, nil); err != nil {
		return nil, err
	}
	out := &Outcome{Summary: r.sum}
	for i := range r.c.docs {
		r.c.docs[i].Status = r.status(r.c.docs[i].ID)
	}
	out.Result = *detect.Assemble(x.o.Params(0), r.c.docs, r.c.pairs)
	out.Summary.Pairs = len(out.Result.Pairs)
	return out, nil
}

// loadedDoc is a document with its features and text, ready to verify.
type loadedDoc struct {
	doc  corpus.Doc
	f    detect.Features
	text string
}

// run is one add, check or report: what it has seen so far.
type run struct {
	ctx   context.Context
	x     *Index
	write bool
	sum   Summary
	// given holds the ids given so far; for add, the metadata and
	// figures of the new and changed ones, to list them in the report.
	given map[string]*detect.Document
	c     *collector          // check: the whole run's; add: a batch's
	mem   map[uint64][]string // postings of the documents matched but not written
	token string              // names this run's stored reports
	done  int
}

func (x *Index) newRun(ctx context.Context, write bool) *run {
	var tok [8]byte
	rand.Read(tok[:])
	return &run{ctx: ctx, x: x, write: write, given: map[string]*detect.Document{}, c: newCollector(ctx, x),
		mem: map[uint64][]string{}, token: hex.EncodeToString(tok[:])}
}

// each reads docs and handles them in chunks of batch documents.
func (r *run) each(ctx context.Context, docs iter.Seq2[corpus.Doc, error], batch int, committed func(int)) error {
	if batch < 1 {
		batch = DefaultBatch
	}
	var chunk []corpus.Doc
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := r.chunk(ctx, chunk); err != nil {
			return err
		}
		r.done += len(chunk)
		if committed != nil {
			committed(r.done)
		}
		chunk = chunk[:0]
		return nil
	}
	for d, err := range docs {
		if err != nil {
			return err
		}
		if _, ok := r.given[d.ID]; ok {
			return fmt.Errorf("document id %q given twice (%s)", d.ID, d.Where())
		}
		r.given[d.ID] = nil
		if chunk = append(chunk, d); len(chunk) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// batchOf sorts the chunk's documents, prepared as prep, into unchanged
// ones (counted only), and new and changed ones: the batch that writes
// them (its cells counted), and fresh, the documents to match, with at,
// their places by id. added counts the new ones.
func (r *run) batchOf(chunk []corpus.Doc, prep []prepared) (b *Batch, fresh []loadedDoc, at map[string]int, added int) {
	b = &Batch{}
	var cc cellCounter
	at = map[string]int{}
	for i, d := range chunk {
		p := &prep[i]
		status := detect.StatusNew
		switch {
		case p.unchanged:
			r.sum.Unchanged++
			continue
		case p.old != nil:
			b.Delete = append(b.Delete, Entry{ID: d.ID, Keys: keys(p.old)})
			cc.count(p.old, -1)
			r.sum.Changed++
			status = detect.StatusChanged
		default:
			r.sum.New++
			added++
		}
		meta := d
		meta.Text = ""
		r.given[d.ID] = &detect.Document{Doc: meta, Tokens: p.f.Tokens, Shingles: len(p.f.Hashes), Status: status}
		b.Put = append(b.Put, Entry{ID: d.ID, Record: p.rec, Keys: keys(&p.f)})
		cc.count(&p.f, +1)
		at[d.ID] = len(fresh)
		fresh = append(fresh, loadedDoc{d, p.f, d.Text})
	}
	b.Cells = cc.cells()
	return b, fresh, at, added
}

// chunk indexes (when writing) and matches chunk, adding what it finds
// to the run: for add, as a report stored with the chunk's documents.
func (r *run) chunk(ctx context.Context, chunk []corpus.Doc) error {
	x := r.x
	if err := ctx.Err(); err != nil {
		return err
	}
	ids := make([]string, len(chunk))
	for i, d := range chunk {
		ids[i] = d.ID
	}
	olds, err := x.store.Records(ctx, ids)
	if err != nil {
		return err
	}
	prep, err := x.prepare(chunk, olds, r.write)
	if err != nil {
		return err
	}
	b, fresh, at, added := r.batchOf(chunk, prep)
	counters, err := x.sketch(ctx)
	if err != nil {
		return err
	}
	n, err := x.store.Len(ctx)
	if err != nil {
		return err
	}
	stock := x.stockTest(counters, n, false)
	if r.write {
		// The chunk is matched as the index will be once it is written:
		// its counts in the sketch, its documents through r.mem. Stock
		// phrases are judged at the highest cutoff any size of index
		// has, so that no shingle stock now is not stock later: the
		// pairs stored are a superset of those delivered, which are
		// verified again then.
		addCells(x.counters, b.Cells)
		stock = x.stockTest(counters, n+added, true)
		r.c = newCollector(ctx, x)
		r.c.permissive = true
		clear(r.mem)
	}
	if err := r.match(fresh, at, stock); err != nil {
		return err
	}
	if !r.write {
		r.c.endBatch()
		return nil
	}
	if len(r.c.pairs) > 0 {
		b.Report, err = r.encodeReport(r.c.pairs)
		if err != nil {
			return err
		}
	}
	if len(b.Put) > 0 || len(b.Delete) > 0 {
		if err := x.store.Apply(ctx, b); err != nil {
			x.counters = nil // holds the chunk's counts: read again
			return fmt.Errorf("writing documents %d to %d: %w", r.done+1, r.done+len(chunk), err)
		}
	}
	return nil
}

// match matches the chunk's new and changed documents against the index
// and r.mem, each against those before it.
func (r *run) match(fresh []loadedDoc, at map[string]int, stock func(uint64) bool) error {
	kss := make([][]uint64, len(fresh))
	var all []uint64
	for i := range fresh {
		kss[i] = lookupKeys(&fresh[i].f, stock)
		all = append(all, kss[i]...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	posts, err := r.x.store.Postings(r.ctx, all)
	if err != nil {
		return err
	}
	for i, d := range fresh {
		// A document matches every other one indexed, but not a new or
		// changed one later in the chunk, which matches it in its turn.
		before := func(id string) bool {
			j, inChunk := at[id]
			return id != d.doc.ID && (!inChunk || j < i)
		}
		idsOf := func(k uint64) []string {
			j, _ := slices.BinarySearch(all, k)
			return posts[j]
		}
		if err := r.c.match(d, kss[i], idsOf, stock, before, r.mem); err != nil {
			return err
		}
	}
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

func (w *preparer) prepare(p *prepared, d corpus.Doc, old []byte, write bool) error {
	if old == nil {
		p.f = w.ex.Extract(d.Text)
		return w.encode(p, d, write)
	}
	r, err := decodeMeta(old)
	if err != nil {
		return damaged(fmt.Sprintf("record of %q", d.ID), err)
	}
	sameMeta := r.Doc.Title == d.Title && r.Doc.Date == d.Date && r.Doc.Source == d.Source && r.Doc.URL == d.URL
	if sameMeta && r.TextHash == textHash(d.Text) {
		p.unchanged = true
		return nil
	}
	p.f = w.ex.Extract(d.Text)
	if sameMeta && r.Norm == p.f.Norm {
		p.unchanged = true
		return nil
	}
	oldText, err := r.text()
	if err != nil {
		return damaged(fmt.Sprintf("record of %q", d.ID), err)
	}
	of := w.ex.Extract(oldText)
	p.old = &of
	return w.encode(p, d, write)
}

func (w *preparer) encode(p *prepared, d corpus.Doc, write bool) error {
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
func (x *Index) sketch(ctx context.Context) ([]uint16, error) {
	if x.counters == nil {
		c, err := x.store.Sketch(ctx)
		if err != nil {
			return nil, err
		}
		x.counters = c
	}
	return x.counters, nil
}

// Remove deletes the documents ids from the index and returns the ids
// among them that it did not hold.
func (x *Index) Remove(ctx context.Context, ids []string) (missing []string, err error) {
	recs, err := x.store.Records(ctx, ids)
	if err != nil {
		return nil, err
	}
	b := &Batch{}
	var cc cellCounter
	for i, raw := range recs {
		if raw == nil {
			missing = append(missing, ids[i])
			continue
		}
		_, text, err := decodeRecord(raw)
		if err != nil {
			return nil, damaged(fmt.Sprintf("record of %q", ids[i]), err)
		}
		f := x.ws[0].ex.Extract(text)
		b.Delete = append(b.Delete, Entry{ID: ids[i], Keys: keys(&f)})
		cc.count(&f, -1)
	}
	b.Cells = cc.cells()
	if len(b.Delete) == 0 {
		return missing, nil
	}
	if err := x.store.Apply(ctx, b); err != nil {
		return nil, err
	}
	if x.counters != nil {
		addCells(x.counters, b.Cells)
	}
	return missing, nil
}

// Documents returns every indexed document with its text, ordered by id:
// what a batch scan of the index's contents reads.
func (x *Index) Documents(ctx context.Context) ([]corpus.Doc, error) {
	var docs []corpus.Doc
	err := x.store.Scan(ctx, func(id string, raw []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, text, err := decodeRecord(raw)
		if err != nil {
			return damaged(fmt.Sprintf("record of %q", id), err)
		}
		d := r.Doc
		d.Text = text
		docs = append(docs, d)
		return nil
	})
	slices.SortFunc(docs, func(a, b corpus.Doc) int { return cmp.Compare(a.ID, b.ID) })
	return docs, err
}
