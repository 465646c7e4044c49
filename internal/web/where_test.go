package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"accord/internal/jurisdiction"
)

// fakeLocator answers from a rule on the coordinates and counts zone renderings.
type fakeLocator struct{ renders atomic.Int32 }

func (f *fakeLocator) Lookup(lat, lon float64) jurisdiction.Answer {
	a := jurisdiction.Answer{Lat: lat, Lon: lon, Zone: jurisdiction.ZoneHighSeas, Regime: jurisdiction.RegimeOf(jurisdiction.ZoneHighSeas), OtherNM: 13.5, OtherState: "USA"}
	if lon < -95 {
		a.State, a.Zone, a.BaselineNM, a.Authority, a.Basis = "MEX", jurisdiction.ZoneEEZ, 120.25, "SEMAR", "distance"
		a.Regime = jurisdiction.RegimeOf(a.Zone)
	}
	return a
}

func (f *fakeLocator) WriteZonesGeoJSON(w io.Writer, cellDeg float64) error {
	f.renders.Add(1)
	_, err := fmt.Fprintf(w, `{"type":"FeatureCollection","attribution":"OSM","cell_deg":%g,"features":[`+
		`{"type":"Feature","properties":{"state":"MEX","territory":"","zone":"eez"},"geometry":{"type":"MultiPolygon","coordinates":[]}}]}`, cellDeg)
	return err
}

func (f *fakeLocator) MapFeatures(cellDeg float64) []jurisdiction.Feature {
	return []jurisdiction.Feature{
		{Type: "Feature", Properties: map[string]string{"kind": jurisdiction.KindTreatyLine, "source": "NOAA", "north": "USA", "south": "MEX"},
			Geometry: jurisdiction.Geometry{Type: "MultiLineString", Coordinates: [][][2]float64{{{-97.1, 25.9}, {-93.4, 26}}}}},
		{Type: "Feature", Properties: map[string]string{"kind": jurisdiction.KindWesternGap, "source": "computed"},
			Geometry: jurisdiction.Geometry{Type: "MultiPolygon", Coordinates: [][][][2]float64{{{{-93, 25.5}, {-92, 25.5}, {-92, 26}, {-93, 25.5}}}}}},
	}
}

func TestWhere(t *testing.T) {
	loc := &fakeLocator{}
	s, _ := newTestServer(t, func(c *Config) { c.Jurisdiction = func() (Locator, error) { return loc, nil } })
	tests := []struct {
		name   string
		target string
		status int
		code   string // error code, or "" for a 200
		want   string // in the message, or in the body for a 200
	}{
		{"mexican eez", "/api/v1/where?lat=20&lon=-100", 200, "", `"state":"MEX","zone":"eez","baseline_nm":120.25`},
		{"high seas", "/api/v1/where?lat=25.7&lon=-92.3", 200, "", `"state":"","zone":"high_seas"`},
		{"spaces", "/api/v1/where?lat=%2025.7&lon=-92.3", 200, "", `"lat":25.7`},
		{"missing lat", "/api/v1/where?lon=-92.3", 400, CodeBadRequest, "lat is required"},
		{"missing lon", "/api/v1/where?lat=25", 400, CodeBadRequest, "lon is required"},
		{"lat not a number", "/api/v1/where?lat=north&lon=-92.3", 400, CodeBadRequest, `lat must be a decimal number of degrees, e.g. lat=25.7&lon=-92.3; got "north"`},
		{"lat NaN", "/api/v1/where?lat=NaN&lon=-92.3", 400, CodeBadRequest, "lat must be a decimal number"},
		{"lat out of range", "/api/v1/where?lat=91&lon=-92.3", 400, CodeBadRequest, "lat 91 is out of range"},
		{"lon out of range", "/api/v1/where?lat=25&lon=-181", 400, CodeBadRequest, "lon -181 is out of range"},
		{"unknown parameter", "/api/v1/where?lat=25&lon=-92&latitude=3", 400, CodeBadRequest, `unknown query parameter "latitude"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := get(t, s, tc.target)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			if tc.code != "" {
				code, msg := apiError(t, w)
				if code != tc.code || !strings.Contains(msg, tc.want) {
					t.Errorf("error %s %q; want %s containing %q", code, msg, tc.code, tc.want)
				}
				return
			}
			if !strings.Contains(w.Body.String(), tc.want) {
				t.Errorf("body %s lacks %s", w.Body, tc.want)
			}
			var m map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"state", "zone", "baseline_nm", "authority", "regime", "other_nm", "basis"} {
				if _, ok := m[k]; !ok {
					t.Errorf("answer lacks %q: %s", k, w.Body)
				}
			}
		})
	}
}

func TestWhereUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func() (Locator, error)
		want string
	}{
		{"not configured", nil, "no jurisdiction engine"},
		{"loading", func() (Locator, error) { return nil, fmt.Errorf("x: %w", ErrLocatorLoading) }, "still loading"},
		{"failed", func() (Locator, error) { return nil, errors.New("boundary data not found at /x") }, "boundary data not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestServer(t, func(c *Config) { c.Jurisdiction = tc.fn })
			for _, p := range []string{"/api/v1/where?lat=1&lon=2", "/api/v1/zones"} {
				w := get(t, s, p)
				code, msg := apiError(t, w)
				if w.Code != http.StatusServiceUnavailable || code != CodeUnavailable || !strings.Contains(msg, tc.want) {
					t.Errorf("GET %s: %d %s %q; want 503 unavailable containing %q", p, w.Code, code, msg, tc.want)
				}
			}
		})
	}
}

func TestZones(t *testing.T) {
	loc := &fakeLocator{}
	s, _ := newTestServer(t, func(c *Config) { c.Jurisdiction = func() (Locator, error) { return loc, nil } })
	for range 3 {
		w := get(t, s, "/api/v1/zones")
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/geo+json") {
			t.Fatalf("GET /api/v1/zones: %d %s", w.Code, w.Header().Get("Content-Type"))
		}
		var fc struct {
			Type        string  `json:"type"`
			Attribution string  `json:"attribution"`
			CellDeg     float64 `json:"cell_deg"`
			Features    []struct {
				Properties map[string]string `json:"properties"`
				Geometry   struct {
					Type string `json:"type"`
				} `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &fc); err != nil || fc.Type != "FeatureCollection" || fc.CellDeg != zonesCellDeg || fc.Attribution != "OSM" {
			t.Fatalf("body %s (%v); want the locator's FeatureCollection at %g° with its attribution", w.Body, err, zonesCellDeg)
		}
		// The zones first, then the map features with their kind and source.
		var got []string
		for _, f := range fc.Features {
			got = append(got, f.Properties["zone"]+f.Properties["kind"]+"/"+f.Properties["source"]+"/"+f.Geometry.Type)
		}
		want := []string{"eez//MultiPolygon", "treaty_line/NOAA/MultiLineString", "western_gap/computed/MultiPolygon"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("features %q; want %q", got, want)
		}
	}
	if n := loc.renders.Load(); n != 1 {
		t.Errorf("zones rendered %d times for 3 requests; want once (cached)", n)
	}
	if w := get(t, s, "/api/v1/zones?cell=1"); w.Code != 400 {
		t.Errorf("unknown parameter: %d, want 400", w.Code)
	}
}

func FuzzParseCoord(f *testing.F) {
	for _, s := range []string{"25.7", "-92.3", "", "NaN", "1e400", " 3 ", "0x1p-2", "91"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseCoord(s, "lat", 90)
		if err == nil && (v < -90 || v > 90 || v != v) {
			t.Fatalf("parseCoord(%q) = %g without error", s, v)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Status != 400 || !strings.Contains(e.Message, "lat")) {
			t.Fatalf("parseCoord(%q): error %v is not a 400 naming lat", s, err)
		}
	})
}
