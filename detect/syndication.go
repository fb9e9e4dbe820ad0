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
	n := 0
	for k := range pairs {
		if pairs[k].Kind != Candidate {
			n += 2 * len(pairs[k].Passages)
		}
	}
	occ := make([]occurrence, 0, n)
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
	// So are occurrences in one document that overlap enough: in order of
	// document (a counting sort) and, within one, of first shingle, each
	// is compared with those that start before it ends.
	order := byCount(len(docs), len(occ), func(i int) int { return occ[i].doc })
	for a := 0; a < len(order); {
		b := a + 1
		for b < len(order) && occ[order[b]].doc == occ[order[a]].doc {
			b++
		}
		slices.SortFunc(order[a:b], func(x, y int32) int { return cmp.Compare(occ[x].first, occ[y].first) })
		a = b
	}
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
	// occurrences. Components come in order of their root, their least
	// occurrence, so that families come out the same from run to run.
	roots := make([]int, len(occ))
	for i := range occ {
		roots[i] = int(find(int32(i)))
	}
	byRoot := byCount(len(occ), len(occ), func(i int) int { return roots[i] })
	// Passages carried by the same documents are one family.
	inTemplate := make([]bool, len(occ))
	date := dateCache(docs)
	var all []Family
	var occs [][]int32 // by family in all: its occurrences
	at := map[string]int{}
	for a := 0; a < len(byRoot); {
		b := a + 1
		for b < len(byRoot) && roots[byRoot[b]] == roots[byRoot[a]] {
			b++
		}
		ids := byRoot[a:b]
		a = b
		f := family(docs, pairs, occ, ids, date)
		key := strings.Join(f.Members, "\x00")
		if k, ok := at[key]; ok {
			all[k].Passages = append(all[k].Passages, f.Passages...)
			all[k].Words += f.Words
			occs[k] = append(occs[k], ids...)
			continue
		}
		at[key] = len(all)
		all = append(all, f)
		occs = append(occs, slices.Clone(ids))
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

// byCount returns the numbers 0 to n-1 in order of key(i), each below
// keys, and in order of number for one key: a counting sort.
func byCount(keys, n int, key func(i int) int) []int32 {
	at := make([]int32, keys+1)
	for i := range n {
		at[key(i)+1]++
	}
	for k := range keys {
		at[k+1] += at[k]
	}
	out := make([]int32, n)
	for i := range n {
		k := key(i)
		out[at[k]] = int32(i)
		at[k]++
	}
	return out
}

// family makes the Family of the occurrences ids, one passage.
func family(docs []Document, pairs []Pair, occ []occurrence, ids []int32, date dateFunc) Family {
	var f Family
	members := make([]int, len(ids))
	for k, i := range ids {
		members[k] = occ[i].doc
	}
	slices.Sort(members)
	members = slices.Compact(members)
	var first, last int = -1, -1
	f.Members = make([]string, len(members))
	f.Outlets = []string{}
	for k, m := range members {
		d := &docs[m]
		f.Members[k] = d.ID
		if d.Source == "" {
			f.unknownOutlet = true
		} else if !slices.Contains(f.Outlets, d.Source) {
			f.Outlets = append(f.Outlets, d.Source)
		}
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
	slices.Sort(f.Outlets)
	o := &occ[medianOccurrence(occ, ids)]
	ps := &pairs[o.pair].Passages[o.shared]
	st := SharedText{Words: ps.Words, Text: ps.Text}
	if o.b {
		st.Text = ps.TextB
	}
	f.Words, f.Passages = st.Words, []SharedText{st}
	return f
}

// medianOccurrence returns the occurrence of ids of median length (the
// later of two), which a family is shown as: the shortest may be a
// fragment two members share at its edge, the longest run on past it.
func medianOccurrence(occ []occurrence, ids []int32) int32 {
	length := func(i int32) int { return occ[i].last - occ[i].first }
	if len(ids) == 2 { // the sides of one passage: most families
		if length(ids[1]) >= length(ids[0]) {
			return ids[1]
		}
		return ids[0]
	}
	byLen := slices.Clone(ids)
	slices.SortStableFunc(byLen, func(a, b int32) int { return cmp.Compare(length(a), length(b)) })
	return byLen[len(byLen)/2]
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
