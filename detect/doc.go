// Package detect finds near-duplicate documents and shared passages in a
// corpus: the pipeline of neardup.
//
// Each document is tokenised and shingled (package shingle). Two kinds of
// candidates are proposed by MinHash and LSH banding (packages minhash
// and lsh): whole documents whose signatures collide, for near-duplicates,
// and documents that share a passage fingerprint (the minimum of a window
// of shingles, by winnowing), for partial reuse. Documents with the same
// normalised text are duplicates without any hashing. Every candidate pair
// is then verified exactly on its shingle hashes (package passage):
// Jaccard similarity, containment, and the shared passages as evidence.
//
// Shingles found in a large share of the corpus are stock phrases ("the
// syrian observatory for human rights"): they neither propose candidates
// nor count as evidence, so articles on one story are not paired for the
// names they all mention.
//
// The stages, each in a file named for it: read.go (the first reading,
// which extracts features.go's Features and files each document under
// its keys.go keys), count.go (shingle frequencies and stock phrases),
// candidates.go (the candidate rule of rule.go, in bulk), verify.go
// (each candidate's figures, pair.go for one pair), evidence.go (byte
// ranges and text of the passages), provenance.go (directions),
// syndication.go (syndicated passages and templates) and cluster.go;
// scan.go runs them in order. compare.go verifies one pair of a corpus
// and assemble.go makes a Result for engines other than Scan.
package detect
