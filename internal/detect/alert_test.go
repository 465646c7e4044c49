package detect

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func TestAlertJSONRoundTrip(t *testing.T) {
	a := Alert{ID: "x", Kind: KindGap, Severity: SeverityHigh, MMSI: []uint32{345000001}, Start: time.Date(2026, 1, 15, 2, 54, 52, 0, time.UTC),
		End: time.Date(2026, 1, 15, 17, 5, 2, 0, time.UTC), Lat: 22.990441234, Lon: -96.32, State: "MEX", Zone: "eez", Authority: "SEMAR",
		ShoreNM: math.NaN(), Detail: "likely_intentional",
		Evidence: []Evidence{{MMSI: 345000001, Time: time.Date(2026, 1, 15, 2, 54, 52, 0, time.UTC), Lat: 1, Lon: 2, SOG: math.NaN(), COG: 90}}}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"kind":"gap","severity":"high","mmsi":[345000001],"start":"2026-01-15T02:54:52Z","end":"2026-01-15T17:05:02Z","lat":22.99044,"lon":-96.32,"state":"MEX","zone":"eez","authority":"SEMAR","shore_nm":null`, `"sog":null,"cog":90`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s\nlacks %s", s, want)
		}
	}
	var back Alert
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.ShoreNM) || !math.IsNaN(back.Evidence[0].SOG) || back.Evidence[0].COG != 90 || !back.Start.Equal(a.Start) || back.Lat != 22.99044 {
		t.Errorf("round trip: %+v", back)
	}
}

func TestValidIMO(t *testing.T) {
	for _, c := range []struct {
		n  uint32
		ok bool
	}{{9074729, true}, {8207721, true}, {9074728, false}, {123, false}, {0, false}, {10000000, false}} {
		if got := validIMO(c.n); got != c.ok {
			t.Errorf("validIMO(%d) = %v, want %v", c.n, got, c.ok)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mut  func(*Config)
		want string
	}{
		{func(c *Config) { c.Gap.Min = 0 }, "gap.min"},
		{func(c *Config) { c.Encounter.MaxDistanceM = 5000 }, "2000 m"},
		{func(c *Config) { c.Zone.WatchZones = []string{"MEX/eez"} }, "watch_zones"},
		{func(c *Config) { c.Zone.WatchZones = []string{"Mexico/*"} }, "alpha-3"},
		{func(c *Config) { c.MaxImpliedKn = math.NaN() }, "max_implied_kn"},
	} {
		cfg := DefaultConfig()
		c.mut(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate = %v, want an error about %s", err, c.want)
		}
	}
}
