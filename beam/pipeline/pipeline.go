package pipeline

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // local paths
)

// Build adds the scan of cfg's corpus to the pipeline of s: read, features,
// stock phrases, candidates, verification and the report. Local roots are
// listed now, as scan lists them.
func Build(ctx context.Context, s beam.Scope, cfg *Config) error {
	if err := cfg.Options.Check(); err != nil {
		return err
	}
	set := cfg.settings()
	fs, listing, err := files(ctx, cfg)
	if err != nil {
		return err
	}
	encoded := make([][]byte, len(fs))
	for i := range fs {
		encoded[i] = encode(&fs[i])
	}
	if len(encoded) == 0 {
		encoded = [][]byte{} // CreateList of none needs a typed list
	}
	fileCol := beam.CreateList(s, encoded)
	docs, warnings := read(s, set, fileCol)
	recs, norms, counts, bands, prints := features(s, set, docs)
	n := count(s, recs)
	stockKeys := stock(s, set, counts, n)
	cands := candidates(s, set, bands, prints, norms, stockKeys)
	reported, verified := verify(s, set, cands, recs, stockKeys)
	result(s, cfg, set, listing, recs, reported, warnings, n, stockKeys, verified)
	return nil
}
