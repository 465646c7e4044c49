package detect

import (
	"math"
	"time"
)

// fix is one report kept in a track: Unix seconds, degrees, knots and degrees true (NaN when
// not reported).
type fix struct {
	t        int64
	lat, lon float64
	sog, cog float32
}

func (f fix) evidence(mmsi uint32, note string) Evidence {
	return Evidence{MMSI: mmsi, Time: time.Unix(f.t, 0).UTC(), Lat: f.lat, Lon: f.lon, SOG: float64(f.sog), COG: float64(f.cog), Note: note}
}

func (f fix) known() bool { return f.t != 0 }

// Zone ranks: how far inside a coastal state's waters a place is.
const (
	rankUnknown = iota // not located yet, unknown zone or land
	rankBeyond         // EEZ or high seas
	rankContiguous
	rankTerritorial // territorial sea or internal waters
)

func zoneRank(zone string) int {
	switch zone {
	case "territorial_sea", "internal_waters":
		return rankTerritorial
	case "contiguous_zone":
		return rankContiguous
	case "eez", "high_seas":
		return rankBeyond
	}
	return rankUnknown
}

// run is an episode of one vessel: consecutive reports sharing a property (fast, slow, inside
// a zone, heard at two places).
type run struct {
	first, last fix
	n           int
	sum         float64 // speed × seconds, for a time-weighted mean
	maxSOG      float64
	place       Place // where it began
	confirmed   bool
	id          string
	ev          []Evidence // bounded by Config.MaxEvidence
	note        string
	// zone episodes
	zone, state string
	rank        int
	entered     fix // where the deepest zone was entered
	enteredAt   Place
}

func (r *run) active() bool { return r.first.known() }

func (r *run) reset() { *r = run{} }

func (r *run) addEvidence(max int, e Evidence) {
	if len(r.ev) < max {
		r.ev = append(r.ev, e)
		return
	}
	r.ev[len(r.ev)-1] = e // keep the first ones and the latest
}

// track is the bounded state of one MMSI.
type track struct {
	mmsi uint32
	// identity and static data, merged from types 5, 19 and 24
	name, flag string
	nameT      int64
	imo        uint32
	shipType   int
	length     float64
	classB     bool

	n    int64 // reports on the main track
	last fix   // last report of the main track
	// openGapFrom is last.t when a live open gap alert was emitted for the silence that began
	// then (Config.EmitOpen; see Detector.sweep), 0 otherwise.
	openGapFrom int64
	// ring of the latest reports (evidence for gaps and jumps)
	ring  [8]fix
	ringN int
	// reports per hour over the last 12 hours (reception quality before a gap)
	hourN  [12]uint16
	hourOf [12]int64

	// second track of the same MMSI after an impossible jump
	alt          run
	mainSinceAlt int
	jumpFrom     fix
	two          run // "two places at once" episode

	// jurisdiction, refreshed every Config.LocateEveryNM / LocateEvery
	place     Place
	locAt     fix
	zoneEp    run
	prevRank  int
	prevState string

	watched      bool  // on the configured watch list
	watchedUntil int64 // flagged by another alert until then (Unix seconds)

	fast  run // go-fast
	slow  run // loitering
	flags uint8

	// encounter grid; vessels near a port or anchorage (where encounters do not count) stay
	// out of it, which also spares the grid the crowds of moored ships
	nearPort  bool
	pairs     []*pair // pairs this vessel is in now (at most Encounter.MaxPairs)
	cell      int64
	gcell     *gridCell // the cell (key cell) while inGrid
	slot      int32     // index in gcell.m
	inGrid    bool
	lastCheck int64
	// velocity of the last report east and north, metres per second (0 when not reported),
	// for neighbours to dead-reckon it without trigonometry
	vx, vy float64
}

const (
	flagInvalidReported uint8 = 1 << iota
)

func (t *track) push(f fix) {
	t.ring[t.ringN%len(t.ring)] = f
	t.ringN++
	h := f.t / 3600
	i := int(h % int64(len(t.hourN)))
	if i < 0 {
		i += len(t.hourN)
	}
	if t.hourOf[i] != h {
		t.hourOf[i], t.hourN[i] = h, 0
	}
	if t.hourN[i] < math.MaxUint16 {
		t.hourN[i]++
	}
}

// recent returns up to n of the latest reports, oldest first.
func (t *track) recent(n int) []fix {
	n = min(n, t.ringN, len(t.ring))
	out := make([]fix, 0, n)
	for i := t.ringN - n; i < t.ringN; i++ {
		out = append(out, t.ring[i%len(t.ring)])
	}
	return out
}

// reportsBefore counts the reports in the 12 whole hours up to and including the hour of t.
func (t *track) reportsBefore(ts int64) int {
	h := ts / 3600
	n := 0
	for i := range t.hourN {
		if t.hourOf[i] <= h && t.hourOf[i] > h-int64(len(t.hourN)) {
			n += int(t.hourN[i])
		}
	}
	return n
}

// small reports whether the vessel is a small craft: shorter than limit metres, or class B.
func (t *track) small(limit float64, msgType int) bool {
	if t.classB || msgType == 18 || msgType == 19 {
		return true
	}
	return !math.IsNaN(t.length) && t.length > 0 && t.length < limit
}

// sogOrImplied is the reported speed, or the implied speed from the previous report when the
// speed was not reported.
func sogOrImplied(prev, f fix) float64 {
	if !math.IsNaN(float64(f.sog)) {
		return float64(f.sog)
	}
	if !prev.known() || f.t <= prev.t {
		return math.NaN()
	}
	return distanceM(prev.lat, prev.lon, f.lat, f.lon) / metresPerNM / (float64(f.t-prev.t) / 3600)
}
