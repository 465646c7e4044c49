package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"accord/internal/access"
	"accord/internal/ingest"
	"accord/internal/vessel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var errNotFound = errors.New("not found")

// fakeStore is an in-memory VesselReader that behaves as the store's contract says.
type fakeStore struct {
	snaps  []vessel.Snapshot
	tracks map[uint32][]vessel.Position
	calls  []string // bbox queries received, for the antimeridian test
}

func (f *fakeStore) VesselsInBBox(ctx context.Context, _ access.User, minLon, minLat, maxLon, maxLat float64, limit int) ([]vessel.Snapshot, error) {
	f.calls = append(f.calls, fmt.Sprintf("%g,%g,%g,%g/%d", minLon, minLat, maxLon, maxLat, limit))
	if minLon > maxLon {
		return nil, errors.New("fake store: box crosses the antimeridian")
	}
	var out []vessel.Snapshot
	for _, s := range f.snaps {
		p := s.Position
		if p.Lon >= minLon && p.Lon <= maxLon && p.Lat >= minLat && p.Lat <= maxLat && len(out) < limit {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeStore) Vessel(ctx context.Context, _ access.User, mmsi uint32) (vessel.Snapshot, error) {
	for _, s := range f.snaps {
		if s.Position.MMSI == mmsi {
			return s, nil
		}
	}
	return vessel.Snapshot{}, fmt.Errorf("vessel %d: %w", mmsi, errNotFound)
}

func (f *fakeStore) Track(ctx context.Context, _ access.User, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error) {
	if _, err := f.Vessel(ctx, access.User{}, mmsi); err != nil {
		return nil, err
	}
	var out []vessel.Position
	for _, p := range f.tracks[mmsi] {
		if !p.Time.Before(from) && p.Time.Before(to) && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

type fakeFeeds []ingest.FeedStats

func (f fakeFeeds) Feeds(context.Context) ([]ingest.FeedStats, error) { return f, nil }

type pingFunc func(context.Context) error

func (p pingFunc) Ping(ctx context.Context) error { return p(ctx) }

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func testStore() *fakeStore {
	na := vessel.NA
	return &fakeStore{
		snaps: []vessel.Snapshot{
			{ // full data, class A
				Position: vessel.Position{MMSI: 345070335, Time: t0, Lat: 19.2, Lon: -96.1, SOG: 12.5, COG: 271.3,
					Heading: 270, NavStatus: 0, MsgType: 1, Source: "tcp:test"},
				Static: vessel.Static{MMSI: 345070335, IMO: 9123456, Name: "ARM TEST  ", CallSign: "XCAB1", ShipType: 35,
					Length: 120, Beam: 16, Draught: na, Destination: "VERACRUZ", Flag: "MEX", Time: t0.Add(-time.Hour)},
			},
			{ // nothing optional available, no static data
				Position: vessel.Position{MMSI: 366999001, Time: t0.Add(time.Second), Lat: 25.5, Lon: -90.25,
					SOG: na, COG: na, Heading: na, NavStatus: -1, MsgType: 18, Source: "udp:test"},
			},
			{ // across the antimeridian
				Position: vessel.Position{MMSI: 412000001, Time: t0, Lat: 10, Lon: 179.5, SOG: 0, COG: 0, Heading: na, NavStatus: 15},
			},
			{
				Position: vessel.Position{MMSI: 412000002, Time: t0, Lat: 10, Lon: -179.5, SOG: na, COG: 360, Heading: 511, NavStatus: 5},
			},
		},
		tracks: map[uint32][]vessel.Position{
			345070335: {
				{MMSI: 345070335, Time: t0.Add(-2 * time.Hour), Lat: 19.0, Lon: -95.9, SOG: 12, COG: 270, Heading: na, NavStatus: 0},
				{MMSI: 345070335, Time: t0.Add(-time.Hour), Lat: 19.1, Lon: -96.0, SOG: na, COG: 271, Heading: 270, NavStatus: 0},
				{MMSI: 345070335, Time: t0, Lat: 19.2, Lon: -96.1, SOG: 12.5, COG: 271.3, Heading: 270, NavStatus: 0},
				{MMSI: 345070335, Time: t0.Add(-30 * time.Hour), Lat: 18, Lon: -95, SOG: 1, COG: 1, Heading: 1, NavStatus: 0},
			},
		},
	}
}

func testFeeds() fakeFeeds {
	return fakeFeeds{
		{Name: "udp:0.0.0.0:4001", Kind: "udp", Originator: "SEMAR", TLP: "AMBER", Lines: 1000, Sentences: 990, Messages: 980,
			BadChecksum: 3, Incomplete: 2, Unparseable: 5, Other: 1, Dropped: 0},
		{Name: `file:odd "name"\with` + "\nnewline", Kind: "file", Lines: 7, Messages: 7},
	}
}

// testToken is the API token of testUser in the servers of newTestServer; get sends it unless
// the request names its own Authorization or Cookie header.
const testToken = "test-token"

var testUser = access.User{ID: 1, Name: "watch", Agency: "SEMAR", State: "MEX", Roles: []access.Role{access.RoleWatchOfficer}}

// fakeSessions knows one API token, testToken, of testUser.
type fakeSessions struct{}

func (fakeSessions) Authenticate(ctx context.Context, name, password string) (access.User, error) {
	return access.User{}, access.ErrUnauthenticated
}

func (fakeSessions) Issue(ctx context.Context, u access.User, kind, label string, ttl time.Duration) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("fake sessions issue nothing")
}

func (fakeSessions) Session(ctx context.Context, token string) (access.User, string, []byte, error) {
	if token != testToken {
		return access.User{}, "", nil, access.ErrUnauthenticated
	}
	return testUser, "token", nil, nil
}

func (fakeSessions) Revoke(ctx context.Context, u access.User, token string) error { return nil }

func newTestServer(t testing.TB, mod func(*Config)) (*Server, *fakeStore) {
	t.Helper()
	st := testStore()
	cfg := Config{
		Vessels:  st,
		NotFound: errNotFound,
		Feeds:    testFeeds(),
		Now:      func() time.Time { return t0.Add(time.Minute) },
		Static:   fstest.MapFS{},
		Intel:    IntelConfig{Sessions: fakeSessions{}},
	}
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil))), st
}

func get(t testing.TB, h http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	if r.Header.Get("Authorization") == "" && r.Header.Get("Cookie") == "" {
		r.Header.Set("Authorization", "Bearer "+testToken)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// apiError decodes a JSON error body, failing the test if it is not one.
func apiError(t *testing.T, w *httptest.ResponseRecorder) (code, msg string) {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("body %q is not a JSON error (%v)", w.Body.String(), err)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	return b.Error.Code, b.Error.Message
}

func TestAPIErrors(t *testing.T) {
	s, _ := newTestServer(t, nil)
	tests := []struct {
		target   string
		status   int
		code     string
		contains string
	}{
		{"/api/v1/vessels?bbox=1,2,3", 400, CodeBadRequest, "minLon,minLat,maxLon,maxLat"},
		{"/api/v1/vessels?bbox=1,2,3,4,5", 400, CodeBadRequest, "got 5 value(s)"},
		{"/api/v1/vessels?bbox=a,2,3,4", 400, CodeBadRequest, `minLon "a" is not a number`},
		{"/api/v1/vessels?bbox=-100,5,-60,NaN", 400, CodeBadRequest, "maxLat"},
		{"/api/v1/vessels?bbox=-100,5,-60,Inf", 400, CodeBadRequest, "maxLat"},
		{"/api/v1/vessels?bbox=-181,5,-60,32", 400, CodeBadRequest, "minLon -181 is out of range"},
		{"/api/v1/vessels?bbox=-100,-91,-60,32", 400, CodeBadRequest, "minLat -91 is out of range"},
		{"/api/v1/vessels?bbox=-100,5,180.5,32", 400, CodeBadRequest, "maxLon 180.5 is out of range"},
		{"/api/v1/vessels?bbox=-100,32,-60,5", 400, CodeBadRequest, "minLat 32 is greater than maxLat 5"},
		{"/api/v1/vessels?bbox=", 200, "", ""},
		{"/api/v1/vessels?limit=0", 400, CodeBadRequest, "limit must be an integer from 1 to 50000"},
		{"/api/v1/vessels?limit=50001", 400, CodeBadRequest, "limit must be"},
		{"/api/v1/vessels?limit=x", 400, CodeBadRequest, "limit must be"},
		{"/api/v1/vessels?bbbox=1,2,3,4", 400, CodeBadRequest, `unknown query parameter "bbbox"`},
		{"/api/v1/vessels/abc", 400, CodeBadRequest, "mmsi must be 1 to 9 decimal digits"},
		{"/api/v1/vessels/0", 400, CodeBadRequest, "mmsi must be"},
		{"/api/v1/vessels/1234567890", 400, CodeBadRequest, "mmsi must be"},
		{"/api/v1/vessels/-5", 400, CodeBadRequest, "mmsi must be"},
		{"/api/v1/vessels/123456789", 404, CodeNotFound, "no vessel with MMSI 123456789"},
		{"/api/v1/vessels/123456789/track", 404, CodeNotFound, "no vessel with MMSI 123456789"},
		{"/api/v1/vessels/345070335/track?from=yesterday", 400, CodeBadRequest, "from must be an RFC 3339 time"},
		{"/api/v1/vessels/345070335/track?to=2025-03-01", 400, CodeBadRequest, "to must be an RFC 3339 time"},
		{"/api/v1/vessels/345070335/track?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", 400, CodeBadRequest, "must be before to"},
		{"/api/v1/vessels/345070335/track?format=kml", 400, CodeBadRequest, "format must be json (the default) or geojson"},
		{"/api/v1/vessels/345070335/track?limit=100001", 400, CodeBadRequest, "limit must be an integer from 1 to 100000"},
		{"/api/v1/nothing", 404, CodeNotFound, "/api/openapi.yaml"},
		{"/api/v1/vessels/1/track/extra", 404, CodeNotFound, "no API route"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			w := get(t, s, tt.target)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if tt.status == 200 {
				return
			}
			code, msg := apiError(t, w)
			if code != tt.code || !strings.Contains(msg, tt.contains) {
				t.Errorf("got error %s %q, want %s containing %q", code, msg, tt.code, tt.contains)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s, _ := newTestServer(t, nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/vessels", strings.NewReader("{}")))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d, want 405", w.Code)
	}
	if code, _ := apiError(t, w); code != CodeMethodNotAllowed {
		t.Errorf("code = %q, want %q", code, CodeMethodNotAllowed)
	}
	if got := w.Header().Get("Allow"); got != "GET, HEAD" {
		t.Errorf("Allow = %q, want GET, HEAD", got)
	}
}

// TestVesselList checks the list against a golden file: NA values absent, times RFC 3339 UTC,
// the antimeridian pair excluded by the Gulf box.
func TestVesselList(t *testing.T) {
	s, _ := newTestServer(t, nil)
	w := get(t, s, "/api/v1/vessels?bbox=-100,5,-60,32")
	if w.Code != 200 {
		t.Fatalf("status = %d, body %s", w.Code, w.Body)
	}
	golden(t, "vessels_gulf.json", w.Body.Bytes())

	var items []map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("got %d vessels, want 2", len(items))
	}
	for _, k := range []string{"mmsi", "lat", "lon", "sog", "cog", "time", "heading", "nav_status", "name", "flag", "ship_type"} {
		if _, ok := items[0][k]; !ok {
			t.Errorf("full vessel lacks %q", k)
		}
	}
	for _, k := range []string{"sog", "cog", "heading", "nav_status", "name", "flag", "ship_type"} {
		if v, ok := items[1][k]; ok {
			t.Errorf("vessel with %s not available has %q: %v, want it absent", k, k, v)
		}
	}
	if got := items[0]["name"]; got != "ARM TEST" {
		t.Errorf("name = %q, want trailing spaces trimmed", got)
	}
	if got := items[1]["time"]; got != "2025-03-01T12:00:01Z" {
		t.Errorf("time = %v, want 2025-03-01T12:00:01Z", got)
	}
}

func TestVesselListLimitAndAntimeridian(t *testing.T) {
	s, st := newTestServer(t, nil)
	w := get(t, s, "/api/v1/vessels?bbox=170,0,-170,20")
	var items []vesselJSON
	if err := json.Unmarshal(w.Body.Bytes(), &items); err != nil {
		t.Fatalf("status %d, body %s: %v", w.Code, w.Body, err)
	}
	var got []uint32
	for _, v := range items {
		got = append(got, v.MMSI)
	}
	if want := []uint32{412000001, 412000002}; !slices.Equal(got, want) {
		t.Errorf("antimeridian box: got %v, want %v (store calls %v)", got, want, st.calls)
	}
	// 412000002 reported COG 360 and heading 511, the AIS "not available" codes.
	if items[1].COG != nil || items[1].Heading != nil {
		t.Errorf("COG/heading 360/511 not dropped: %+v", items[1])
	}
	if items[0].SOG == nil || *items[0].SOG != 0 || items[0].NavStatus != nil {
		t.Errorf("SOG 0 must be present and nav status 15 absent: %+v", items[0])
	}

	w = get(t, s, "/api/v1/vessels?limit=1")
	if err := json.Unmarshal(w.Body.Bytes(), &items); err != nil || len(items) != 1 {
		t.Fatalf("limit=1: got %d items (%v), want 1", len(items), err)
	}
	if w.Header().Get(limitHeader) != "true" {
		t.Errorf("limit reached but %s header = %q", limitHeader, w.Header().Get(limitHeader))
	}
	w = get(t, s, "/api/v1/vessels")
	if err := json.Unmarshal(w.Body.Bytes(), &items); err != nil || len(items) != 4 {
		t.Fatalf("whole world: got %d items (%v), want 4", len(items), err)
	}
	if w.Header().Get(limitHeader) != "" {
		t.Errorf("limit not reached but %s header set", limitHeader)
	}
}

func TestVesselDetail(t *testing.T) {
	s, _ := newTestServer(t, nil)
	w := get(t, s, "/api/v1/vessels/345070335")
	if w.Code != 200 {
		t.Fatalf("status = %d, body %s", w.Code, w.Body)
	}
	golden(t, "vessel_345070335.json", w.Body.Bytes())
	var v map[string]any
	json.Unmarshal(w.Body.Bytes(), &v)
	if _, ok := v["draught"]; ok {
		t.Errorf("draught not available but present")
	}
	for k, want := range map[string]any{"imo": 9123456.0, "callsign": "XCAB1", "length": 120.0, "destination": "VERACRUZ",
		"static_time": "2025-03-01T11:00:00Z", "ship_type": 35.0, "flag": "MEX"} {
		if v[k] != want {
			t.Errorf("%s = %v, want %v", k, v[k], want)
		}
	}
	// Leading zeros are digits of the MMSI (e.g. coast stations 00MIDxxxx).
	if w := get(t, s, "/api/v1/vessels/0345070335"); w.Code != 400 {
		t.Errorf("10-digit MMSI: status %d, want 400", w.Code)
	}
}

func TestTrack(t *testing.T) {
	s, _ := newTestServer(t, nil)
	// Default window: the 24 h before Now (t0+1m), so the position 30 h old is left out.
	w := get(t, s, "/api/v1/vessels/345070335/track")
	var ps []positionJSON
	if err := json.Unmarshal(w.Body.Bytes(), &ps); err != nil {
		t.Fatalf("status %d body %s: %v", w.Code, w.Body, err)
	}
	if len(ps) != 3 {
		t.Fatalf("got %d positions, want 3", len(ps))
	}
	if ps[1].SOG != nil || ps[0].Heading != nil {
		t.Errorf("NA values present: %+v", ps[:2])
	}

	w = get(t, s, "/api/v1/vessels/345070335/track?format=geojson&from=2025-02-28T00:00:00Z&to=2025-03-02T00:00:00Z")
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") {
		t.Errorf("Content-Type = %q, want application/geo+json", ct)
	}
	golden(t, "track_345070335.geojson", w.Body.Bytes())
	var f struct {
		Type     string
		Geometry struct {
			Type        string
			Coordinates [][]float64
		}
		Properties struct {
			MMSI  uint32
			Count int
			Times []time.Time
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if f.Type != "Feature" || f.Geometry.Type != "LineString" || f.Properties.MMSI != 345070335 || f.Properties.Count != 4 {
		t.Fatalf("got %+v, want a LineString Feature of 4 positions of 345070335", f)
	}
	if got := f.Geometry.Coordinates[0]; got[0] != -95 || got[1] != 18 {
		t.Errorf("first vertex = %v, want [lon -95, lat 18] (ascending time)", got)
	}
	if !slices.IsSortedFunc(f.Properties.Times, time.Time.Compare) {
		t.Errorf("times not ascending: %v", f.Properties.Times)
	}

	// One position: no LineString possible, geometry null.
	w = get(t, s, "/api/v1/vessels/345070335/track?format=geojson&from=2025-03-01T11:59:00Z")
	if !strings.Contains(w.Body.String(), `"geometry":null`) {
		t.Errorf("single position: got %s, want geometry null", w.Body)
	}
}

func TestFeeds(t *testing.T) {
	s, _ := newTestServer(t, nil)
	w := get(t, s, "/api/v1/feeds")
	var fs []feedJSON
	if err := json.Unmarshal(w.Body.Bytes(), &fs); err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].BadChecksum != 3 || fs[0].Originator != "SEMAR" {
		t.Errorf("got %+v, want the two test feeds", fs)
	}
	s, _ = newTestServer(t, func(c *Config) { c.Feeds = nil })
	if w := get(t, s, "/api/v1/feeds"); strings.TrimSpace(w.Body.String()) != "[]" {
		t.Errorf("no feed reader: got %s, want []", w.Body)
	}
}

func TestHealthAndReady(t *testing.T) {
	s, _ := newTestServer(t, nil)
	if w := get(t, s, "/healthz"); w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("healthz: %d %q", w.Code, w.Body)
	}
	if w := get(t, s, "/readyz"); w.Code != 200 {
		t.Errorf("readyz without pinger: %d", w.Code)
	}
	s, _ = newTestServer(t, func(c *Config) {
		c.Ready = pingFunc(func(context.Context) error { return errors.New("database is locked") })
	})
	w := get(t, s, "/readyz")
	if w.Code != 503 {
		t.Fatalf("readyz with failing pinger: %d, want 503", w.Code)
	}
	if code, msg := apiError(t, w); code != CodeUnavailable || !strings.Contains(msg, "database is locked") {
		t.Errorf("got %s %q, want unavailable with the reason", code, msg)
	}
}

func TestInternalErrorHidesDetail(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Vessels = failing{} })
	w := get(t, s, "/api/v1/vessels/345070335")
	if w.Code != 500 {
		t.Fatalf("status %d, want 500", w.Code)
	}
	if _, msg := apiError(t, w); strings.Contains(msg, "secret") {
		t.Errorf("internal detail leaked: %q", msg)
	}
}

type failing struct{ VesselReader }

func (failing) Vessel(context.Context, access.User, uint32) (vessel.Snapshot, error) {
	return vessel.Snapshot{}, errors.New("secret dsn postgres://x")
}

// metricLine is one sample line of the text format 0.0.4: name, optional labels, value.
var metricLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$`)
var labelPair = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"`)

func TestMetrics(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) {
		c.Extra = func(w io.Writer) { fmt.Fprint(w, "# TYPE accord_extra gauge\naccord_extra 42\n") }
	})
	get(t, s, "/api/v1/vessels")
	get(t, s, "/api/v1/vessels/abc")
	get(t, s, "/no/such/page")
	w := get(t, s, "/metrics")
	if ct := w.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	type sample struct {
		name   string
		labels map[string]string
		value  float64
	}
	var samples []sample
	typed := map[string]string{}
	for i, line := range strings.Split(strings.TrimSuffix(w.Body.String(), "\n"), "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[0] == "#" && f[1] == "TYPE" {
			typed[f[2]] = f[3]
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := metricLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d does not parse: %q", i+1, line)
			continue
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil && m[4] != "+Inf" {
			t.Errorf("line %d: value %q: %v", i+1, m[4], err)
		}
		labels := map[string]string{}
		for _, lp := range labelPair.FindAllStringSubmatch(m[3], -1) {
			labels[lp[1]] = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n").Replace(lp[2])
		}
		samples = append(samples, sample{m[1], labels, v})
	}
	find := func(name string, kv ...string) (float64, bool) {
	next:
		for _, s := range samples {
			if s.name != name {
				continue
			}
			for i := 0; i+1 < len(kv); i += 2 {
				if s.labels[kv[i]] != kv[i+1] {
					continue next
				}
			}
			return s.value, true
		}
		return 0, false
	}
	odd := testFeeds()[1].Name
	checks := []struct {
		name string
		kv   []string
		want float64
	}{
		{"accord_feed_lines_total", []string{"feed", "udp:0.0.0.0:4001"}, 1000},
		{"accord_feed_sentences_total", []string{"feed", "udp:0.0.0.0:4001"}, 990},
		{"accord_feed_messages_total", []string{"feed", "udp:0.0.0.0:4001"}, 980},
		{"accord_feed_bad_checksum_total", []string{"feed", "udp:0.0.0.0:4001"}, 3},
		{"accord_feed_incomplete_total", []string{"feed", "udp:0.0.0.0:4001"}, 2},
		{"accord_feed_unparseable_total", []string{"feed", "udp:0.0.0.0:4001"}, 5},
		{"accord_feed_other_total", []string{"feed", "udp:0.0.0.0:4001"}, 1},
		{"accord_feed_dropped_total", []string{"feed", "udp:0.0.0.0:4001"}, 0},
		{"accord_feed_lines_total", []string{"feed", odd}, 7},
		{"accord_feed_info", []string{"feed", "udp:0.0.0.0:4001", "originator", "SEMAR", "tlp", "AMBER"}, 1},
		{"accord_feed_counters_up", nil, 1},
		{"accord_http_requests_total", []string{"route", "GET /api/v1/vessels", "code", "200"}, 1},
		{"accord_http_requests_total", []string{"route", "GET /api/v1/vessels/{mmsi}", "code", "400"}, 1},
		{"accord_http_requests_total", []string{"route", "unmatched", "code", "404"}, 1},
		{"accord_http_request_duration_seconds_count", []string{"route", "GET /api/v1/vessels"}, 1},
		{"accord_http_request_duration_seconds_bucket", []string{"route", "GET /api/v1/vessels", "le", "+Inf"}, 1},
		{"accord_extra", nil, 42},
	}
	for _, c := range checks {
		got, ok := find(c.name, c.kv...)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.kv, got, ok, c.want)
		}
	}
	for _, s := range samples {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s.name, "_bucket"), "_sum"), "_count")
		if typed[s.name] == "" && typed[base] == "" {
			t.Errorf("sample %s has no # TYPE line", s.name)
		}
	}
	// Buckets are cumulative.
	prev := -1.0
	for _, s := range samples {
		if s.name == "accord_http_request_duration_seconds_bucket" && s.labels["route"] == "GET /api/v1/vessels" {
			if s.value < prev {
				t.Errorf("bucket le=%s = %v below the previous %v", s.labels["le"], s.value, prev)
			}
			prev = s.value
		}
	}
}

func TestQuoteLabel(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:           `"plain"`,
		`a"b`:             `"a\"b"`,
		`back\slash`:      `"back\\slash"`,
		"line\nfeed":      `"line\nfeed"`,
		"tab\tstays utf8": "\"tab\tstays utf8\"",
	} {
		if got := quoteLabel(in); got != want {
			t.Errorf("quoteLabel(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestOpenAPICompleteness checks that the OpenAPI document and the registered /api routes agree
// both ways, method included.
func TestOpenAPICompleteness(t *testing.T) {
	s, _ := newTestServer(t, nil)
	documented := map[string]bool{} // "GET /api/..."
	var path string
	inPaths := false
	for _, line := range strings.Split(string(openapiYAML), "\n") {
		switch {
		case line == "paths:":
			inPaths = true
		case inPaths && line != "" && !strings.HasPrefix(line, " "):
			inPaths = false
		case inPaths && strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			path = strings.TrimSuffix(strings.TrimSpace(line), ":")
		case inPaths && regexp.MustCompile(`^    (get|put|post|delete|patch|head):$`).MatchString(line):
			documented[strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(line), ":"))+" "+path] = true
		}
	}
	if len(s.routes) == 0 {
		t.Fatal("no API routes registered")
	}
	for _, r := range s.routes {
		if !documented[r] {
			t.Errorf("route %q is registered but not in openapi.yaml", r)
		}
		delete(documented, r)
	}
	for r := range documented {
		t.Errorf("openapi.yaml documents %q, which is not registered", r)
	}
	w := get(t, s, "/api/openapi.yaml")
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "openapi: 3.1") {
		t.Errorf("GET /api/openapi.yaml: %d %.40q", w.Code, w.Body)
	}
}

func TestIndexNotBuilt(t *testing.T) {
	s, _ := newTestServer(t, nil)
	w := get(t, s, "/")
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", w.Code)
	}
	if !strings.Contains(w.Body.String(), "web assets not built: run <code>make web</code>") {
		t.Errorf("page does not say how to build the assets:\n%s", w.Body)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestIndexAndStatic(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("console.log('app')"))
	zw.Close()
	files := fstest.MapFS{
		"dist/app.js":                 {Data: []byte("console.log('app')")},
		"dist/app.js.gz":              {Data: gz.Bytes()},
		"dist/app.css":                {Data: []byte("body{}")},
		"dist/maplibre-gl-worker.mjs": {Data: []byte("// worker")},
		"dist/basemap.geojson":        {Data: []byte(`{"type":"FeatureCollection","features":[]}`)},
		"dist/vesselworker.js":        {Data: []byte("// feed worker")},
	}
	s, _ := newTestServer(t, func(c *Config) { c.Static = files })
	w := get(t, s, "/")
	if w.Code != 200 {
		t.Fatalf("status = %d", w.Code)
	}
	page := w.Body.String()
	csp := w.Header().Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
		t.Errorf("CSP %q allows unsafe sources or external hosts", csp)
	}
	js := s.assets.byName["app.js"].URL()
	if !regexp.MustCompile(`^/static/[0-9a-f]{16}/app\.js$`).MatchString(js) || !strings.Contains(page, `src="`+js+`"`) {
		t.Fatalf("page does not load the hashed script %s:\n%s", js, page)
	}
	var cfg pageConfig
	m := regexp.MustCompile(`(?s)<script type="application/json" id="accord-config">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil || json.Unmarshal([]byte(m[1]), &cfg) != nil || cfg.Worker != s.assets.byName["maplibre-gl-worker.mjs"].URL() {
		t.Fatalf("page config missing or wrong: %v", m)
	}

	tests := []struct {
		target, acceptEnc string
		status            int
		encoding, body    string
	}{
		{js, "", 200, "", "console.log('app')"},
		{js, "gzip, br", 200, "gzip", ""},
		{js, "gzip;q=0", 200, "", "console.log('app')"},
		{cfg.Basemap, "gzip", 200, "", `{"type":"FeatureCollection","features":[]}`},
		{"/static/0000000000000000/app.js", "", 404, "", ""},
		{"/static/" + s.assets.byName["app.js"].hash + "/nothing.js", "", 404, "", ""},
	}
	for _, tt := range tests {
		w := get(t, s, tt.target, "Accept-Encoding", tt.acceptEnc)
		if w.Code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.target, w.Code, tt.status)
			continue
		}
		if tt.status != 200 {
			continue
		}
		if got := w.Header().Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("%s (Accept-Encoding %q): Content-Encoding %q, want %q", tt.target, tt.acceptEnc, got, tt.encoding)
		}
		if tt.body != "" && w.Body.String() != tt.body {
			t.Errorf("%s: body %q, want %q", tt.target, w.Body, tt.body)
		}
		if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable", tt.target, cc)
		}
	}
}

func TestParseBBox(t *testing.T) {
	tests := []struct {
		in   string
		want bbox
	}{
		{"", world},
		{"-100,5,-60,32", bbox{-100, 5, -60, 32}},
		{" -100 , 5 ,-60, 32", bbox{-100, 5, -60, 32}},
		{"170,0,-170,20", bbox{170, 0, -170, 20}},
		{"-180,-90,180,90", world},
	}
	for _, tt := range tests {
		got, err := parseBBox(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseBBox(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"", "-100,5,-60,32", "170,0,-170,20", "1,2,3", "NaN,0,0,0", "1e308,0,0,0", "-0,-0,0,0", "0x1p-2,0,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != 400 || !strings.Contains(e.Message, "bbox") {
				t.Fatalf("parseBBox(%q) error %v is not a 400 naming bbox", s, err)
			}
			return
		}
		for _, v := range []float64{b.MinLon, b.MaxLon} {
			if !(v >= -180 && v <= 180) {
				t.Fatalf("parseBBox(%q) = %v: longitude out of range", s, b)
			}
		}
		if !(b.MinLat >= -90 && b.MaxLat <= 90 && b.MinLat <= b.MaxLat) || math.IsNaN(b.MinLat) {
			t.Fatalf("parseBBox(%q) = %v: latitudes out of range or order", s, b)
		}
	})
}

func FuzzParseMMSI(f *testing.F) {
	for _, s := range []string{"366123456", "0", "1", "999999999", "1000000000", "+5", "-5", "00000001", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseMMSI(s)
		if err != nil {
			return
		}
		if n == 0 || n > 999_999_999 || strconv.FormatUint(uint64(n), 10) != strings.TrimLeft(s, "0") {
			t.Fatalf("parseMMSI(%q) = %d", s, n)
		}
	})
}

// BenchmarkVesselList measures the list endpoint encoding 10,000 vessels, the default limit.
func BenchmarkVesselList(b *testing.B) {
	st := &fakeStore{}
	for i := range 10000 {
		st.snaps = append(st.snaps, vessel.Snapshot{
			Position: vessel.Position{MMSI: uint32(200000000 + i), Time: t0, Lat: 5 + float64(i%2700)/100,
				Lon: -100 + float64(i%4000)/100, SOG: 10.5, COG: 123.4, Heading: vessel.NA, NavStatus: 0},
			Static: vessel.Static{Name: "VESSEL NAME", Flag: "MEX", ShipType: 70},
		})
	}
	s, _ := newTestServer(b, func(c *Config) { c.Vessels = st })
	r := httptest.NewRequest(http.MethodGet, "/api/v1/vessels?bbox=-100,5,-60,32", nil)
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot  %s\nwant %s", name, got, want)
	}
}
