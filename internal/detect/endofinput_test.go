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
