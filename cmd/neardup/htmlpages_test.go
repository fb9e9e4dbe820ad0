package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newsPage wraps story in the chrome of one news site: a cookie banner, a
// header with its menu, a share bar, related stories, a footer.
func newsPage(title, story string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><title>` + title + ` | Example Daily News</title></head><body>`)
	b.WriteString(`<div class="cookie-banner"><p>We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies and our privacy policy.</p><button>Accept all cookies</button></div>`)
	b.WriteString(`<header><a href="/" class="logo">Example Daily News</a><nav class="menu"><ul>`)
	for _, s := range []string{"Home", "World", "Business", "Politics", "Technology", "Science", "Health", "Sport", "Culture", "Opinion", "Subscribe today for unlimited access", "Sign in to your account"} {
		b.WriteString(`<li><a href="/s">` + s + `</a></li>`)
	}
	b.WriteString(`</ul></nav></header><main><article><h1>` + title + `</h1>`)
	b.WriteString(`<div class="share-bar"><a href="#">Share this story on Facebook</a> <a href="#">Share this story on X</a> <a href="#">Email this story to a friend</a></div>`)
	for _, p := range strings.Split(story, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + p + "</p>")
		}
	}
	b.WriteString(`</article><aside class="related"><h2>Most read on Example Daily News this week</h2><ol><li>Markets rally as inflation cools across the region</li><li>Storm warnings issued for the whole of the north coast</li><li>Ten things to watch in the week ahead in politics</li></ol></aside></main>`)
	b.WriteString(`<footer><p>Copyright 2024 Example Daily News Group. All rights reserved. Registered in England and Wales, company number 01234567.</p><p>Follow us on social media for the latest news and updates from around the world, every day of the year.</p></footer></body></html>`)
	return b.String()
}

// TestHTMLPagesMainText scans articles of one site, each in its menu,
// footer and banners. Three that share no copy (seeds 001, 002, 004):
// read whole, the site's chrome pairs them; by their main text (the
// default), none pairs. Two that share AFP copy (000, 003): one reuse
// pair.
func TestHTMLPagesMainText(t *testing.T) {
	pages := func(names ...string) string {
		dir := t.TempDir()
		for _, name := range names {
			text, err := os.ReadFile(filepath.Join(seeds, name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, name+".html"), []byte(newsPage("Syria: "+name[:3], string(text))), 0o644)
		}
		return dir
	}
	unrelated := pages("001_738776c30edf6c3b", "002_15e53ee8a311c0d5", "004_dca1ace3defc5cb9")
	_, full, _ := neardup(t, "scan", "-q", "--format", "csv", "--html-mode", "full", unrelated)
	if n := len(pairRows(t, full)); n == 0 {
		t.Fatalf("read whole, the pages make no pair; the test needs chrome that pairs them")
	}
	code, out, errs := neardup(t, "scan", "-q", "--format", "csv", unrelated)
	if rows := pairRows(t, out); code != 0 || len(rows) != 0 {
		t.Errorf("three unrelated stories in one site's pages: exit %d, pairs %q\n%s", code, rows, errs)
	}
	code, out, errs = neardup(t, "scan", "-q", "--format", "csv", pages("000_a86943d9168e89d9", "003_c20ac59b2d2f44c9"))
	rows := pairRows(t, out)
	if code != 0 || len(rows) != 1 || !strings.HasPrefix(rows[0], "000_a86943d9168e89d9.html,003_c20ac59b2d2f44c9.html,reuse,") {
		t.Errorf("two stories that share a paragraph: exit %d, pairs %q, want one reuse pair\n%s", code, rows, errs)
	}
}
