package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"accord/internal/access"
	"accord/internal/ingest"
)

// Releasability of the vessel picture.
//
// A feed's markings (originator, TLP, REL TO) are the markings of every position, latest
// position, static report and evidence row it delivers. They are expanded, like those of
// reports, into audience keys ([access.Audiences]): one feed_audience row per (key, feed),
// written with the feeds row in the transaction of every batch that brings the feed's
// markings: rows for keys the markings no longer give are deleted, missing ones inserted (no
// write when nothing changed), so the feed row and its audience always agree, even when two
// writers ingest one feed with different markings. Every read of the picture (VesselsInBBox,
// Vessel, Track) keeps only rows whose feed carries one of the reader's keys
// ([access.User.AudienceKeys]); the condition is part of the SQL query, so a row the reader
// may not see is never fetched. Users without a reading role (monitors) hold no key and read
// no position.
//
// The latest position and the static data are kept per (vessel, feed). A reader sees, for
// each vessel, the newest latest position among the feeds releasable to him (ties: the feed
// with the highest id), and the static data of the releasable feed that reported it last.
// Re-marking a feed re-marks everything it delivered before.

// feedAudience is the releasability of one feed, as written with it.
type feedAudience struct {
	relTo    string   // canonical REL TO list, comma-separated ("" for none): feeds.rel_to
	keys     []string // audience keys ([access.Audiences]): the feed's feed_audience rows
	keysJSON string   // keys as a JSON array, bound as one parameter
}

// feedMarkings returns the markings of feed f: its originator, TLP and REL TO (parsed with
// [access.ParseTarget]), checked with [access.Markings.Validate]. The error names the field.
func feedMarkings(f ingest.FeedStats) (access.Markings, error) {
	m := access.Markings{Originator: f.Originator, TLP: access.TLP(f.TLP)}
	for _, s := range f.RelTo {
		t, err := access.ParseTarget(s)
		if err != nil {
			return m, fmt.Errorf("REL TO entry %q: %w", s, err)
		}
		m.RelTo = append(m.RelTo, t)
	}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("markings: %w", err)
	}
	return m, nil
}

// newFeedAudience expands valid markings m.
func newFeedAudience(m access.Markings) feedAudience {
	rel := make([]string, len(m.RelTo))
	for i, t := range m.RelTo {
		rel[i] = t.String()
	}
	a := feedAudience{relTo: strings.Join(rel, ","), keys: access.Audiences(m)}
	b, _ := json.Marshal(a.keys) // strings only: cannot fail
	a.keysJSON = string(b)
	return a
}

// splitRelTo is the inverse of the canonical feeds.rel_to form.
func splitRelTo(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// pictureQuery builds the read queries of the vessel picture for one reader. Placeholders are
// written $1, $2, ... (PostgreSQL); sqlite() turns them into ?1, ?2, ... (SQLite's numbered
// parameters), so that both dialects share the statement text.
type pictureQuery struct {
	args []any
	keys string // "$k, $k+1, ...": the reader's audience keys
}

// newPictureQuery returns a query builder for a reader holding keys, and false when keys is
// empty (the reader may see nothing: no query needs to run).
func newPictureQuery(keys []string) (*pictureQuery, bool) {
	if len(keys) == 0 {
		return nil, false
	}
	q := &pictureQuery{}
	ph := make([]string, len(keys))
	for i, k := range keys {
		ph[i] = q.arg(k)
	}
	q.keys = strings.Join(ph, ", ")
	return q, true
}

// arg adds an argument and returns its placeholder.
func (q *pictureQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// feeds is a subquery of the ids of the feeds releasable to the reader.
func (q *pictureQuery) feeds() string {
	return "(SELECT a.feed_id FROM feed_audience a WHERE a.audience IN (" + q.keys + "))"
}

// snapshots returns the query of the vessels' snapshots, the latest position of each from the
// newest releasable feed, whose chosen position satisfies where (over latest alias l), in MMSI
// order, cut at limit (limit <= 0: no limit). Columns: the position, its feed's name, the static data (NULL when none is visible) and its feed's name.
func (q *pictureQuery) snapshots(where string, limit int) string {
	vis := q.feeds()
	s := `SELECT l.mmsi, l.t, l.lat, l.lon, l.sog, l.cog, l.heading, l.nav_status, l.msg_type, f.name,
	v.mmsi, v.imo, v.name, v.call_sign, v.ship_type, v.length, v.beam, v.draught, v.destination, v.flag, v.class_b, v.t, vf.name
	FROM latest l JOIN feeds f ON f.id = l.feed_id
	LEFT JOIN vessels v ON v.mmsi = l.mmsi AND v.feed_id IN ` + vis + ` AND NOT EXISTS (SELECT 1 FROM vessels w
		WHERE w.mmsi = l.mmsi AND w.feed_id IN ` + vis + ` AND (w.t > v.t OR (w.t = v.t AND w.feed_id > v.feed_id)))
	LEFT JOIN feeds vf ON vf.id = v.feed_id
	WHERE l.feed_id IN ` + vis + ` AND NOT EXISTS (SELECT 1 FROM latest n WHERE n.mmsi = l.mmsi AND n.feed_id IN ` + vis + `
		AND (n.t > l.t OR (n.t = l.t AND n.feed_id > l.feed_id)))
	AND ` + where + ` ORDER BY l.mmsi`
	if limit > 0 {
		s += " LIMIT " + q.arg(int64(limit))
	}
	return s
}

// sqlite rewrites the $n placeholders of a query built here into SQLite's ?n.
func sqliteParams(query string) string { return strings.ReplaceAll(query, "$", "?") }
