package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
	"github.com/neardup/neardup/internal/redistest"
)

func seeds(t testing.TB) []corpus.Doc {
	t.Helper()
	var docs []corpus.Doc
	if err := (&corpus.Reader{}).Walk(context.Background(), []string{"../testdata/seeds"}, func(d corpus.Doc) error {
		docs = append(docs, d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return docs
}

// Add adds docs as a run of index add does, delivering its report.
func (x *Index) Add(ctx context.Context, docs []corpus.Doc, batch int, committed func(n int)) (*Outcome, error) {
	out, err := x.AddSeq(ctx, seqOf(docs), batch, committed)
	if err != nil {
		return nil, err
	}
	return out, x.Delivered(ctx, out)
}

// Check checks docs as check does.
func (x *Index) Check(ctx context.Context, docs []corpus.Doc) (*Outcome, error) {
	return x.CheckSeq(ctx, seqOf(docs))
}

// plantedScan returns planted(n) and a scan of it.
func plantedScan(t *testing.T, n int) ([]corpus.Doc, *detect.Result) {
	t.Helper()
	docs := planted(n)
	res, err := detect.Run(context.Background(), docs, detect.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return docs, res
}

// openAdd opens an index on s and adds docs in batches of batch.
func openAdd(t *testing.T, s Store, o detect.Options, docs []corpus.Doc, batch int) (*Index, *Outcome) {
	t.Helper()
	x, err := Open(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	out, err := x.Add(context.Background(), docs, batch, nil)
	if err != nil {
		t.Fatal(err)
	}
	return x, out
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

func openBolt(t testing.TB, path string) *Index {
	t.Helper()
	s, err := OpenBolt(path, BoltOptions{Create: true, LockWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	x, err := Open(context.Background(), s, detect.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func pairSet(pairs []detect.Pair) []string {
	var s []string
	for _, p := range pairs {
		if p.Decided() {
			s = append(s, p.A+"~"+p.B+":"+string(p.Kind))
		}
	}
	slices.Sort(s)
	return s
}

// stores returns the stores to run a test on: a fresh bbolt file, and a
// fresh Redis database where redis-server is installed.
func stores(t *testing.T) map[string]func() Store {
	m := map[string]func() Store{
		"bolt": func() Store {
			s, err := OpenBolt(filepath.Join(t.TempDir(), "x.idx"), BoltOptions{Create: true, LockWait: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	if url := redistest.Start(t); url != "" {
		db := 0
		m["redis"] = func() Store {
			db++
			s, err := OpenRedis(context.Background(), fmt.Sprintf("%s/%d", url, db), RedisOptions{Create: true})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	return m
}

// TestAddOneByOne adds the seeds one at a time in several orders: the
// pairs reported along the way are those of a batch scan, and a batch
// scan of the index's contents is the batch scan of the seeds.
func TestAddOneByOne(t *testing.T) {
	docs := seeds(t)
	want, err := detect.Run(context.Background(), docs, detect.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for name, mk := range stores(t) {
		for trial := 0; trial < 4; trial++ {
			order := slices.Clone(docs)
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			x, err := Open(context.Background(), mk(), detect.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			var got []detect.Pair
			for _, d := range order {
				out, err := x.Add(context.Background(), []corpus.Doc{d}, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, out.Result.Pairs...)
			}
			if a, b := pairSet(got), pairSet(want.Pairs); !slices.Equal(a, b) {
				t.Errorf("%s, order %d: added one by one %v, scan %v", name, trial, a, b)
			}
			stored, err := x.Documents(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			res, err := detect.Run(context.Background(), stored, detect.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Pairs, want.Pairs) || !reflect.DeepEqual(res.Clusters, want.Clusters) {
				t.Errorf("%s: a scan of the index differs from a scan of the seeds", name)
			}
			x.Close()
		}
	}
}

// TestSameFindingsAsScan adds a corpus with planted reuse in batches and
// checks each pair found while adding against a batch scan: same pairs,
// same scores and evidence where stock phrases agree.
func TestSameFindingsAsScan(t *testing.T) {
	docs, want := plantedScan(t, 40)
	for name, mk := range stores(t) {
		x, out := openAdd(t, mk(), detect.Defaults(), docs, 7)
		if a, b := pairSet(out.Result.Pairs), pairSet(want.Pairs); !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: add found %v, scan %v", name, a, b)
		}
		byKey := map[string]detect.Pair{}
		for _, p := range want.Pairs {
			byKey[p.A+p.B] = p
		}
		for _, p := range out.Result.Pairs {
			w := byKey[p.A+p.B]
			if p.Score != w.Score || p.Jaccard != w.Jaccard || len(p.Passages) != len(w.Passages) {
				t.Errorf("%s: %s~%s scored %v/%v with %d passages, scan %v/%v with %d", name, p.A, p.B, p.Score, p.Jaccard, len(p.Passages), w.Score, w.Jaccard, len(w.Passages))
			}
		}
		x.Close()
	}
}

// words makes n pseudo-random words.
func words(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "w%d ", rng.IntN(5000))
	}
	return b.String()
}

func planted(n int) []corpus.Doc {
	rng := rand.New(rand.NewPCG(7, 7))
	var docs []corpus.Doc
	for i := 0; i < n; i++ {
		docs = append(docs, corpus.Doc{ID: fmt.Sprintf("d%03d", i), Text: words(rng, 150+rng.IntN(200))})
	}
	for i := 0; i+3 < n; i += 6 {
		para := words(rng, 60)
		docs[i].Text += para
		docs[i+3].Text = para + docs[i+3].Text
	}
	return docs
}

func TestUpdateAndRemove(t *testing.T) {
	for name, mk := range stores(t) {
		x, err := Open(context.Background(), mk(), detect.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		docs := planted(12)
		if _, err := x.Add(context.Background(), docs, 5, nil); err != nil {
			t.Fatal(err)
		}
		out, err := x.Add(context.Background(), docs[:3], 5, nil)
		if err != nil || out.Summary.Unchanged != 3 || out.Summary.New+out.Summary.Changed != 0 {
			t.Fatalf("%s: re-adding unchanged documents: %+v %v", name, out, err)
		}
		// d003 took a paragraph of d000; give d003 new text: the pair goes.
		changed := docs[3]
		changed.Text = words(rand.New(rand.NewPCG(9, 9)), 200)
		if out, err = x.Add(context.Background(), []corpus.Doc{changed}, 5, nil); err != nil || out.Summary.Changed != 1 {
			t.Fatalf("%s: update: %+v %v", name, out, err)
		}
		check, err := x.Check(context.Background(), []corpus.Doc{{ID: "probe", Text: docs[3].Text}})
		if err != nil {
			t.Fatal(err)
		}
		if got := pairSet(check.Result.Pairs); !slices.Equal(got, []string{"d000~probe:reuse"}) {
			t.Errorf("%s: the old text of d003 still matches: %v", name, got)
		}
		if missing, err := x.Remove(context.Background(), []string{"d000", "nope"}); err != nil || !slices.Equal(missing, []string{"nope"}) {
			t.Fatalf("%s: remove: missing %v, %v", name, missing, err)
		}
		check, _ = x.Check(context.Background(), []corpus.Doc{{ID: "probe", Text: docs[3].Text}})
		if len(check.Result.Pairs) != 0 {
			t.Errorf("%s: a removed document still matches: %v", name, pairSet(check.Result.Pairs))
		}
		if st, _ := x.Stats(context.Background()); st.Documents != 11 {
			t.Errorf("%s: %d documents after removing one of 12", name, st.Documents)
		}
		x.Close()
	}
}

// TestGivenAgain is the nightly run: the whole archive given again, its
// new documents among ones indexed before. A new document matches the
// indexed ones however the run orders them, those given again unchanged
// included, in Add and Check alike, whatever the batch.
func TestGivenAgain(t *testing.T) {
	docs := planted(40) // d000 shares a paragraph with d003, d006 with d009, …
	want, err := detect.Run(context.Background(), docs, detect.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	// Indexed first: the later document of each planted pair, and some
	// others, so that each new document comes before its match.
	old := map[string]bool{}
	var first []corpus.Doc
	for i, d := range docs {
		if i%6 == 3 || i%5 == 0 {
			old[d.ID] = true
			first = append(first, d)
		}
	}
	var wantNew []detect.Pair // pairs with a new side
	for _, p := range want.Pairs {
		if !old[p.A] || !old[p.B] {
			wantNew = append(wantNew, p)
		}
	}
	if !slices.ContainsFunc(wantNew, func(p detect.Pair) bool { return !old[p.A] && old[p.B] }) {
		t.Fatal("no new document comes before its indexed match")
	}
	for name, mk := range stores(t) {
		for _, batch := range []int{1, 7, 0} {
			x, err := Open(context.Background(), mk(), detect.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.Add(context.Background(), first, batch, nil); err != nil {
				t.Fatal(err)
			}
			check, err := x.Check(context.Background(), docs)
			if err != nil {
				t.Fatal(err)
			}
			add, err := x.Add(context.Background(), docs, batch, nil)
			if err != nil {
				t.Fatal(err)
			}
			if add.Summary.Unchanged != len(first) || add.Summary.New != len(docs)-len(first) {
				t.Errorf("%s, batch %d: %+v", name, batch, add)
			}
			for what, out := range map[string]*Outcome{"check": check, "add": add} {
				if got, w := pairSet(out.Result.Pairs), pairSet(wantNew); !slices.Equal(got, w) {
					t.Errorf("%s, batch %d: %s of the archive found %v, want %v", name, batch, what, got, w)
				}
			}
			x.Close()
		}
	}
}

// TestChangedLaterInRun gives a new document before an indexed one it
// matches whose text the same run changes: the pair is found once, with
// the new text, as a scan of the two finds it.
func TestChangedLaterInRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	p1, p2 := words(rng, 80), words(rng, 80)
	oldB := corpus.Doc{ID: "b", Text: words(rng, 200) + p1}
	newB := corpus.Doc{ID: "b", Text: words(rng, 150) + p1 + words(rng, 50) + p2}
	a := corpus.Doc{ID: "a", Text: words(rng, 100) + p1 + words(rng, 50) + p2}
	want, err := detect.Run(context.Background(), []corpus.Doc{a, newB}, detect.Defaults())
	if err != nil || len(want.Pairs) != 1 {
		t.Fatalf("scan: %v %v", want, err)
	}
	for name, mk := range stores(t) {
		for _, batch := range []int{1, 2} {
			x, err := Open(context.Background(), mk(), detect.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			x.Texts = true
			if _, err := x.Add(context.Background(), []corpus.Doc{oldB}, 0, nil); err != nil {
				t.Fatal(err)
			}
			check, err := x.Check(context.Background(), []corpus.Doc{a, newB})
			if err != nil {
				t.Fatal(err)
			}
			add, err := x.Add(context.Background(), []corpus.Doc{a, newB}, batch, nil)
			if err != nil || add.Summary.Changed != 1 || add.Summary.New != 1 {
				t.Fatalf("%s: %+v %v", name, add, err)
			}
			for what, out := range map[string]*Outcome{"check": check, "add": add} {
				ps := out.Result.Pairs
				if len(ps) != 1 || ps[0].Score != want.Pairs[0].Score || len(ps[0].Passages) != len(want.Pairs[0].Passages) {
					t.Errorf("%s, batch %d, %s: pairs %+v, want the scan's %+v", name, batch, what, ps, want.Pairs[0])
					continue
				}
				if d := out.Result.Documents[ps[0].J]; d.ID != "b" || d.Text != newB.Text {
					t.Errorf("%s, batch %d, %s: document %q has the old text", name, batch, what, d.ID)
				}
			}
			x.Close()
		}
	}
}

// TestAddSeq reads documents one at a time: a reading error ends the run
// with that error after the batches committed, and documents in no pair
// come back without their texts, which the run did not hold.
func TestAddSeq(t *testing.T) {
	docs := planted(12)
	broken := errors.New("unreadable file")
	seq := func(yield func(corpus.Doc, error) bool) {
		for _, d := range docs[:5] {
			if !yield(d, nil) {
				return
			}
		}
		yield(corpus.Doc{}, broken)
	}
	x := openBolt(t, filepath.Join(t.TempDir(), "x.idx"))
	var committed []int
	if _, err := x.AddSeq(context.Background(), seq, 2, func(n int) { committed = append(committed, n) }); !errors.Is(err, broken) {
		t.Fatalf("err = %v", err)
	}
	if st, _ := x.Stats(context.Background()); st.Documents != 4 || !slices.Equal(committed, []int{2, 4}) {
		t.Errorf("%d documents indexed, committed %v; want 4, [2 4]", st.Documents, committed)
	}
	x.Texts = true
	out, err := x.AddSeq(context.Background(), seqOf(docs), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := map[string]string{}
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	inPair := map[int]bool{}
	for _, p := range out.Result.Pairs {
		inPair[p.I], inPair[p.J] = true, true
	}
	if len(inPair) == 0 {
		t.Fatal("no pairs")
	}
	for i, d := range out.Result.Documents {
		if want := text[d.ID]; inPair[i] && d.Text != want || !inPair[i] && d.Text != "" {
			t.Errorf("document %s (in a pair: %v) has %d bytes of text", d.ID, inPair[i], len(d.Text))
		}
	}
	x.Close()
}

func TestCheckWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.idx")
	x := openBolt(t, path)
	docs := seeds(t)
	x.Add(context.Background(), docs[:3], 0, nil)
	out, err := x.Check(context.Background(), docs[3:])
	if err != nil {
		t.Fatal(err)
	}
	if got := pairSet(out.Result.Pairs); !slices.Equal(got, []string{"000_a86943d9168e89d9.txt~003_c20ac59b2d2f44c9.txt:reuse"}) {
		t.Errorf("check found %v", got)
	}
	if st, _ := x.Stats(context.Background()); st.Documents != 3 {
		t.Errorf("check wrote: %d documents", st.Documents)
	}
	x.Close()
}

func TestParamsMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.idx")
	openBolt(t, path).Close()
	s, _ := OpenBolt(path, BoltOptions{Create: true, LockWait: time.Second})
	o := detect.Defaults()
	o.Shingle.K = 7
	_, err := Open(context.Background(), s, o)
	if !errors.Is(err, ErrParams) || !strings.Contains(err.Error(), "rebuild") {
		t.Errorf("err = %v", err)
	}
	s.Close()
}

func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.idx")
	x := openBolt(t, path)
	defer x.Close()
	_, err := OpenBolt(path, BoltOptions{Create: true, LockWait: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "waited 200ms") {
		t.Fatalf("second writer: %v", err)
	}
}

func TestSketchNeverUndercounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var cc cellCounter
	true_ := map[uint64]int{}
	for i := 0; i < 2000; i++ {
		h := rng.Uint64() % 500
		true_[h]++
		f := detect.Features{Hashes: []uint64{h, h}} // counted once a document
		cc.count(&f, 1)
		if i%10 == 9 { // and removed
			true_[h]--
			cc.count(&f, -1)
		}
	}
	cells := cc.cells()
	counters := make([]uint32, SketchDepth*SketchWidth)
	for i, c := range cells.At {
		counters[c] = uint32(cells.Delta[i])
	}
	for h, n := range true_ {
		est := uint32(1 << 31)
		for _, c := range sketchCells(nil, h) {
			est = min(est, counters[c])
		}
		if est < uint32(n) || est > uint32(n)+2 {
			t.Errorf("shingle %d: true %d, sketch %d", h, n, est)
		}
	}
}

// TestSketchLog applies more batches of counter changes than a store
// logs before folding, removals among them, and reads the sum back.
func TestSketchLog(t *testing.T) {
	for name, mk := range stores(t) {
		s := mk()
		want := make([]int64, SketchDepth*SketchWidth)
		rng := rand.New(rand.NewPCG(4, 4))
		for batch := 0; batch < foldEvery+10; batch++ {
			cells := map[uint32]int32{}
			for i := 0; i < 50; i++ {
				c := uint32(rng.IntN(2000)) * 4099 % (SketchDepth * SketchWidth)
				d := int32(1 + rng.IntN(3))
				if batch%5 == 4 && want[c] >= int64(d)+int64(max(cells[c], 0)) {
					d = -d
				}
				cells[c] += d
			}
			for c, d := range cells {
				want[c] += int64(d)
			}
			if err := s.Apply(context.Background(), &Batch{Cells: cellsOf(cells)}); err != nil {
				t.Fatalf("%s: batch %d: %v", name, batch, err)
			}
		}
		got, err := s.Sketch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for c, w := range want {
			if int64(got[c]) != max(w, 0) {
				t.Fatalf("%s: cell %d holds %d, want %d", name, c, got[c], w)
			}
		}
		s.Close()
	}
}

func TestCellsEncoding(t *testing.T) {
	cells := map[uint32]int32{0: 3, 7: -2, 1 << 20: 70000, SketchDepth*SketchWidth - 1: 1, 9: 0}
	counters := make([]uint16, SketchDepth*SketchWidth)
	counters[7] = 5
	if err := decodeCells(counters, encodeCells(cellsOf(cells))); err != nil {
		t.Fatal(err)
	}
	if counters[0] != 3 || counters[7] != 3 || counters[1<<20] != math.MaxUint16 || counters[SketchDepth*SketchWidth-1] != 1 {
		t.Errorf("decoded %d %d %d %d", counters[0], counters[7], counters[1<<20], counters[SketchDepth*SketchWidth-1])
	}
	dense := make([]int32, SketchDepth*SketchWidth)
	dense[0], dense[5], dense[1<<20] = 2, -3, 1
	sum := make([]int32, len(dense))
	if err := addLog(sum, "k", seal([]byte("k"), encodeDense(dense))); err != nil || !slices.Equal(sum, dense) {
		t.Errorf("dense counters do not decode to themselves: %v", err)
	}
	if err := decodeCells(counters, []byte{0xff}); err == nil {
		t.Error("a corrupt log decoded")
	}
}

// TestStorePostings applies enough batches of puts, replacements and
// removals that bbolt merges its segments over several levels, and
// compares every lookup, the count and the records with a model.
func TestStorePostings(t *testing.T) {
	all := stores(t)
	all["bolt, merges capped"] = func() Store {
		s := all["bolt"]().(*Bolt)
		s.mergeLimit = 3 * segFanout * 6 * 4 * segEntry // level 1 merges, level 2 does not
		return s
	}
	for name, mk := range all {
		s := mk()
		rng := rand.New(rand.NewPCG(5, 5))
		model := map[string][]uint64{} // id → keys
		batches := segFanout*segFanout + 3
		if testing.Short() {
			batches = 2*segFanout + 1
		}
		for batch := 0; batch < batches; batch++ {
			b := &Batch{}
			touched := map[string]bool{} // a batch names an id once, as Index makes them
			for i := 0; i < 6; i++ {
				id := fmt.Sprintf("doc%03d", rng.IntN(120))
				if touched[id] {
					continue
				}
				touched[id] = true
				switch {
				case rng.IntN(5) == 0: // removal, of an indexed document or not
					b.Delete = append(b.Delete, Entry{ID: id, Keys: model[id]})
					delete(model, id)
				default: // addition or replacement
					ks := []uint64{uint64(rng.IntN(40)), uint64(rng.IntN(40)), rng.Uint64(), math.MaxUint64 - uint64(rng.IntN(2))}
					slices.Sort(ks)
					ks = slices.Compact(ks)
					if old, ok := model[id]; ok {
						b.Delete = append(b.Delete, Entry{ID: id, Keys: old})
					}
					b.Put = append(b.Put, Entry{ID: id, Record: []byte("rec " + id + fmt.Sprint(batch)), Keys: ks})
					model[id] = ks
				}
			}
			b.Delete = slices.DeleteFunc(b.Delete, func(e Entry) bool { return e.Keys == nil })
			if err := s.Apply(context.Background(), b); err != nil {
				t.Fatalf("%s: batch %d: %v", name, batch, err)
			}
		}
		want := map[uint64][]string{}
		var keys []uint64
		for id, ks := range model {
			for _, k := range ks {
				want[k] = append(want[k], id)
			}
		}
		for k := range want {
			keys = append(keys, k)
		}
		keys = append(keys, 41, 1<<63) // filed under by nobody
		got, err := s.Postings(context.Background(), keys)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			w, g := want[k], slices.Clone(got[i])
			slices.Sort(w)
			slices.Sort(g)
			if !slices.Equal(w, g) {
				t.Errorf("%s: key %d: got %v, want %v", name, k, g, w)
			}
		}
		if n, err := s.Len(context.Background()); err != nil || n != len(model) {
			t.Errorf("%s: Len = %d, %v; want %d", name, n, err, len(model))
		}
		ids := []string{"doc999"}
		for id := range model {
			ids = append(ids, id)
		}
		recs, err := s.Records(context.Background(), ids)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range recs {
			if (r != nil) != (i > 0) || (r != nil && !strings.HasPrefix(string(r), "rec "+ids[i])) {
				t.Errorf("%s: record of %s = %q", name, ids[i], r)
			}
		}
		s.Close()
	}
}

// cellsOf returns the changes in m as Cells.
func cellsOf(m map[uint32]int32) Cells {
	var c Cells
	for _, at := range slices.Sorted(maps.Keys(m)) {
		if m[at] != 0 {
			c.At, c.Delta = append(c.At, at), append(c.Delta, m[at])
		}
	}
	return c
}

// TestSeek compares seek with a linear search on segments of even,
// skewed and repeated keys.
func TestSeek(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for trial := 0; trial < 300; trial++ {
		n := rng.IntN(400)
		ks := make([]uint64, n)
		for i := range ks {
			switch trial % 3 {
			case 0:
				ks[i] = rng.Uint64()
			case 1:
				ks[i] = uint64(rng.IntN(20)) // repeats
			default:
				ks[i] = rng.Uint64() >> uint(rng.IntN(64)) // skewed
			}
		}
		slices.Sort(ks)
		var seg []byte
		for _, k := range ks {
			seg = binary.BigEndian.AppendUint64(seg, k)
			seg = binary.BigEndian.AppendUint32(seg, 0)
		}
		for q := 0; q < 20; q++ {
			k := rng.Uint64() >> uint(rng.IntN(64))
			if n > 0 && q%2 == 0 {
				k = ks[rng.IntN(n)]
			}
			lo := 0
			if n > 0 {
				lo = rng.IntN(n)
			}
			want := lo
			for want < n && ks[want] < k {
				want++
			}
			sg, err := openSegment(encodeSegment(seg))
			if err != nil {
				t.Fatal(err)
			}
			if got := seek(sg, lo, n, k); got != want || sg.err != nil {
				t.Fatalf("trial %d: seek(%d, %d, %d) = %d, want %d", trial, lo, n, k, got, want)
			}
		}
	}
}

// TestRedisFoldsBySize gives a Redis writer slot batches whose logs
// outgrow its base: the slot folds before foldEvery batches, and the
// counters read back are the sums.
func TestRedisFoldsBySize(t *testing.T) {
	mk, ok := stores(t)["redis"]
	if !ok {
		t.Skip("redis-server is not installed")
	}
	s := mk().(*Redis)
	defer s.Close()
	want := make([]int32, SketchDepth*SketchWidth)
	rng := rand.New(rand.NewPCG(9, 9))
	for batch := 0; batch < 3; batch++ {
		cells := map[uint32]int32{}
		for len(cells) < minFoldBytes/3 { // 2 or 3 bytes a cell encoded
			cells[uint32(rng.IntN(SketchDepth*SketchWidth))] = int32(1 + rng.IntN(3))
		}
		for c, d := range cells {
			want[c] += d
		}
		if err := s.Apply(context.Background(), &Batch{Cells: cellsOf(cells)}); err != nil {
			t.Fatal(err)
		}
	}
	if s.baseBytes == 0 || s.logged >= 3 {
		t.Fatalf("no fold: base %d bytes, %d batches logged", s.baseBytes, s.logged)
	}
	got, err := s.Sketch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for c, w := range want {
		if int32(got[c]) != w {
			t.Fatalf("cell %d holds %d, want %d", c, got[c], w)
		}
	}
}

// TestUndeliveredUntilDelivered stops a run after its transactions, as a
// process killed before its report is written: the next run reports the
// pairs with its own, as found earlier, and once it is marked delivered
// nothing is reported again.
func TestUndeliveredUntilDelivered(t *testing.T) {
	docs, want := plantedScan(t, 40)
	for name, mk := range stores(t) {
		x, err := Open(context.Background(), mk(), detect.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		first, err := x.AddSeq(context.Background(), seqOf(docs[:25]), 5, nil) // never delivered
		if err != nil {
			t.Fatal(err)
		}
		second, err := x.AddSeq(context.Background(), seqOf(docs), 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := pairSet(second.Result.Pairs), pairSet(want.Pairs); !slices.Equal(a, b) {
			t.Errorf("%s: the second run delivers %v, want %v", name, a, b)
		}
		if s := second.Summary; s.Earlier != len(first.Result.Pairs) || s.Earlier == 0 || s.New != 15 || s.Unchanged != 25 {
			t.Errorf("%s: summary %+v; the first run found %d pairs", name, s, len(first.Result.Pairs))
		}
		if err := x.Delivered(context.Background(), second); err != nil {
			t.Fatal(err)
		}
		again, err := x.Report(context.Background())
		if err != nil || len(again.Result.Pairs) != 0 {
			t.Errorf("%s: after delivery, report gives %v, %v", name, pairSet(again.Result.Pairs), err)
		}
		x.Close()
	}
}

// TestCrossSourceIndex adds articles of two outlets with CrossSource:
// only the pairs across them are reported, as a scan reports them.
func TestCrossSourceIndex(t *testing.T) {
	docs := planted(40)
	for i := range docs {
		docs[i].Source = []string{"A", "B"}[i/20] // one planted pair spans them
	}
	o := detect.Defaults()
	o.CrossSource = true
	want, err := detect.Run(context.Background(), docs, o)
	if err != nil {
		t.Fatal(err)
	}
	if all, _ := detect.Run(context.Background(), docs, detect.Defaults()); len(want.Pairs) == 0 || len(want.Pairs) >= len(all.Pairs) {
		t.Fatalf("the scan keeps %d of %d pairs across sources", len(want.Pairs), len(all.Pairs))
	}
	for name, mk := range stores(t) {
		x, out := openAdd(t, mk(), o, docs, 7)
		if a, b := pairSet(out.Result.Pairs), pairSet(want.Pairs); !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: add found %v, scan %v", name, a, b)
		}
		for _, p := range out.Result.Pairs {
			if d := out.Result.Documents; d[p.I].Source == d[p.J].Source {
				t.Errorf("%s: %s ~ %s, both of %s", name, p.A, p.B, d[p.I].Source)
			}
		}
		x.Close()
	}
}
