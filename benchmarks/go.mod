module github.com/neardup/neardup/benchmarks

go 1.26.8

require (
	github.com/dgryski/go-minhash v0.0.0-20170608043002-7fe510aff544
	github.com/ekzhu/minhash-lsh v0.0.0-20171225071031-5c06ee8586a1
	github.com/neardup/neardup v0.0.0
	github.com/spaolacci/murmur3 v1.1.0
)

replace github.com/neardup/neardup => ../
