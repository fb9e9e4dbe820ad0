// Package pipeline is neardup's scan as an Apache Beam pipeline, for
// corpora larger than one machine: the same per-document features, the
// same candidate rule and the same verification as detect.Scan, called
// from transforms that a runner spreads over workers (prism here; Flink,
// Spark or Dataflow in production).
//
// The stages, each in a file named for it: read.go (files to documents,
// with corpus's reader), features.go (each document's features, its
// shingle keys to count, its filing keys), stock.go (shingle frequencies
// and the stock phrases, a side input), candidates.go (the candidate
// rule, by key), verify.go (each candidate pair joined with its two
// documents and verified) and result.go (the documents and pairs
// assembled on one worker and written as scan writes them).
package pipeline
