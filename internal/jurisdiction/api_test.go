package jurisdiction

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteZonesGeoJSON(t *testing.T) {
	e := testEngine(t)
	var buf bytes.Buffer
	if err := e.WriteZonesGeoJSON(&buf, 0.25); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type        string `json:"type"`
		Attribution string `json:"attribution"`
		Features    []struct {
			Properties map[string]string `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates [][][][]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatalf("output is not valid JSON: %v", err)
	}
	if fc.Type != "FeatureCollection" || !strings.Contains(fc.Attribution, "OpenStreetMap") {
		t.Errorf("type %q attribution %q; want a FeatureCollection crediting OpenStreetMap", fc.Type, fc.Attribution)
	}
	seen := map[string]bool{}
	for _, f := range fc.Features {
		seen[f.Properties["state"]+"/"+f.Properties["zone"]] = true
		if f.Geometry.Type != "MultiPolygon" || len(f.Geometry.Coordinates) == 0 {
			t.Errorf("feature %v: geometry %s with %d polygons", f.Properties, f.Geometry.Type, len(f.Geometry.Coordinates))
		}
	}
	for _, want := range []string{"MEX/eez", "USA/eez", "/high_seas", "MEX/land", "CUB/territorial_sea"} {
		if !seen[want] {
			t.Errorf("no feature for %s", want)
		}
	}
	t.Logf("%d features, %d bytes at 0.25°", len(fc.Features), buf.Len())
}

func TestAnswerJSONAndText(t *testing.T) {
	e := testEngine(t)
	a := e.Lookup(25.70, -92.30) // Western Gap
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"state", "zone", "baseline_nm", "authority", "regime"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON %s lacks %q", b, k)
		}
	}
	if a.Regime.HotPursuit || a.Regime.StatelessConsent != ConsentNone || a.Regime.BoardingConsent != ConsentFlagState {
		t.Errorf("high-seas regime %+v; want no hot pursuit, flag-state consent, none for stateless", a.Regime)
	}
	if s := a.Text("en"); !strings.Contains(s, "High seas") || !strings.Contains(s, "Hot pursuit cannot start here") {
		t.Errorf("Text(en) = %q", s)
	}
	if s := a.Text("es"); !strings.Contains(s, "Alta mar") {
		t.Errorf("Text(es) = %q", s)
	}
	m2 := e.Lookup(20.40, -86.62) // off Cozumel
	if m2.Authority != "SEMAR" || !m2.Regime.HotPursuit || m2.Regime.BoardingConsent != ConsentCoastalState {
		t.Errorf("Mexican territorial sea: authority %q regime %+v; want SEMAR, hot pursuit, coastal-state consent", m2.Authority, m2.Regime)
	}
	if u := e.Lookup(27.5, -90.0); u.Authority != "USCG" || u.Regime.HotPursuitGrounds[0] != GroundEEZRights {
		t.Errorf("US EEZ: authority %q grounds %v; want USCG, [%s]", u.Authority, u.Regime.HotPursuitGrounds, GroundEEZRights)
	}
	if rec := m2.CSVRecord(); len(rec) != len(CSVHeader) || rec[2] != "MEX" || rec[4] != "territorial_sea" || rec[12] != "any_law" {
		t.Errorf("CSVRecord = %q; want %d fields, MEX, territorial_sea, any_law", rec, len(CSVHeader))
	}
	if o := e.Lookup(40, -100); o.Zone != ZoneUnknown {
		t.Errorf("outside the region: zone %s; want unknown", o.Zone)
	}
}

func TestRegimes(t *testing.T) {
	tests := []struct {
		zone      Zone
		board     string
		stateless string
		pursuit   bool
		grounds   string
	}{
		{ZoneInternalWaters, ConsentCoastalState, ConsentCoastalState, true, "any_law"},
		{ZoneTerritorialSea, ConsentCoastalState, ConsentCoastalState, true, "any_law"},
		{ZoneContiguous, ConsentFlagState, ConsentNone, true, "customs,fiscal,immigration,sanitary"},
		{ZoneEEZ, ConsentFlagState, ConsentNone, true, "eez_rights"},
		{ZoneHighSeas, ConsentFlagState, ConsentNone, false, ""},
		{ZoneLand, ConsentCoastalState, ConsentCoastalState, false, ""},
	}
	for _, tc := range tests {
		r := RegimeOf(tc.zone)
		g := strings.Join(r.HotPursuitGrounds, ",")
		if r.BoardingConsent != tc.board || r.StatelessConsent != tc.stateless || r.HotPursuit != tc.pursuit || g != tc.grounds {
			t.Errorf("RegimeOf(%s) = %+v; want boarding %s, stateless %s, pursuit %v for %q", tc.zone, r, tc.board, tc.stateless, tc.pursuit, tc.grounds)
		}
		if len(r.Citations) == 0 {
			t.Errorf("RegimeOf(%s) cites nothing", tc.zone)
		}
	}
}

func TestReadUserZonesErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/user_zones.geojson")
	if err != nil {
		t.Fatal(err)
	}
	zones, errs := ReadUserZones(bytes.NewReader(data), "user_zones.geojson")
	if len(zones) != 1 || zones[0].State != "MEX" || zones[0].Zone != ZoneEEZ {
		t.Errorf("valid zones = %+v; want the one MEX eez", zones)
	}
	want := []string{`feature 1 ("bowtie"): polygon 0 ring 0: ring crosses itself`, `feature 2 ("nozone"): property "zone"`, `feature 3 ("badstate"): property "state"`, `feature 4 ("open"): ring 0 is not closed`}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors %v; want %d", len(errs), errs, len(want))
	}
	for i, w := range want {
		var ze *ZoneError
		if !errors.As(errs[i], &ze) || !strings.Contains(errs[i].Error(), w) || !strings.HasPrefix(errs[i].Error(), "user_zones.geojson: ") {
			t.Errorf("error %d = %v; want a *ZoneError containing %q", i, errs[i], w)
		}
	}
}

// TestUserZoneOverride loads an engine with a user zone that claims a box of the Western Gap
// for Mexico, plus a broken one: the valid zone wins there, the broken one is reported, and the
// engine starts.
func TestUserZoneOverride(t *testing.T) {
	base := testEngine(t)
	cfg := base.cfg
	cfg.Region = Box{MinLat: 24, MinLon: -95, MaxLat: 28, MaxLon: -89} // small: a quick index build
	cfg.UserZones = []string{filepath.Join("testdata", "user_zones.geojson"), filepath.Join("testdata", "missing.geojson")}
	e, err := Load(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Load with bad user zones: %v", err)
	}
	if n := len(e.UserZoneErrors()); n != 5 {
		t.Errorf("%d user zone errors %v; want 5 (4 features, 1 missing file)", n, e.UserZoneErrors())
	}
	a := e.Lookup(25.7, -92.3)
	if a.State != "MEX" || a.Zone != ZoneEEZ || a.Basis != "user" || !strings.Contains(a.Source, "gap-claim") {
		t.Errorf("inside the user zone: %s %s basis %s source %s; want MEX eez from the user zone gap-claim", a.State, a.Zone, a.Basis, a.Source)
	}
	if b := e.Lookup(25.6, -91.6); b.Zone != ZoneHighSeas {
		t.Errorf("outside the user zone: %s; want high_seas", b.Zone)
	}
}

// FuzzReadUserZones checks that no input crashes the user-zone reader and that every feature
// is either accepted or rejected with an error.
func FuzzReadUserZones(f *testing.F) {
	if data, err := os.ReadFile("testdata/user_zones.geojson"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"type":"FeatureCollection","features":[]}`))
	f.Add([]byte(`{"features":[{"type":"Feature","properties":{"state":"MEX","zone":"eez"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		zones, errs := ReadUserZones(bytes.NewReader(data), "fuzz.geojson")
		for _, z := range zones {
			if _, err := ParseZone(string(z.Zone)); err != nil || (z.State == "" && z.Zone != ZoneHighSeas) {
				t.Fatalf("accepted invalid zone %+v", z)
			}
		}
		for _, err := range errs {
			if err == nil || !strings.HasPrefix(err.Error(), "fuzz.geojson") {
				t.Fatalf("error %v does not name the file", err)
			}
		}
	})
}

// TestMapFeatures checks the treaty line and Western Gap features of the real data: the gap
// covers its known high-seas points and none of the two states' EEZs around it.
func TestMapFeatures(t *testing.T) {
	e := testEngine(t)
	fs := e.MapFeatures(1.0 / 16)
	var lines, gaps int
	covers := func(g Geometry, lat, lon float64) bool {
		for _, poly := range g.Coordinates.([][][][2]float64) {
			r := poly[0]
			if lon >= r[0][0] && lon < r[1][0] && lat >= r[0][1] && lat < r[2][1] {
				return true
			}
		}
		return false
	}
	for _, f := range fs {
		if f.Type != "Feature" || f.Properties["source"] == "" {
			t.Errorf("feature %+v lacks type or source", f.Properties)
		}
		switch f.Properties["kind"] {
		case KindTreatyLine:
			lines++
			ls := f.Geometry.Coordinates.([][][2]float64)
			if f.Geometry.Type != "MultiLineString" || len(ls) < 2 || f.Properties["north"] != "USA" || f.Properties["south"] != "MEX" {
				t.Errorf("treaty line %s with %d lines, properties %v", f.Geometry.Type, len(ls), f.Properties)
			}
		case KindWesternGap:
			gaps++
			for _, p := range [][2]float64{{25.70, -92.30}, {25.60, -91.60}} {
				if !covers(f.Geometry, p[0], p[1]) {
					t.Errorf("Western Gap does not cover %v", p)
				}
			}
			for _, p := range [][2]float64{{24.0, -92.3}, {27.5, -92.3}, {25.3, -88.0}} {
				if covers(f.Geometry, p[0], p[1]) {
					t.Errorf("Western Gap covers %v (an EEZ or the Eastern Gap)", p)
				}
			}
		default:
			t.Errorf("unknown kind %q", f.Properties["kind"])
		}
	}
	if lines != 1 || gaps != 1 {
		t.Errorf("%d treaty line features and %d Western Gap features; want 1 and 1", lines, gaps)
	}
}
