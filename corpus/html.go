package corpus

import (
	"net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLMode says what of an HTML page is its text.
type HTMLMode int

const (
	// HTMLMain keeps the article's main text: navigation, header, footer,
	// asides, menus, share bars and cookie banners are left out, as
	// go-readability (a port of Mozilla's Readability) finds them. A page
	// in which it finds no article is read whole.
	HTMLMain HTMLMode = iota
	// HTMLFull keeps all the visible text of a page.
	HTMLFull
)

// parseHTML returns the text of an HTML page, its main text (HTMLMain)
// or all of it, and its title, date, source and URL from the <title>
// element and the usual <meta> tags (Open Graph, article:*).
func parseHTML(s string, mode HTMLMode) Doc {
	doc := parseFullHTML(s)
	if mode == HTMLFull {
		return doc
	}
	if text := mainText(s); text != "" {
		doc.Text = text
	}
	return doc
}

// mainText returns the main text of page s, a block a line as
// parseFullHTML writes them, or "" when extraction finds none.
func mainText(s string) (text string) {
	defer func() {
		if recover() != nil { // a page that breaks the extractor is read whole
			text = ""
		}
	}()
	// The page's address only resolves links, which the text does not keep.
	page := &url.URL{Scheme: "https", Host: "page.invalid", Path: "/"}
	a, err := readability.FromReader(strings.NewReader(s), page)
	if err != nil || a.Node == nil {
		return ""
	}
	var b strings.Builder
	if a.RenderText(&b) != nil {
		return ""
	}
	lines := strings.Split(b.String(), "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// parseFullHTML returns the visible text of an HTML page, with block
// elements on lines of their own, and its metadata (parseHTML).
//
// It is one walk of the token stream with a case for each kind of token,
// clearer whole than cut into pieces.
func parseFullHTML(s string) Doc {
	var doc Doc
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside elements whose text is not shown
	inTitle := false
	newline := func() {
		str := b.String()
		if len(str) > 0 && !strings.HasSuffix(str, "\n") {
			b.WriteByte('\n')
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			doc.Text = strings.TrimSpace(b.String())
			return doc
		case html.TextToken:
			if inTitle && doc.Title == "" {
				doc.Title = strings.TrimSpace(string(z.Text()))
				continue
			}
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object, atom.Head:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Title:
				inTitle = tt == html.StartTagToken
			case atom.Meta:
				if hasAttr {
					meta(&doc, z)
				}
			case atom.Br:
				b.WriteByte('\n')
			default:
				if block[a] {
					newline()
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object, atom.Head:
				if skip > 0 {
					skip--
				}
			case atom.Title:
				inTitle = false
			default:
				if block[a] {
					newline()
				}
			}
		}
	}
}

func meta(doc *Doc, z *html.Tokenizer) {
	var key, content string
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "name", "property", "itemprop":
			key = strings.ToLower(string(v))
		case "content":
			content = strings.TrimSpace(string(v))
		}
		if !more {
			break
		}
	}
	switch key {
	case "article:published_time", "date", "pubdate", "datepublished", "dc.date":
		if doc.Date == "" {
			doc.Date = content
		}
	case "og:site_name", "publisher":
		if doc.Source == "" {
			doc.Source = content
		}
	case "og:url":
		if doc.URL == "" {
			doc.URL = content
		}
	case "og:title":
		if doc.Title == "" {
			doc.Title = content
		}
	}
}

var block = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Tr: true,
	atom.Td: true, atom.Th: true, atom.Table: true, atom.Blockquote: true, atom.Pre: true,
	atom.Article: true, atom.Section: true, atom.Header: true, atom.Footer: true, atom.Main: true,
	atom.Aside: true, atom.Nav: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true,
	atom.Dd: true, atom.Dt: true, atom.Dl: true, atom.Address: true, atom.Body: true,
}
