package pipeline

import (
	"encoding/binary"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"
)

// stockFn sums the documents of each shingle key of a partition and keeps
// the keys of at least the scan's stock cutoff for a corpus of n
// documents (none when n is below the least cutoff, as in a scan).
type stockFn struct {
	Settings []byte
	s        settingsCache
}

func (f *stockFn) ProcessElement(_ int, batches func(*[]byte) bool, n int, emit func(uint64)) error {
	s, err := f.s.get(f.Settings)
	if err != nil {
		return err
	}
	p := s.Options.Params(n)
	if n < p.StockMinDocs {
		return nil // no stock phrases
	}
	type count struct{ key, n uint64 }
	var all []count
	var b []byte
	for batches(&b) {
		for ; len(b) >= 16; b = b[16:] {
			all = append(all, count{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])})
		}
	}
	slices.SortFunc(all, func(x, y count) int {
		switch {
		case x.key < y.key:
			return -1
		case x.key > y.key:
			return 1
		}
		return 0
	})
	for a := 0; a < len(all); {
		sum := uint64(0)
		b := a
		for ; b < len(all) && all[b].key == all[a].key; b++ {
			sum += all[b].n
		}
		if sum >= uint64(p.StockMinDocs) {
			emit(all[a].key)
		}
		a = b
	}
	return nil
}

func init() {
	register.DoFn4x1[int, func(*[]byte) bool, int, func(uint64), error](&stockFn{})
	register.Emitter1[uint64]()
}

// stock returns the stock shingle keys: those that at least the scan's
// cutoff of the n documents hold (counts are partitions of counts).
func stock(s beam.Scope, set []byte, counts, n beam.PCollection) beam.PCollection {
	s = s.Scope("stock")
	return beam.ParDo(s, &stockFn{Settings: set}, beam.GroupByKey(s, counts), beam.SideInput{Input: n})
}

// count returns the number of elements of col, as one int.
func count(s beam.Scope, col beam.PCollection) beam.PCollection { return stats.CountElms(s, col) }
