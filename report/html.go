package report

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

// HeatmapMax is the most members a cluster's heatmap draws.
const HeatmapMax = 400

//go:embed report.html.tmpl
var htmlTemplate string

var pageTmpl = template.Must(template.New("report").Parse(htmlTemplate))

// scriptHash is the Content-Security-Policy source of the page's one
// script, its SHA-256: the policy runs that script and no other, so an
// injection that slipped past the escaping would still not run.
// It is taken from a rendered page, as html/template leaves out the
// script's comments.
var scriptHash = func() string {
	var b strings.Builder
	if err := pageTmpl.Execute(&b, htmlData{}); err != nil {
		panic(err)
	}
	_, after, _ := strings.Cut(b.String(), "<script>")
	script, _, _ := strings.Cut(after, "</script>")
	sum := sha256.Sum256([]byte(script))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

// htmlData is what the page's script reads. Offsets are in UTF-16 code
// units, as JavaScript strings count; documents are referred to by their
// index in Docs, pairs by their index in Pairs (the JSON report's order).
type htmlData struct {
	Summary  summary       `json:"summary"`
	Params   detect.Params `json:"params"`
	Docs     []htmlDoc     `json:"docs"`
	Pairs    []htmlPair    `json:"pairs"`
	Order    []int         `json:"order"` // the pairs as listed: strongest evidence first
	Clusters []htmlCluster `json:"clusters"`
	Families []htmlFamily  `json:"families"`
	Template []htmlFamily  `json:"templates"`
	Warnings []string      `json:"warnings"`
	HeatMax  int           `json:"heatMax"`
	// ScriptHash goes to the page's policy, not its data.
	ScriptHash template.HTMLAttr `json:"-"`
}

type htmlDoc struct {
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Date   string `json:"date,omitempty"`
	Source string `json:"source,omitempty"`
	URL    string `json:"url,omitempty"` // http(s) only
	Text   string `json:"text,omitempty"`
}

type htmlPair struct {
	AB       [2]int   `json:"d"`
	Kind     string   `json:"kind"`
	Score    float64  `json:"score"`
	Jaccard  float64  `json:"jaccard"`
	CA       float64  `json:"ca"`
	CB       float64  `json:"cb"`
	Dir      string   `json:"dir,omitempty"`
	Why      string   `json:"why,omitempty"`
	Cluster  int      `json:"cluster,omitempty"`
	Template bool     `json:"template,omitempty"`
	Words    int      `json:"words"`
	Passages [][4]int `json:"p"`
}

type htmlCluster struct {
	ID      int      `json:"id"`
	Center  int      `json:"center"`
	Members []int    `json:"members"`
	Source  int      `json:"source"` // -1: none is the others' source
	Outlets []string `json:"outlets"`
	First   string   `json:"first,omitempty"`
	Last    string   `json:"last,omitempty"`
	Text    string   `json:"text"` // the longest passage of its pairs
}

type htmlFamily struct {
	ID      int      `json:"id"`
	Members []int    `json:"members"`
	Outlets []string `json:"outlets"`
	First   string   `json:"first,omitempty"`
	Last    string   `json:"last,omitempty"`
	Words   int      `json:"words"`
	Text    string   `json:"text"`
	More    int      `json:"more"` // passages beside the one shown
}

// HTML writes r as one self-contained page that opens on the summary
// with the strongest finding open: the clusters and the syndicated
// passages as lists (a cluster opens on its own heatmap and filters the
// pairs to it), the pairs, searchable by id, title, outlet and passage
// text, and each pair's texts side by side with each shared passage in a
// colour of its own on both sides, linked. texts gives each document's
// text by index in r.Documents (the passages' byte ranges index them);
// documents in no pair may have none. #pair=N opens pair N of the JSON
// report's list, #cluster=N cluster N; j and k move through the pairs.
//
// Article text is untrusted: the page carries it as JSON data that its
// script places with textContent, never as markup, and keeps only http
// and https URLs.
func HTML(w io.Writer, r Report, texts func(i int) string) error {
	d := htmlData{Summary: summarize(&r), Params: r.Params, Warnings: nonNil(r.Warnings), HeatMax: HeatmapMax, ScriptHash: template.HTMLAttr(scriptHash)}
	d.Docs, d.Pairs = htmlDocsAndPairs(&r, texts)
	d.Order = displayOrder(r.Pairs)
	index := make(map[string]int, len(r.Documents))
	for i, doc := range r.Documents {
		index[doc.ID] = i
	}
	d.Clusters = htmlClusters(&r, index)
	d.Families, d.Template = htmlFamilies(r.Syndication, index), htmlFamilies(r.Templates, index)
	bw := bufio.NewWriter(w)
	if err := pageTmpl.Execute(bw, d); err != nil {
		return err
	}
	return bw.Flush()
}

// htmlDocsAndPairs returns the documents, with the texts of those in
// pairs, and the pairs with their passages in UTF-16 offsets.
func htmlDocsAndPairs(r *Report, texts func(i int) string) ([]htmlDoc, []htmlPair) {
	inPair := make([]bool, len(r.Documents))
	for _, p := range r.Pairs {
		inPair[p.I], inPair[p.J] = true, true
	}
	docs := make([]htmlDoc, len(r.Documents))
	offsets := make([]map[int]int, len(r.Documents)) // byte → UTF-16 offsets needed
	for i, doc := range r.Documents {
		docs[i] = htmlDoc{ID: doc.ID, Title: doc.Title, Date: doc.Date, Source: doc.Source, URL: safeURL(doc.URL)}
		if inPair[i] {
			docs[i].Text = texts(i)
			offsets[i] = map[int]int{}
		}
	}
	for _, p := range r.Pairs {
		for _, ps := range p.Passages {
			offsets[p.I][ps.A.Start], offsets[p.I][ps.A.End] = 0, 0
			offsets[p.J][ps.B.Start], offsets[p.J][ps.B.End] = 0, 0
		}
	}
	for i, m := range offsets {
		if m != nil {
			utf16Offsets(docs[i].Text, m)
		}
	}
	pairs := make([]htmlPair, 0, len(r.Pairs))
	for k := range r.Pairs {
		p := &r.Pairs[k]
		hp := htmlPair{AB: [2]int{p.I, p.J}, Kind: string(p.Kind), Score: round(p.Score), Jaccard: round(p.Jaccard), CA: round(p.ContainmentA), CB: round(p.ContainmentB),
			Dir: p.Direction, Why: p.Why, Cluster: p.Cluster, Template: p.Template, Words: words(p), Passages: [][4]int{}}
		for _, ps := range p.Passages {
			hp.Passages = append(hp.Passages, [4]int{offsets[p.I][ps.A.Start], offsets[p.I][ps.A.End], offsets[p.J][ps.B.Start], offsets[p.J][ps.B.End]})
		}
		pairs = append(pairs, hp)
	}
	return docs, pairs
}

// displayOrder lists the pairs as the page shows them: reuse by the
// words of its passages, then near-duplicates, duplicates, candidates
// and template pairs, each by score.
func displayOrder(pairs []detect.Pair) []int {
	rank := func(p *detect.Pair) int {
		switch {
		case p.Template:
			return 4
		case p.Kind == detect.Reuse:
			return 0
		case p.Kind == detect.NearDuplicate:
			return 1
		case p.Kind == detect.Duplicate:
			return 2
		}
		return 3
	}
	order := make([]int, len(pairs))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int {
		pa, pb := &pairs[a], &pairs[b]
		if c := cmp.Compare(rank(pa), rank(pb)); c != 0 {
			return c
		}
		if rank(pa) == 0 {
			return cmp.Compare(words(pb), words(pa))
		}
		return 0 // by score: the pairs' own order
	})
	return order
}

// htmlClusters are r's clusters with their outlets, dates and longest
// passage.
func htmlClusters(r *Report, index map[string]int) []htmlCluster {
	longest := map[int]*detect.Passage{}
	for k := range r.Pairs {
		p := &r.Pairs[k]
		for x := range p.Passages {
			if l := longest[p.Cluster]; p.Cluster != 0 && (l == nil || p.Passages[x].Words > l.Words) {
				longest[p.Cluster] = &p.Passages[x]
			}
		}
	}
	out := make([]htmlCluster, 0, len(r.Clusters))
	for _, c := range r.Clusters {
		hc := htmlCluster{ID: c.ID, Center: index[c.Center], Source: -1, Outlets: []string{}}
		if c.Source != "" {
			hc.Source = index[c.Source]
		}
		outlets := map[string]bool{}
		var first, last time.Time
		for _, m := range c.Members {
			i := index[m]
			hc.Members = append(hc.Members, i)
			doc := &r.Documents[i]
			if doc.Source != "" && !outlets[doc.Source] {
				outlets[doc.Source] = true
				hc.Outlets = append(hc.Outlets, doc.Source)
			}
			if t, ok := corpus.ParseDate(doc.Date); ok {
				if first.IsZero() || t.Before(first) {
					first, hc.First = t, doc.Date
				}
				if t.After(last) {
					last, hc.Last = t, doc.Date
				}
			}
		}
		slices.Sort(hc.Outlets)
		if l := longest[c.ID]; l != nil {
			hc.Text = Quote(l.Text, 300)
		}
		out = append(out, hc)
	}
	return out
}

// htmlFamilies are fs with their members by index and their longest
// passage shown.
func htmlFamilies(fs []detect.Family, index map[string]int) []htmlFamily {
	out := make([]htmlFamily, 0, len(fs))
	for _, f := range fs {
		hf := htmlFamily{ID: f.ID, Outlets: nonNil(f.Outlets), First: f.First, Last: f.Last, Words: f.Words}
		for _, m := range f.Members {
			hf.Members = append(hf.Members, index[m])
		}
		if len(f.Passages) > 0 {
			hf.Text, hf.More = Quote(f.Passages[0].Text, 300), len(f.Passages)-1
		}
		out = append(out, hf)
	}
	return out
}

func round(x float64) float64 { return float64(int(x*10000+0.5)) / 10000 }

// safeURL keeps absolute http and https URLs only.
func safeURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// utf16Offsets replaces each byte offset key of m by its offset in
// UTF-16 code units in s.
func utf16Offsets(s string, m map[int]int) {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	u, b := 0, 0
	for _, k := range keys {
		for b < k && b < len(s) {
			r, size := utf8.DecodeRuneInString(s[b:])
			if r >= 0x10000 {
				u += 2
			} else {
				u++
			}
			b += size
		}
		m[k] = u
	}
}
