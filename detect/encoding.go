package detect

import (
	"bytes"
	"encoding/gob"
)

// pairFields is a Pair without its methods, for gob.
type pairFields Pair

// wirePair is a Pair as it moves between processes: its fields and what
// they leave out, the shingle ranges of its passages, which Group needs.
type wirePair struct {
	Pair   pairFields
	Ranges [][4]int
}

// MarshalBinary encodes p whole, for runs that move pairs between
// processes (a distributed scan): unlike its JSON, the encoding keeps
// the shingle ranges of its passages, so that the pairs decoded can be
// grouped (Group, Assemble) as the process that verified them would.
func (p Pair) MarshalBinary() ([]byte, error) {
	w := wirePair{Pair: pairFields(p), Ranges: make([][4]int, len(p.Passages))}
	for i, ps := range p.Passages {
		w.Ranges[i] = [4]int{ps.inA.First, ps.inA.Last, ps.inB.First, ps.inB.Last}
	}
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(&w)
	return b.Bytes(), err
}

// UnmarshalBinary decodes a pair that MarshalBinary encoded.
func (p *Pair) UnmarshalBinary(data []byte) error {
	var w wirePair
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return err
	}
	*p = Pair(w.Pair)
	for i := range p.Passages {
		if i < len(w.Ranges) {
			r := w.Ranges[i]
			p.Passages[i].inA, p.Passages[i].inB = shingleRange{r[0], r[1]}, shingleRange{r[2], r[3]}
		}
	}
	return nil
}
