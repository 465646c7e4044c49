package sim

import (
	"encoding/json"
	"math"
	"sort"
	"time"
)

// TruthEvent is one planted behaviour, in the shape of the alerts the detectors produce.
type TruthEvent struct {
	Kind      string    `json:"kind"`      // KindGap, KindEncounter, KindZoneEntry, KindSpeed, KindIdentity, ...
	MMSI      []uint32  `json:"mmsi"`      // the vessels involved (for a change of identity: old, then new)
	Start     time.Time `json:"start"`     // UTC, whole seconds: the first report showing the behaviour
	End       time.Time `json:"end"`       // UTC, whole seconds: the last report showing it
	Lat       float64   `json:"lat"`       // where it starts, degrees
	Lon       float64   `json:"lon"`       // degrees
	State     string    `json:"state"`     // ISO 3166 alpha-3 of the coastal state whose zone it is in, or ""
	Zone      string    `json:"zone"`      // ZoneTerritorialSea, ZoneContiguous, ZoneEEZ or ZoneHighSeas
	Authority string    `json:"authority"` // competent maritime authority: "SEMAR", "USCG" or ""
	Scenario  string    `json:"scenario"`
	Note      string    `json:"note"` // what happened, in one English sentence
}

// MarshalJSON writes times in RFC 3339 UTC and positions rounded to 1e-5 degree (about 1 m).
func (e TruthEvent) MarshalJSON() ([]byte, error) {
	type plain TruthEvent
	p := plain(e)
	p.Start, p.End = p.Start.UTC(), p.End.UTC()
	p.Lat = math.Round(p.Lat*1e5) / 1e5
	p.Lon = math.Round(p.Lon*1e5) / 1e5
	return json.Marshal(p)
}

// Truth returns the planted behaviours of the scenario that are complete within the run given by
// opt (the same options as for Run; Realtime and Speedup are ignored), ordered by start time.
// It simulates only the planted vessels, which behave exactly as in Run, so it is cheap; the
// scenario's benign traffic and opt.Scale do not change it. A scenario without planted
// behaviours has no truth (nil).
func Truth(sc Scenario, opt Options) []TruthEvent {
	if !sc.Planted {
		return nil
	}
	opt = opt.normalize(sc)
	start := opt.Start.Unix()
	end := start + int64(opt.Duration/time.Second)
	b := newBuilder(opt.Seed, start)
	b.record = true
	b.minDT = int64(opt.MinInterval / time.Second)
	truths := sc.build(b, opt.Scale, false)
	horizon := start
	for _, t := range truths {
		horizon = max(horizon, t.horizon)
	}
	nop := func(*agent, int64, *report) error { return nil }
	_ = run(b.agents, min(end, horizon), nop, nil)
	var evs []TruthEvent
	for _, t := range truths {
		for _, e := range t.events() {
			if e.End.Unix() < end {
				evs = append(evs, e)
			}
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].Start.Equal(evs[j].Start) {
			return evs[i].Start.Before(evs[j].Start)
		}
		return evs[i].Kind < evs[j].Kind
	})
	return evs
}
