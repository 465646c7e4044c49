package detect

import (
	"testing"
	"time"

	"accord/internal/vessel"
)

// TestEndOfInputReportsOpenGaps: a vessel that falls silent far from shore and stays silent to
// the end of the file is reported by EndOfInput as an open gap (and counted), not by Close; a
// vessel silent for less than Gap.Min at the end is not reported.
func TestEndOfInputReportsOpenGaps(t *testing.T) {
	pos := merge(
		leg{mmsi: mA, lat: 20, lon: offNM(80), kn: 10, cog: 90, step: 10 * time.Minute, dur: 14 * time.Hour},              // goes dark at 14 h
		leg{mmsi: mB, lat: 21, lon: offNM(30), kn: 10, cog: 90, step: 10 * time.Minute, dur: 27 * time.Hour},              // reports to the end (27 h)
		leg{mmsi: mC, at: 22 * time.Hour, lat: 22, lon: offNM(90), kn: 9, cog: 0, step: 10 * time.Minute, dur: time.Hour}, // silent 4 h at the end
	)
	for _, end := range []bool{false, true} {
		var out []Alert
		d, err := New(DefaultConfig(), coast, nil, func(a Alert) { out = append(out, a) })
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pos {
			d.Position(p)
		}
		if end {
			d.EndOfInput()
		} else {
			d.Close()
		}
		var gaps []Alert
		for _, a := range out {
			if a.Kind == KindGap {
				gaps = append(gaps, a)
			}
		}
		if !end {
			if len(gaps) != 0 || d.Stats().OpenGaps != 0 {
				t.Errorf("Close reported silences still going on: %+v", gaps)
			}
			continue
		}
		if len(gaps) != 1 || d.Stats().OpenGaps != 1 {
			t.Fatalf("EndOfInput: %d gap alerts, %d open gaps counted; want 1: %+v", len(gaps), d.Stats().OpenGaps, gaps)
		}
		g := gaps[0]
		if g.MMSI[0] != mA || !g.Open || !g.Start.Equal(t0.Add(14*time.Hour)) || !g.End.Equal(t0.Add(27*time.Hour)) ||
			g.Detail != "likely_intentional" || g.Severity != SeverityHigh || len(g.Evidence) == 0 || d.Stats().Alerts[KindGap] != 0 {
			t.Errorf("open gap %+v", g)
		}
	}
}

// TestEndOfInputIdentityChange: a ship that stops transmitting under one MMSI and goes on
// under another with the same IMO number is not silent at the end of the input.
func TestEndOfInputIdentityChange(t *testing.T) {
	pos := merge(
		leg{mmsi: mA, lat: 20, lon: offNM(80), kn: 10, cog: 90, step: 10 * time.Minute, dur: 10 * time.Hour},
		leg{mmsi: mB, at: 11 * time.Hour, lat: 20.3, lon: offNM(195), kn: 10, cog: 90, step: 10 * time.Minute, dur: 16 * time.Hour},
	)
	var out []Alert
	d, err := New(DefaultConfig(), coast, nil, func(a Alert) { out = append(out, a) })
	if err != nil {
		t.Fatal(err)
	}
	sentA, sentB := false, false
	for _, p := range pos {
		d.Position(p)
		if p.MMSI == mA && !sentA {
			d.Static(vessel.Static{MMSI: mA, IMO: 9074729, Name: "OLD NAME", Time: p.Time})
			sentA = true
		}
		if p.MMSI == mB && !sentB {
			d.Static(vessel.Static{MMSI: mB, IMO: 9074729, Name: "NEW NAME", Time: p.Time})
			sentB = true
		}
	}
	d.EndOfInput()
	identity := false
	for _, a := range out {
		if a.Kind == KindGap {
			t.Errorf("gap reported for a ship that changed MMSI: %+v", a)
		}
		identity = identity || a.Kind == KindIdentity
	}
	if !identity {
		t.Errorf("the MMSI change was not reported: %+v", out)
	}
	if d.Stats().OpenGaps != 0 {
		t.Errorf("open gaps counted: %d", d.Stats().OpenGaps)
	}
}

// TestLiveOpenGap: with EmitOpen, a vessel silent for Gap.IntentionalMin while another vessel
// goes on reporting is reported as an open gap alert (once, not again on every Tick), and its
// reappearance makes the same alert (same ID) final; a vessel forgotten while still silent gets
// its alert made final; when no vessel reports (a receiver outage) the clock alone reports
// nothing; without EmitOpen nothing is reported before the vessel reappears.
func TestLiveOpenGap(t *testing.T) {
	dark := leg{mmsi: mA, lat: 20, lon: offNM(80), kn: 10, cog: 90, step: 10 * time.Minute, dur: 14 * time.Hour}
	other := leg{mmsi: mB, lat: 22, lon: offNM(60), kn: 8, cog: 270, step: 10 * time.Minute, dur: 36 * time.Hour}
	last := dark.positions()[len(dark.positions())-1]
	for _, tc := range []struct {
		name     string
		emitOpen bool
		others   bool // another vessel reports during the silence
		then     string
		open     int // open gap alerts before "then"
	}{
		{"batch", false, true, "back", 0},
		{"reappears", true, true, "back", 1},
		{"forgotten", true, true, "forget", 1},
		{"outage", true, false, "none", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gaps []Alert
			cfg := DefaultConfig()
			cfg.EmitOpen = tc.emitOpen
			d, err := New(cfg, coast, nil, func(a Alert) {
				if a.Kind == KindGap && a.MMSI[0] == mA { // the other vessel's own silence at the end is not this test's
					gaps = append(gaps, a)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			pos := dark.positions()
			if tc.others {
				pos = merge(dark, other)
			}
			for _, p := range pos {
				d.Position(p)
			}
			for _, h := range []time.Duration{6, 11, 12, 13, 20, 30} { // hours after its last report
				d.Tick(last.Time.Add(h*time.Hour + time.Minute))
			}
			if len(gaps) != tc.open {
				t.Fatalf("before the vessel reports again: %d gap alerts, want %d: %+v", len(gaps), tc.open, gaps)
			}
			if tc.open == 1 && (!gaps[0].Open || !gaps[0].Start.Equal(last.Time) || gaps[0].Detail != "likely_intentional" || len(gaps[0].Evidence) == 0) {
				t.Fatalf("open gap %+v; want an open likely_intentional gap from the last report", gaps[0])
			}
			switch tc.then {
			case "back":
				p := last
				p.Time = last.Time.Add(37 * time.Hour)
				p.Lon += 1
				d.Position(p)
			case "forget":
				d.Tick(last.Time.Add(8 * 24 * time.Hour))
			case "none":
				return
			}
			if len(gaps) != tc.open+1 {
				t.Fatalf("%d gap alerts, want %d: %+v", len(gaps), tc.open+1, gaps)
			}
			f := gaps[len(gaps)-1]
			if f.Open || f.Detail != "likely_intentional" || (tc.open == 1 && f.ID != gaps[0].ID) {
				t.Errorf("final gap %+v; open one %+v", f, gaps[0])
			}
		})
	}
}
