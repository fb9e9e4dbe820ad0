// Package jsonl reads the JSON Lines corpora the benchmark programs take,
// leniently: a line that is not a JSON object is skipped.
package jsonl

import (
	"bufio"
	"encoding/json"
	"os"
)

// Each calls fn with each object of the JSON Lines file path, in order.
func Each(path string, fn func(obj map[string]any)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var obj map[string]any
		if json.Unmarshal(sc.Bytes(), &obj) == nil {
			fn(obj)
		}
	}
	return sc.Err()
}
