package detect

import (
	"math"
	"strings"
	"testing"
	"time"

	"accord/internal/vessel"
)

// coast is a stand-in locator: a straight coast of "MEX" along the meridian 90°W, land to the
// west; zones from the distance to it.
var coast = LocatorFunc(func(lat, lon float64) Place {
	d := (lon + 90) * 60 * math.Cos(lat*deg)
	p := Place{State: "MEX", Authority: "SEMAR", ShoreNM: math.Max(d, 0)}
	switch {
	case d < 0:
		p.Zone = "land"
	case d <= 12:
		p.Zone = "territorial_sea"
	case d <= 24:
		p.Zone = "contiguous_zone"
	case d <= 200:
		p.Zone = "eez"
	default:
		p.Zone, p.State, p.Authority = "high_seas", "", ""
	}
	return p
})

var t0 = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// offNM is the longitude n nm east of the test coast at latitude 20°N.
func offNM(n float64) float64 { return -90 + n/(60*math.Cos(20*deg)) }

// leg is a straight run of reports: from (lat, lon) at speed kn on course cog, every step,
// for dur, from time at.
type leg struct {
	mmsi     uint32
	at       time.Duration
	lat, lon float64
	kn, cog  float64
	step     time.Duration
	dur      time.Duration
	msgType  int
}

func (l leg) positions() []vessel.Position {
	var out []vessel.Position
	mt := l.msgType
	if mt == 0 {
		mt = 1
	}
	for t := time.Duration(0); t <= l.dur; t += l.step {
		lat, lon := deadReckon(l.lat, l.lon, l.kn, l.cog, t.Seconds())
		out = append(out, vessel.Position{MMSI: l.mmsi, Time: t0.Add(l.at + t), Lat: lat, Lon: lon, SOG: l.kn, COG: l.cog,
			Heading: l.cog, NavStatus: 0, MsgType: mt})
	}
	return out
}

// merge interleaves the legs' reports in time order.
func merge(legs ...leg) []vessel.Position {
	var all []vessel.Position
	for _, l := range legs {
		all = append(all, l.positions()...)
	}
	// stable insertion by time keeps each vessel's order
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].Time.Before(all[j-1].Time); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	return all
}

type portList []struct{ lat, lon float64 }

func (p portList) Near(lat, lon, r float64) (string, bool) {
	for _, q := range p {
		if distanceM(lat, lon, q.lat, q.lon) <= r {
			return "TEST PORT", true
		}
	}
	return "", false
}

func detectAll(t *testing.T, cfg Config, ports Ports, statics []vessel.Static, pos []vessel.Position) []Alert {
	t.Helper()
	var out []Alert
	d, err := New(cfg, coast, ports, func(a Alert) { out = append(out, a) })
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range statics {
		d.Static(s)
	}
	for _, p := range pos {
		d.Position(p)
	}
	d.Close()
	return out
}

const (
	mA = 345000001 // valid Mexican MMSIs
	mB = 345000002
	mC = 338000003 // USA
)

func TestDetectors(t *testing.T) {
	small := []vessel.Static{{MMSI: mA, Name: "LANCHA", Length: 12, ClassB: true, Time: t0}}
	big := []vessel.Static{{MMSI: mA, Name: "TANKER", Length: 180, Time: t0}}
	port := portList{{20, offNM(60)}}
	cfgAnch := DefaultConfig()
	cfgAnch.Loitering.Anchorage = true
	cfgWatch := DefaultConfig()
	cfgWatch.Zone.WatchMMSI = []uint32{mA}
	cases := []struct {
		name    string
		cfg     Config
		ports   Ports
		statics []vessel.Static
		pos     []vessel.Position
		want    []string // kind/detail of each alert, in order
		state   string
		zone    string
	}{
		{"gap likely intentional", DefaultConfig(), nil, nil,
			merge(leg{mmsi: mA, lat: 20, lon: offNM(80), kn: 10, cog: 0, step: 10 * time.Minute, dur: 12 * time.Hour},
				leg{mmsi: mA, at: 25 * time.Hour, lat: 22.5, lon: offNM(80), kn: 10, cog: 0, step: 10 * time.Minute, dur: time.Hour}),
			[]string{"gap/likely_intentional"}, "MEX", "eez"},
		{"gap near shore", DefaultConfig(), nil, nil,
			merge(leg{mmsi: mA, lat: 20, lon: offNM(30), kn: 10, cog: 0, step: 10 * time.Minute, dur: 12 * time.Hour},
				leg{mmsi: mA, at: 25 * time.Hour, lat: 22.5, lon: offNM(30), kn: 10, cog: 0, step: 10 * time.Minute, dur: time.Hour}),
			[]string{"gap/gap"}, "MEX", "eez"},
		{"silence under 6 h", DefaultConfig(), nil, nil,
			merge(leg{mmsi: mA, lat: 20, lon: offNM(80), kn: 10, cog: 0, step: 10 * time.Minute, dur: 6 * time.Hour},
				leg{mmsi: mA, at: 11*time.Hour + 50*time.Minute, lat: 21.1, lon: offNM(80), kn: 10, cog: 0, step: 10 * time.Minute, dur: time.Hour}),
			nil, "", ""},
		{"loitering at sea", DefaultConfig(), nil, big,
			leg{mmsi: mA, lat: 20, lon: offNM(40), kn: 0.6, cog: 90, step: 3 * time.Minute, dur: 5 * time.Hour}.positions(),
			[]string{"loitering/loitering"}, "MEX", "eez"},
		{"slow for 3 h only", DefaultConfig(), nil, big,
			leg{mmsi: mA, lat: 20, lon: offNM(40), kn: 0.6, cog: 90, step: 3 * time.Minute, dur: 3 * time.Hour}.positions(),
			nil, "", ""},
		{"slow near shore", DefaultConfig(), nil, big,
			leg{mmsi: mA, lat: 20, lon: offNM(10), kn: 0.6, cog: 90, step: 3 * time.Minute, dur: 6 * time.Hour}.positions(),
			nil, "", ""},
		{"waiting at anchorage, reported", cfgAnch, port, big,
			leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 0.2, cog: 90, step: 3 * time.Minute, dur: 6 * time.Hour}.positions(),
			[]string{"loitering/anchorage"}, "MEX", "eez"},
		{"waiting at anchorage, default", DefaultConfig(), port, big,
			leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 0.2, cog: 90, step: 3 * time.Minute, dur: 6 * time.Hour}.positions(),
			nil, "", ""},
		{"encounter", DefaultConfig(), port, nil,
			merge(leg{mmsi: mA, lat: 21, lon: offNM(100), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 150 * time.Minute},
				leg{mmsi: mB, at: 20 * time.Second, lat: 21.0015, lon: offNM(100), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 150 * time.Minute}),
			[]string{"encounter/encounter"}, "MEX", "eez"},
		{"together 90 min only", DefaultConfig(), port, nil,
			merge(leg{mmsi: mA, lat: 21, lon: offNM(100), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 90 * time.Minute},
				leg{mmsi: mB, at: 20 * time.Second, lat: 21.0015, lon: offNM(100), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 90 * time.Minute}),
			nil, "", ""},
		{"together 700 m apart", DefaultConfig(), port, nil,
			merge(leg{mmsi: mA, lat: 21, lon: offNM(100), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 150 * time.Minute},
				leg{mmsi: mB, at: 20 * time.Second, lat: 21.0065, lon: offNM(100), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 150 * time.Minute}),
			nil, "", ""},
		{"encounter at a port", DefaultConfig(), port, nil,
			merge(leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 150 * time.Minute},
				leg{mmsi: mB, at: 20 * time.Second, lat: 20.0015, lon: offNM(60), kn: 0.5, cog: 300, step: 3 * time.Minute, dur: 150 * time.Minute}),
			nil, "", ""},
		{"rendezvous under way", DefaultConfig(), port, nil,
			merge(leg{mmsi: mA, lat: 21, lon: offNM(100), kn: 8, cog: 10, step: 10 * time.Second, dur: 40 * time.Minute},
				leg{mmsi: mB, at: 5 * time.Second, lat: 21.001, lon: offNM(100), kn: 8, cog: 10, step: 10 * time.Second, dur: 40 * time.Minute}),
			[]string{"encounter/rendezvous"}, "MEX", "eez"},
		{"crossing, not a rendezvous", DefaultConfig(), port, nil,
			merge(leg{mmsi: mA, lat: 21, lon: offNM(100), kn: 0.3, cog: 10, step: 10 * time.Second, dur: 40 * time.Minute},
				leg{mmsi: mB, at: 5 * time.Second, lat: 21.001, lon: offNM(100), kn: 8, cog: 190, step: 10 * time.Second, dur: 40 * time.Minute}),
			nil, "", ""},
		{"go-fast offshore", DefaultConfig(), nil, small,
			leg{mmsi: mA, lat: 20, lon: offNM(40), kn: 38, cog: 270, step: 30 * time.Second, dur: 20 * time.Minute, msgType: 18}.positions(),
			[]string{"speed/go_fast"}, "MEX", "eez"},
		{"fast small craft inshore", DefaultConfig(), nil, small,
			leg{mmsi: mA, lat: 20, lon: offNM(8), kn: 38, cog: 0, step: 30 * time.Second, dur: 20 * time.Minute, msgType: 18}.positions(),
			nil, "", ""},
		{"fast large ship", DefaultConfig(), nil, big,
			leg{mmsi: mA, lat: 20, lon: offNM(40), kn: 32, cog: 0, step: 10 * time.Second, dur: 20 * time.Minute}.positions(),
			nil, "", ""},
		{"stuck speed field", DefaultConfig(), nil, small,
			withSOG(leg{mmsi: mA, lat: 20, lon: offNM(40), kn: 0, cog: 0, step: 30 * time.Second, dur: 20 * time.Minute, msgType: 18}.positions(), 45),
			nil, "", ""},
		{"impossible jump that stays", DefaultConfig(), nil, big,
			merge(leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 30 * time.Minute},
				leg{mmsi: mA, at: 31 * time.Minute, lat: 21, lon: offNM(150), kn: 10, cog: 0, step: time.Minute, dur: 30 * time.Minute}),
			[]string{"speed/implied_speed"}, "MEX", "eez"},
		{"one bad position", DefaultConfig(), nil, big,
			append(leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 30 * time.Minute}.positions()[:10],
				append([]vessel.Position{{MMSI: mA, Time: t0.Add(9*time.Minute + 30*time.Second), Lat: 25, Lon: -80, SOG: 10, COG: 0, MsgType: 1}},
					leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 30 * time.Minute}.positions()[10:]...)...),
			nil, "", ""},
		{"two places at once", DefaultConfig(), nil, big,
			merge(leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 2 * time.Hour},
				leg{mmsi: mA, at: 30*time.Minute + 30*time.Second, lat: 22, lon: offNM(150), kn: 10, cog: 0, step: time.Minute, dur: time.Hour}),
			[]string{"identity/two_places"}, "MEX", "eez"},
		{"invalid MMSI", DefaultConfig(), nil, nil,
			leg{mmsi: 12345, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 10 * time.Minute}.positions(),
			[]string{"identity/invalid_mmsi"}, "MEX", "eez"},
		{"same name, one rejected report", DefaultConfig(), nil, []vessel.Static{{MMSI: mA, Name: "OLD", Time: t0}},
			append(leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 10 * time.Minute}.positions(),
				vessel.Position{MMSI: mA}), // a rejected report
			nil, "", ""},
		{"watched vessel enters the territorial sea", cfgWatch, nil, big,
			leg{mmsi: mA, lat: 20, lon: offNM(40), kn: 12, cog: 270, step: time.Minute, dur: 3 * time.Hour}.positions(),
			[]string{"zone_entry/zone_entry"}, "MEX", "territorial_sea"},
		{"unwatched vessel enters the territorial sea", DefaultConfig(), nil, big,
			leg{mmsi: mA, lat: 20, lon: offNM(40), kn: 12, cog: 270, step: time.Minute, dur: 3 * time.Hour}.positions(),
			nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			alerts := detectAll(t, c.cfg, c.ports, c.statics, c.pos)
			var got []string
			for _, a := range alerts {
				got = append(got, a.Kind+"/"+a.Detail)
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				for _, a := range alerts {
					t.Log(a.Text())
				}
				t.Fatalf("alerts %v, want %v", got, c.want)
			}
			for _, a := range alerts {
				if a.State != c.state || a.Zone != c.zone {
					t.Errorf("%s at %s/%s, want %s/%s", a.Kind, a.State, a.Zone, c.state, c.zone)
				}
				if a.ID == "" || a.End.Before(a.Start) || len(a.Evidence) == 0 || len(a.Evidence) > DefaultConfig().MaxEvidence {
					t.Errorf("malformed alert %+v", a)
				}
			}
		})
	}
}

func withSOG(ps []vessel.Position, sog float64) []vessel.Position {
	for i := range ps {
		ps[i].SOG = sog
	}
	return ps
}

func TestNameChangeAndFlagHopping(t *testing.T) {
	var alerts []Alert
	d, _ := New(DefaultConfig(), coast, nil, func(a Alert) { alerts = append(alerts, a) })
	pos := leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 10 * time.Minute}.positions()
	d.Static(vessel.Static{MMSI: mA, IMO: 9074729, Name: "OLD NAME", Time: t0})
	for _, p := range pos {
		d.Position(p)
	}
	d.Static(vessel.Static{MMSI: mA, IMO: 9074729, Name: "NEW NAME", Time: t0.Add(11 * time.Minute)})
	// the same ship returns under a Cameroonian MMSI
	d.Static(vessel.Static{MMSI: 613000001, IMO: 9074729, Name: "OTHER", Time: t0.Add(2 * time.Hour)})
	d.Close()
	if len(alerts) != 2 || alerts[0].Detail != "name_change" || alerts[1].Detail != "flag_hopping" {
		t.Fatalf("alerts %+v", alerts)
	}
	if m := alerts[1].MMSI; len(m) != 2 || m[0] != mA || m[1] != 613000001 {
		t.Errorf("flag hopping MMSIs %v, want old then new", m)
	}
	if d.Stats().Rejected != 0 {
		t.Errorf("stats %+v", d.Stats())
	}
}

// TestOutOfOrderAndRejected: bad and late reports are counted, never dropped silently.
func TestOutOfOrderAndRejected(t *testing.T) {
	d, _ := New(DefaultConfig(), coast, nil, nil)
	pos := leg{mmsi: mA, lat: 20, lon: offNM(60), kn: 10, cog: 0, step: time.Minute, dur: 10 * time.Minute}.positions()
	for _, p := range pos {
		d.Position(p)
	}
	d.Position(pos[3])
	d.Position(vessel.Position{MMSI: mA, Time: t0, Lat: 95, Lon: 0})
	d.Position(vessel.Position{MMSI: mA, Lat: 20, Lon: 0})
	s := d.Stats()
	if s.OutOfOrder != 1 || s.Rejected != 2 || s.Positions != int64(len(pos)) {
		t.Errorf("stats %+v", s)
	}
}
