// Command gencorpus writes a synthetic news corpus with planted
// syndication, and the ground truth, for neardup's scale and recall runs.
//
// Words are drawn from the vocabulary of a real corpus with their observed
// frequencies (so Zipfian, as text is), and article lengths from its
// observed lengths. Planted among fresh articles, at rates you set:
//
//   - copies: an earlier article again, lightly edited (a word in 30
//     changed, a sentence dropped, a new opening sentence);
//   - paragraphs: two or three paragraphs of an earlier article inside an
//     otherwise new one;
//   - boilerplate: an agency sign-off line, one of a few, at the end of
//     many articles: text that articles share without reuse.
//
// It writes articles as JSON Lines (id, text, date, source) and the truth
// as TSV: a, b, kind, is_reuse, every pair that shares planted text once:
// each source with what it gave, and two articles that took overlapping
// paragraphs of one source ("sibling").
//
//	gencorpus -n 100000 -vocab ../shared/corpora/reuters21578/docs.jsonl -o corpus.jsonl -truth truth.tsv
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/neardup/neardup/benchmarks/internal/jsonl"
)

type vocab struct {
	words []string
	cum   []float64 // cumulative frequency
	lens  []int     // observed article lengths, in words
}

func learn(path string) (*vocab, error) {
	counts := map[string]int{}
	v := &vocab{}
	err := jsonl.Each(path, func(obj map[string]any) {
		text, _ := obj["text"].(string)
		ws := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\'' })
		if len(ws) >= 20 {
			v.lens = append(v.lens, len(ws))
		}
		for _, w := range ws {
			counts[strings.ToLower(w)]++
		}
	})
	if err != nil {
		return nil, err
	}
	for w := range counts {
		v.words = append(v.words, w)
	}
	sort.Slice(v.words, func(i, j int) bool {
		a, b := v.words[i], v.words[j]
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return a < b
	})
	total := 0.0
	for _, w := range v.words {
		total += float64(counts[w])
		v.cum = append(v.cum, total)
	}
	slices.Sort(v.lens)
	if len(v.words) == 0 || len(v.lens) == 0 {
		return nil, fmt.Errorf("%s: no usable text", path)
	}
	return v, nil
}

func (v *vocab) word(rng *rand.Rand) string {
	x := rng.Float64() * v.cum[len(v.cum)-1]
	i, _ := slices.BinarySearch(v.cum, x)
	return v.words[min(i, len(v.words)-1)]
}

// sentence writes n words as a sentence.
func (v *vocab) sentence(b *strings.Builder, rng *rand.Rand, n int) {
	for i := 0; i < n; i++ {
		w := v.word(rng)
		if i == 0 {
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			w = string(r)
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteString(". ")
}

// paragraphs makes about n words of text in paragraphs of 40 to 80 words.
func (v *vocab) paragraphs(rng *rand.Rand, n int) []string {
	var out []string
	for n > 0 {
		size := min(n, 40+rng.IntN(41))
		var b strings.Builder
		for left := size; left > 0; {
			s := min(left, 8+rng.IntN(20))
			v.sentence(&b, rng, s)
			left -= s
		}
		out = append(out, strings.TrimSpace(b.String()))
		n -= size
	}
	return out
}

var boilerplate = []string{
	"(Reporting by the newsroom; Editing by the desk.)",
	"Copyright 2024 The Wire Agency. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
	"Follow our live coverage for the latest updates as the story develops and more information becomes available.",
	"The agency contributed to this report. Additional reporting by staff correspondents in the region.",
}

func main() {
	n := flag.Int("n", 10000, "articles to write")
	vocabPath := flag.String("vocab", "../shared/corpora/reuters21578/docs.jsonl", "JSON Lines corpus to learn words and lengths from")
	out := flag.String("o", "corpus.jsonl", "articles, JSON Lines")
	truthPath := flag.String("truth", "truth.tsv", "planted pairs, TSV")
	copyRate := flag.Float64("copies", 0.02, "share of articles that are lightly edited copies")
	paraRate := flag.Float64("paragraphs", 0.02, "share of articles that take paragraphs of another")
	boilerRate := flag.Float64("boilerplate", 0.2, "share of articles that end with an agency line")
	minWords := flag.Int("min-words", 150, "shortest fresh article")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()

	v, err := learn(*vocabPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	rng := rand.New(rand.NewPCG(*seed, 0x6e656172))
	fo, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	ft, err := os.Create(*truthPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(fo, 1<<20)
	tw := bufio.NewWriter(ft)
	fmt.Fprintln(tw, "a\tb\tkind\tis_reuse")

	// A window of recent articles to copy from, as syndication copies
	// what is fresh.
	const recent = 2000
	var pool [][]string // paragraphs of recent fresh articles
	var poolIDs []string
	// takers[source] lists the articles built on it and the source
	// paragraphs each took, to find siblings.
	type taker struct {
		id    string
		paras []int
	}
	takers := map[string][]taker{}
	enc := json.NewEncoder(w)
	var planted, copies, paras int
	for i := 0; i < *n; i++ {
		id := fmt.Sprintf("a%07d", i)
		var paragraphs []string
		r := rng.Float64()
		switch {
		case r < *copyRate && len(pool) > 0:
			j := rng.IntN(len(pool))
			src := pool[j]
			var b strings.Builder
			v.sentence(&b, rng, 10+rng.IntN(10)) // a new opening sentence
			paragraphs = append(paragraphs, strings.TrimSpace(b.String()))
			drop := rng.IntN(len(src))
			var took []int
			for k, p := range src {
				if k == drop && len(src) > 3 {
					continue
				}
				took = append(took, k)
				ws := strings.Fields(p)
				for x := rng.IntN(30); x < len(ws); x += 30 {
					ws[x] = v.word(rng)
				}
				paragraphs = append(paragraphs, strings.Join(ws, " "))
			}
			fmt.Fprintf(tw, "%s\t%s\tcopy\t1\n", poolIDs[j], id)
			takers[poolIDs[j]] = append(takers[poolIDs[j]], taker{id, took})
			planted++
			copies++
		case r < *copyRate+*paraRate && len(pool) > 0:
			j := rng.IntN(len(pool))
			src := pool[j]
			take := min(len(src), 2+rng.IntN(2))
			start := rng.IntN(len(src) - take + 1)
			own := v.paragraphs(rng, *minWords+rng.IntN(200))
			at := rng.IntN(len(own) + 1)
			paragraphs = append(paragraphs, own[:at]...)
			paragraphs = append(paragraphs, src[start:start+take]...)
			paragraphs = append(paragraphs, own[at:]...)
			fmt.Fprintf(tw, "%s\t%s\tparagraphs\t1\n", poolIDs[j], id)
			var took []int
			for k := start; k < start+take; k++ {
				took = append(took, k)
			}
			takers[poolIDs[j]] = append(takers[poolIDs[j]], taker{id, took})
			planted++
			paras++
		default:
			length := max(*minWords, v.lens[rng.IntN(len(v.lens))])
			paragraphs = v.paragraphs(rng, length)
			if len(pool) < recent {
				pool = append(pool, paragraphs)
				poolIDs = append(poolIDs, id)
			} else {
				k := rng.IntN(recent)
				pool[k], poolIDs[k] = paragraphs, id
			}
		}
		text := strings.Join(paragraphs, "\n\n")
		if rng.Float64() < *boilerRate {
			text += "\n\n" + boilerplate[rng.IntN(len(boilerplate))]
		}
		enc.Encode(map[string]string{"id": id, "text": text, "date": fmt.Sprintf("2024-12-%02d", 1 + i*28 / *n), "source": fmt.Sprintf("outlet-%d", rng.IntN(50))})
	}
	sources := make([]string, 0, len(takers))
	for src := range takers {
		sources = append(sources, src)
	}
	slices.Sort(sources)
	siblings := 0
	for _, src := range sources {
		ts := takers[src]
		for a := range ts {
			for b := a + 1; b < len(ts); b++ {
				shared := 0
				for _, p := range ts[a].paras {
					if slices.Contains(ts[b].paras, p) {
						shared++
					}
				}
				if shared > 0 {
					fmt.Fprintf(tw, "%s\t%s\tsibling\t1\n", ts[a].id, ts[b].id)
					siblings++
				}
			}
		}
	}
	planted += siblings
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	tw.Flush()
	fo.Close()
	ft.Close()
	fmt.Fprintf(os.Stderr, "gencorpus: %d articles, %d pairs sharing planted text (%d copies, %d shared paragraphs, %d siblings)\n", *n, planted, copies, paras, siblings)
}
