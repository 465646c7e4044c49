package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"accord/internal/vessel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func digest(t *testing.T, name string, opt Options) ([32]byte, int) {
	t.Helper()
	sc, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n := 0
	err = Run(context.Background(), sc, opt, fakeEncoder{}, func(line string, at time.Time) error {
		n++
		h.Write([]byte(line))
		h.Write([]byte{'\n'})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	return d, n
}

func TestDeterministic(t *testing.T) {
	opt := Options{Seed: 7, Duration: 2 * time.Hour}
	a, n := digest(t, "demo", opt)
	b, m := digest(t, "demo", opt)
	if a != b || n != m {
		t.Fatalf("two runs with seed 7: %x (%d lines) and %x (%d lines): want identical", a, n, b, m)
	}
	if n < 10000 {
		t.Fatalf("demo, 2 h: %d lines, want a busy picture (> 10,000)", n)
	}
	opt.Seed = 8
	if c, _ := digest(t, "demo", opt); c == a {
		t.Fatal("seeds 7 and 8 gave identical output: want different traffic")
	}
	opt.Seed, opt.Start = 7, DefaultStart.Add(time.Hour)
	if c, _ := digest(t, "demo", opt); c == a {
		t.Fatal("two start times gave identical output: want different")
	}
	t1, _ := json.Marshal(Truth(scenarios[0], Options{Seed: 7}))
	t2, _ := json.Marshal(Truth(scenarios[0], Options{Seed: 7}))
	if !bytes.Equal(t1, t2) {
		t.Fatal("Truth is not deterministic")
	}
}

// The default options (seed 0, zero start, zero duration) are the scenario's defaults and give
// reproducible output too.
func TestDefaults(t *testing.T) {
	sc, _ := Lookup("planted")
	o := Options{}.normalize(sc)
	if !o.Start.Equal(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)) || o.Duration != sc.Duration || o.Speedup != 1 || o.Scale != 1 {
		t.Fatalf("normalized defaults %+v: want start 2026-01-15T00:00:00Z, the scenario's duration, speedup 1, scale 1", o)
	}
	o = Options{Start: time.Date(2026, 3, 1, 12, 0, 0, 700, time.FixedZone("CST", -6*3600))}.normalize(sc)
	if o.Start.Location() != time.UTC || o.Start.Nanosecond() != 0 {
		t.Fatalf("start %v: want UTC, whole seconds", o.Start)
	}
}

func TestTagBlock(t *testing.T) {
	tests := []struct {
		source string
		t      time.Time
		want   string
	}{
		// The checksum is the XOR of "s:accord-sim,c:1768435200".
		{"accord-sim", time.Unix(1768435200, 0), `\s:accord-sim,c:1768435200*76\`},
		{"accord-sim", time.Unix(0, 0), `\s:accord-sim,c:0*4E\`},
		{"x", time.Unix(5, 999), `\s:x,c:5*71\`},
	}
	for _, tt := range tests {
		if got := TagBlock(tt.source, tt.t); got != tt.want {
			t.Errorf("TagBlock(%q, %d) = %s, want %s", tt.source, tt.t.Unix(), got, tt.want)
		}
		if _, _, err := splitTagBlock(tt.want + "$X*58"); err != nil {
			t.Errorf("test vector %s: %v", tt.want, err)
		}
	}
}

func TestOutputFraming(t *testing.T) {
	c := demoDay(t)
	// runCapture already checked every tag block's checksum and time; check the order.
	var last int64
	for _, p := range c.positions {
		if p.t < last {
			t.Fatalf("line %d: time %d after %d: want non-decreasing times", p.line, p.t, last)
		}
		last = p.t
	}
	if got := c.lines; got != len(c.positions)+2*len(c.statics) {
		t.Fatalf("%d lines, %d positions, %d static reports: want one line per position and two per static report",
			got, len(c.positions), len(c.statics))
	}
}

// classAInterval is the ITU-R M.1371 reporting interval for a reported speed and status.
func classAInterval(sog float64, nav int) int64 {
	return reportInterval(false, sog, nav)
}

func TestReportingIntervals(t *testing.T) {
	c := demoDay(t)
	planted := plantedMMSIs(t)
	type count struct{ ok, bad int }
	var a, b count
	for mmsi, ps := range c.byMMSI {
		if planted[mmsi] {
			continue
		}
		for i := 1; i < len(ps); i++ {
			p, q := ps[i-1], ps[i]
			dt := q.t - p.t
			if p.classB != q.classB {
				t.Fatalf("MMSI %d reports as class A and class B", mmsi)
			}
			if p.classB {
				want := int64(180)
				if p.sog > 2 {
					want = 30
				}
				// The interval follows the speed through the water, which the reported speed
				// over ground tracks within a few tenths of a knot.
				if dt == want || (math.Abs(p.sog-2) < 0.5 && (dt == 30 || dt == 180)) {
					b.ok++
				} else {
					b.bad++
					t.Errorf("class B %d at %d: %d s after a report at %.1f kn, want %d s", mmsi, q.t, dt, p.sog, want)
				}
				continue
			}
			want := classAInterval(p.sog, p.nav)
			near := func(th float64) bool { return math.Abs(p.sog-th) < 0.5 }
			if dt == want || ((near(3) || near(14) || near(23)) && (dt == 2 || dt == 6 || dt == 10 || dt == 180)) {
				a.ok++
			} else {
				a.bad++
				if a.bad < 10 {
					t.Errorf("class A %d at %d: %d s after a report at %.1f kn, status %d, want %d s", mmsi, q.t, dt, p.sog, p.nav, want)
				}
			}
		}
	}
	if a.ok < 100000 || b.ok < 5000 || a.bad > 0 || b.bad > 0 {
		t.Fatalf("intervals: class A %d right, %d wrong; class B %d right, %d wrong", a.ok, a.bad, b.ok, b.bad)
	}
	// Static data every 6 minutes.
	lastStatic := make(map[uint32]int64)
	for _, s := range c.statics {
		if planted[s.mmsi] {
			continue
		}
		if prev, ok := lastStatic[s.mmsi]; ok {
			if d := s.t - prev; d < 360 || d > 360+180 {
				t.Fatalf("MMSI %d: static reports at %d and %d, %d s apart: want every 6 min", s.mmsi, prev, s.t, d)
			}
		}
		lastStatic[s.mmsi] = s.t
	}
}

func TestRealtime(t *testing.T) {
	sc, _ := Lookup("caribbean")
	opt := Options{Seed: 1, Duration: 10 * time.Minute, Realtime: true, Speedup: 1200}
	begin := time.Now()
	var first, last time.Time
	var lines int
	err := Run(context.Background(), sc, opt, fakeEncoder{}, func(line string, at time.Time) error {
		if lines == 0 {
			first = time.Now()
		}
		lines++
		last = time.Now()
		// A line simulated at at must not come out before its wall-clock due time.
		due := begin.Add(time.Duration(float64(at.Sub(DefaultStart)) / opt.Speedup))
		if time.Now().Before(due.Add(-5 * time.Millisecond)) {
			t.Fatalf("line at %s emitted %s before its due time", at.Format(time.TimeOnly), time.Until(due))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Duration(float64(10*time.Minute) / opt.Speedup) // 500 ms
	if got := last.Sub(begin); got < want*8/10 || got > want*4 {
		t.Fatalf("10 min at ×1200 took %s of wall time (first line after %s, %d lines): want about %s",
			got, first.Sub(begin), lines, want)
	}

	// Cancelling stops the run promptly with the context's error.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	opt.Speedup, opt.Duration = 1, time.Hour
	begin = time.Now()
	err = Run(ctx, sc, opt, fakeEncoder{}, func(string, time.Time) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(begin) > 2*time.Second {
		t.Fatalf("cancelled realtime run: %v after %s, want context.DeadlineExceeded within 2 s", err, time.Since(begin))
	}
}

type failingEncoder struct{ fakeEncoder }

func (failingEncoder) Static(vessel.Static) ([]string, error) {
	return nil, errors.New("no static today")
}

func TestErrors(t *testing.T) {
	sc, _ := Lookup("pacific")
	err := Run(context.Background(), sc, Options{Duration: time.Minute}, failingEncoder{}, func(string, time.Time) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "no static today") || !strings.Contains(err.Error(), "encode static data") {
		t.Fatalf("encoder failure: %v, want it wrapped with context", err)
	}
	stop := errors.New("disk full")
	err = Run(context.Background(), sc, Options{Duration: time.Minute}, fakeEncoder{}, func(string, time.Time) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("emit failure: %v, want %v", err, stop)
	}
	if err := Run(context.Background(), Scenario{Name: "made-up"}, Options{}, fakeEncoder{}, nil); !errors.Is(err, ErrUnknownScenario) {
		t.Fatalf("zero scenario: %v, want ErrUnknownScenario", err)
	}
}

func TestScenarios(t *testing.T) {
	all := Scenarios()
	if len(all) < 5 || all[0].Name != "demo" {
		t.Fatalf("scenarios %v: want demo first, and one per region", all)
	}
	seen := map[string]bool{}
	for _, sc := range all {
		if seen[sc.Name] || sc.Name == "" || sc.Description == "" || sc.DescriptionES == "" || sc.Duration <= 0 {
			t.Errorf("scenario %+v: want a unique name, both descriptions and a duration", sc)
		}
		seen[sc.Name] = true
		if strings.Contains(sc.Description, "\n") || strings.Contains(sc.DescriptionES, "\n") {
			t.Errorf("scenario %s: descriptions must be one line", sc.Name)
		}
		got, err := Lookup(sc.Name)
		if err != nil || got.Name != sc.Name {
			t.Errorf("Lookup(%q) = %v, %v", sc.Name, got.Name, err)
		}
		if tr := Truth(sc, Options{Seed: 1}); sc.Planted != (len(tr) > 0) {
			t.Errorf("scenario %s: planted %t but %d truth events", sc.Name, sc.Planted, len(tr))
		}
	}
	for _, region := range []string{"gulf", "caribbean", "pacific"} {
		if !seen[region] {
			t.Errorf("no scenario %q", region)
		}
	}
	_, err := Lookup("atlantis")
	if !errors.Is(err, ErrUnknownScenario) || !strings.Contains(err.Error(), "demo") {
		t.Fatalf("Lookup(atlantis): %v, want ErrUnknownScenario listing the names", err)
	}
}

func TestScale(t *testing.T) {
	count := func(scale float64) int {
		sc, _ := Lookup("gulf")
		b := newBuilder(1, DefaultStart.Unix())
		sc.build(b, scale, true)
		return len(b.agents)
	}
	one, two, half := count(1), count(2), count(0.5)
	if two < 2*one-2 || two > 2*one+2 || half > one*6/10+2 || half < one*4/10-2 {
		t.Fatalf("gulf fleet: %d vessels at scale 1, %d at 2, %d at 0.5: want proportional", one, two, half)
	}
	// A fleet of about 50,000 vessels builds quickly and with unique MMSIs.
	if testing.Short() {
		return
	}
	sc, _ := Lookup("demo")
	b := newBuilder(1, DefaultStart.Unix())
	sc.build(b, 800, true)
	seen := make(map[uint32]bool, len(b.agents))
	imos := make(map[uint32]string, len(b.agents))
	for _, a := range b.agents {
		if seen[a.id.MMSI] && a.key != "planted/clone/clone" {
			t.Fatalf("MMSI %d given twice", a.id.MMSI)
		}
		seen[a.id.MMSI] = true
		if a.id.IMO == 0 || strings.HasPrefix(a.key, "planted/") {
			continue
		}
		if !validIMO(a.id.IMO) {
			t.Fatalf("%s: IMO %d: invalid check digit", a.key, a.id.IMO)
		}
		if k, dup := imos[a.id.IMO]; dup {
			t.Fatalf("IMO %d given to %s and %s: want unique IMO numbers in the benign traffic", a.id.IMO, k, a.key)
		}
		imos[a.id.IMO] = a.key
	}
	if n := len(b.agents); n < 40000 || n > 60000 {
		t.Fatalf("demo at scale 800: %d vessels, want about 50,000", n)
	}
}

func TestIdentityNumbers(t *testing.T) {
	tests := []struct {
		imo  uint32
		want bool
	}{{9074729, true}, {9074728, false}, {9176187, true}, {123, false}, {99999999, false}}
	for _, tt := range tests {
		if got := validIMO(tt.imo); got != tt.want {
			t.Errorf("validIMO(%d) = %t, want %t", tt.imo, got, tt.want)
		}
	}
	b := newBuilder(3, 0)
	r := b.rng("imo")
	for range 1000 {
		if n := imoNumber(r); !validIMO(n) {
			t.Fatalf("imoNumber gave %d: invalid check digit", n)
		}
	}
}

// A minimum interval thins every vessel's reports without changing the planted behaviours'
// ground truth beyond their report times.
func TestMinInterval(t *testing.T) {
	const floor = 30
	opt := Options{Seed: 1, Duration: 6 * time.Hour, MinInterval: floor * time.Second}
	thin := runCapture(t, "demo", opt)
	full := runCapture(t, "demo", Options{Seed: 1, Duration: 6 * time.Hour})
	planted := plantedMMSIs(t)
	n := 0
	for mmsi, ps := range thin.byMMSI {
		if planted[mmsi] {
			continue // the cloned MMSI interleaves two transmitters
		}
		for i := 1; i < len(ps); i++ {
			if dt := ps[i].t - ps[i-1].t; dt < floor {
				t.Fatalf("MMSI %d: reports %d s apart at %d: want at least %d s", mmsi, dt, ps[i].t, floor)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no report intervals to check")
	}
	if len(thin.byMMSI) != len(full.byMMSI) {
		t.Errorf("%d vessels with the minimum interval, %d without: want the same fleet", len(thin.byMMSI), len(full.byMMSI))
	}
	ratio := float64(len(full.positions)) / float64(len(thin.positions))
	if ratio < 2 || ratio > 8 {
		t.Errorf("%d positions at the transponder rates, %d with a %d s floor: want between 2 and 8 times fewer",
			len(full.positions), len(thin.positions), floor)
	}
	sc, _ := Lookup("demo")
	day := Options{Seed: 1, MinInterval: floor * time.Second}
	if a, b := Truth(sc, day), Truth(sc, Options{Seed: 1}); len(a) != len(b) {
		t.Fatalf("truth: %d planted events with a %d s floor, %d without: want the same events", len(a), floor, len(b))
	}
}

// The ground truth of the demonstration with the default options is a golden file: a change to
// the planted behaviours shows up in review. Rewrite it with `go test -run TestTruthGolden -update`.
func TestTruthGolden(t *testing.T) {
	sc, _ := Lookup("demo")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range Truth(sc, Options{Seed: 1}) {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join("testdata", "demo-seed1.truth.jsonl")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("truth of demo, seed 1:\n%s\nwant (%s):\n%s", buf.Bytes(), path, want)
	}
}

func BenchmarkRunDemoHour(b *testing.B) {
	sc, _ := Lookup("demo")
	var n int
	for b.Loop() {
		n = 0
		err := Run(context.Background(), sc, Options{Seed: 1, Duration: time.Hour}, nopEncoder{}, func(string, time.Time) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "lines/op")
}

// nopEncoder measures the simulator alone.
type nopEncoder struct{}

var nopLine = []string{"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24"}

func (nopEncoder) Position(vessel.Position, bool) ([]string, error) { return nopLine, nil }
func (nopEncoder) Static(vessel.Static) ([]string, error)           { return nopLine, nil }
