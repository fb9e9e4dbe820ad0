// Command htmlmain measures main-text extraction from news pages:
// go-readability (what neardup uses) against go-trafilatura. Articles of
// BBC News (and the seeds) are set in the chrome of a news site (a
// cookie banner, a header with its menu, a share bar, an advertisement,
// related and most-read stories, a footer), half in semantic elements
// (<nav>, <aside>, <footer>) and half in <div>s with class names; each
// extractor's text is scored against the article by its words.
//
//	go run ./cmd/htmlmain -bbc ../../shared/corpora/bbc_news/docs.jsonl -seeds ../testdata/seeds
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"
)

type art struct{ id, title, text string }

func words(s string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		m[w]++
	}
	return m
}

func score(got, want string) (prec, rec float64) {
	g, w := words(got), words(want)
	inter, ng, nw := 0, 0, 0
	for k, v := range g {
		ng += v
		inter += min(v, w[k])
	}
	for _, v := range w {
		nw += v
	}
	if ng == 0 {
		return 0, 0
	}
	return float64(inter) / float64(ng), float64(inter) / float64(nw)
}

func page(a art, rng *rand.Rand, semantic bool, others []art) string {
	paras := strings.Split(a.text, "\n\n")
	if len(paras) < 3 {
		paras = strings.Split(a.text, "\n")
	}
	var b strings.Builder
	tag := func(sem, cls string) (string, string) {
		if semantic {
			return "<" + sem + ` class="` + cls + `">`, "</" + sem + ">"
		}
		return `<div class="` + cls + `">`, "</div>"
	}
	b.WriteString("<!DOCTYPE html><html><head><title>" + a.title + " | Example Daily News</title><meta charset=utf-8></head><body>")
	o, c := tag("div", "cookie-banner")
	b.WriteString(o + "<p>We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies. <a href=/privacy>Privacy policy</a> <button>Accept all</button></p>" + c)
	o, c = tag("header", "site-header")
	b.WriteString(o + `<a href="/" class="logo">Example Daily News</a>`)
	no, nc := tag("nav", "menu main-nav")
	b.WriteString(no + "<ul>")
	for _, s := range []string{"Home", "World", "Business", "Politics", "Technology", "Science", "Health", "Sport", "Culture", "Opinion", "Subscribe", "Sign in"} {
		b.WriteString(`<li><a href="/` + strings.ToLower(s) + `">` + s + "</a></li>")
	}
	b.WriteString("</ul>" + nc + c)
	ao, ac := tag("article", "story")
	b.WriteString(`<main>` + ao + "<h1>" + a.title + `</h1><p class="byline">By Staff Reporter, 26 December 2024</p>`)
	so, sc := tag("div", "share-bar social")
	b.WriteString(so + `<a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email this article</a>` + sc)
	for i, p := range paras {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		b.WriteString("<p>" + p + "</p>")
		if i == len(paras)/2 {
			b.WriteString(`<div class="ad">Advertisement</div>`)
		}
	}
	b.WriteString(ac)
	xo, xc := tag("aside", "related sidebar")
	b.WriteString(xo + "<h2>Related stories</h2><ul>")
	for _, r := range others[:4] {
		first := strings.SplitN(r.text, ". ", 2)[0]
		b.WriteString(`<li><a href="/x">` + r.title + "</a><p>" + first + ".</p></li>")
	}
	b.WriteString("</ul><h2>Most read</h2><ol><li>Markets rally as inflation cools</li><li>Storm warnings issued across the north</li><li>Ten things to watch this week</li></ol>" + xc + "</main>")
	fo, fc := tag("footer", "site-footer")
	b.WriteString(fo + "<p>Copyright 2024 Example Daily News Group. All rights reserved. Registered in England and Wales.</p><ul><li><a href=/about>About us</a></li><li><a href=/contact>Contact</a></li><li><a href=/terms>Terms of use</a></li><li><a href=/privacy>Privacy</a></li><li><a href=/cookies>Cookie settings</a></li></ul><p>Follow us on social media for the latest news and updates from around the world.</p>" + fc)
	b.WriteString("</body></html>")
	return b.String()
}

func main() {
	bbc := flag.String("bbc", "../../shared/corpora/bbc_news/docs.jsonl", "BBC News as JSON Lines")
	seedDir := flag.String("seeds", "../testdata/seeds", "the seed articles")
	n := flag.Int("n", 200, "pages to measure")
	flag.Parse()
	var arts []art
	f, err := os.Open(*bbc)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var o map[string]any
		json.Unmarshal(sc.Bytes(), &o)
		t, _ := o["text"].(string)
		lines := strings.SplitN(t, "\n", 2)
		if len(lines) < 2 {
			continue
		}
		arts = append(arts, art{fmt.Sprint(o["doc_id"]), strings.TrimSpace(lines[0]), strings.TrimSpace(lines[1])})
	}
	seeds, _ := filepath.Glob(filepath.Join(*seedDir, "*.txt"))
	for _, s := range seeds {
		d, _ := os.ReadFile(s)
		arts = append(arts, art{filepath.Base(s), "Syria ambush", string(d)})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(arts), func(i, j int) { arts[i], arts[j] = arts[j], arts[i] })
	sample := arts[:*n]
	type res struct {
		p, r []float64
		dur  time.Duration
	}
	out := map[string]*res{"readability": {}, "trafilatura": {}}
	u, _ := url.Parse("https://news.example.com/story")
	for i, a := range sample {
		html := page(a, rng, i%2 == 0, arts[*n+i%100:])
		t0 := time.Now()
		ra, err := readability.FromReader(strings.NewReader(html), u)
		d := time.Since(t0)
		txt := ""
		if err == nil {
			var sb strings.Builder
			ra.RenderText(&sb)
			txt = sb.String()
		}
		p, r := score(txt, a.text)
		out["readability"].p = append(out["readability"].p, p)
		out["readability"].r = append(out["readability"].r, r)
		out["readability"].dur += d
		t0 = time.Now()
		tr, err := trafilatura.Extract(strings.NewReader(html), trafilatura.Options{OriginalURL: u, ExcludeComments: true})
		d = time.Since(t0)
		txt = ""
		if err == nil && tr != nil {
			txt = tr.ContentText
		}
		p, r = score(txt, a.text)
		out["trafilatura"].p = append(out["trafilatura"].p, p)
		out["trafilatura"].r = append(out["trafilatura"].r, r)
		out["trafilatura"].dur += d
	}
	med := func(x []float64) float64 { s := append([]float64(nil), x...); sort.Float64s(s); return s[len(s)/2] }
	mn := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	low := func(x []float64, t float64) int {
		n := 0
		for _, v := range x {
			if v < t {
				n++
			}
		}
		return n
	}
	for _, k := range []string{"readability", "trafilatura"} {
		r := out[k]
		fmt.Printf("%s: precision mean %.3f median %.3f (<0.9: %d); recall mean %.3f median %.3f (<0.9: %d); %.2f ms/page\n", k, mn(r.p), med(r.p), low(r.p, 0.9), mn(r.r), med(r.r), low(r.r, 0.9), float64(r.dur.Microseconds())/1000/float64(len(sample)))
	}
}
