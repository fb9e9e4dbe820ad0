package report

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/neardup/neardup/detect"
)

// HeatmapMax is the most documents the HTML heatmap shows: the members of
// the largest clusters first, so that a large corpus still draws in a
// moment. Every pair stays in the pair list whatever the cap.
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
// units, as JavaScript strings count.
type htmlData struct {
	Params    detect.Params `json:"params"`
	Stats     detect.Stats  `json:"stats"`
	Docs      []htmlDoc     `json:"docs"`
	Pairs     []htmlPair    `json:"pairs"`
	Clusters  []htmlCluster `json:"clusters"`
	Heat      []int         `json:"heat"` // document indexes, cluster by cluster
	HeatCells [][3]float64  `json:"heatCells"`
	Warnings  []string      `json:"warnings"`
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
	A, B     int      `json:"-"`
	AB       [2]int   `json:"d"`
	Kind     string   `json:"kind"`
	Score    float64  `json:"score"`
	Jaccard  float64  `json:"jaccard"`
	CA       float64  `json:"ca"`
	CB       float64  `json:"cb"`
	Passages [][4]int `json:"p"`
}

type htmlCluster struct {
	ID      int   `json:"id"`
	Members []int `json:"members"`
	Source  int   `json:"source"`
}

// HTML writes r as one self-contained page: a heatmap of the similarity
// matrix with documents grouped by cluster, the clusters, and every pair
// with both texts side by side and the shared passages highlighted and
// linked. texts gives each document's text by index in r.Documents (the
// passages' byte ranges index them); documents in no pair may have none.
//
// Article text is untrusted: the page carries it as JSON data that its
// script places with textContent, never as markup, and keeps only http
// and https URLs.
func HTML(w io.Writer, r Report, texts func(i int) string) error {
	d := htmlData{Params: r.Params, Stats: r.Stats, Warnings: nonNil(r.Warnings), ScriptHash: template.HTMLAttr(scriptHash)}
	inPair := make([]bool, len(r.Documents))
	for _, p := range r.Pairs {
		inPair[p.I], inPair[p.J] = true, true
	}
	d.Docs = make([]htmlDoc, len(r.Documents))
	offsets := make([]map[int]int, len(r.Documents)) // byte → UTF-16 offsets needed
	for i, doc := range r.Documents {
		d.Docs[i] = htmlDoc{ID: doc.ID, Title: doc.Title, Date: doc.Date, Source: doc.Source, URL: safeURL(doc.URL)}
		if inPair[i] {
			d.Docs[i].Text = texts(i)
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
			utf16Offsets(d.Docs[i].Text, m)
		}
	}
	for _, p := range r.Pairs {
		hp := htmlPair{AB: [2]int{p.I, p.J}, Kind: string(p.Kind), Score: round(p.Score), Jaccard: round(p.Jaccard), CA: round(p.ContainmentA), CB: round(p.ContainmentB)}
		for _, ps := range p.Passages {
			hp.Passages = append(hp.Passages, [4]int{offsets[p.I][ps.A.Start], offsets[p.I][ps.A.End], offsets[p.J][ps.B.Start], offsets[p.J][ps.B.End]})
		}
		d.Pairs = append(d.Pairs, hp)
	}
	index := make(map[string]int, len(r.Documents))
	for i, doc := range r.Documents {
		index[doc.ID] = i
	}
	clusters := slices.Clone(r.Clusters)
	slices.SortStableFunc(clusters, func(a, b detect.Cluster) int { return len(b.Members) - len(a.Members) })
	for _, c := range r.Clusters {
		hc := htmlCluster{ID: c.ID, Source: -1} // no member is the others' source
		if c.Source != "" {
			hc.Source = index[c.Source]
		}
		for _, m := range c.Members {
			hc.Members = append(hc.Members, index[m])
		}
		d.Clusters = append(d.Clusters, hc)
	}
	onHeat := map[int]bool{}
	for _, c := range clusters {
		if len(d.Heat)+len(c.Members) > HeatmapMax {
			continue
		}
		for _, m := range c.Members {
			onHeat[index[m]] = true
			d.Heat = append(d.Heat, index[m])
		}
	}
	for _, p := range r.Pairs {
		if onHeat[p.I] && onHeat[p.J] {
			d.HeatCells = append(d.HeatCells, [3]float64{float64(p.I), float64(p.J), round(p.Score)})
		}
	}
	if d.Heat == nil {
		d.Heat = []int{}
	}
	bw := bufio.NewWriter(w)
	if err := pageTmpl.Execute(bw, d); err != nil {
		return err
	}
	return bw.Flush()
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
