package corpus

import (
	"strings"
	"time"
)

// dateLayouts are the date forms ParseDate reads: RFC 3339 and ISO 8601
// with or without a time, and the forms news feeds and pages use.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	time.RFC822Z,
	time.RFC822,
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"20060102",
}

// ParseDate reads a document's date in one of the usual forms of news
// (RFC 3339, 2006-01-02, RFC 1123 as RSS has it, "January 2, 2006", …)
// and reports whether it could. A date without a zone is taken as UTC.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
