package detect

import (
	"cmp"
	"slices"
)

// Group finds the clusters, syndicated passages and templates of res from
// its documents and pairs (whose directions SetDirections has set), and
// sets each pair's Cluster and Template.
func Group(res *Result) {
	res.Syndication, res.Templates = families(res.Documents, res.Pairs)
	res.Clusters = clusters(res.Documents, res.Pairs)
}

// clusters returns the document clusters of pairs over docs (the pairs'
// I and J index docs), Candidate and Template pairs aside, and sets each
// pair's Cluster.
//
// A cluster is a center and the documents it shares a passage with: the
// rule never chains, since every member has a reported pair with the
// center, whatever the members share with one another. Centers are
// chosen as in star clustering (Aslam, Pelekhov & Rus 2004), the
// document with the most pairs first (ties to the first in document
// order), among the documents no cluster holds yet; a document whose
// every partner a cluster took before it is in none. Clusters are
// numbered from 1 in the order they are found, so the largest comes
// first; members are in document order. A cluster's Source is the member
// from which a pair runs to every other member (the pairs' directions),
// if there is one.
func clusters(docs []Document, pairs []Pair) []Cluster {
	adj := make([][]int32, len(docs)) // by document: its pairs that cluster
	for k := range pairs {
		p := &pairs[k]
		p.Cluster = 0
		if p.Kind == Candidate || p.Template {
			continue
		}
		adj[p.I] = append(adj[p.I], int32(k))
		adj[p.J] = append(adj[p.J], int32(k))
	}
	order := make([]int, 0, len(docs))
	for i := range docs {
		if len(adj[i]) > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(adj[b]), len(adj[a])) })
	in := make([]int32, len(docs)) // a document's cluster, 0 if none
	var out []Cluster
	for _, c := range order {
		if in[c] != 0 {
			continue
		}
		members := []int{c}
		for _, k := range adj[c] {
			if o := other(&pairs[k], c); in[o] == 0 {
				members = append(members, o)
			}
		}
		if len(members) < 2 {
			continue
		}
		id := int32(len(out) + 1)
		for _, m := range members {
			in[m] = id
		}
		slices.Sort(members)
		cl := Cluster{ID: int(id), Center: docs[c].ID, Members: make([]string, len(members))}
		for i, m := range members {
			cl.Members[i] = docs[m].ID
		}
		out = append(out, cl)
	}
	// Pairs within a cluster name it; a member from which a pair runs to
	// each other member is its source.
	from := make([]int32, len(docs))
	for k := range pairs {
		p := &pairs[k]
		if p.Kind == Candidate || p.Template || in[p.I] == 0 || in[p.I] != in[p.J] {
			continue
		}
		p.Cluster = int(in[p.I])
		switch p.Direction {
		case AToB:
			from[p.I]++
		case BToA:
			from[p.J]++
		}
	}
	for i := range docs {
		if c := in[i]; c != 0 && int(from[i]) == len(out[c-1].Members)-1 {
			out[c-1].Source = docs[i].ID
		}
	}
	return out
}

// other is the document of p that is not d.
func other(p *Pair, d int) int {
	if p.I == d {
		return p.J
	}
	return p.I
}
