package sim

import (
	"fmt"
	"math"
)

// The planted behaviours. Each one adds its agents and a function that derives its ground truth
// from what those agents actually transmitted, so the truth is exact to the second.

// plantedTruth derives the ground truth of one planted behaviour once its agents have run up to
// horizon (Unix seconds); events that end after the run's end are left out by Truth.
type plantedTruth struct {
	horizon int64
	events  func() []TruthEvent
}

// Where the behaviours happen, and why the zone is unambiguous there.
var (
	// The go-fast runs in from the open Caribbean, 60 nm off Quintana Roo (Mexico's EEZ), into
	// Bahía de la Ascensión (Sian Ka'an), crossing the 12 nm limit near 19.66°N 87.22°W.
	goFastRoute = []ll{{19.20, -86.30}, {19.70, -87.30}, {19.712, -87.42}}
	goFastLand  = []ll{{19.712, -87.42}, {19.715, -87.50}}
	// qrooBaseline approximates the low-water line of the Quintana Roo coast from 19.3°N to
	// 20.1°N, with the closing line across the mouth of Bahía de la Ascensión (19.60°N–19.80°N);
	// the territorial sea extends 12 nm from it.
	qrooBaseline = []ll{{19.30, -87.456}, {19.45, -87.466}, {19.50, -87.43}, {19.60, -87.414}, {19.80, -87.476},
		{19.90, -87.432}, {20.0, -87.496}, {20.1, -87.512}}
	// The meeting is 140 nm off Tamaulipas, in Mexico's EEZ, far from the 200 nm limit and from
	// the Western Gap (north of 25.5°N), 300 km from the nearest port.
	encounterPoint = ll{22.80, -95.20}
	// The silence begins about 80 nm off the Tamaulipas coast (23°N), in Mexico's EEZ.
	gapRoute = []ll{{22.55, -96.32}, {23.00, -96.32}}
	// The cloned MMSI: the genuine ship sails the Gulf on the lane to Houston while the clone
	// transmits off Colima (65–80 nm offshore, Mexico's EEZ), 1,800 km away.
	cloneGenuine = []ll{{24.5, -88.7}, {26.0, -90.5}, {28.3, -93.5}, {29.0, -94.3}}
	cloneRoute   = []ll{{18.2, -105.2}, {19.0, -106.4}}
	// The change of name and flag happens 100 nm north of Yucatán, 45 nm from Arrecife Alacranes,
	// in Mexico's EEZ, on the lane to Veracruz.
	reflagRoute = []ll{{22.95, -89.9}, {23.0, -90.5}, {21.0, -94.0}}
)

// Truth vocabulary: the same words the detectors use.
const (
	KindGap       = "gap"
	KindEncounter = "encounter"
	KindLoitering = "loitering"
	KindZoneEntry = "zone_entry"
	KindSpeed     = "speed"
	KindIdentity  = "identity"

	ZoneTerritorialSea = "territorial_sea"
	ZoneContiguous     = "contiguous_zone"
	ZoneEEZ            = "eez"
	ZoneHighSeas       = "high_seas"
)

// Thresholds the planted behaviours are built to exceed (and benign traffic to stay clear of).
const (
	goFastMinKn        = 35.0
	territorialSeaNM   = 12.0
	encounterMaxMetres = 500.0
	encounterMaxKn     = 2.0
)

// nightDeparture is the first time at or after t when local time (UTC offset tz) lies between
// 20:00 and 02:00, so that a two-hour run ends well before dawn.
func nightDeparture(t, tz int64) int64 {
	tod := floorMod(t+tz, 86400)
	if tod >= 20*3600 || tod < 2*3600 {
		return t
	}
	return t + 20*3600 - tod
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func (b *builder) planted(scenario string) []plantedTruth {
	return []plantedTruth{
		b.plantGoFast(scenario),
		b.plantEncounter(scenario),
		b.plantGap(scenario),
		b.plantClone(scenario),
		b.plantReflag(scenario),
	}
}

func (b *builder) plantedAgent(key string, k shipKind, mid uint32) *agent {
	a := b.newAgent("planted/" + key)
	r := a.rng
	st := newIdentity(k, b.reg, r)
	if mid != 0 {
		st.MMSI = b.reg.mmsi(mid, r)
		st.Flag = flagOf(mid)
		st.CallSign = callSign(mid, r)
	}
	a.id, a.classB, a.record = st, st.ClassB, b.record
	return a
}

func (b *builder) plantGoFast(scenario string) plantedTruth {
	a := b.plantedAgent("gofast", kindPleasure, 0)
	dep := nightDeparture(b.start+600, tzQuintanaRoo)
	speed := 38 + 4*a.rng.Float64()
	a.id.Destination = ""
	a.pos = goFastRoute[0]
	a.silent = []span{{longAgo, dep}}
	a.plan = &script{gone: true, steps: []func(*agent, int64) leg{
		func(a *agent, now int64) leg {
			l := routeLeg(goFastRoute, speed, navUnderWay)
			l.sigma, l.lateral = 0.02, 60
			return l
		},
		func(a *agent, now int64) leg {
			l := routeLeg(goFastLand, 7, navUnderWay)
			l.sigma, l.lateral = 0.05, 0
			return l
		},
	}}
	a.leg = stayLeg(goFastRoute[0], dep, navUnderWay)
	b.add(a)
	return plantedTruth{horizon: dep + 4*3600, events: func() []TruthEvent {
		var evs []TruthEvent
		first, last := -1, -1
		for i, o := range a.log {
			if o.sog >= goFastMinKn {
				if first < 0 {
					first = i
				}
				last = i
			} else if first >= 0 {
				break
			}
		}
		if first >= 0 {
			o, e := a.log[first], a.log[last]
			evs = append(evs, TruthEvent{Scenario: scenario, Kind: KindSpeed, MMSI: []uint32{o.mmsi},
				Start: unixUTC(o.t), End: unixUTC(e.t), Lat: o.p.lat, Lon: o.p.lon, State: "MEX", Zone: ZoneEEZ, Authority: "SEMAR",
				Note: fmt.Sprintf("go-fast: class B pleasure craft %q, %.0f m, at %.0f–%.0f kn at night (local time %s), %.0f nm off Quintana Roo",
					a.id.Name, a.id.Length, minSOG(a.log[first:last+1]), maxSOG(a.log[first:last+1]),
					unixUTC(o.t+tzQuintanaRoo).Format("15:04"), distanceToPolyline(o.p, qrooBaseline)/metresPerNM)})
		}
		for _, o := range a.log {
			if distanceToPolyline(o.p, qrooBaseline) <= territorialSeaNM*metresPerNM {
				e := a.log[len(a.log)-1]
				evs = append(evs, TruthEvent{Scenario: scenario, Kind: KindZoneEntry, MMSI: []uint32{o.mmsi},
					Start: unixUTC(o.t), End: unixUTC(e.t), Lat: o.p.lat, Lon: o.p.lon, State: "MEX", Zone: ZoneTerritorialSea, Authority: "SEMAR",
					Note: fmt.Sprintf("go-fast enters Mexican territorial sea off Sian Ka'an at %.0f kn, local time %s; last heard in Bahía de la Ascensión",
						o.sog, unixUTC(o.t+tzQuintanaRoo).Format("15:04"))})
				break
			}
		}
		return evs
	}}
}

func minSOG(os []obs) float64 {
	m := math.Inf(1)
	for _, o := range os {
		m = math.Min(m, o.sog)
	}
	return m
}

func maxSOG(os []obs) float64 {
	m := math.Inf(-1)
	for _, o := range os {
		m = math.Max(m, o.sog)
	}
	return m
}

func (b *builder) plantEncounter(scenario string) plantedTruth {
	tanker := b.plantedAgent("encounter/tanker", kindTanker, 356)
	small := b.plantedAgent("encounter/coastal", kindCoastalTanker, 345)
	tRef := b.start + 80*60       // both are on station by then and start drifting together
	tEnd := tRef + 3*3600 + 10*60 // and part after 3 h 10 min
	stA := offset(encounterPoint, -90, 0)
	stB := offset(encounterPoint, 90, 0)
	meet := func(a *agent, from ll, station ll, speed float64, onward []ll, dest *port) {
		a.pos = from
		l := routeLeg([]ll{from, station}, speed, navUnderWay)
		l.slowEnd[1] = 2 * metresPerNM
		a.leg = l
		slot := b.slot(dest)
		a.id.Destination = dest.dest
		a.plan = &script{nav: dest.nav, steps: []func(*agent, int64) leg{
			func(a *agent, now int64) leg {
				s := stayLeg(station, tEnd, navUnderWay)
				s.driftFrom, s.driftSpeed, s.driftCourse = tRef, 0.5, 300
				return s
			},
			func(a *agent, now int64) leg {
				pts := append([]ll{a.pos}, onward...)
				pts = append(pts, dest.approach...)
				l := routeLeg(append(pts, slot), speed, navUnderWay)
				l.slowEnd[1] = portSlowdown
				return l
			},
			func(a *agent, now int64) leg { return stayLeg(slot, 0, dest.nav) },
		}}
		b.add(a)
	}
	meet(tanker, destination(encounterPoint, 45, 11*metresPerNM), stA, 11, []ll{{27.0, -95.5}}, portHouston)
	meet(small, destination(encounterPoint, 235, 9*metresPerNM), stB, 9, []ll{{22.0, -96.2}}, portVeracruz)
	return plantedTruth{horizon: tEnd + 3600, events: func() []TruthEvent {
		// Pair every report of the tanker with the coastal tanker's latest report.
		j := -1
		first, last := -1, -1
		var at ll
		for i, o := range tanker.log {
			for j+1 < len(small.log) && small.log[j+1].t <= o.t {
				j++
			}
			ok := j >= 0 && o.t-small.log[j].t <= 180 && o.sog < encounterMaxKn && small.log[j].sog < encounterMaxKn &&
				distance(o.p, small.log[j].p) < encounterMaxMetres
			if ok {
				if first < 0 {
					first = i
					at = interpolate(o.p, small.log[j].p, 0.5)
				}
				last = i
			} else if first >= 0 {
				break
			}
		}
		if first < 0 {
			return nil
		}
		s, e := tanker.log[first], tanker.log[last]
		return []TruthEvent{{Scenario: scenario, Kind: KindEncounter, MMSI: []uint32{tanker.id.MMSI, small.id.MMSI},
			Start: unixUTC(s.t), End: unixUTC(e.t), Lat: at.lat, Lon: at.lon, State: "MEX", Zone: ZoneEEZ, Authority: "SEMAR",
			Note: fmt.Sprintf("tanker %q (%s) and coastal tanker %q (%s) drift together 180 m apart at 0.5 kn for %s, 140 nm off Tamaulipas, far from any port",
				tanker.id.Name, tanker.id.Flag, small.id.Name, small.id.Flag, unixUTC(e.t).Sub(unixUTC(s.t)).Round(60e9))}}
	}}
}

func (b *builder) plantGap(scenario string) plantedTruth {
	a := b.plantedAgent("gap", kindGeneral, 345)
	tGap := b.start + 3*3600 - 5*60
	tBack := tGap + 14*3600 + 10*60
	slot := b.slot(portHouston)
	a.id.Destination = portHouston.dest
	a.pos = gapRoute[0]
	a.silent = []span{{tGap, tBack}}
	a.leg = routeLeg(gapRoute, 9, navUnderWay)
	a.plan = &script{nav: portHouston.nav, steps: []func(*agent, int64) leg{
		func(a *agent, now int64) leg { // loiter, dark, drifting south-west
			s := stayLeg(a.pos, tGap+13*3600, navUnderWay)
			s.driftFrom, s.driftSpeed, s.driftCourse = now, 0.8, 200
			return s
		},
		func(a *agent, now int64) leg {
			pts := append([]ll{a.pos, {23.35, -96.55}, {27.0, -95.5}}, portHouston.approach...)
			l := routeLeg(append(pts, slot), 9, navUnderWay)
			l.slowEnd[1] = portSlowdown
			return l
		},
		func(a *agent, now int64) leg { return stayLeg(slot, 0, portHouston.nav) },
	}}
	b.add(a)
	return plantedTruth{horizon: tBack + 3600, events: func() []TruthEvent {
		for i := 1; i < len(a.log); i++ {
			p, o := a.log[i-1], a.log[i]
			if o.t-p.t >= 6*3600 {
				return []TruthEvent{{Scenario: scenario, Kind: KindGap, MMSI: []uint32{o.mmsi},
					Start: unixUTC(p.t), End: unixUTC(o.t), Lat: p.p.lat, Lon: p.p.lon, State: "MEX", Zone: ZoneEEZ, Authority: "SEMAR",
					Note: fmt.Sprintf("%q (%s) silent for %s about 80 nm off Tamaulipas; reappears %.0f nm away",
						a.id.Name, a.id.Flag, unixUTC(o.t).Sub(unixUTC(p.t)).Round(60e9), distance(p.p, o.p)/metresPerNM)}}
			}
		}
		return nil
	}}
}

func (b *builder) plantClone(scenario string) plantedTruth {
	genuine := b.plantedAgent("clone/genuine", kindBulk, 538)
	slot := b.slot(portHouston)
	genuine.id.Destination = portHouston.dest
	genuine.pos = cloneGenuine[0]
	pts := append(append([]ll{}, cloneGenuine...), portHouston.approach...)
	genuine.leg = routeLeg(append(pts, slot), 12.5, navUnderWay)
	genuine.leg.slowEnd[1] = portSlowdown
	genuine.plan = &script{nav: portHouston.nav}
	b.add(genuine)

	clone := b.newAgent("planted/clone/clone")
	clone.id, clone.record = genuine.id, b.record
	clone.id.Destination = "MANZANILLO"
	tOn := b.start + 30*60
	clone.pos = cloneRoute[0]
	clone.silent = []span{{longAgo, tOn}}
	clone.leg = stayLeg(cloneRoute[0], tOn, navUnderWay)
	clone.plan = &script{gone: true, steps: []func(*agent, int64) leg{
		func(a *agent, now int64) leg { return routeLeg(cloneRoute, 11, navUnderWay) },
	}}
	b.add(clone)
	return plantedTruth{horizon: tOn + 9*3600, events: func() []TruthEvent {
		if len(clone.log) == 0 {
			return nil
		}
		s, e := clone.log[0], clone.log[len(clone.log)-1]
		g := genuine.log[0]
		for _, o := range genuine.log {
			if o.t > s.t {
				break
			}
			g = o
		}
		return []TruthEvent{{Scenario: scenario, Kind: KindIdentity, MMSI: []uint32{s.mmsi},
			Start: unixUTC(s.t), End: unixUTC(e.t), Lat: s.p.lat, Lon: s.p.lon, State: "MEX", Zone: ZoneEEZ, Authority: "SEMAR",
			Note: fmt.Sprintf("MMSI %d (%q) transmitted at once off Colima and by the genuine ship in the Gulf of Mexico at %.2f°N %.2f°W, %.0f km apart",
				s.mmsi, genuine.id.Name, g.p.lat, -g.p.lon, distance(s.p, g.p)/1000)}}
	}}
}

func (b *builder) plantReflag(scenario string) plantedTruth {
	a := b.plantedAgent("reflag", kindTanker, 636)
	tOff := b.start + 2*3600
	tOn := tOff + 45*60
	slot := b.slot(portVeracruz)
	a.id.Destination = portVeracruz.dest
	r := a.rng
	renamed := a.id
	renamed.MMSI = b.reg.mmsi(613, r)
	renamed.Flag = flagOf(613)
	renamed.CallSign = callSign(613, r)
	for renamed.Name == a.id.Name {
		renamed.Name = merchantName(r)
	}
	a.next, a.nextAt = &renamed, tOn
	a.silent = []span{{tOff, tOn}}
	a.pos = reflagRoute[0]
	pts := append(append([]ll{}, reflagRoute...), portVeracruz.approach...)
	a.leg = routeLeg(append(pts, slot), 12, navUnderWay)
	a.leg.slowEnd[1] = portSlowdown
	a.plan = &script{nav: portVeracruz.nav}
	b.add(a)
	old := a.id
	return plantedTruth{horizon: tOn + 3600, events: func() []TruthEvent {
		var last, first *obs
		for i := range a.log {
			o := &a.log[i]
			if o.mmsi == old.MMSI {
				last = o
			} else if o.static && first == nil {
				first = o
			}
		}
		if last == nil || first == nil {
			return nil
		}
		return []TruthEvent{{Scenario: scenario, Kind: KindIdentity, MMSI: []uint32{old.MMSI, renamed.MMSI},
			Start: unixUTC(last.t), End: unixUTC(first.t), Lat: last.p.lat, Lon: last.p.lon, State: "MEX", Zone: ZoneEEZ, Authority: "SEMAR",
			Note: fmt.Sprintf("IMO %d: %q (%s, MMSI %d) goes silent and returns as %q (%s, MMSI %d)",
				old.IMO, old.Name, old.Flag, old.MMSI, renamed.Name, renamed.Flag, renamed.MMSI)}}
	}}
}
