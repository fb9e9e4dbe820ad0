package pipeline

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
