package detect

// Clusters returns the connected components of pairs, Candidate pairs
// aside, over docs (the pairs' I and J index docs). Members are in
// document order; clusters are numbered from 1 in order of their first
// member. A cluster's Source is the member from which a pair runs to
// every other member (the pairs' directions, as SetDirections finds
// them; pairs is not changed), if there is one.
func Clusters(docs []Document, pairs []Pair) []Cluster {
	parent := make([]int, len(docs))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	linked := make([]bool, len(docs))
	out := make([]int32, len(docs)) // pairs that run from each document
	date := dateCache(docs)
	for k := range pairs {
		p := &pairs[k]
		if p.Kind == Candidate {
			continue
		}
		linked[p.I], linked[p.J] = true, true
		switch dir, _ := direction(p, date); dir {
		case AToB:
			out[p.I]++
		case BToA:
			out[p.J]++
		}
		a, b := find(p.I), find(p.J)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	// A component's root is its least member (links point down), so
	// roots come in document order, each before its other members; the
	// members are gathered by counting, in document order too.
	size := make([]int32, len(docs))
	var roots []int
	for i := range docs {
		if !linked[i] {
			continue
		}
		r := find(i)
		if r == i {
			roots = append(roots, r)
		}
		size[r]++
	}
	at := make([]int32, len(docs)) // where a root's members start in all
	n := int32(0)
	for _, r := range roots {
		at[r], n = n, n+size[r]
	}
	all := make([]int, n)
	for i := range docs {
		if linked[i] {
			r := find(i)
			all[at[r]] = i
			at[r]++
		}
	}
	clusters := make([]Cluster, 0, len(roots))
	start := 0
	for n, r := range roots {
		ms := all[start : start+int(size[r])]
		start += len(ms)
		c := Cluster{ID: n + 1, Members: make([]string, len(ms))}
		for _, m := range ms {
			// Pairs join two documents once: a member with a pair running
			// from it to each other member is their source.
			if int(out[m]) == len(ms)-1 {
				c.Source = docs[m].ID
			}
		}
		for k, m := range ms {
			c.Members[k] = docs[m].ID
		}
		clusters = append(clusters, c)
	}
	return clusters
}
