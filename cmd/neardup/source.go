package main

import (
	"context"
	"hash/maphash"

	"github.com/neardup/neardup/corpus"
)

// fileSource is the corpus under the command line's paths, read by
// detect.Scan twice: whole, then the texts it asks for again. Between the
// readings it keeps where each document is, and the texts themselves
// while they add up to less than keepBytes: a small corpus is not read
// from disk three times.
type fileSource struct {
	con   *console
	r     *corpus.Reader
	roots []string
	seen  *places
	texts []string // all texts, while they fit in keep bytes
	kept  int
	keep  int
}

func newFileSource(con *console, r *corpus.Reader, roots []string) *fileSource {
	return &fileSource{con: con, r: r, roots: roots, keep: keepBytes}
}

// keepBytes is how much text a fileSource keeps in memory.
const keepBytes = 256 << 20

type place struct {
	path       int32 // index in paths
	line, elem int32
}

// Each implements detect.Source. A document whose id was seen before is
// left out with a warning naming both places.
func (s *fileSource) Each(ctx context.Context, fn func(i int, d corpus.Doc) error) error {
	s.seen, s.texts, s.kept = newPlaces(), nil, 0
	err := s.r.Walk(ctx, s.roots, func(d corpus.Doc) error {
		if !s.seen.add(s.con, d) {
			return nil
		}
		if s.kept += len(d.Text); s.kept <= s.keep {
			s.texts = append(s.texts, d.Text)
		} else {
			s.texts = nil
		}
		return fn(len(s.seen.at)-1, d)
	})
	s.con.clear()
	s.con.summary()
	if err != nil {
		return err
	}
	return nil
}

// places records where each document read was found, compactly: its id
// once, and the number of its file, its line and its place in a JSON
// array.
type places struct {
	ids      *idSet
	paths    []string
	pathIdx  map[string]int32
	lastPath string
	p        int32 // lastPath's number, -1 before the first document
	at       []place
}

func newPlaces() *places { return &places{ids: newIDSet(), pathIdx: map[string]int32{}, p: -1} }

// add records d as the next document and reports true, or, if a document
// of its id was recorded before, warns on con that d is left out, naming
// both places, and reports false.
func (s *places) add(con *console, d corpus.Doc) bool {
	if i, ok := s.ids.add(d.ID, len(s.at)); ok {
		first := corpus.Doc{Path: s.paths[s.at[i].path], Line: int(s.at[i].line)}
		con.warn(corpus.DuplicateError(&d, &first))
		return false
	}
	if s.p < 0 || d.Path != s.lastPath { // most documents share their file with the one before
		var ok bool
		if s.p, ok = s.pathIdx[d.Path]; !ok {
			s.p = int32(len(s.paths))
			s.pathIdx[d.Path] = s.p
			s.paths = append(s.paths, d.Path)
		}
		s.lastPath = d.Path
	}
	s.at = append(s.at, place{s.p, int32(d.Line), int32(d.Elem)})
	return true
}

// Texts implements detect.Source.
func (s *fileSource) Texts(ctx context.Context, idx []int, fn func(k int, text string) error) error {
	if s.texts != nil {
		for k, i := range idx {
			if err := fn(k, s.texts[i]); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
	docs := make([]corpus.Doc, len(idx))
	for k, i := range idx {
		a := s.seen.at[i]
		docs[k] = corpus.Doc{Path: s.seen.paths[a.path], Line: int(a.line), Elem: int(a.elem)}
	}
	return s.r.Reload(ctx, docs, func(k int, d corpus.Doc) error { return fn(k, d.Text) })
}

// idSet remembers the ids of the documents read, with their numbers,
// through a map of 64-bit hashes of the ids, which need no pointer
// followed to compare and so are faster than a map of the strings. The
// ids themselves tell a repeat from two ids of one hash.
type idSet struct {
	hash   func(string) uint64
	byHash map[uint64]int
	ids    []string       // by number
	others map[string]int // ids whose hash an earlier id has
}

func newIDSet() *idSet {
	seed := maphash.MakeSeed()
	return &idSet{
		hash:   func(id string) uint64 { return maphash.String(seed, id) },
		byHash: map[uint64]int{},
		others: map[string]int{},
	}
}

// add records id as document n, the next number, unless a document of
// that id was recorded before: then it returns that one's number and
// true, and records nothing.
func (s *idSet) add(id string, n int) (int, bool) {
	h := s.hash(id)
	i, ok := s.byHash[h]
	switch {
	case !ok:
		s.byHash[h] = n
	case s.ids[i] == id:
		return i, true
	default:
		if j, ok := s.others[id]; ok {
			return j, true
		}
		s.others[id] = n
	}
	s.ids = append(s.ids, id)
	return n, false
}
