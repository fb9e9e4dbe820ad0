// Package swar holds what byte scanning a word at a time (SIMD within a
// register) needs in more than one package.
package swar

// Load8 returns the eight bytes of s from i as a little-endian word; s
// must hold them.
func Load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
