package index

import (
	"context"
	"fmt"
	"slices"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// maxCached is the most indexed documents a batch keeps loaded, with
// their texts and hashes, to verify against.
const maxCached = 8192

// collector gathers the documents and pairs of a run.
type collector struct {
	ctx    context.Context
	x      *Index
	docs   []detect.Document
	at     map[string]int
	pairs  []detect.Pair
	paired []int // by document: its pairs
	// cache holds the indexed documents loaded during a batch to verify
	// against, checked the documents a Check has checked, for the rest of
	// the run.
	cache, checked map[string]*loadedDoc
	settled        int // documents before this batch's, whose texts are settled
	// permissive makes every shared fingerprint that is not stock propose
	// a candidate: add stores a superset of the pairs, and delivery
	// applies the scan's rule to the index as it is then.
	permissive bool
}

func newCollector(ctx context.Context, x *Index) *collector {
	return &collector{ctx: ctx, x: x, at: map[string]int{}, cache: map[string]*loadedDoc{}, checked: map[string]*loadedDoc{}}
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
func (c *collector) renew(d *loadedDoc) {
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
func (c *collector) get(id string) *loadedDoc {
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
func (c *collector) match(d loadedDoc, ks []uint64, idsOf func(uint64) []string, stock func(uint64) bool, before func(string) bool, mem map[uint64][]string) error {
	// The scan's candidate rule (detect/rule.go), for one document.
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
			if c.permissive || c.x.o.ProposesAlone(isPrint, len(ids)) {
				cand[id] = true
			} else if common[id]++; c.x.o.Enough(common[id]) {
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
func (c *collector) verify(d *loadedDoc, di int, id string, stock func(uint64) bool) {
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
	recs, err := c.x.store.Records(c.ctx, need)
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
		c.cache[need[i]] = &loadedDoc{doc: d, f: c.x.ws[0].ex.Extract(text), text: text}
	}
	return nil
}
