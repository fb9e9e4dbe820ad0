package detect

import "github.com/neardup/neardup/corpus"

// Kind is what a verified pair is: Duplicate, NearDuplicate, Reuse or
// Candidate.
type Kind string

// Kinds of pairs.
const (
	// Duplicate pairs have the same normalised text.
	Duplicate Kind = "duplicate"
	// NearDuplicate pairs have whole-document Jaccard similarity at or
	// above the threshold.
	NearDuplicate = "near-duplicate"
	// Reuse pairs share passages that cover at least the reuse score of
	// one of the two documents and hold MinEvidence shingles together.
	Reuse = "reuse"
	// Candidate pairs were verified but fall below every decision; they
	// are reported only when MinScore is below ReuseScore, and only if
	// they share a shingle.
	Candidate = "candidate"
)

// Document is a document of the corpus with its figures.
type Document struct {
	corpus.Doc
	// Tokens and Shingles count the document's tokens and shingles.
	Tokens   int `json:"tokens"`
	Shingles int `json:"shingles"`
	// Status is set by the index's commands: StatusNew, StatusChanged or
	// StatusIndexed; a scan leaves it empty.
	Status string `json:"status,omitempty"`
}

// Summary counts what a run against an index saw and found.
type Summary struct {
	// New, Changed and Unchanged count the documents given.
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	// Pairs is the number of pairs reported.
	Pairs int `json:"pairs"`
	// Earlier is how many of them earlier runs found but did not deliver
	// (they were interrupted, or failed before their report was written).
	Earlier int `json:"earlier_pairs"`
}

// Statuses of a document in a run against an index.
const (
	// StatusNew documents were not in the index before.
	StatusNew = "new"
	// StatusChanged documents were indexed with another text or metadata.
	StatusChanged = "changed"
	// StatusIndexed documents were in the index already and are reported
	// as the other side of a new or changed one.
	StatusIndexed = "indexed"
)

// Span is a byte range [Start, End) of a document's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Passage is a passage two documents share.
type Passage struct {
	// A and B are the passage's byte ranges in the pair's documents.
	A Span `json:"a"`
	B Span `json:"b"`
	// Words is the length of the passage in A, in tokens.
	Words int `json:"words"`
	// Text and TextB are the passage as it stands in A and in B.
	Text  string `json:"text"`
	TextB string `json:"text_b"`

	// inA and inB are the passage's shingles in A and B, from
	// verification until evidence turns them into A and B.
	inA, inB shingleRange
}

// shingleRange is the shingles First to Last, both included, of a
// document.
type shingleRange struct{ First, Last int }

// Pair is a verified pair of documents. A precedes B in document order.
type Pair struct {
	A    string `json:"a"`
	B    string `json:"b"`
	Kind Kind   `json:"kind"`
	// Score is the figure the decision is made on: the largest of the
	// Jaccard similarity and the two coverages.
	Score float64 `json:"score"`
	// Jaccard is |A∩B|/|A∪B| over the documents' shingle sets.
	Jaccard float64 `json:"jaccard"`
	// ContainmentA is |A∩B|/|A|, the share of A's shingles found in B;
	// ContainmentB likewise for B.
	ContainmentA float64 `json:"containment_a"`
	ContainmentB float64 `json:"containment_b"`
	// CoverageA is the share of A's tokens inside shared passages;
	// CoverageB likewise for B.
	CoverageA float64 `json:"coverage_a"`
	CoverageB float64 `json:"coverage_b"`
	// Shared is the number of distinct shingles the documents share.
	Shared int `json:"shared_shingles"`
	// Passages are the shared passages in order of their place in A.
	Passages []Passage `json:"passages"`
	// Direction says which way the shared text went, where the pair
	// shows it: AToB, BToA or Common (SetDirections); Why says on what
	// grounds.
	Direction string `json:"direction"`
	Why       string `json:"direction_reason"`
	// Cluster is the ID of the document cluster both documents are in,
	// 0 if none is.
	Cluster int `json:"cluster"`
	// Template is set when every passage of the pair is a template's
	// (Result.Templates): an outlet's boilerplate, not syndication.
	Template bool `json:"template"`

	// I and J are the indexes of A and B in Result.Documents.
	I int `json:"-"`
	J int `json:"-"`
}

// Cluster is a document cluster: a center and the documents it shares a
// passage with (see Group).
type Cluster struct {
	ID int `json:"id"`
	// Center is the member every other member has a reported pair with.
	Center  string   `json:"center"`
	Members []string `json:"members"`
	// Source is the member that is the source of every other (a pair
	// with each of them runs from it, see Pair.Direction), or empty: none
	// is.
	Source string `json:"source,omitempty"`
}

// Stats count the work of a run.
type Stats struct {
	// Candidates is the number of document pairs verified exactly.
	Candidates int `json:"candidates"`
	// StockShingles is the number of distinct shingles found stock,
	// when counted exactly.
	StockShingles int `json:"stock_shingles"`
	// StockSketched is set when the corpus was too large to count
	// shingle frequencies exactly and a count-min sketch decided stock.
	StockSketched bool `json:"stock_sketched,omitempty"`
}

// Result is the outcome of a run.
type Result struct {
	Params    Params     `json:"params"`
	Stats     Stats      `json:"stats"`
	Documents []Document `json:"documents"`
	Pairs     []Pair     `json:"pairs"`
	Clusters  []Cluster  `json:"clusters"`
	// Syndication are the passages several documents carry; Templates
	// those an outlet repeats across its own articles (see Family).
	Syndication []Family `json:"syndication"`
	Templates   []Family `json:"templates"`
}
