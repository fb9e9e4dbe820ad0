package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/neardup/neardup/detect"
)

// CSV writes one row a pair, with a header row: for each side its id,
// title, date and source, then the pair's kind, score, direction and
// figures, its cluster, whether it is a template's, its passages and
// the text of its longest. Text fields are Neutral.
func CSV(w io.Writer, r Report) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	header := []string{"a", "title_a", "date_a", "source_a", "b", "title_b", "date_b", "source_b", "kind", "score", "direction",
		"jaccard", "containment_a", "containment_b", "coverage_a", "coverage_b", "shared_shingles", "cluster", "template",
		"passages", "passage_words", "longest_passage"}
	if r.Summary != nil {
		header = slices.Insert(header, 8, "status_a", "status_b")
	}
	cw.Write(header)
	cw.Flush()
	// Rows are encoded on all cores, directly (as a csv.Writer would:
	// TestCSVRowMatchesEncodingCSV).
	err := encodeEach(bw, len(r.Pairs), func(b []byte, from, to int) ([]byte, error) {
		for k := range r.Pairs[from:to] {
			p := &r.Pairs[from+k]
			a, d := docOf(r, p.I), docOf(r, p.J)
			if r.Summary != nil {
				b = appendCSVRow(b, p, a, d, a.Status, d.Status)
			} else {
				b = appendCSVRow(b, p, a, d)
			}
		}
		return b, nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// docOf is document i of r, or an empty one if r does not list it.
func docOf(r Report, i int) *detect.Document {
	if i >= 0 && i < len(r.Documents) {
		return &r.Documents[i]
	}
	return &detect.Document{}
}

// appendCSVRow appends p's row of the CSV report, as a csv.Writer
// writes it; a and b are its documents.
func appendCSVRow(b []byte, p *detect.Pair, a, d *detect.Document, statuses ...string) []byte {
	words, longest := 0, -1
	for i := range p.Passages {
		words += p.Passages[i].Words
		if longest < 0 || p.Passages[i].Words > p.Passages[longest].Words {
			longest = i
		}
	}
	b = appendCSVField(b, Neutral(p.A))
	for _, s := range [...]string{a.Title, a.Date, a.Source, p.B, d.Title, d.Date, d.Source} {
		b = appendCSVField(append(b, ','), Neutral(s))
	}
	for _, s := range statuses {
		b = appendCSVField(append(b, ','), s)
	}
	b = appendCSVField(append(b, ','), string(p.Kind))
	b = appendFixed(append(b, ','), p.Score, 4)
	b = appendCSVField(append(b, ','), p.Direction)
	for _, f := range [...]float64{p.Jaccard, p.ContainmentA, p.ContainmentB, p.CoverageA, p.CoverageB} {
		b = appendFixed(append(b, ','), f, 4)
	}
	b = strconv.AppendInt(append(b, ','), int64(p.Shared), 10)
	b = strconv.AppendInt(append(b, ','), int64(p.Cluster), 10)
	b = strconv.AppendBool(append(b, ','), p.Template)
	b = strconv.AppendInt(append(b, ','), int64(len(p.Passages)), 10)
	b = strconv.AppendInt(append(b, ','), int64(words), 10)
	text := ""
	if longest >= 0 {
		text = p.Passages[longest].Text
	}
	b = appendCSVField(append(b, ','), Neutral(text))
	return append(b, '\n')
}

// appendCSVField appends s as a field of a csv.Writer with the default
// comma and line ends: quoted, with its quotes doubled, when it holds a
// comma, quote, CR or LF, starts with white space, or is \.
func appendCSVField(b []byte, s string) []byte {
	quote := s == `\.`
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			quote = true
		}
	}
	if !quote && s != "" {
		r, _ := utf8.DecodeRuneInString(s)
		quote = unicode.IsSpace(r)
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(append(b, s[:i+1]...), '"')
		s = s[i+1:]
	}
	return append(append(b, s...), '"')
}

// Neutral returns s as a spreadsheet cell that cannot be a formula: with
// a ' before it when it starts with =, +, -, @, a tab or a carriage
// return (OWASP's rule for CSV injection). Ids are untrusted text.
func Neutral(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// ff formats a figure with four decimals.
func ff(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

// DefaultDenseMax is the largest number of documents whose matrix Matrix
// writes dense.
const DefaultDenseMax = 500

// Matrix writes the similarity matrix of the reported pairs' scores as
// CSV. Up to denseMax documents it is dense: a header row of ids, then a
// row a document starting with its id, 1 on the diagonal and an empty
// cell for a pair not reported (never verified, or below the least score
// reported: the report does not say which, and 0 would claim a figure). Above denseMax it is sparse: a header "a,b,score" and one
// row a reported pair, both orders omitted.
func Matrix(w io.Writer, r Report, denseMax int) error {
	cw := csv.NewWriter(w)
	n := len(r.Documents)
	if n > denseMax {
		cw.Write([]string{"a", "b", "score"})
		pairs := slices.Clone(r.Pairs)
		slices.SortFunc(pairs, func(p, q detect.Pair) int {
			if p.I != q.I {
				return p.I - q.I
			}
			return p.J - q.J
		})
		for _, p := range pairs {
			cw.Write([]string{Neutral(p.A), Neutral(p.B), ff(p.Score)})
		}
		cw.Flush()
		return cw.Error()
	}
	score := make(map[[2]int]float64, len(r.Pairs))
	for _, p := range r.Pairs {
		score[[2]int{p.I, p.J}] = p.Score
		score[[2]int{p.J, p.I}] = p.Score
	}
	row := make([]string, n+1)
	row[0] = "id"
	for i, d := range r.Documents {
		row[i+1] = Neutral(d.ID)
	}
	cw.Write(row)
	for i, d := range r.Documents {
		row[0] = Neutral(d.ID)
		for j := range r.Documents {
			switch s, ok := score[[2]int{i, j}]; {
			case i == j:
				row[j+1] = "1"
			case ok:
				row[j+1] = ff(s)
			default:
				row[j+1] = ""
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
