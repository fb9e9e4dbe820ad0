package detect

// The candidate rule decides which pairs of documents are verified. It is
// stated here once and applied by Scan in bulk (candidates.go), by
// Candidate for one pair, and by package index for one document against
// an index: two documents are candidates if they have the same
// normalised text, share a band key, or share a fingerprint, stock
// phrases aside, that at most rareGroup documents have, or else
// Options.MinPrints such fingerprints however common.

// rareGroup is the most documents a fingerprint may have for sharing it
// alone to make two documents candidates. Text that more documents share
// is common enough to be shared by chance (a frequent phrase).
const rareGroup = 16

// ProposesAlone reports whether the documents filed under one key are
// candidates by sharing that key alone: any band or norm key, and a
// fingerprint that at most rareGroup documents have. group is the number
// of documents (distinct normalised texts) filed under the key.
func (o *Options) ProposesAlone(isPrint bool, group int) bool {
	return !isPrint || group <= rareGroup
}

// Enough reports whether sharing n common fingerprints (those for which
// ProposesAlone is false) makes two documents candidates.
func (o *Options) Enough(n int) bool { return n >= o.MinPrints }

// Candidate reports whether a scan pairs the documents of fa and fb for
// verification: the candidate rule stated for one pair. stock tells the
// corpus's stock shingles; groups returns the number of distinct
// normalised texts filed under a fingerprint.
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
	common := 0
	a, b := fa.Prints, fb.Prints // sorted and distinct
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			if stock == nil || !stock(a[0]) {
				if o.ProposesAlone(true, groups(a[0])) {
					return true
				}
				common++
			}
			a, b = a[1:], b[1:]
		}
	}
	return o.Enough(common)
}
