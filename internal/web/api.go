package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"accord/internal/access"
	"accord/internal/ingest"
	"accord/internal/vessel"
)

// vesselJSON is the wire form of a vessel snapshot. Pointer and omitempty fields are absent when
// not available. The list endpoint fills the position and the name, flag and ship type; the
// single-vessel endpoint fills everything known.
type vesselJSON struct {
	MMSI      uint32   `json:"mmsi"`
	Time      string   `json:"time"` // RFC 3339, UTC
	Lat       float64  `json:"lat"`
	Lon       float64  `json:"lon"`
	SOG       *float64 `json:"sog,omitempty"`        // knots
	COG       *float64 `json:"cog,omitempty"`        // degrees true
	Heading   *float64 `json:"heading,omitempty"`    // degrees true
	NavStatus *int     `json:"nav_status,omitempty"` // ITU-R M.1371 0..15
	Name      string   `json:"name,omitempty"`
	Flag      string   `json:"flag,omitempty"`      // ISO 3166 alpha-3
	ShipType  int      `json:"ship_type,omitempty"` // ITU-R M.1371 1..99

	MsgType     int      `json:"msg_type,omitempty"`
	Source      string   `json:"source,omitempty"`
	IMO         uint32   `json:"imo,omitempty"`
	CallSign    string   `json:"callsign,omitempty"`
	Destination string   `json:"destination,omitempty"`
	Length      *float64 `json:"length,omitempty"`  // metres
	Beam        *float64 `json:"beam,omitempty"`    // metres
	Draught     *float64 `json:"draught,omitempty"` // metres
	ClassB      bool     `json:"class_b,omitempty"`
	StaticTime  string   `json:"static_time,omitempty"` // RFC 3339, UTC
}

// positionJSON is the wire form of one track position.
type positionJSON struct {
	Time      string   `json:"time"`
	Lat       float64  `json:"lat"`
	Lon       float64  `json:"lon"`
	SOG       *float64 `json:"sog,omitempty"`
	COG       *float64 `json:"cog,omitempty"`
	Heading   *float64 `json:"heading,omitempty"`
	NavStatus *int     `json:"nav_status,omitempty"`
}

// feedJSON is the wire form of one feed's counters.
type feedJSON struct {
	Name       string `json:"name"`
	Kind       string `json:"kind,omitempty"`
	Originator string `json:"originator,omitempty"`
	TLP        string `json:"tlp,omitempty"`
	// RelTo is the feed's releasability: "state:MEX", "agency:DEA", "user:17"; absent when none.
	RelTo       []string `json:"rel_to,omitempty"`
	Lines       int64    `json:"lines"`
	Sentences   int64    `json:"sentences"`
	Messages    int64    `json:"messages"`
	BadChecksum int64    `json:"bad_checksum"`
	Incomplete  int64    `json:"incomplete"`
	Unparseable int64    `json:"unparseable"`
	Other       int64    `json:"other"`
	Dropped     int64    `json:"dropped"`
	// Acknowledged counts messages the store has persisted (live counter of the running pipeline).
	Acknowledged int64 `json:"acknowledged"`
}

// validCourse returns a pointer to a course or heading in [0, 360), or nil: AIS encodes
// "not available" as 360 (course) and 511 (heading), which a decoder may pass through.
func validCourse(v float64) *float64 {
	if !(v >= 0 && v < 360) {
		return nil
	}
	return &v
}

// validSpeed returns a pointer to a speed in knots, or nil: AIS encodes "not available" as 102.3.
func validSpeed(v float64) *float64 {
	if !(v >= 0 && v < 102.25) {
		return nil
	}
	return &v
}

func validDim(v float64) *float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func navStatus(v int) *int {
	if v < 0 || v > 15 || v == 15 { // 15 is "not defined" (the default)
		return nil
	}
	return &v
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func newPositionJSON(p vessel.Position) positionJSON {
	return positionJSON{
		Time:      rfc3339(p.Time),
		Lat:       p.Lat,
		Lon:       p.Lon,
		SOG:       validSpeed(p.SOG),
		COG:       validCourse(p.COG),
		Heading:   validCourse(p.Heading),
		NavStatus: navStatus(p.NavStatus),
	}
}

// newVesselJSON converts a snapshot; full adds the static details beyond name, flag and type.
func newVesselJSON(s vessel.Snapshot, full bool) vesselJSON {
	p, st := s.Position, s.Static
	v := vesselJSON{
		MMSI:      p.MMSI,
		Time:      rfc3339(p.Time),
		Lat:       p.Lat,
		Lon:       p.Lon,
		SOG:       validSpeed(p.SOG),
		COG:       validCourse(p.COG),
		Heading:   validCourse(p.Heading),
		NavStatus: navStatus(p.NavStatus),
		Name:      strings.TrimSpace(st.Name),
		Flag:      st.Flag,
	}
	if st.ShipType > 0 && st.ShipType <= 99 {
		v.ShipType = st.ShipType
	}
	if v.MMSI == 0 {
		v.MMSI = st.MMSI
	}
	if !full {
		return v
	}
	v.MsgType = p.MsgType
	v.Source = p.Source
	v.IMO = st.IMO
	v.CallSign = strings.TrimSpace(st.CallSign)
	v.Destination = strings.TrimSpace(st.Destination)
	v.Length = validDim(st.Length)
	v.Beam = validDim(st.Beam)
	v.Draught = validDim(st.Draught)
	v.ClassB = st.ClassB
	if !st.Time.IsZero() {
		v.StaticTime = rfc3339(st.Time)
	}
	return v
}

// bbox is a query box in degrees. MinLon > MaxLon means the box crosses the antimeridian.
type bbox struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

var world = bbox{-180, -90, 180, 90}

// parseBBox parses "minLon,minLat,maxLon,maxLat" in degrees. An empty string is the whole world.
func parseBBox(s string) (bbox, error) {
	const form = "bbox must be minLon,minLat,maxLon,maxLat in decimal degrees, e.g. bbox=-100,5,-60,32"
	if s == "" {
		return world, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return bbox{}, badRequest("%s; got %d value(s) in %q", form, len(parts), s)
	}
	var v [4]float64
	names := [4]string{"minLon", "minLat", "maxLon", "maxLat"}
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bbox{}, badRequest("%s; %s %q is not a number", form, names[i], p)
		}
		v[i] = f
	}
	b := bbox{v[0], v[1], v[2], v[3]}
	for i, lim := range [4]float64{180, 90, 180, 90} {
		if v[i] < -lim || v[i] > lim {
			return bbox{}, badRequest("bbox %s %g is out of range: it must lie in [%g, %g]", names[i], v[i], -lim, lim)
		}
	}
	if b.MinLat > b.MaxLat {
		return bbox{}, badRequest("bbox minLat %g is greater than maxLat %g: give the southern edge first", b.MinLat, b.MaxLat)
	}
	return b, nil
}

// parseLimit parses the limit parameter: a positive integer, at most max; def when absent.
func parseLimit(q url.Values, def, max int) (int, error) {
	s := q.Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, badRequest("limit must be an integer from 1 to %d; got %q", max, s)
	}
	return n, nil
}

// parseMMSI parses the {mmsi} path value: 1 to 9 decimal digits, not zero.
func parseMMSI(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 || n > 999_999_999 || len(s) > 9 {
		return 0, badRequest("mmsi must be 1 to 9 decimal digits, not all zero, e.g. 366123456; got %q", s)
	}
	return uint32(n), nil
}

// parseTime parses an RFC 3339 query parameter.
func parseTime(q url.Values, name string) (time.Time, bool, error) {
	s := q.Get(name)
	if s == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, badRequest("%s must be an RFC 3339 time such as 2025-03-01T12:00:00Z; got %q", name, s)
	}
	return t.UTC(), true, nil
}

// rejectUnknown returns a 400 error naming the first query parameter not in known, so that a
// misspelt parameter (bbbox=) is not silently ignored, or a 400 naming the first parameter whose
// value is not UTF-8 text (a NUL byte or invalid UTF-8 would otherwise reach the database).
func rejectUnknown(q url.Values, known ...string) error {
	for k, vs := range q {
		if !slices.Contains(known, k) {
			return badRequest("unknown query parameter %q; this route accepts: %s", k, strings.Join(known, ", "))
		}
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return badRequest("query parameter %q is not UTF-8 text (it holds a NUL byte or invalid UTF-8)", k)
			}
		}
	}
	return nil
}

// limitHeader tells the client that the answer was cut at the limit it asked for.
const limitHeader = "Accord-Limit-Reached"

// errMonitorVessels answers a monitor's request for vessel positions or details.
var errMonitorVessels = &Error{Status: http.StatusForbidden, Code: "forbidden",
	Message: "the monitor role sees aggregates (/api/v1/aggregates) and redacted views only, not vessel positions or details"}

// handleVessels serves GET /api/v1/vessels?bbox&limit: the vessels in the box as u may see
// them (the store filters by the feeds' markings).
func (s *Server) handleVessels(w http.ResponseWriter, r *http.Request, u access.User) error {
	if monitorOnly(u) {
		return errMonitorVessels
	}
	q := r.URL.Query()
	if err := rejectUnknown(q, "bbox", "limit"); err != nil {
		return err
	}
	b, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	limit, err := parseLimit(q, s.cfg.DefaultVesselLimit, s.cfg.MaxVesselLimit)
	if err != nil {
		return err
	}
	snaps, err := s.vesselsIn(r.Context(), u, b, limit)
	if err != nil {
		return fmt.Errorf("vessels in bbox: %w", err)
	}
	out := make([]vesselJSON, 0, len(snaps))
	for _, v := range snaps {
		out = append(out, newVesselJSON(v, false))
	}
	if len(out) >= limit {
		w.Header().Set(limitHeader, "true")
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

// vesselsIn queries b, splitting a box that crosses the antimeridian into its two halves.
func (s *Server) vesselsIn(ctx context.Context, u access.User, b bbox, limit int) ([]vessel.Snapshot, error) {
	if b.MinLon <= b.MaxLon {
		return s.cfg.Vessels.VesselsInBBox(ctx, u, b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, limit)
	}
	east, err := s.cfg.Vessels.VesselsInBBox(ctx, u, b.MinLon, b.MinLat, 180, b.MaxLat, limit)
	if err != nil || len(east) >= limit {
		return east, err
	}
	west, err := s.cfg.Vessels.VesselsInBBox(ctx, u, -180, b.MinLat, b.MaxLon, b.MaxLat, limit-len(east))
	if err != nil {
		return nil, err
	}
	// A vessel exactly on the antimeridian can be in both halves.
	seen := make(map[uint32]bool, len(east))
	for _, v := range east {
		seen[v.Position.MMSI] = true
	}
	for _, v := range west {
		if !seen[v.Position.MMSI] {
			east = append(east, v)
		}
	}
	return east, nil
}

func (s *Server) notFound(err error) bool {
	return s.cfg.NotFound != nil && errors.Is(err, s.cfg.NotFound)
}

func unknownVessel(mmsi uint32) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: fmt.Sprintf("no vessel with MMSI %d is known to this node; list known vessels with GET /api/v1/vessels", mmsi)}
}

// handleVessel serves GET /api/v1/vessels/{mmsi}: one vessel as u may see it; a vessel seen
// only by feeds u may not read is answered 404, exactly like an unknown one.
func (s *Server) handleVessel(w http.ResponseWriter, r *http.Request, u access.User) error {
	if monitorOnly(u) {
		return errMonitorVessels
	}
	if err := rejectUnknown(r.URL.Query()); err != nil {
		return err
	}
	mmsi, err := parseMMSI(r.PathValue("mmsi"))
	if err != nil {
		return err
	}
	snap, err := s.cfg.Vessels.Vessel(r.Context(), u, mmsi)
	if s.notFound(err) {
		return unknownVessel(mmsi)
	}
	if err != nil {
		return fmt.Errorf("vessel %d: %w", mmsi, err)
	}
	writeJSON(w, http.StatusOK, "application/json", newVesselJSON(snap, true))
	return nil
}

// handleTrack serves GET /api/v1/vessels/{mmsi}/track (JSON or GeoJSON): the positions u may
// see, from the feeds releasable to u.
func (s *Server) handleTrack(w http.ResponseWriter, r *http.Request, u access.User) error {
	if monitorOnly(u) {
		return errMonitorVessels
	}
	q := r.URL.Query()
	if err := rejectUnknown(q, "from", "to", "limit", "format"); err != nil {
		return err
	}
	mmsi, err := parseMMSI(r.PathValue("mmsi"))
	if err != nil {
		return err
	}
	from, hasFrom, err := parseTime(q, "from")
	if err != nil {
		return err
	}
	to, hasTo, err := parseTime(q, "to")
	if err != nil {
		return err
	}
	switch {
	case !hasFrom && !hasTo:
		to = s.cfg.Now().UTC()
		from = to.Add(-s.cfg.TrackWindow)
	case !hasTo:
		to = from.Add(s.cfg.TrackWindow)
	case !hasFrom:
		from = to.Add(-s.cfg.TrackWindow)
	}
	if !from.Before(to) {
		return badRequest("from %s must be before to %s", rfc3339(from), rfc3339(to))
	}
	limit, err := parseLimit(q, s.cfg.DefaultTrackLimit, s.cfg.MaxTrackLimit)
	if err != nil {
		return err
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "geojson" {
		return badRequest("format must be json (the default) or geojson; got %q", format)
	}
	track, err := s.cfg.Vessels.Track(r.Context(), u, mmsi, from, to, limit)
	if s.notFound(err) {
		return unknownVessel(mmsi)
	}
	if err != nil {
		return fmt.Errorf("track of %d: %w", mmsi, err)
	}
	if !slices.IsSortedFunc(track, byTime) {
		track = slices.Clone(track)
		slices.SortStableFunc(track, byTime)
	}
	if len(track) >= limit {
		w.Header().Set(limitHeader, "true")
	}
	if format == "geojson" {
		writeJSON(w, http.StatusOK, "application/geo+json", trackFeature(mmsi, from, to, track))
		return nil
	}
	out := make([]positionJSON, 0, len(track))
	for _, p := range track {
		out = append(out, newPositionJSON(p))
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

func byTime(a, b vessel.Position) int { return a.Time.Compare(b.Time) }

// feature is a GeoJSON Feature (RFC 7946).
type feature struct {
	Type       string         `json:"type"`
	Geometry   *lineString    `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type lineString struct {
	Type        string       `json:"type"`
	Coordinates [][2]float64 `json:"coordinates"`
}

// trackFeature returns the track as a LineString Feature whose "times" property holds the time
// of each vertex. A LineString needs two positions: with fewer, the geometry is null.
func trackFeature(mmsi uint32, from, to time.Time, track []vessel.Position) feature {
	times := make([]string, 0, len(track))
	coords := make([][2]float64, 0, len(track))
	for _, p := range track {
		times = append(times, rfc3339(p.Time))
		coords = append(coords, [2]float64{p.Lon, p.Lat})
	}
	f := feature{Type: "Feature", Properties: map[string]any{
		"mmsi": mmsi, "from": rfc3339(from), "to": rfc3339(to), "count": len(track), "times": times,
	}}
	if len(coords) >= 2 {
		f.Geometry = &lineString{Type: "LineString", Coordinates: coords}
	}
	return f
}

func (s *Server) feeds(ctx context.Context) ([]ingest.FeedStats, error) {
	if s.cfg.Feeds == nil {
		return nil, nil
	}
	return s.cfg.Feeds.Feeds(ctx)
}

func (s *Server) handleFeeds(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknown(r.URL.Query()); err != nil {
		return err
	}
	feeds, err := s.feeds(r.Context())
	if err != nil {
		return fmt.Errorf("feeds: %w", err)
	}
	out := make([]feedJSON, 0, len(feeds))
	for _, f := range feeds {
		out = append(out, feedJSON{
			Name: f.Name, Kind: f.Kind, Originator: f.Originator, TLP: f.TLP, RelTo: f.RelTo,
			Lines: f.Lines, Sentences: f.Sentences, Messages: f.Messages, BadChecksum: f.BadChecksum,
			Incomplete: f.Incomplete, Unparseable: f.Unparseable, Other: f.Other, Dropped: f.Dropped,
			Acknowledged: f.Acknowledged,
		})
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/yaml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.Write(openapiYAML)
	return nil
}

// handleAPINotFound answers every /api path that no route matches, in JSON.
func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
			Message: fmt.Sprintf("method %s is not allowed: the API is read-only, use GET", r.Method)}
	}
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: fmt.Sprintf("no API route %s; the routes are listed in /api/openapi.yaml", r.URL.Path)}
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready.Ping(ctx); err != nil {
			s.log.Warn("not ready", "err", err)
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
				Message: "not ready: store ping failed: " + err.Error()}
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
	return nil
}
