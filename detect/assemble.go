package detect

import "sort"

// Assemble makes the Result of pairs found among docs by another engine
// than Scan (an index, a distributed run), as Scan makes its own: the
// documents in order of id (docs is sorted in place), the pairs pointed
// at them (their I and J index docs as given) and in SortPairs' order,
// with their directions, and the clusters, syndicated passages and
// templates (Group).
func Assemble(p Params, docs []Document, pairs []Pair) *Result {
	// docs are sorted in place, each carrying its first place along, so
	// that a million of them are not held twice.
	b := byID{docs: docs, from: make([]int32, len(docs))}
	for i := range b.from {
		b.from[i] = int32(i)
	}
	sort.Sort(b)
	where := make([]int32, len(docs))
	for to, from := range b.from {
		where[from] = int32(to)
	}
	for i := range pairs {
		pairs[i].I, pairs[i].J = int(where[pairs[i].I]), int(where[pairs[i].J])
	}
	SortPairs(pairs)
	SetDirections(docs, pairs)
	res := &Result{Params: p, Documents: docs, Pairs: pairs}
	Group(res)
	return res
}

// byID sorts documents by id, and their first places with them.
type byID struct {
	docs []Document
	from []int32
}

func (b byID) Len() int { return len(b.docs) }

func (b byID) Less(i, j int) bool { return b.docs[i].ID < b.docs[j].ID }

func (b byID) Swap(i, j int) {
	b.docs[i], b.docs[j] = b.docs[j], b.docs[i]
	b.from[i], b.from[j] = b.from[j], b.from[i]
}
