package detect

// Candidate reports whether a scan pairs the documents of fa and fb for
// verification: the candidate rule of Scan, stated for one pair. They are
// candidates if they have the same normalised text, share a band key, or
// share a fingerprint, stock phrases aside, that at most RareGroup
// distinct texts of the corpus have, or else MinPrints such fingerprints
// however common. stock tells the corpus's stock shingles; groups returns
// the number of distinct normalised texts filed under a fingerprint.
func (o *Options) Candidate(fa, fb *Features, stock func(uint64) bool, groups func(print uint64) int) bool {
	if fa.Tokens == 0 || fb.Tokens == 0 {
		return false
	}
	if o.Exhaustive || fa.Norm == fb.Norm {
		return true
	}
	for _, k := range fa.Bands {
		for _, l := range fb.Bands {
			if k == l {
				return true
			}
		}
	}
	var shared []uint64
	a, b := fa.Prints, fb.Prints // sorted and distinct
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			if stock == nil || !stock(a[0]) {
				shared = append(shared, a[0])
			}
			a, b = a[1:], b[1:]
		}
	}
	if len(shared) >= o.MinPrints {
		return true
	}
	for _, p := range shared {
		if groups(p) <= RareGroup {
			return true
		}
	}
	return false
}
