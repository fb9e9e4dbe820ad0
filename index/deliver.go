package index

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neardup/neardup/detect"
)

// Report returns every undelivered pair, verified against the index as it
// now is, without adding anything; call Delivered once it is written.
func (x *Index) Report(ctx context.Context) (*Outcome, error) {
	return x.newRun(ctx, true).deliver(ctx)
}

// Delivered marks the pairs of out, an Outcome of AddSeq or Report, as
// delivered: later runs no longer report them.
func (x *Index) Delivered(ctx context.Context, out *Outcome) error {
	for len(out.receipts) > 0 {
		n := min(len(out.receipts), 10000)
		if err := x.store.Apply(ctx, &Batch{Delivered: out.receipts[:n]}); err != nil {
			return err
		}
		out.receipts = out.receipts[n:]
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
	recs, err := x.store.Undelivered(ctx)
	if err != nil {
		return nil, err
	}
	u, err := gather(recs, r.token)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Summary: r.sum, receipts: u.receipts}
	counters, err := x.sketch(ctx)
	if err != nil {
		return nil, err
	}
	n, err := x.store.Len(ctx)
	if err != nil {
		return nil, err
	}
	d := &delivery{x: x, u: u, stock: x.stockTest(counters, n, false), at: map[string]int{}}
	d.groups = x.groupSizes(ctx, &d.groupsErr)
	if err := d.verify(ctx); err != nil {
		return nil, err
	}
	out.Summary.Earlier += d.earlier
	for _, g := range r.given {
		if g != nil {
			if _, ok := d.at[g.ID]; !ok {
				d.at[g.ID] = len(d.list)
				d.list = append(d.list, *g)
			}
		}
	}
	r.given, d.at = nil, nil // listed: let them go before the list is sorted
	out.Result = *detect.Assemble(x.o.Params(0), d.list, d.kept)
	out.Summary.Pairs = len(out.Result.Pairs)
	return out, nil
}

// pairIDs is a pair of documents by id.
type pairIDs struct{ a, b string }

// undelivered is what the undelivered reports hold: their pairs, each
// once, in order of ids, whether an earlier run found each, and the
// status each document had when first found.
type undelivered struct {
	pairs    []pairIDs
	earlier  map[pairIDs]bool
	status   map[string]string
	receipts []string
}

// gather reads the undelivered reports recs; token is this run's.
func gather(recs []Receipt, token string) (*undelivered, error) {
	u := &undelivered{earlier: map[pairIDs]bool{}, status: map[string]string{}}
	seen := map[pairIDs]bool{}
	for _, rc := range recs {
		var sp []storedPair
		if err := json.Unmarshal(rc.Report, &sp); err != nil {
			return nil, damaged("undelivered report", err)
		}
		u.receipts = append(u.receipts, rc.Key)
		for _, p := range sp {
			k := pairIDs{p.A, p.B}
			if !seen[k] {
				seen[k] = true
				u.pairs = append(u.pairs, k)
			}
			u.earlier[k] = u.earlier[k] || p.Run != token
			u.status[p.A] = firstStatus(u.status[p.A], p.SA)
			u.status[p.B] = firstStatus(u.status[p.B], p.SB)
		}
	}
	slices.SortFunc(u.pairs, func(p, q pairIDs) int {
		if c := strings.Compare(p.a, q.a); c != 0 {
			return c
		}
		return strings.Compare(p.b, q.b)
	})
	return u, nil
}

// delivery verifies undelivered pairs again and lists what it keeps.
type delivery struct {
	x         *Index
	u         *undelivered
	stock     func(uint64) bool
	groups    func(uint64) int
	groupsErr error
	list      []detect.Document // the documents of kept pairs
	at        map[string]int    // by id: its place in list
	kept      []detect.Pair
	earlier   int // kept pairs that an earlier run found
}

// doc returns the place of d in the list, adding it if need be.
func (d *delivery) doc(ld *loadedDoc) int {
	if i, ok := d.at[ld.doc.ID]; ok {
		return i
	}
	d.at[ld.doc.ID] = len(d.list)
	dd := detect.Document{Doc: ld.doc, Tokens: ld.f.Tokens, Shingles: len(ld.f.Hashes), Status: d.u.status[ld.doc.ID]}
	if !d.x.Texts {
		dd.Text = ""
	}
	d.list = append(d.list, dd)
	return len(d.list) - 1
}

// verify verifies the pairs in order of their first document, a chunk at
// a time, each document loaded for the chunk that first needs it and let
// go after its last pair, or when more than maxCached are held.
func (d *delivery) verify(ctx context.Context) error {
	uses := map[string]int{}
	for _, k := range d.u.pairs {
		uses[k.a]++
		uses[k.b]++
	}
	docs := map[string]*loadedDoc{} // loaded; nil for a document removed since
	loader := newCollector(ctx, d.x)
	for start := 0; start < len(d.u.pairs); start += deliverChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := d.u.pairs[start:min(start+deliverChunk, len(d.u.pairs))]
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
			return err
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
			d.pair(k, a, b)
		}
		if d.groupsErr != nil {
			return d.groupsErr
		}
	}
	return nil
}

// pair verifies the pair k of loaded documents a and b (nil if removed
// since) by the scan's rule, and keeps it if it is reported.
func (d *delivery) pair(k pairIDs, a, b *loadedDoc) {
	x := d.x
	if a == nil || b == nil || !x.o.Keeps(&a.doc, &b.doc) {
		return // removed since, or of one source
	}
	if !x.o.Candidate(&a.f, &b.f, d.stock, d.groups) {
		return
	}
	p := detect.Verify(x.o, &a.f, &b.f, a.text, b.text, d.stock)
	if !x.o.Reports(&p) {
		return
	}
	if !x.Texts { // the passages alone keep text, not the whole documents
		for i := range p.Passages {
			p.Passages[i].Text, p.Passages[i].TextB = strings.Clone(p.Passages[i].Text), strings.Clone(p.Passages[i].TextB)
		}
	}
	p.A, p.B, p.I, p.J = k.a, k.b, d.doc(a), d.doc(b)
	d.kept = append(d.kept, p)
	if d.u.earlier[k] {
		d.earlier++
	}
}

// deliverChunk is the number of pairs delivery verifies at a time.
const deliverChunk = 1000

// groupSizes returns a function that counts the distinct normalised texts
// filed under a fingerprint in the index, as the scan's candidate rule
// does. Its first failure to read the index is kept in *failed.
func (x *Index) groupSizes(ctx context.Context, failed *error) func(uint64) int {
	norms := map[string][2]uint64{}
	return func(p uint64) int {
		if *failed != nil {
			return 0
		}
		posts, err := x.store.Postings(ctx, []uint64{p})
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
			recs, err := x.store.Records(ctx, need)
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
	if statusRank(s) > statusRank(have) {
		return s
	}
	return have
}

func statusRank(s string) int {
	switch s {
	case detect.StatusNew:
		return 3
	case detect.StatusChanged:
		return 2
	case detect.StatusIndexed:
		return 1
	}
	return 0
}
