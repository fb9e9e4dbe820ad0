// Command ekzhuscan is the peer neardup is timed against: a
// straightforward program on github.com/ekzhu/minhash-lsh that finds the
// candidate near-duplicate pairs of a JSON Lines corpus (word 5-shingles,
// 128 hashes, Jaccard threshold 0.5) and prints how many it found. It does
// not verify candidates nor look for partial reuse.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"unicode"

	minhashlsh "github.com/ekzhu/minhash-lsh"
	"github.com/neardup/neardup/benchmarks/internal/jsonl"
)

func main() {
	idField := flag.String("id-field", "id", "JSON field of the id")
	textField := flag.String("text-field", "text", "JSON field of the text")
	k := flag.Int("k", 5, "words per shingle")
	threshold := flag.Float64("threshold", 0.5, "Jaccard threshold")
	flag.Parse()
	lsh := minhashlsh.NewMinhashLSH64(128, *threshold)
	sigs := map[string][]uint64{}
	var ids []string
	err := jsonl.Each(flag.Arg(0), func(obj map[string]any) {
		id := fmt.Sprint(obj[*idField])
		text, _ := obj[*textField].(string)
		words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len(words) < *k {
			return
		}
		m := minhashlsh.NewMinhash(1, 128)
		for i := 0; i+*k <= len(words); i++ {
			m.Push([]byte(strings.Join(words[i:i+*k], " ")))
		}
		sig := append([]uint64(nil), m.Signature()...)
		lsh.Add(id, sig)
		sigs[id] = sig
		ids = append(ids, id)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	lsh.Index()
	pairs := 0
	for _, id := range ids {
		for _, other := range lsh.Query(sigs[id]) {
			if o := other.(string); o > id {
				pairs++
			}
		}
	}
	fmt.Printf("%d documents, %d candidate pairs\n", len(ids), pairs)
}
