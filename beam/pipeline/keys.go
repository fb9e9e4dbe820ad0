package pipeline

import "strconv"

func strconvKey(k uint64) string { return strconv.FormatUint(k, 16) }

func parseKey(s string) uint64 {
	k, _ := strconv.ParseUint(s, 16, 64)
	return k
}

// settingsCache decodes a transform's settings once per worker.
type settingsCache struct{ s *settings }

func (c *settingsCache) get(b []byte) (*settings, error) {
	if c.s == nil {
		s, err := decodeSettings(b)
		if err != nil {
			return nil, err
		}
		c.s = &s
	}
	return c.s, nil
}
