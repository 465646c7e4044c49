package intel

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"accord/internal/access"
)

// MaxListLimit is the largest number of records one list or search returns.
const MaxListLimit = 1000

// MaxSearchText is the longest search text (ReportFilter.Text, EntityFilter.Text), in bytes.
const MaxSearchText = 200

// SearchText returns t without surrounding spaces, or an error wrapping ErrInvalid when it is
// longer than MaxSearchText bytes, is not UTF-8 or holds control characters (NUL included).
// Stores call it before searching, so that such text is a caller's mistake, never a database
// error.
func SearchText(t string) (string, error) {
	t = strings.TrimSpace(t)
	switch {
	case len(t) > MaxSearchText:
		return "", fmt.Errorf("%w search text: %d bytes, at most %d allowed", ErrInvalid, len(t), MaxSearchText)
	case !utf8.ValidString(t):
		return "", fmt.Errorf("%w search text: not valid UTF-8", ErrInvalid)
	case strings.ContainsFunc(t, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", fmt.Errorf("%w search text: control characters (e.g. NUL) are not allowed", ErrInvalid)
	}
	return t, nil
}

// The queries below are what a reader asks of an intelligence store. The store answers each
// only with records releasable to the asking user.

// BBox is a box in degrees, bounds inclusive; MinLon <= MaxLon.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// ReportFilter selects reports. Zero fields do not filter. Results are ordered by observation
// time, newest first, then by id descending.
type ReportFilter struct {
	ID         int64      // one report (get)
	StixID     string     // reports with this STIX id: at most one per originator, each releasable to the reader
	Discipline Discipline // one discipline
	Originator string     // one originating agency
	TLP        access.TLP // one level
	From, To   time.Time  // From <= observed < To
	BBox       *BBox      // map layer: reports located in the box
	Text       string     // search: words that must all occur (whole words, any case) in the title, text or place
	EntityID   int64      // reports naming this entity
	// Before continues a listing: only reports strictly before (BeforeObserved, BeforeID) in
	// the listing order. Zero BeforeID: from the start.
	BeforeObserved time.Time
	BeforeID       int64
	Limit          int // default 100, at most MaxListLimit; negative: no limit (exports)
}

// EntityFilter selects entities. Zero fields do not filter. Results are ordered by id.
type EntityFilter struct {
	ID         int64
	StixID     string // entities with this STIX id: at most one per originator, each releasable to the reader
	Kind       EntityKind
	Text       string      // case-insensitive substring of the name or an alias
	Identifier *Identifier // exact identifier (normalised before matching)
	Limit      int         // default 100, at most MaxListLimit; negative: no limit
}

// LinkFilter selects links.
type LinkFilter struct {
	EntityID int64     // links from or to this entity; 0: all
	At       time.Time // only links valid at this time; zero: any time
	Limit    int       // default 100, at most MaxListLimit; negative: no limit
}

// Export is everything one user may take out of the node in one bundle.
type Export struct {
	Reports  []Report
	Entities []Entity
	Links    []Link
	Agencies []access.Agency // the directory, to name originators
}

// AggregateRow is one cell of the aggregate view: how many reports of a discipline and level
// an agency's state originated in a month.
type AggregateRow struct {
	Month      string // "2026-11" (UTC)
	State      string // originating state
	Discipline Discipline
	TLP        access.TLP
	Count      int64
}
