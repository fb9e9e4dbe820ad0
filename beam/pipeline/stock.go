package pipeline

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"
)

// stockFn keeps the shingle keys of at least the scan's stock cutoff for
// a corpus of n documents (none when n is below the least cutoff, as in
// a scan).
type stockFn struct {
	Settings []byte
	cutoff   int64
}

func (f *stockFn) ProcessElement(key uint64, docs int64, n int, emit func(uint64)) error {
	if f.cutoff == 0 {
		s, err := decodeSettings(f.Settings)
		if err != nil {
			return err
		}
		p := s.Options.Params(n)
		f.cutoff = int64(p.StockMinDocs)
		if n < p.StockMinDocs {
			f.cutoff = -1 // no stock phrases
		}
	}
	if f.cutoff > 0 && docs >= f.cutoff {
		emit(key)
	}
	return nil
}

func sumInts(a, b int64) int64 { return a + b }

func init() {
	register.DoFn4x1[uint64, int64, int, func(uint64), error](&stockFn{})
	register.Function2x1(sumInts)
	register.Emitter1[uint64]()
}

// stock returns the stock shingle keys: those that at least the scan's
// cutoff of the n documents hold (counts are partial counts a key).
func stock(s beam.Scope, set []byte, counts, n beam.PCollection) beam.PCollection {
	s = s.Scope("stock")
	df := beam.CombinePerKey(s, sumInts, counts)
	return beam.ParDo(s, &stockFn{Settings: set}, df, beam.SideInput{Input: n})
}

// count returns the number of elements of col, as one int.
func count(s beam.Scope, col beam.PCollection) beam.PCollection { return stats.CountElms(s, col) }
