package ais

import (
	"bufio"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"accord/internal/vessel"
)

func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		payload string
		fill    int
		want    error
		msg     string // substring of the error text
	}{
		{"", 0, ErrEmpty, "empty"},
		{"15RTgt0PAso;90TKcjM8h6g208CQ", 6, ErrBadFill, "6"},
		{"15RTgt0PAso;90TKcjM8h6g208CQ", -1, ErrBadFill, "-1"},
		{"15RTgt0PAso;90TKcjM8h6g2 8CQ", 0, ErrBadChar, "character 25"},
		{"15RTgt0PAso;90TKcjM8h6gx08CQ", 0, ErrBadChar, "'x'"},
		{"15RTgt0PAso;90TKcjM8h6g", 0, ErrLength, "type 1: 138 bits, want at least 163"},
		{"15RT", 0, ErrLength, "24 bits"},
		{strings.Repeat("1", MaxPayloadChars+1), 0, ErrTooLong, "257"},
		{"H42O55i18tMET00000000000000000000000000", 0, ErrLength, "type 24: 234 bits, want 160 to 168"},
		{"Kl0000000000000000", 0, ErrLength, "type 27"},
		{"P000000000000000000000000000", 0, ErrUnknownType, "32"},
		{"0000000000000000000000000000", 0, ErrUnknownType, "0"},
	} {
		m, err := Decode([]byte(c.payload), c.fill)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Decode(%q, %d) = %v, %v; want error %v containing %q", c.payload, c.fill, m, err, c.want, c.msg)
		}
	}
}

func TestPositionReportUnits(t *testing.T) {
	m, err := Decode([]byte("15RTgt0PAso;90TKcjM8h6g208CQ"), 0)
	if err != nil {
		t.Fatal(err)
	}
	p := m.(*PositionReport)
	checks := []struct {
		name string
		f    func() (float64, bool)
		want float64
	}{
		{"Lat", p.Lat, float64(p.Latitude) / 600000},
		{"Lon", p.Lon, float64(p.Longitude) / 600000},
		{"SpeedKnots", p.SpeedKnots, float64(p.SOG) / 10},
		{"CourseDeg", p.CourseDeg, float64(p.COG) / 10},
	}
	for _, c := range checks {
		got, ok := c.f()
		if !ok || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s() = %v, %v; want %v, true", c.name, got, ok, c.want)
		}
	}
	na := PositionReport{ROT: -128, SOG: 1023, COG: 3600, Heading: 511, Longitude: lonNA4, Latitude: latNA4}
	for name, f := range map[string]func() (float64, bool){"Lat": na.Lat, "Lon": na.Lon, "SpeedKnots": na.SpeedKnots,
		"CourseDeg": na.CourseDeg, "HeadingDeg": na.HeadingDeg, "TurnRate": na.TurnRate} {
		if v, ok := f(); ok {
			t.Errorf("not-available %s() = %v, true; want ok=false", name, v)
		}
	}
	if r, ok := (&PositionReport{ROT: -20}).TurnRate(); !ok || math.Abs(r+17.857) > 0.01 {
		t.Errorf("TurnRate(-20) = %v, %v; want about -17.86 deg/min", r, ok)
	}
}

func TestKindAndFlag(t *testing.T) {
	for _, c := range []struct {
		mmsi uint32
		kind MMSIKind
		flag string
	}{
		{345070335, KindShip, "MEX"},
		{366999712, KindShip, "USA"},
		{3450001, KindCoast, "MEX"},
		{3669702, KindCoast, "USA"},
		{34500001, KindGroup, "MEX"},
		{111345001, KindSARAircraft, "MEX"},
		{993450001, KindAtoN, "MEX"},
		{983450001, KindAuxiliary, "MEX"},
		{970012345, KindSART, ""},
		{972012345, KindMOB, ""},
		{974012345, KindEPIRB, ""},
		{834512345, KindHandheld, "MEX"},
		{0, KindInvalid, ""},
		{1040967879, KindInvalid, ""},
		{123456789, KindInvalid, ""},
		{219009236, KindShip, "DNK"},
		{636012345, KindShip, "LBR"},
		{477123456, KindShip, "HKG"},
		{200123456, KindShip, ""},
	} {
		k, _ := KindOf(c.mmsi)
		if k != c.kind || Flag(c.mmsi) != c.flag {
			t.Errorf("MMSI %d: got %v %q, want %v %q", c.mmsi, k, Flag(c.mmsi), c.kind, c.flag)
		}
	}
}

func TestPositionAndStaticOf(t *testing.T) {
	m, _ := Decode([]byte("15RTgt0PAso;90TKcjM8h6g208CQ"), 0)
	p, ok := PositionOf(m)
	if !ok || p.MMSI != m.MMSI() || p.MsgType != 1 || p.NavStatus != int(m.(*PositionReport).NavStatus) {
		t.Errorf("PositionOf = %+v, %v", p, ok)
	}
	na := &ClassBPosition{Header: hdr(18, 338087471), SOG: 1023, COG: 3600, Heading: 511, Longitude: 1, Latitude: 2}
	p, ok = PositionOf(na)
	if !ok || !math.IsNaN(p.SOG) || !math.IsNaN(p.COG) || !math.IsNaN(p.Heading) || p.NavStatus != -1 {
		t.Errorf("PositionOf(class B, not available) = %+v, %v; want NaN speed, course, heading and status -1", p, ok)
	}
	if _, ok := PositionOf(&PositionReport{Header: hdr(1, 1), Longitude: lonNA4, Latitude: latNA4}); ok {
		t.Error("PositionOf(no position) ok = true, want false")
	}
	if _, ok := PositionOf(&BaseStationReport{Header: hdr(4, 3669702)}); ok {
		t.Error("PositionOf(base station) ok = true, want false")
	}

	s, ok := StaticOf(roundTripTable[5])
	if !ok || s.Name != "SANTA MARIA" || s.CallSign != "XCAB1" || s.Destination != "VERACRUZ" ||
		s.Length != 295 || s.Beam != 32 || s.Draught != 12.2 || s.Flag != "MEX" || s.ClassB || s.IMO != 9134270 {
		t.Errorf("StaticOf(type 5) = %+v, %v", s, ok)
	}
	a, _ := StaticOf(&StaticDataReport{Header: hdr(24, 345070335), Name: "LA PALOMA@@@@@@@@@@@"})
	b, _ := StaticOf(&StaticDataReport{Header: hdr(24, 345070335), PartNum: 1, ShipType: 37, CallSign: "XC1234@",
		ToBow: 5, ToStern: 6, ToPort: 2, ToStarboard: 2})
	if !math.IsNaN(a.Length) || a.Name != "LA PALOMA" || b.Name != "" || b.Length != 11 {
		t.Errorf("StaticOf(24A) = %+v, StaticOf(24B) = %+v", a, b)
	}
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		parts := [2]any{a, b}
		var merged = parts[order[0]].(vessel.Static)
		MergeStatic(&merged, parts[order[1]].(vessel.Static))
		if merged.Name != "LA PALOMA" || merged.CallSign != "XC1234" || merged.ShipType != 37 || merged.Length != 11 || !merged.ClassB {
			t.Errorf("merge of 24A and 24B in order %v = %+v", order, merged)
		}
	}
	if _, ok := StaticOf(m); ok {
		t.Error("StaticOf(position report) ok = true, want false")
	}
}

// TestAppendJSONValid checks that AppendJSON prints valid JSON with units for every message of
// the shared corpus, and leaves out not-available values.
func TestAppendJSONValid(t *testing.T) {
	var buf []byte
	for _, m := range roundTripTable {
		buf = AppendJSON(buf[:0], m)
		var o map[string]any
		if err := json.Unmarshal(buf, &o); err != nil {
			t.Fatalf("AppendJSON(%T) = %s: %v", m, buf, err)
		}
	}
	buf = AppendJSON(buf[:0], roundTripTable[1]) // type 2, every value not available
	var o map[string]any
	if err := json.Unmarshal(buf, &o); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"lat", "lon", "sog_kn", "cog_deg", "heading_deg", "rot_deg_min", "nav_status", "second"} {
		if _, ok := o[k]; ok {
			t.Errorf("AppendJSON(not available) has %q: %s", k, buf)
		}
	}
	buf = AppendJSON(buf[:0], roundTripTable[0])
	o = nil
	json.Unmarshal(buf, &o)
	if o["flag"] != "MEX" || o["mmsi_kind"] != "ship" || o["sog_kn"] != 12.3 || o["lat"] != 19.0 || o["lon"] != -60.0 {
		t.Errorf("AppendJSON(type 1) = %s", buf)
	}

	dir := sharedAIS(t)
	f, err := os.Open(filepath.Join(dir, "libais", "test.aivdm"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := NewStream(0)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		m, _, err := s.Feed(sc.Bytes(), time.Time{})
		if err != nil || m == nil {
			continue
		}
		buf = AppendJSON(buf[:0], m)
		if !json.Valid(buf) {
			t.Errorf("AppendJSON printed invalid JSON: %s", buf)
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d messages decoded from libais/test.aivdm", n)
	}
}
