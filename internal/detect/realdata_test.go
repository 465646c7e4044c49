package detect

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"accord/internal/ais"
	"accord/internal/ingest"
)

func readTracks(t *testing.T, rel string) *TrackFile {
	t.Helper()
	p := sharedData(t, rel)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tf, err := ReadTrackCSV(f, p)
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

func runRows(t *testing.T, tf *TrackFile, cfg Config) ([]Alert, Stats) {
	t.Helper()
	cfg.TimeResolution = max(cfg.TimeResolution, tf.TimeResolution)
	var alerts []Alert
	d, err := New(cfg, testLocator(t), testPorts(t), func(a Alert) { alerts = append(alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	d.Rows(tf.Rows)
	d.Close()
	return alerts, d.Stats()
}

// vesselsWith counts the distinct vessels (first MMSI) of the alerts of a kind ("" for all).
func vesselsWith(alerts []Alert, kind string) int {
	seen := map[uint32]bool{}
	for _, a := range alerts {
		if kind == "" || a.Kind == kind {
			seen[a.MMSI[0]] = true
		}
	}
	return len(seen)
}

// TestSuezWaiting: the Ever Given blocked the canal from 23 March 2021 05:40 UTC; the tracks
// (20–24 March, 256 vessels, no speeds, times to the minute) show ships waiting at the
// anchorages of both ends, and new queues forming after the grounding.
func TestSuezWaiting(t *testing.T) {
	tf := readTracks(t, "tracks/movingpandas_suez_evergiven/boat-positions.csv")
	cfg := DefaultConfig()
	cfg.Loitering.Anchorage = true
	alerts, st := runRows(t, tf, cfg)
	grounding := time.Date(2021, 3, 23, 5, 40, 0, 0, time.UTC)
	south, north, after := map[uint32]bool{}, map[uint32]bool{}, map[uint32]bool{}
	var durs []float64
	for _, a := range alerts {
		if a.Kind != KindLoitering {
			continue
		}
		if a.Detail != "anchorage" {
			t.Errorf("loitering outside the anchorages: %s", a.Text())
		}
		switch {
		case a.Lat < 30.1:
			south[a.MMSI[0]] = true
		case a.Lat > 31.0:
			north[a.MMSI[0]] = true
		}
		if !a.Start.Before(grounding) {
			after[a.MMSI[0]] = true
		}
		durs = append(durs, a.End.Sub(a.Start).Hours())
	}
	sort.Float64s(durs)
	t.Logf("%d waiting episodes of %d vessels (%d south, %d north; %d vessels began waiting after the grounding); duration median %.1f h, max %.1f h; stats %+v",
		len(durs), vesselsWith(alerts, KindLoitering), len(south), len(north), len(after), durs[len(durs)/2], durs[len(durs)-1], st)
	if vesselsWith(alerts, KindLoitering) < 100 {
		t.Errorf("only %d of 256 vessels seen waiting", vesselsWith(alerts, KindLoitering))
	}
	if len(south) < 30 || len(north) < 20 {
		t.Errorf("waiting at Suez (south) %d, Port Said (north) %d vessels: want queues at both ends", len(south), len(north))
	}
	if len(after) < 20 {
		t.Errorf("only %d vessels began waiting after the grounding", len(after))
	}
	if durs[len(durs)-1] < 48 {
		t.Errorf("longest wait %.1f h: the blockage held ships for days", durs[len(durs)-1])
	}
}

// TestMarineCadastreRates: one day sample of US NAIS (10,631 vessels). The sample is the
// first 99,999 rows of the day's file: 99,647 rows from 00:00–00:25 and 352 rows from 14:xx
// and 23:xx, so every vessel with one of those late rows looks silent for 14–24 h; the gaps
// are checked to be exactly those, and the other rates to be what an analyst expects.
func TestMarineCadastreRates(t *testing.T) {
	tf := readTracks(t, "tracks/marinecadastre_2022-01-03_sample/AIS_2022_01_03_first99999.csv")
	alerts, st := runRows(t, tf, DefaultConfig())
	n := float64(st.Vessels)
	byKind := map[string]int{}
	for _, a := range alerts {
		byKind[a.Kind+"/"+a.Detail]++
		if a.Kind == KindGap && a.End.Before(time.Date(2022, 1, 3, 1, 0, 0, 0, time.UTC)) {
			t.Errorf("gap inside the sample's contiguous 25 minutes: %s", a.Text())
		}
	}
	t.Logf("%d vessels, alerts by kind/detail %v; stats %+v", st.Vessels, byKind, st)
	for _, c := range []struct {
		kind string
		max  float64
	}{{KindSpeed, 0.01}, {KindIdentity, 0.01}, {KindEncounter, 0.005}, {KindLoitering, 0.005}, {KindZoneEntry, 0.005}} {
		if r := float64(vesselsWith(alerts, c.kind)) / n; r >= c.max {
			t.Errorf("%s alerts for %.2f%% of vessels, want under %.1f%%", c.kind, 100*r, 100*c.max)
		}
	}
	if st.Vessels < 10000 {
		t.Errorf("only %d vessels read", st.Vessels)
	}
}

// TestDMARates: 27 s of the Danish national feed and the other DMA samples, decoded from NMEA.
func TestDMARates(t *testing.T) {
	dir := sharedData(t, "ais/dma")
	var alerts []Alert
	d, err := New(DefaultConfig(), testLocator(t), testPorts(t), func(a Alert) { alerts = append(alerts, a) })
	if err != nil {
		t.Fatal(err)
	}
	st := ais.NewStream(0)
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	err = ingest.ReadFiles(context.Background(), files, func(line []byte, recv time.Time) {
		m, env, err := st.Feed(line, recv)
		if err == nil && m != nil {
			d.Message(m, env.Time)
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	s := d.Stats()
	byKind := map[string]int{}
	for _, a := range alerts {
		byKind[a.Kind+"/"+a.Detail]++
	}
	t.Logf("%d vessels, %d positions, alerts %v; stats %+v", s.Vessels, s.Positions, byKind, s)
	if s.Vessels < 1000 {
		t.Fatalf("only %d vessels decoded", s.Vessels)
	}
	if r := float64(vesselsWith(alerts, KindSpeed)) / float64(s.Vessels); r >= 0.01 {
		t.Errorf("speed anomalies for %.2f%% of vessels, want under 1%%", 100*r)
	}
	if r := float64(vesselsWith(alerts, "")) / float64(s.Vessels); r >= 0.02 {
		t.Errorf("alerts for %.2f%% of vessels, want under 2%%", 100*r)
	}
}
