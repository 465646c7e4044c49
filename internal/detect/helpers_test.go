package detect

import (
	"context"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"accord/internal/ais"
	"accord/internal/jurisdiction"
	"accord/internal/sim"
	"accord/internal/vessel"
)

// skipOrFatal skips a test that needs data outside CI and fails it under CI=true.
func skipOrFatal(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = up
	}
}

func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(moduleRoot(t), "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		skipOrFatal(t, "shared data not available (%v): provide ../shared/data", err)
	}
	return p
}

var (
	engOnce   sync.Once
	engVal    *jurisdiction.Engine
	engErr    error
	portsOnce sync.Once
	portsVal  *PortIndex
	portsErr  error
)

// testLocator is the jurisdiction engine over the real boundary data, loaded once.
func testLocator(t testing.TB) Locator {
	t.Helper()
	root := moduleRoot(t)
	cache := os.Getenv("ACCORD_JURISDICTION_CACHE")
	if cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(d, "accord", "jurisdiction")
		} else {
			cache = filepath.Join(os.TempDir(), "accord-jurisdiction-cache")
		}
	}
	cfg := jurisdiction.DefaultConfig(root, cache)
	for _, p := range []string{cfg.LandPath, cfg.TreatyPath} {
		if _, err := os.Stat(p); err != nil {
			skipOrFatal(t, "boundary data not installed (%v); run `npm ci` and provide ../shared/data", err)
		}
	}
	engOnce.Do(func() {
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		engVal, engErr = jurisdiction.Load(context.Background(), cfg, log)
	})
	if engErr != nil {
		t.Fatalf("jurisdiction.Load: %v", engErr)
	}
	e := engVal
	return LocatorFunc(func(lat, lon float64) Place {
		a := e.Lookup(lat, lon)
		d := a.BaselineNM
		if a.Zone == jurisdiction.ZoneUnknown {
			d = math.NaN()
		}
		return Place{State: a.State, Zone: string(a.Zone), Authority: a.Authority, ShoreNM: d}
	})
}

func testPorts(t testing.TB) *PortIndex {
	t.Helper()
	dir := sharedData(t, "ports")
	portsOnce.Do(func() {
		portsVal, portsErr = LoadPorts(filepath.Join(dir, "WPI_ports.csv"), filepath.Join(dir, "gfw_anchorage_overrides.csv"))
	})
	if portsErr != nil {
		t.Fatal(portsErr)
	}
	return portsVal
}

// nmeaEncoder encodes the simulator's reports as real AIS sentences (as `accord simulate`
// does), so that the tests go through the decoder and its quantization.
type nmeaEncoder struct{ seq int }

func roundNA(v, scale float64, na int) int {
	if math.IsNaN(v) {
		return na
	}
	return int(math.Round(v * scale))
}

func (e *nmeaEncoder) Position(p vessel.Position, classB bool) ([]string, error) {
	lon := int32(roundNA(p.Lon, 600000, 108600000))
	lat := int32(roundNA(p.Lat, 600000, 54600000))
	sog := uint16(min(roundNA(p.SOG, 10, 1023), 1023))
	cog := uint16(roundNA(p.COG, 10, 3600) % 3601)
	hdg := uint16(roundNA(p.Heading, 1, 511))
	if hdg == 360 {
		hdg = 0
	}
	sec := uint8(p.Time.UTC().Second())
	var m ais.Message
	if classB {
		m = &ais.ClassBPosition{Header: ais.Header{MsgType: 18, UserID: p.MMSI}, SOG: sog, Longitude: lon, Latitude: lat, COG: cog, Heading: hdg, Second: sec, CS: true}
	} else {
		ty := uint8(p.MsgType)
		if ty != 1 && ty != 2 && ty != 3 {
			ty = 1
		}
		ns := uint8(15)
		if p.NavStatus >= 0 && p.NavStatus <= 15 {
			ns = uint8(p.NavStatus)
		}
		m = &ais.PositionReport{Header: ais.Header{MsgType: ty, UserID: p.MMSI}, NavStatus: ns, ROT: -128, SOG: sog, Longitude: lon, Latitude: lat, COG: cog, Heading: hdg, Second: sec}
	}
	return ais.EncodeSentences(m, "AI", 'A', 0)
}

func (e *nmeaEncoder) Static(s vessel.Static) ([]string, error) {
	var bow, stern uint16
	var port, star uint8
	if !math.IsNaN(s.Length) && s.Length > 0 {
		l := min(int(math.Round(s.Length)), 1022)
		bow, stern = uint16(l/2), uint16(l-l/2)
	}
	if !math.IsNaN(s.Beam) && s.Beam > 0 {
		b := min(int(math.Round(s.Beam)), 126)
		port, star = uint8(b/2), uint8(b-b/2)
	}
	if s.ClassB {
		a, err := ais.EncodeSentences(&ais.StaticDataReport{Header: ais.Header{MsgType: 24, UserID: s.MMSI}, PartNum: 0, Name: s.Name}, "AI", 'B', 0)
		if err != nil {
			return nil, err
		}
		b, err := ais.EncodeSentences(&ais.StaticDataReport{Header: ais.Header{MsgType: 24, UserID: s.MMSI}, PartNum: 1,
			ShipType: uint8(s.ShipType), CallSign: s.CallSign, ToBow: bow, ToStern: stern, ToPort: port, ToStarboard: star}, "AI", 'B', 0)
		return append(a, b...), err
	}
	e.seq = e.seq%9 + 1
	m := &ais.StaticVoyageData{Header: ais.Header{MsgType: 5, UserID: s.MMSI}, IMO: s.IMO, CallSign: s.CallSign, Name: s.Name,
		ShipType: uint8(s.ShipType), ToBow: bow, ToStern: stern, ToPort: port, ToStarboard: star, EPFD: 1,
		ETAHour: 24, ETAMinute: 60, Destination: s.Destination}
	return ais.EncodeSentences(m, "AI", 'A', e.seq)
}

// runScenario simulates a scenario, encodes and decodes every sentence, runs the detectors
// and returns the alerts and the ground truth.
func runScenario(t testing.TB, name string, opt sim.Options, cfg Config) ([]Alert, []sim.TruthEvent, Stats) {
	t.Helper()
	sc, err := sim.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	var alerts []Alert
	d, err := New(cfg, testLocator(t), testPorts(t), func(a Alert) { alerts = append(alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	st := ais.NewStream(0)
	err = sim.Run(context.Background(), sc, opt, &nmeaEncoder{}, func(line string, at time.Time) error {
		m, env, err := st.Feed([]byte(line), at)
		if err != nil {
			return err
		}
		if m != nil {
			d.Message(m, env.Time)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	return alerts, sim.Truth(sc, opt), d.Stats()
}
