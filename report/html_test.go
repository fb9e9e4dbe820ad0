package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/detect"
)

var screenshot = flag.String("screenshot", "", "save a screenshot of the seeds report to this PNG file")

// payload is article text that would run script if a report ever put it
// into the page as markup.
const payload = `Breaking: <script>document.documentElement.dataset.pwned = "script"</script>
<img src="x" onerror="document.documentElement.dataset.pwned = 'onerror'"> and a <a href="javascript:document.documentElement.dataset.pwned='link'">link</a>.
</script><script>document.documentElement.dataset.pwned = "breakout"</script>`

// hostileCorpus is the seeds plus two hostile articles that share text,
// so that they form a pair whose texts the report shows.
func hostileCorpus(t *testing.T) (Report, []corpus.Doc) {
	t.Helper()
	var docs []corpus.Doc
	r := corpus.Reader{}
	if err := r.Walk(context.Background(), []string{"../testdata/seeds"}, func(d corpus.Doc) error { docs = append(docs, d); return nil }); err != nil {
		t.Fatal(err)
	}
	shared := strings.Repeat("The ministry said the convoy was attacked near the coast on Wednesday evening. ", 3)
	docs = append(docs,
		corpus.Doc{ID: "zz-hostile-1.txt", Text: payload + "\n" + shared, Title: `</script><script>document.documentElement.dataset.pwned="title"</script>`, URL: "javascript:document.documentElement.dataset.pwned='url'"},
		corpus.Doc{ID: "zz-hostile-2.txt", Text: shared + "\n" + payload, Source: `<b onmouseover="x()">outlet</b>`},
	)
	res, err := detect.Run(context.Background(), docs, detect.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return Report{Result: res}, docs
}

func writeHTML(t *testing.T, rep Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, rep, func(i int) string { return rep.Documents[i].Text }); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHTMLEscaping checks the page's bytes: article text appears only as
// escaped JSON data, and no unsafe URL survives.
func TestHTMLEscaping(t *testing.T) {
	rep, _ := hostileCorpus(t)
	data, _ := os.ReadFile(writeHTML(t, rep))
	page := string(data)
	if n := strings.Count(page, "<script"); n != 2 {
		t.Errorf("%d <script elements, want 2 (the data and the page's own)", n)
	}
	for _, bad := range []string{"<img", "onerror=\"", "</script><script>document", `"url":"javascript`} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(page, `\u003cscript\u003e`) {
		t.Error("the hostile text is not in the data, escaped")
	}
	// The policy names the page's script by its hash: an injected one
	// would not run (TestHTMLInBrowser shows the page's own does).
	if !strings.Contains(page, "script-src 'sha256-") || strings.Contains(page, "script-src 'unsafe-inline'") {
		t.Error("the Content-Security-Policy does not name the page's script by its hash")
	}
	for _, ext := range []string{"http://", "https://", "src=\"//"} {
		if strings.Contains(page, ext) {
			t.Errorf("page refers to %q: it must be self-contained", ext)
		}
	}
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH: .ci/run installs Debian's chromium package")
	}
	t.Skip("no chromium on PATH: install Debian's chromium package to run the browser tests")
	return ""
}

// browse loads a page in headless Chromium, lets its script run, and
// returns the DOM as serialised after it ran.
func browse(t *testing.T, bin, page string, extra ...string) string {
	t.Helper()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=5000"}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append(args, page)...).Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", extra, err)
	}
	return string(out)
}

func pairNumber(rep Report, a, b string) int {
	for k, p := range rep.Pairs {
		if p.A == a && p.B == b {
			return k + 1
		}
	}
	return 0
}

// TestHTMLInBrowser loads the seeds report in a real browser and reads
// the DOM: the 000/003 pair is there with the minister's quote marked on
// both sides, and nothing from the article texts ran.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	rep, _ := hostileCorpus(t)
	path := writeHTML(t, rep)
	k := pairNumber(rep, "000_a86943d9168e89d9.txt", "003_c20ac59b2d2f44c9.txt")
	if k == 0 {
		t.Fatal("no 000/003 pair in the result")
	}
	dom := browse(t, bin, "file://"+path+"#pair="+strconv.Itoa(k), "--dump-dom")
	if !regexp.MustCompile(`data-ready="\d+"`).MatchString(dom) {
		t.Fatal("the page's script did not finish")
	}
	paneA := between(dom, `id="pane-a"`, `id="pane-b"`)
	paneB := between(dom, `id="pane-b"`, `</section>`)
	quote := "14 interior ministry personnel were killed and 10 others wounded"
	for name, pane := range map[string]string{"A": paneA, "B": paneB} {
		if !regexp.MustCompile(`<mark class="c\d" data-p="\d+">[^<]*` + quote).MatchString(pane) {
			t.Errorf("pane %s: the quote is not highlighted", name)
		}
	}
	if !strings.Contains(paneA, "000_a86943d9168e89d9.txt") || !strings.Contains(paneB, "003_c20ac59b2d2f44c9.txt") {
		t.Error("the panes do not show 000 and 003")
	}
	h := pairNumber(rep, "zz-hostile-1.txt", "zz-hostile-2.txt")
	if h == 0 {
		t.Fatal("the hostile articles did not pair")
	}
	dom = browse(t, bin, "file://"+path+"#pair="+strconv.Itoa(h), "--dump-dom")
	if strings.Contains(dom, "data-pwned") {
		t.Fatalf("script from article text ran: %s", regexp.MustCompile(`data-pwned="[^"]*"`).FindString(dom))
	}
	panes := between(dom, `id="panes"`, `</section>`)
	if !strings.Contains(panes, "&lt;script&gt;document.documentElement") || strings.Contains(panes, "<img") ||
		regexp.MustCompile(`<a [^>]*href="javascript:`).MatchString(panes) || strings.Contains(panes, "<b ") {
		t.Errorf("hostile text not shown as text:\n%s", panes)
	}
	if *screenshot != "" {
		seedsOnly := rep
		seedsOnly.Result = onlySeeds(t)
		p := writeHTML(t, seedsOnly)
		browse(t, bin, "file://"+p+"#pair=1", "--screenshot="+mustAbs(t, *screenshot), "--window-size=1400,1900")
		if fi, err := os.Stat(*screenshot); err != nil || fi.Size() == 0 {
			t.Errorf("no screenshot: %v", err)
		}
	}
}

func onlySeeds(t *testing.T) *detect.Result {
	var docs []corpus.Doc
	(&corpus.Reader{}).Walk(context.Background(), []string{"../testdata/seeds"}, func(d corpus.Doc) error { docs = append(docs, d); return nil })
	res, err := detect.Run(context.Background(), docs, detect.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// between returns the part of s after the first from and before the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func TestUTF16Offsets(t *testing.T) {
	s := "a’b😀c" // ’ is 3 bytes and 1 UTF-16 unit; 😀 is 4 bytes and 2 units
	m := map[int]int{0: 0, 1: 0, 4: 0, 5: 0, 9: 0, 10: 0}
	utf16Offsets(s, m)
	want := map[int]int{0: 0, 1: 1, 4: 2, 5: 3, 9: 5, 10: 6}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("byte %d: UTF-16 offset %d, want %d", k, m[k], v)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.dw.com/en/a": "https://www.dw.com/en/a",
		"javascript:alert(1)":     "",
		"JaVaScRiPt:alert(1)":     "",
		"data:text/html,x":        "",
		"//evil.example/x":        "",
		"":                        "",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

var screenshotBBC = flag.String("screenshot-bbc", "", "save a screenshot of BBC News' report to this PNG file")

// bbcReport is the scan of BBC News from ../shared, or a skip without it.
func bbcReport(t *testing.T) Report {
	t.Helper()
	path := "../../shared/corpora/bbc_news/docs.jsonl"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no ../shared/corpora/bbc_news (see shared/README.md)")
	}
	var docs []corpus.Doc
	r := corpus.Reader{IDField: "doc_id"}
	if err := r.Walk(context.Background(), []string{path}, func(d corpus.Doc) error { docs = append(docs, d); return nil }); err != nil {
		t.Fatal(err)
	}
	res, err := detect.Run(context.Background(), docs, detect.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return Report{Result: res}
}

// TestHTMLAtScale loads BBC News' report in a real browser: it opens on
// the summary with the strongest reuse pair open; #cluster=1 opens the
// largest cluster's heatmap, labelled, and narrows the pairs to it.
func TestHTMLAtScale(t *testing.T) {
	bin := chromium(t)
	rep := bbcReport(t)
	path := writeHTML(t, rep)
	dom := browse(t, bin, "file://"+path, "--dump-dom")
	if !regexp.MustCompile(`data-ready="\d+"`).MatchString(dom) {
		t.Fatal("the page's script did not finish")
	}
	strongest := displayOrder(rep.Pairs)[0]
	p := rep.Pairs[strongest]
	if p.Kind != detect.Reuse || !strings.Contains(dom, "Pair "+strconv.Itoa(strongest+1)+": reuse") ||
		!strings.Contains(between(dom, `id="pane-a"`, `id="pane-b"`), ">"+p.A+"<") {
		t.Errorf("the strongest reuse pair (%d, %s ~ %s) is not open at load", strongest+1, p.A, p.B)
	}
	for _, want := range []string{"<b>2225</b>documents", "<b>397</b>pairs: 228 reuse, 66 near-duplicate, 103 duplicate", "Cluster 1 · 7 articles"} {
		if !strings.Contains(dom, want) {
			t.Errorf("no %q in the page", want)
		}
	}
	c := rep.Clusters[0]
	dom = browse(t, bin, "file://"+path+"#cluster=1", "--dump-dom")
	inCluster := 0
	for _, q := range rep.Pairs {
		if q.Cluster == 1 {
			inCluster++
		}
	}
	if !strings.Contains(dom, `id="heat-box" style="display: block;"`) || !strings.Contains(dom, "Cluster 1: "+strconv.Itoa(len(c.Members))+" articles around "+c.Center) {
		t.Error("#cluster=1 did not open the cluster's heatmap")
	}
	if !strings.Contains(dom, strconv.Itoa(inCluster)+" of 397 pairs") {
		t.Errorf("#cluster=1 does not narrow the pairs to its %d", inCluster)
	}
	if *screenshotBBC != "" {
		browse(t, bin, "file://"+path, "--screenshot="+mustAbs(t, *screenshotBBC), "--window-size=1400,1100")
	}
}
