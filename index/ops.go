package index

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// Outcome is what Add or Check found: the documents involved (the new and
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
	r := x.newRun(true)
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
	r := x.newRun(false)
	if err := r.each(ctx, docs, DefaultBatch, nil); err != nil {
		return nil, err
	}
	out := &Outcome{Summary: r.sum}
	for i := range r.c.docs {
		r.c.docs[i].Status = r.status(r.c.docs[i].ID)
	}
	out.Result = assemble(r.c.docs, r.c.pairs, x.o.Params(0))
	out.Summary.Pairs = len(out.Result.Pairs)
	return out, nil
}

// Report returns every undelivered pair, verified against the index as it
// now is, without adding anything; call Delivered once it is written.
func (x *Index) Report(ctx context.Context) (*Outcome, error) {
	return x.newRun(true).deliver(ctx)
}

// Delivered marks the pairs of out, an Outcome of AddSeq or Report, as
// delivered: later runs no longer report them.
func (x *Index) Delivered(out *Outcome) error {
	for len(out.receipts) > 0 {
		n := min(len(out.receipts), 10000)
		if err := x.store.Apply(&Batch{Delivered: out.receipts[:n]}); err != nil {
			return err
		}
		out.receipts = out.receipts[n:]
	}
	return nil
}

type found struct {
	doc  corpus.Doc
	f    detect.Features
	text string
}

// run is one add, check or report: what it has seen so far.
type run struct {
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

func (x *Index) newRun(write bool) *run {
	var tok [8]byte
	rand.Read(tok[:])
	return &run{x: x, write: write, given: map[string]*detect.Document{}, c: newCollector(x),
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
	olds, err := x.store.Records(ids)
	if err != nil {
		return err
	}
	prep, err := x.prepare(chunk, olds, r.write)
	if err != nil {
		return err
	}
	b := &Batch{}
	var cc cellCounter
	var fresh []found
	at := map[string]int{} // the new or changed documents of the chunk, by id
	added := 0
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
		fresh = append(fresh, found{d, p.f, d.Text})
	}
	b.Cells = cc.cells()
	counters, err := x.sketch()
	if err != nil {
		return err
	}
	n, err := x.store.Len()
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
		r.c = newCollector(x)
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
		if err := x.store.Apply(b); err != nil {
			x.counters = nil // holds the chunk's counts: read again
			return fmt.Errorf("writing documents %d to %d: %w", r.done+1, r.done+len(chunk), err)
		}
	}
	return nil
}

// match matches the chunk's new and changed documents against the index
// and r.mem, each against those before it.
func (r *run) match(fresh []found, at map[string]int, stock func(uint64) bool) error {
	kss := make([][]uint64, len(fresh))
	var all []uint64
	for i := range fresh {
		kss[i] = lookupKeys(&fresh[i].f, stock)
		all = append(all, kss[i]...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	posts, err := r.x.store.Postings(all)
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

// storedPair is a pair as an undelivered report keeps it: the ids and
// their statuses when it was found, and the run that found it.
type storedPair struct {
	A   string `json:"a"`
	B   string `json:"b"`
	SA  string `json:"sa"`
	SB  string `json:"sb"`
	Run string `json:"run"`
}

func (r *run) encodeReport(pairs []detect.Pair) ([]byte, error) {
	sp := make([]storedPair, len(pairs))
	for i, p := range pairs {
		sp[i] = storedPair{A: p.A, B: p.B, SA: r.status(p.A), SB: r.status(p.B), Run: r.token}
	}
	return json.Marshal(sp)
}

// status is id's status in this run.
func (r *run) status(id string) string {
	if d := r.given[id]; d != nil {
		return d.Status
	}
	return detect.StatusIndexed
}

// deliver gathers every undelivered pair, verifies it again against the
// index as it is now, and returns them with the run's new and changed
// documents.
func (r *run) deliver(ctx context.Context) (*Outcome, error) {
	x := r.x
	recs, err := x.store.Undelivered()
	if err != nil {
		return nil, err
	}
	out := &Outcome{Summary: r.sum}
	type key struct{ a, b string }
	status := map[string]string{}
	earlier := map[key]bool{}
	var pairs []key
	seen := map[key]bool{}
	for _, rc := range recs {
		var sp []storedPair
		if err := json.Unmarshal(rc.Report, &sp); err != nil {
			return nil, damaged("undelivered report", err)
		}
		out.receipts = append(out.receipts, rc.Key)
		for _, p := range sp {
			k := key{p.A, p.B}
			if !seen[k] {
				seen[k] = true
				pairs = append(pairs, k)
			}
			earlier[k] = earlier[k] || p.Run != r.token
			status[p.A] = firstStatus(status[p.A], p.SA)
			status[p.B] = firstStatus(status[p.B], p.SB)
		}
	}
	// The pairs are verified in order of their first document, a chunk at
	// a time, each document loaded for the chunk that first needs it and
	// let go after its last pair, or when more than maxCached are held.
	slices.SortFunc(pairs, func(p, q key) int {
		if c := strings.Compare(p.a, q.a); c != 0 {
			return c
		}
		return strings.Compare(p.b, q.b)
	})
	uses := map[string]int{}
	for _, k := range pairs {
		uses[k.a]++
		uses[k.b]++
	}
	counters, err := x.sketch()
	if err != nil {
		return nil, err
	}
	n, err := x.store.Len()
	if err != nil {
		return nil, err
	}
	stock := x.stockTest(counters, n, false)
	var list []detect.Document
	at := map[string]int{}
	doc := func(d *found) int {
		if i, ok := at[d.doc.ID]; ok {
			return i
		}
		at[d.doc.ID] = len(list)
		dd := detect.Document{Doc: d.doc, Tokens: d.f.Tokens, Shingles: len(d.f.Hashes), Status: status[d.doc.ID]}
		if !x.Texts {
			dd.Text = ""
		}
		list = append(list, dd)
		return len(list) - 1
	}
	var groupsErr error
	groups := x.groupSizes(&groupsErr)
	docs := map[string]*found{} // loaded; nil for a document removed since
	loader := newCollector(x)
	var kept []detect.Pair
	for start := 0; start < len(pairs); start += deliverChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		chunk := pairs[start:min(start+deliverChunk, len(pairs))]
		if len(docs) > maxCached {
			clear(docs) // read again when asked for
		}
		var need []string
		asked := map[string]bool{}
		for _, k := range chunk {
			for _, id := range []string{k.a, k.b} {
				if _, ok := docs[id]; !ok && !asked[id] {
					asked[id] = true
					need = append(need, id)
				}
			}
		}
		if err := loader.load(need); err != nil {
			return nil, err
		}
		for _, id := range need {
			docs[id] = loader.cache[id]
		}
		clear(loader.cache)
		for _, k := range chunk {
			a, b := docs[k.a], docs[k.b]
			for _, id := range []string{k.a, k.b} {
				if uses[id]--; uses[id] == 0 {
					delete(docs, id)
				}
			}
			if a == nil || b == nil || !x.o.Keeps(&a.doc, &b.doc) {
				continue // removed since, or of one source
			}
			if !x.o.Candidate(&a.f, &b.f, stock, groups) {
				continue
			}
			p := detect.Verify(x.o, &a.f, &b.f, a.text, b.text, stock)
			if !x.o.Reports(&p) {
				continue
			}
			if !x.Texts { // the passages alone keep text, not the whole documents
				for i := range p.Passages {
					p.Passages[i].Text, p.Passages[i].TextB = strings.Clone(p.Passages[i].Text), strings.Clone(p.Passages[i].TextB)
				}
			}
			p.A, p.B, p.I, p.J = k.a, k.b, doc(a), doc(b)
			kept = append(kept, p)
			if earlier[k] {
				out.Summary.Earlier++
			}
		}
		if groupsErr != nil {
			return nil, groupsErr
		}
	}
	for _, d := range r.given {
		if d != nil {
			if _, ok := at[d.ID]; !ok {
				at[d.ID] = len(list)
				list = append(list, *d)
			}
		}
	}
	r.given, at = nil, nil // listed: let them go before the list is sorted
	out.Result = assemble(list, kept, x.o.Params(0))
	out.Summary.Pairs = len(out.Result.Pairs)
	return out, nil
}

// maxCached is the most indexed documents a batch keeps loaded, with
// their texts and hashes, to verify against.
const maxCached = 8192

// deliverChunk is the number of pairs delivery verifies at a time.
const deliverChunk = 1000

// groupSizes returns a function that counts the distinct normalised texts
// filed under a fingerprint in the index, as the scan's candidate rule
// does. Its first failure to read the index is kept in *failed.
func (x *Index) groupSizes(failed *error) func(uint64) int {
	norms := map[string][2]uint64{}
	return func(p uint64) int {
		if *failed != nil {
			return 0
		}
		posts, err := x.store.Postings([]uint64{p})
		if err != nil {
			*failed = err
			return 0
		}
		var need []string
		for _, id := range posts[0] {
			if _, ok := norms[id]; !ok {
				need = append(need, id)
			}
		}
		if len(need) > 0 {
			recs, err := x.store.Records(need)
			if err != nil {
				*failed = err
				return 0
			}
			for i, raw := range recs {
				if raw == nil {
					continue
				}
				r, err := decodeMeta(raw)
				if err != nil {
					*failed = damaged(fmt.Sprintf("record of %q", need[i]), err)
					return 0
				}
				norms[need[i]] = r.Norm
			}
		}
		distinct := map[[2]uint64]bool{}
		for _, id := range posts[0] {
			if n, ok := norms[id]; ok {
				distinct[n] = true
			}
		}
		return len(distinct)
	}
}

// firstStatus is the status a document had when first found: new over
// changed over indexed.
func firstStatus(have, s string) string {
	rank := map[string]int{"": 0, detect.StatusIndexed: 1, detect.StatusChanged: 2, detect.StatusNew: 3}
	if rank[s] > rank[have] {
		return s
	}
	return have
}

// assemble orders docs by id, points pairs at them, orders the pairs and
// finds the clusters.
func assemble(docs []detect.Document, pairs []detect.Pair, p detect.Params) detect.Result {
	// docs are sorted in place, each carrying its first place along, so
	// that a million of them are not held twice.
	byID := byID{docs: docs, from: make([]int32, len(docs))}
	for i := range byID.from {
		byID.from[i] = int32(i)
	}
	sort.Sort(byID)
	where := make([]int32, len(docs))
	for to, from := range byID.from {
		where[from] = int32(to)
	}
	sorted := docs
	for i := range pairs {
		pairs[i].I, pairs[i].J = int(where[pairs[i].I]), int(where[pairs[i].J])
	}
	detect.SortPairs(pairs)
	detect.SetDirections(sorted, pairs)
	return detect.Result{Params: p, Documents: sorted, Pairs: pairs, Clusters: detect.Clusters(sorted, pairs)}
}

// byID sorts documents by id, and their first places with them.
type byID struct {
	docs []detect.Document
	from []int32
}

func (b byID) Len() int           { return len(b.docs) }
func (b byID) Less(i, j int) bool { return b.docs[i].ID < b.docs[j].ID }
func (b byID) Swap(i, j int) {
	b.docs[i], b.docs[j] = b.docs[j], b.docs[i]
	b.from[i], b.from[j] = b.from[j], b.from[i]
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

func (w *worker) encode(p *prepared, d corpus.Doc, write bool) error {
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
func (x *Index) sketch() ([]uint16, error) {
	if x.counters == nil {
		c, err := x.store.Sketch()
		if err != nil {
			return nil, err
		}
		x.counters = c
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
	// permissive makes every shared fingerprint that is not stock propose
	// a candidate: add stores a superset of the pairs, and delivery
	// applies the scan's rule to the index as it is then.
	permissive bool
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
// gives them, and mem those matched but not in the store) that before
// admits; stock tells the stock phrases.
func (c *collector) match(d found, ks []uint64, idsOf func(uint64) []string, stock func(uint64) bool, before func(string) bool, mem map[uint64][]string) error {
	// As in a scan: a shared band or norm key, or a fingerprint of at
	// most detect.RareGroup documents, makes a candidate; commoner
	// fingerprints must be shared MinPrints times.
	cand := map[string]bool{}
	common := map[string]int{}
	for i := range ks {
		ids := append(slices.Clip(idsOf(ks[i])), mem[ks[i]]...)
		_, isPrint := slices.BinarySearch(d.f.Prints, ks[i]) // Prints are sorted
		isPrint = isPrint && !slices.Contains(d.f.Bands, ks[i]) && ks[i] != normKey(&d.f)
		for _, id := range ids {
			if !before(id) { // mem holds earlier checked documents: before admits them
				continue
			}
			if !isPrint || c.permissive || len(ids) <= detect.RareGroup {
				cand[id] = true
			} else if common[id]++; common[id] >= c.x.o.MinPrints {
				cand[id] = true
			}
		}
	}
	c.renew(&d)
	for _, k := range ks {
		mem[k] = append(mem[k], d.doc.ID)
	}
	c.checked[d.doc.ID] = &d
	ids := make([]string, 0, len(cand))
	for id := range cand {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	di := c.doc(d.doc, &d.f)
	// A document of a band key that many share has many candidates: they
	// are loaded and verified a share of the cache at a time.
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxCached/2)]
		ids = ids[len(chunk):]
		if err := c.load(chunk); err != nil {
			return err
		}
		for _, id := range chunk {
			c.verify(&d, di, id, stock)
		}
	}
	return nil
}

// verify verifies d, document di of the run, against the loaded document
// id, and keeps the pair if it is reported.
func (c *collector) verify(d *found, di int, id string, stock func(uint64) bool) {
	x := c.x
	o := c.get(id)
	if o == nil {
		return // removed meanwhile by another process
	}
	a, b := d, o
	if b.doc.ID < a.doc.ID {
		a, b = b, a
	}
	if !x.o.Keeps(&a.doc, &b.doc) {
		return
	}
	p := detect.Verify(x.o, &a.f, &b.f, a.text, b.text, stock)
	if !x.o.Reports(&p) {
		return
	}
	oi := c.doc(o.doc, &o.f)
	p.A, p.B, p.I, p.J = a.doc.ID, b.doc.ID, di, oi
	if a != d {
		p.I, p.J = oi, di
	}
	c.pairs = append(c.pairs, p)
	c.paired[di]++
	c.paired[oi]++
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
	if len(c.cache)+len(need) > maxCached {
		// A batch of a large index can propose more documents than fit
		// in memory at once: let the earlier ones go, to be read again
		// if asked for.
		clear(c.cache)
		need = need[:0]
		for _, id := range ids {
			if _, ok := c.checked[id]; !ok {
				need = append(need, id)
			}
		}
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
			return damaged(fmt.Sprintf("record of %q", need[i]), err)
		}
		d := r.Doc
		d.Text = text
		c.cache[need[i]] = &found{doc: d, f: c.x.ws[0].ex.Extract(text), text: text}
	}
	return nil
}

// Remove deletes the documents ids from the index and returns the ids
// among them that it did not hold.
func (x *Index) Remove(ids []string) (missing []string, err error) {
	recs, err := x.store.Records(ids)
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
	if err := x.store.Apply(b); err != nil {
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
	err := x.store.Scan(func(id string, raw []byte) error {
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
