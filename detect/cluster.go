package detect

import (
	"cmp"
)

// Clusters returns the connected components of pairs, Candidate pairs
// aside, over docs (the pairs' I and J index docs). Members are in
// document order; clusters are numbered from 1 in order of their first
// member. Each cluster's Source is the member most contained in the
// others: the highest sum, over its pairs in the cluster, of the share of
// its shingles found in the other document. Ties (within 1e-9) go to the
// earliest Date, dates being compared as text (ISO 8601 sorts right), a
// known date before an unknown one, and then to document order.
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
	contained := make([]float64, len(docs))
	for k := range pairs {
		p := &pairs[k]
		if p.Kind == Candidate {
			continue
		}
		linked[p.I], linked[p.J] = true, true
		contained[p.I] += p.ContainmentA
		contained[p.J] += p.ContainmentB
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
		src := ms[0]
		for _, m := range ms[1:] {
			if better(m, src, docs, contained) {
				src = m
			}
		}
		c := Cluster{ID: n + 1, Source: docs[src].ID, Members: make([]string, len(ms))}
		for k, m := range ms {
			c.Members[k] = docs[m].ID
		}
		clusters = append(clusters, c)
	}
	return clusters
}

// better reports whether document m is a more probable source than src.
func better(m, src int, docs []Document, contained []float64) bool {
	const eps = 1e-9
	if d := contained[m] - contained[src]; d > eps {
		return true
	} else if d < -eps {
		return false
	}
	dm, ds := docs[m].Date, docs[src].Date
	switch {
	case dm != "" && ds == "":
		return true
	case dm == "" || ds == "":
		return false
	}
	return cmp.Less(dm, ds)
}
