package detect

import (
	"context"
	"fmt"
	"sync"
	"unsafe"

	"github.com/neardup/neardup/corpus"
)

// batchDocs and batchBytes bound a batch of the first reading: as many
// documents, or as much text, whichever comes first.
const (
	batchDocs  = 16
	batchBytes = 64 << 10
)

// DefaultKeepHashes is the default of Options.KeepHashes: 128 MiB of
// hashes.
const DefaultKeepHashes = 16 << 20

// keptDoc is what Scan keeps of a document between its two readings.
type keptDoc struct {
	doc      corpus.Doc // without its text
	tokens   int
	shingles int
	distinct int // distinct shingles, -1 if not known
	norm     [2]uint64
	hashes   []uint64 // kept from the first reading, within Options.KeepHashes
}

// keptDocs holds a scan's documents in chunks of keptChunk, which never
// move once made.
type keptDocs struct {
	chunks [][]keptDoc
	n      int
}

const keptChunk = 4096

// newKeptDocs returns an empty chunk of keptChunk documents, each of its
// pages written once with a plain store. The stores that fill a keptDoc
// hold pointers, and while a collection runs each first reads the slot
// it overwrites; a read of a page never touched maps the kernel's zero
// page, so the store after it faults a second time and flushes the page
// from every core's TLB.
func newKeptDocs() []keptDoc {
	c := make([]keptDoc, keptChunk)
	for k := 0; k < len(c); k += pageKeptDocs {
		c[k].tokens = 0
	}
	return c[:0]
}

// pageKeptDocs is how many keptDocs fit in 4 KiB, the smallest page.
const pageKeptDocs = 4096 / int(unsafe.Sizeof(keptDoc{}))

// at returns document i.
func (d *keptDocs) at(i int) *keptDoc { return &d.chunks[i/keptChunk][i%keptChunk] }

// filer holds one extraction goroutine's output: the keys it files
// documents under and the shingles it counts.
type filer struct {
	ex      *Extractor
	bands   [parts]blocks[uint64]
	prints  [parts]blocks[uint64]
	df      []uint64 // distinct shingle keys waiting to be counted
	set     set      // distinctKeys' table
	scratch []uint64 // for the counter's sketch
}

// read reads the corpus the first time, extracting in parallel, and keeps each
// document's metadata and its filing keys.
func (s *scan) read(ctx context.Context, src Source) error {
	jobs := make(chan []fileJob, 4*s.workers)
	budget := make(textBudget, inFlightMiB)
	wg := s.startFilers(jobs, budget)
	// Documents are kept in chunks (keptDocs) that never move while the
	// workers write to them.
	var chunks [][]keptDoc
	n := 0
	// Documents go to the workers in small batches: a channel operation
	// each would cost the reading goroutine as much as decoding a short
	// article.
	var batch []fileJob
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
		batch, bytes = make([]fileJob, 0, batchDocs), 0
		return nil
	}
	err := src.Each(ctx, func(i int, d corpus.Doc) error {
		if i != n {
			return fmt.Errorf("source numbered document %q %d, expected %d", d.ID, i, n)
		}
		if i > MaxDocs {
			return fmt.Errorf("more than %d documents: split the corpus", MaxDocs)
		}
		if n%keptChunk == 0 {
			chunks = append(chunks, newKeptDocs())
		}
		c := &chunks[len(chunks)-1]
		meta := d
		meta.Text = ""
		*c = append(*c, keptDoc{doc: meta})
		n++
		if s.o.Progress != nil && i%1000 == 0 {
			s.o.Progress("reading", i, 0)
		}
		if err := budget.acquire(ctx, largeUnits(d.Text)); err != nil {
			return err
		}
		batch = append(batch, fileJob{i, d, &(*c)[len(*c)-1]})
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
	s.docs = keptDocs{chunks: chunks, n: n}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// fileJob is a document for a filer to extract and file.
type fileJob struct {
	i int
	d corpus.Doc
	l *keptDoc // where the filer writes what it finds
}

// startFilers starts s.workers filers on the batches of jobs, each
// releasing a job's share of budget once it is filed; the WaitGroup is
// done when jobs is closed and all are filed and counted.
func (s *scan) startFilers(jobs <-chan []fileJob, budget textBudget) *sync.WaitGroup {
	keepLimit := int64(s.o.KeepHashes)
	if keepLimit == 0 {
		keepLimit = DefaultKeepHashes
	}
	var wg sync.WaitGroup
	s.ws = make([]*filer, s.workers)
	s.ex = make([]*Extractor, s.workers)
	signer := s.o.signer(s.o.Perms) // safe for concurrent use
	for w := range s.ws {
		s.ex[w] = newExtractor(s.o, s.bands, signer)
		s.ws[w] = &filer{ex: s.ex[w]}
		wg.Add(1)
		go func(wk *filer) {
			defer wg.Done()
			for batch := range jobs {
				for _, j := range batch {
					wk.extract(s, j.i, j.d.Text, j.l, keepLimit)
					budget.release(largeUnits(j.d.Text))
				}
			}
			wk.scratch = s.df.add(wk.df, wk.scratch)
			wk.df = nil
		}(s.ws[w])
	}
	return &wg
}

// textBudget lets large documents into extraction within a budget of MiB
// units, not as many as there are workers: each takes several times its
// size while its features are found.
type textBudget chan struct{}

// acquire takes n units, waiting for them unless ctx is done first.
func (b textBudget) acquire(ctx context.Context, n int) error {
	for range n {
		select {
		case b <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// release gives back n units.
func (b textBudget) release(n int) {
	for range n {
		<-b
	}
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

// extract finds the features of document i, of text, files its keys
// and writes what the scan keeps of it to l, its hashes within keepLimit
// kept in all.
func (wk *filer) extract(s *scan, i int, text string, l *keptDoc, keepLimit int64) {
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
func (wk *filer) file(i int, f *Features) int {
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
