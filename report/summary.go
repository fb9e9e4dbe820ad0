package report

import "github.com/neardup/neardup/detect"

// summary is what every format leads with: what the report holds, and
// for a run against an index what it was given.
type summary struct {
	Documents int  `json:"documents"`
	New       *int `json:"new,omitempty"`
	Changed   *int `json:"changed,omitempty"`
	Unchanged *int `json:"unchanged,omitempty"`
	Pairs     int  `json:"pairs"`
	Earlier   *int `json:"earlier_pairs,omitempty"`
	Kinds     struct {
		Duplicate     int `json:"duplicate"`
		NearDuplicate int `json:"near-duplicate"`
		Reuse         int `json:"reuse"`
		Candidate     int `json:"candidate"`
		Template      int `json:"template"`
	} `json:"pairs_by_kind"`
	Clusters    int `json:"clusters"`
	Syndication int `json:"syndication"`
	Templates   int `json:"templates"`
	// Outlets counts the distinct sources of the documents listed.
	Outlets int `json:"outlets"`
}

// summarize counts what r holds. Pairs all of whose passages are a
// template's are counted as template pairs, not by their kind.
func summarize(r *Report) summary {
	var s summary
	s.Documents = len(r.Documents)
	if n := r.Summary; n != nil {
		s.Documents = n.New + n.Changed + n.Unchanged
		s.New, s.Changed, s.Unchanged, s.Earlier = &n.New, &n.Changed, &n.Unchanged, &n.Earlier
	}
	s.Pairs = len(r.Pairs)
	for i := range r.Pairs {
		switch p := &r.Pairs[i]; {
		case p.Template:
			s.Kinds.Template++
		case p.Kind == detect.Duplicate:
			s.Kinds.Duplicate++
		case p.Kind == detect.NearDuplicate:
			s.Kinds.NearDuplicate++
		case p.Kind == detect.Reuse:
			s.Kinds.Reuse++
		default:
			s.Kinds.Candidate++
		}
	}
	s.Clusters, s.Syndication, s.Templates = len(r.Clusters), len(r.Syndication), len(r.Templates)
	outlets := map[string]bool{}
	for i := range r.Documents {
		if src := r.Documents[i].Source; src != "" {
			outlets[src] = true
		}
	}
	s.Outlets = len(outlets)
	return s
}
