package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"accord/internal/jurisdiction"
)

// Locator answers jurisdiction questions; package jurisdiction's *Engine implements it. It
// must be safe for concurrent use.
type Locator interface {
	// Lookup answers for the point at lat, lon (degrees, WGS 84). Points outside the covered
	// region answer zone "unknown".
	Lookup(lat, lon float64) jurisdiction.Answer
	// WriteZonesGeoJSON writes the zones as a GeoJSON FeatureCollection simplified for display
	// on a raster of cellDeg degrees.
	WriteZonesGeoJSON(w io.Writer, cellDeg float64) error
}

// MapFeaturer is implemented by a Locator that also has boundaries to draw over the zones
// (package jurisdiction's *Engine): treaty lines (property kind "treaty_line") and the Western
// Gap (kind "western_gap"), each with a "source". GET /api/v1/zones appends them.
type MapFeaturer interface {
	MapFeatures(cellDeg float64) []jurisdiction.Feature
}

var _ MapFeaturer = (*jurisdiction.Engine)(nil)

// ErrLocatorLoading is what a Config.Jurisdiction function returns (possibly wrapped) while the
// engine is still loading; the API answers 503 with a "retry" message.
var ErrLocatorLoading = errors.New("the jurisdiction engine is still loading")

// zonesCellDeg is the raster of GET /api/v1/zones: 1/16° (≈ 3.75 nm), enough for a map.
const zonesCellDeg = 1.0 / 16

// whereState holds the zones GeoJSON, rendered once per Locator (it takes about a second).
type whereState struct {
	mu    sync.Mutex
	loc   Locator
	zones []byte
}

// locator returns the configured jurisdiction engine or the 503 that explains its absence.
func (s *Server) locator() (Locator, error) {
	if s.cfg.Jurisdiction == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
			Message: "this server has no jurisdiction engine: start accord serve where the boundary data is installed (npm ci; --boundaries DIR)"}
	}
	l, err := s.cfg.Jurisdiction()
	if err != nil {
		if errors.Is(err, ErrLocatorLoading) {
			return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
				Message: "the jurisdiction engine is still loading its boundary data; retry in a few seconds"}
		}
		s.log.Warn("jurisdiction engine unavailable", "err", err)
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
			Message: "the jurisdiction engine is unavailable: " + err.Error()}
	}
	return l, nil
}

// parseCoord parses a required latitude or longitude query parameter in decimal degrees.
func parseCoord(v string, name string, limit float64) (float64, error) {
	if v == "" {
		return 0, badRequest("%s is required, in decimal degrees, e.g. /api/v1/where?lat=25.7&lon=-92.3", name)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, badRequest("%s must be a decimal number of degrees, e.g. lat=25.7&lon=-92.3; got %q", name, v)
	}
	if f < -limit || f > limit {
		return 0, badRequest("%s %g is out of range: it must lie in [%g, %g]", name, f, -limit, limit)
	}
	return f, nil
}

// handleWhere answers GET /api/v1/where?lat=..&lon=..: the jurisdiction of one point.
func (s *Server) handleWhere(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "lat", "lon"); err != nil {
		return err
	}
	lat, err := parseCoord(q.Get("lat"), "lat", 90)
	if err != nil {
		return err
	}
	lon, err := parseCoord(q.Get("lon"), "lon", 180)
	if err != nil {
		return err
	}
	l, err := s.locator()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, "application/json", l.Lookup(lat, lon))
	return nil
}

// zonesWithFeatures renders the locator's zones FeatureCollection with its map features (treaty
// lines, the Western Gap; see MapFeaturer) appended to "features"; the collection's other
// members are kept.
func zonesWithFeatures(l Locator) ([]byte, error) {
	var buf bytes.Buffer
	if err := l.WriteZonesGeoJSON(&buf, zonesCellDeg); err != nil {
		return nil, err
	}
	var fc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		return nil, fmt.Errorf("zones GeoJSON: %w", err)
	}
	var features []json.RawMessage
	if f, ok := fc["features"]; ok {
		if err := json.Unmarshal(f, &features); err != nil {
			return nil, fmt.Errorf("zones GeoJSON features: %w", err)
		}
	}
	var extra []jurisdiction.Feature
	if mf, ok := l.(MapFeaturer); ok {
		extra = mf.MapFeatures(zonesCellDeg)
	}
	for _, f := range extra {
		b, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("map feature %q: %w", f.Properties["kind"], err)
		}
		features = append(features, b)
	}
	if features == nil {
		features = []json.RawMessage{}
	}
	b, err := json.Marshal(features)
	if err != nil {
		return nil, err
	}
	fc["features"] = b
	return json.Marshal(fc)
}

// handleZones answers GET /api/v1/zones: every state's zones as GeoJSON for the map,
// simplified to a 1/16° raster, with the data attribution, followed by the treaty lines and the
// Western Gap (properties kind "treaty_line" / "western_gap" and source).
func (s *Server) handleZones(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknown(r.URL.Query()); err != nil {
		return err
	}
	l, err := s.locator()
	if err != nil {
		return err
	}
	ws := &s.where
	ws.mu.Lock()
	if ws.loc != l || ws.zones == nil {
		body, err := zonesWithFeatures(l)
		if err != nil {
			ws.mu.Unlock()
			return err
		}
		ws.loc, ws.zones = l, body
	}
	body := ws.zones
	ws.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "application/geo+json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return nil
}
