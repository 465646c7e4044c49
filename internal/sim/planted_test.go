package sim

import (
	"math"
	"sort"
	"testing"
	"time"
)

// plantedMMSIs are the MMSIs of the demonstration's planted behaviours (seed 1, default start).
func plantedMMSIs(t *testing.T) map[uint32]bool {
	sc, _ := Lookup("demo")
	out := make(map[uint32]bool)
	for _, e := range Truth(sc, Options{Seed: 1}) {
		for _, m := range e.MMSI {
			out[m] = true
		}
	}
	if len(out) < 6 {
		t.Fatalf("planted MMSIs %v: want at least 6", out)
	}
	return out
}

// Reference coast points of the tests, independent of the simulator's own geography: the
// Tamaulipas and Veracruz coast (read off the chart) and the Quintana Roo coast near Sian Ka'an.
var (
	gulfCoast = [][2]float64{{25.9, -97.15}, {25.0, -97.5}, {24.0, -97.72}, {23.0, -97.77}, {22.2, -97.85}, {21.5, -97.35},
		{20.5, -97.1}, {19.6, -96.4}, {19.2, -96.13}, {18.7, -95.6}}
	qrooCoast = [][2]float64{{19.3, -87.45}, {19.5, -87.43}, {19.6, -87.414}, {19.8, -87.476}, {20.0, -87.49}}
)

// coastDistanceNM is the distance from a point to the nearest reference coast segment, computed
// on a local equirectangular projection, in nautical miles.
func coastDistanceNM(lat, lon float64, coast [][2]float64) float64 {
	best := math.Inf(1)
	kx := 60 * math.Cos(lat*math.Pi/180)
	for i := 1; i < len(coast); i++ {
		ax, ay := (coast[i-1][1]-lon)*kx, (coast[i-1][0]-lat)*60
		bx, by := (coast[i][1]-lon)*kx, (coast[i][0]-lat)*60
		dx, dy := bx-ax, by-ay
		u := math.Max(0, math.Min(1, -(ax*dx+ay*dy)/(dx*dx+dy*dy)))
		best = math.Min(best, math.Hypot(ax+u*dx, ay+u*dy))
	}
	return best
}

func localHour(t int64, tz int64) int { return int(floorMod(t+tz, 86400) / 3600) }

func between(ps []pos, from, to int64) []pos {
	var out []pos
	for _, p := range ps {
		if p.t >= from && p.t <= to {
			out = append(out, p)
		}
	}
	return out
}

// TestPlantedBehaviours checks every ground-truth event against the positions and static data
// that Run emitted, with the tests' own distances, times and speeds.
func TestPlantedBehaviours(t *testing.T) {
	tests := []struct {
		scenario string
		opt      Options
		capture  func(t *testing.T) *capture
	}{
		{"planted", Options{Seed: 1}, nil},
		// Another start: the go-fast waits for the night.
		{"planted", Options{Seed: 5, Start: DefaultStart.Add(9*time.Hour + 17*time.Minute)}, nil},
		// Among the benign traffic, the planted vessels behave exactly as alone.
		{"demo", Options{Seed: 1, Duration: 26 * time.Hour}, demoDay},
	}
	for _, tt := range tests {
		t.Run(tt.scenario+"/"+tt.opt.Start.Format("15:04"), func(t *testing.T) {
			var c *capture
			if tt.capture != nil {
				c = tt.capture(t)
			} else {
				c = runCapture(t, tt.scenario, tt.opt)
			}
			sc, _ := Lookup(tt.scenario)
			checkTruth(t, c, tt.scenario, Truth(sc, tt.opt))
		})
	}
}

func checkTruth(t *testing.T, c *capture, scenario string, truth []TruthEvent) {
	kinds := map[string]int{}
	for _, e := range truth {
		kinds[e.Kind]++
		if e.Scenario != scenario || e.State != "MEX" || e.Authority != "SEMAR" || e.Note == "" || e.End.Before(e.Start) {
			t.Errorf("event %+v: want scenario, state MEX, SEMAR, a note and start ≤ end", e)
		}
		if e.Start.Location() != time.UTC || e.Start.Nanosecond() != 0 {
			t.Errorf("event %s: start %v, want whole seconds in UTC", e.Kind, e.Start)
		}
		s, end := e.Start.Unix(), e.End.Unix()
		switch e.Kind {
		case KindSpeed:
			ps := between(c.byMMSI[e.MMSI[0]], s, end)
			if len(ps) < 20 || !ps[0].classB {
				t.Fatalf("speed: %d class B reports in the run, want ≥ 20", len(ps))
			}
			for i, p := range ps {
				if p.sog < 35 || p.sog > 45 {
					t.Errorf("speed: report at %d: %.1f kn, want 35–45", p.t, p.sog)
				}
				if i > 0 {
					q := ps[i-1]
					v := haversine(q.lat, q.lon, p.lat, p.lon) / float64(p.t-q.t) * 3600 / 1852
					if v < 33 || v > 47 {
						t.Errorf("speed: %.1f kn between reports at %d and %d, want 35–45 give or take", v, q.t, p.t)
					}
				}
			}
			for _, h := range []int{localHour(s, -5*3600), localHour(end, -5*3600)} {
				if h >= 5 && h < 19 {
					t.Errorf("speed: local hour %d in Quintana Roo, want night", h)
				}
			}
			if d := coastDistanceNM(e.Lat, e.Lon, qrooCoast); d < 24 {
				t.Errorf("speed: starts %.1f nm off the coast, want beyond 24 nm (EEZ)", d)
			}
			st := staticOf(c, e.MMSI[0])
			if !st.classB || st.length >= 15 || st.length <= 0 || st.imo != 0 {
				t.Errorf("speed: static %+v: want class B, length < 15 m, no IMO", st)
			}
		case KindZoneEntry:
			ps := c.byMMSI[e.MMSI[0]]
			i := sort.Search(len(ps), func(i int) bool { return ps[i].t >= s })
			if i == 0 || i == len(ps) || ps[i].t != s {
				t.Fatalf("zone_entry: no report at the start time %d", s)
			}
			before, at := coastDistanceNM(ps[i-1].lat, ps[i-1].lon, qrooCoast), coastDistanceNM(ps[i].lat, ps[i].lon, qrooCoast)
			if !(before > 11.7 && at < 12.3 && at < before) {
				t.Errorf("zone_entry: %.2f nm then %.2f nm off the coast, want the 12 nm line crossed", before, at)
			}
			if h := localHour(s, -5*3600); h >= 5 && h < 19 {
				t.Errorf("zone_entry at local hour %d: want night", h)
			}
			if e.Zone != ZoneTerritorialSea {
				t.Errorf("zone_entry zone %q", e.Zone)
			}
		case KindEncounter:
			if len(e.MMSI) != 2 {
				t.Fatalf("encounter MMSIs %v", e.MMSI)
			}
			if d := e.End.Sub(e.Start); d < 3*time.Hour {
				t.Errorf("encounter lasts %s, want ≥ 3 h", d)
			}
			a, b := between(c.byMMSI[e.MMSI[0]], s, end), between(c.byMMSI[e.MMSI[1]], s, end)
			if len(a) < 500 || len(b) < 500 {
				t.Fatalf("encounter: %d and %d reports, want many", len(a), len(b))
			}
			j := 0
			for _, p := range a {
				for j+1 < len(b) && b[j+1].t <= p.t {
					j++
				}
				q := b[j]
				if d := haversine(p.lat, p.lon, q.lat, q.lon); d >= 500 || p.sog >= 2 || q.sog >= 2 || absI(p.t-q.t) > 180 {
					t.Fatalf("encounter at %d: %.0f m apart, %.1f and %.1f kn, reports %d s apart: want < 500 m, < 2 kn",
						p.t, d, p.sog, q.sog, p.t-q.t)
				}
			}
			for _, pt := range allPorts {
				if d := haversine(e.Lat, e.Lon, pt.ref.lat, pt.ref.lon); d < 10000 {
					t.Errorf("encounter %.0f m from %s, want ≥ 10 km from any port", d, pt.name)
				}
			}
			if d := coastDistanceNM(e.Lat, e.Lon, gulfCoast); d < 24+10 || d > 200-20 {
				t.Errorf("encounter %.0f nm off the coast, want well inside the EEZ and outside 24 nm", d)
			}
		case KindGap:
			ps := c.byMMSI[e.MMSI[0]]
			if d := e.End.Sub(e.Start); d < 14*time.Hour {
				t.Errorf("gap lasts %s, want ≥ 14 h", d)
			}
			var inside, before12 int
			for _, p := range ps {
				if p.t > s && p.t < end {
					inside++
				}
				if p.t >= s-12*3600 && p.t <= s {
					before12++
				}
			}
			if inside != 0 || before12 < 14 {
				t.Errorf("gap: %d reports inside, %d in the 12 h before: want 0 and ≥ 14", inside, before12)
			}
			if d := coastDistanceNM(e.Lat, e.Lon, gulfCoast); d < 70 || d > 90 {
				t.Errorf("gap starts %.0f nm off the coast, want about 80", d)
			}
		case KindIdentity:
			checkIdentity(t, c, e.MMSI, s, end)
		default:
			t.Errorf("unexpected kind %q", e.Kind)
		}
	}
	for k, n := range map[string]int{KindSpeed: 1, KindZoneEntry: 1, KindEncounter: 1, KindGap: 1, KindIdentity: 2} {
		if kinds[k] != n {
			t.Errorf("%d %s events, want %d", kinds[k], k, n)
		}
	}
}

func absI(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func staticOf(c *capture, mmsi uint32) stat {
	for _, s := range c.statics {
		if s.mmsi == mmsi {
			return s
		}
	}
	return stat{}
}

func checkIdentity(t *testing.T, c *capture, mmsi []uint32, s, end int64) {
	t.Helper()
	switch len(mmsi) {
	case 1: // one MMSI, two transmitters far apart
		ps := between(c.byMMSI[mmsi[0]], s, end)
		var gulf, pacific, impossible int
		for i, p := range ps {
			if p.lon > -98 {
				gulf++
			} else if p.lon < -100.5 {
				pacific++
			}
			if i > 0 && p.t > ps[i-1].t {
				q := ps[i-1]
				if v := haversine(q.lat, q.lon, p.lat, p.lon) / float64(p.t-q.t) * 3600 / 1852; v > 500 {
					impossible++
				}
			}
		}
		if gulf < 100 || pacific < 100 || impossible < 10 {
			t.Errorf("shared MMSI %d: %d reports in the Gulf, %d in the Pacific, %d impossible jumps: want many of each",
				mmsi[0], gulf, pacific, impossible)
		}
	case 2: // one ship, new MMSI, name and flag
		old, nw := staticOf(c, mmsi[0]), staticOf(c, mmsi[1])
		if old.imo == 0 || old.imo != nw.imo || !validIMO(old.imo) || old.name == nw.name || old.callSign == nw.callSign ||
			mmsi[0]/1000000 == mmsi[1]/1000000 {
			t.Errorf("change of identity: %+v → %+v: want the same valid IMO, a new name, call sign and MID", old, nw)
		}
		po, pn := c.byMMSI[mmsi[0]], c.byMMSI[mmsi[1]]
		if len(po) == 0 || len(pn) == 0 {
			t.Fatalf("change of identity: %d reports as %d, %d as %d", len(po), mmsi[0], len(pn), mmsi[1])
		}
		last, first := po[len(po)-1], pn[0]
		if last.t != s || first.t > end || first.t <= last.t {
			t.Errorf("change of identity: old MMSI last heard %d, new first heard %d; truth %d–%d", last.t, first.t, s, end)
		}
		if d := haversine(last.lat, last.lon, first.lat, first.lon); d > 15*1852 {
			t.Errorf("change of identity: reappears %.0f nm away, want the same ship nearby", d/1852)
		}
	default:
		t.Errorf("identity event with MMSIs %v", mmsi)
	}
}

// The go-fast keeps to the night whatever the start time.
func TestNightDeparture(t *testing.T) {
	for h := range 24 {
		start := DefaultStart.Add(time.Duration(h) * time.Hour).Unix()
		dep := nightDeparture(start+600, tzQuintanaRoo)
		lh := localHour(dep, tzQuintanaRoo)
		if dep < start+600 || dep > start+600+24*3600 || (lh >= 2 && lh < 20) {
			t.Errorf("start %02d:00 UTC: departure local hour %d, %d s later: want 20:00–02:00 within a day", h, lh, dep-start)
		}
	}
}
