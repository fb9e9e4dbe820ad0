package detect

// Keys of the filing tables pack a key's top keyBits bits and a
// document's number, so that sorting them groups documents by key; a
// corpus holds at most 2^idBits documents. Random collisions of keyBits
// bits only add candidates, which verification drops.
const (
	idBits   = 28
	keyBits  = 64 - idBits
	parts    = 1 << partBits // tables are split by the top bits of the key
	partBits = 4
)

// MaxDocs is the most documents Scan handles.
const MaxDocs = 1<<idBits - 1

func packKey(k uint64, i int) uint64 { return k&^(1<<idBits-1) | uint64(i) }

func keyOf(e uint64) uint64 { return e &^ (1<<idBits - 1) }

func idOf(e uint64) int { return int(e & (1<<idBits - 1)) }

func partOf(e uint64) int { return int(e >> (64 - partBits)) }

// ScanKey is what a scan keeps of a shingle hash, band key or
// fingerprint: the key it counts a shingle's documents under, and files
// band keys and fingerprints under. A distributed run that counts and
// groups by it finds the scan's stock phrases and candidates.
func ScanKey(h uint64) uint64 { return keyOf(h) }
