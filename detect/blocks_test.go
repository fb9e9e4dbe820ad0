package detect

import (
	"slices"
	"testing"
)

func TestBlocks(t *testing.T) {
	var b blocks[uint32]
	var want []uint32
	for i := range uint32(3*blockSize + 77) {
		b.add(i * 7)
		want = append(want, i*7)
		if i%1000 == 999 || i < 300 {
			if got := b.appendTo([]uint32{42}); b.Len() != len(want) || !slices.Equal(got[1:], want) || got[0] != 42 {
				t.Fatalf("after %d adds: Len %d, keys differ", len(want), b.Len())
			}
		}
	}
}
