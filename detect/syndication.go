package detect

import (
	"cmp"
	"slices"
	"strings"
)

// Family is a set of documents that carry the same passages, passim's
// unit of text reuse: the same wire paragraphs, quotes or press release,
// found as the overlapping occurrences of the shared passages of
// reported pairs. A passage is in one family; a document may be in
// several.
type Family struct {
	// ID numbers the family in its list, from 1, largest first.
	ID int `json:"id"`
	// Members are the documents that carry the passage, in order of id.
	Members []string `json:"members"`
	// Outlets are the members' distinct sources, sorted; empty when none
	// has one.
	Outlets []string `json:"outlets"`
	// First and Last are the earliest and latest of the members' dates,
	// as written, when any can be read.
	First string `json:"first_date,omitempty"`
	Last  string `json:"last_date,omitempty"`
	// Words counts the words of the Passages.
	Words int `json:"words"`
	// Passages are the passages every member carries, longest first;
	// together they hold at least minFamilyWords.
	Passages []SharedText `json:"passages"`

	unknownOutlet bool // a member has no source
}

// SharedText is a passage of a Family in its occurrence of median length:
// the text every member carries, or nearly. Text is empty without
// evidence.
type SharedText struct {
	Words int    `json:"words"`
	Text  string `json:"text"`
}

// Templates are families of at least templateMin documents with at least
// templatePerOutlet documents an outlet: text an outlet repeats across
// its own articles (a filing notice, a sign-off, a background
// paragraph), not a story syndicated to other outlets. Documents without
// a source count as one outlet.
const (
	templateMin       = 10
	templatePerOutlet = 5
)

// minFamilyWords is the least a syndicated family's passages hold
// together (a template may be shorter): as
// many words as a pair's evidence floor (Options.MinEvidence) at its
// default, 5 word 5-shingles. A shorter passage that several documents
// share is a phrase (a name, "before the next general election"), which
// their pairs carry beside their evidence, not syndicated copy.
const minFamilyWords = 9

// Two occurrences of passages in one document are one passage when they
// share relOverlap of the shorter (passim's default for merging
// passages, --relOver 0.8) and halfOverlap of the longer: so that the
// varying edges of one paragraph do not split it, and a long occurrence
// (a whole article copied) does not glue together the distinct
// paragraphs other documents share with it.
const (
	relOverlap  = 0.8
	halfOverlap = 0.5
)

// occurrence is one side of one passage of a pair: shingles of a document.
type occurrence struct {
	doc          int
	first, last  int
	pair, shared int  // the pair and its passage
	b            bool // B's side
}

// families groups the passages of pairs (Candidate pairs aside) into
// families over docs, and sets each pair's Template when every passage it
// has belongs to a template. It returns the syndicated families and the
// templates, each largest first.
func families(docs []Document, pairs []Pair) (syndication, templates []Family) {
	var occ []occurrence
	for k := range pairs {
		p := &pairs[k]
		if p.Kind == Candidate {
			continue
		}
		for x := range p.Passages {
			ps := &p.Passages[x]
			occ = append(occ, occurrence{p.I, ps.inA.First, ps.inA.Last, k, x, false},
				occurrence{p.J, ps.inB.First, ps.inB.Last, k, x, true})
		}
	}
	parent := make([]int32, len(occ))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int32) {
		if ra, rb := find(a), find(b); ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	// The two sides of a passage are one passage.
	for i := 0; i < len(occ); i += 2 {
		union(int32(i), int32(i+1))
	}
	// So are occurrences in one document that overlap enough.
	order := make([]int32, len(occ))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		oa, ob := &occ[a], &occ[b]
		return cmp.Or(cmp.Compare(oa.doc, ob.doc), cmp.Compare(oa.first, ob.first), cmp.Compare(oa.last, ob.last))
	})
	for x, i := range order {
		oi := &occ[i]
		for _, j := range order[x+1:] {
			oj := &occ[j]
			if oj.doc != oi.doc || oj.first > oi.last {
				break
			}
			common := float64(min(oi.last, oj.last) - oj.first + 1)
			shorter := float64(min(oi.last-oi.first, oj.last-oj.first) + 1)
			longer := float64(max(oi.last-oi.first, oj.last-oj.first) + 1)
			if common >= relOverlap*shorter && common >= halfOverlap*longer {
				union(i, j)
			}
		}
	}
	// Each component is a family; its members are the documents of its
	// occurrences.
	byRoot := map[int32][]int32{}
	for i := range occ {
		r := find(int32(i))
		byRoot[r] = append(byRoot[r], int32(i))
	}
	// Passages carried by the same documents are one family.
	inTemplate := make([]bool, len(occ))
	date := dateCache(docs)
	var all []Family
	var occs [][]int32 // by family in all: its occurrences
	at := map[string]int{}
	for _, r := range sortedRoots(byRoot) {
		f := family(docs, pairs, occ, byRoot[r], date)
		key := strings.Join(f.Members, "\x00")
		if k, ok := at[key]; ok {
			all[k].Passages = append(all[k].Passages, f.Passages...)
			all[k].Words += f.Words
			occs[k] = append(occs[k], byRoot[r]...)
			continue
		}
		at[key] = len(all)
		all = append(all, f)
		occs = append(occs, byRoot[r])
	}
	for k := range all {
		f := &all[k]
		slices.SortStableFunc(f.Passages, func(a, b SharedText) int { return cmp.Compare(b.Words, a.Words) })
		outlets := len(f.Outlets)
		if unknown := len(f.Outlets) == 0 || f.unknownOutlet; unknown {
			outlets++
		}
		if len(f.Members) >= templateMin && len(f.Members) >= templatePerOutlet*outlets {
			for _, i := range occs[k] {
				inTemplate[i] = true
			}
			templates = append(templates, *f)
		} else if f.Words >= minFamilyWords {
			syndication = append(syndication, *f)
		}
	}
	markTemplatePairs(pairs, occ, inTemplate)
	number(syndication)
	number(templates)
	return syndication, templates
}

// sortedRoots returns the keys of byRoot in increasing order, so that
// families come out the same from run to run.
func sortedRoots(byRoot map[int32][]int32) []int32 {
	roots := make([]int32, 0, len(byRoot))
	for r := range byRoot {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	return roots
}

// family makes the Family of the occurrences ids, one passage.
func family(docs []Document, pairs []Pair, occ []occurrence, ids []int32, date dateFunc) Family {
	var f Family
	var members []int
	for _, i := range ids {
		members = append(members, occ[i].doc)
	}
	// The passage is shown as its occurrence of median length: the
	// shortest may be a fragment two members share at its edge, the
	// longest run on past it.
	byLen := slices.Clone(ids)
	slices.SortStableFunc(byLen, func(a, b int32) int {
		return cmp.Compare(occ[a].last-occ[a].first, occ[b].last-occ[b].first)
	})
	shown := byLen[len(byLen)/2]
	slices.Sort(members)
	members = slices.Compact(members)
	outlets := map[string]bool{}
	var first, last int = -1, -1
	for _, m := range members {
		d := &docs[m]
		f.Members = append(f.Members, d.ID)
		outlets[d.Source] = true
		f.unknownOutlet = f.unknownOutlet || d.Source == ""
		if t, ok := date(m); ok {
			if first < 0 {
				first, last = m, m
			}
			if ft, _ := date(first); t.Before(ft) {
				first = m
			}
			if lt, _ := date(last); t.After(lt) {
				last = m
			}
		}
	}
	if first >= 0 {
		f.First, f.Last = docs[first].Date, docs[last].Date
	}
	for s := range outlets {
		if s != "" {
			f.Outlets = append(f.Outlets, s)
		}
	}
	slices.Sort(f.Outlets)
	if f.Outlets == nil {
		f.Outlets = []string{}
	}
	o := &occ[shown]
	ps := &pairs[o.pair].Passages[o.shared]
	st := SharedText{Words: ps.Words, Text: ps.Text}
	if o.b {
		st.Text = ps.TextB
	}
	f.Words, f.Passages = st.Words, []SharedText{st}
	return f
}

// markTemplatePairs sets the Template of each reuse pair all of whose
// passages are in templates; duplicates and near-duplicates are copies
// whatever text they hold.
func markTemplatePairs(pairs []Pair, occ []occurrence, inTemplate []bool) {
	for i := 0; i < len(occ); {
		k := occ[i].pair
		all := true
		for ; i < len(occ) && occ[i].pair == k; i++ {
			all = all && inTemplate[i]
		}
		pairs[k].Template = all && pairs[k].Kind == Reuse
	}
}

// number sorts fs largest first, then by first member, and numbers them.
func number(fs []Family) {
	slices.SortStableFunc(fs, func(a, b Family) int {
		return cmp.Or(cmp.Compare(len(b.Members), len(a.Members)), cmp.Compare(a.Members[0], b.Members[0]))
	})
	for i := range fs {
		fs[i].ID = i + 1
	}
}
