package sim

import (
	"math"
	"math/rand/v2"
)

// lanePlanner sails a ship back and forth along a lane: port → sea → port, with a stay at each
// port. At an open-sea end the ship leaves the area and a new ship (a new identity) enters in its
// place a little later.
type lanePlanner struct {
	ln           *lane
	kind         shipKind
	u            float64 // lateral place in the lane: 0 (centre line) .. 1 (edge), right of travel
	slotA, slotB ll
	speed        float64
	toB          bool // direction of the current passage, or of the next one while staying
	staying      bool
	reg          *registry
}

const portSlowdown = 8 * metresPerNM // ships slow down over the last 8 nm into port

func (lp *lanePlanner) end(toB bool) *port {
	if toB {
		return lp.ln.b
	}
	return lp.ln.a
}

// route is the passage from A to B (toB) or from B to A.
func (lp *lanePlanner) route(toB bool) []ll {
	a, b := lp.ln.a, lp.ln.b
	var pts []ll
	if !a.sea {
		pts = append(pts, lp.slotA)
	}
	for i := len(a.approach) - 1; i >= 0; i-- {
		pts = append(pts, a.approach[i])
	}
	side := 1.0
	if !toB {
		side = -1
	}
	for i, w := range lp.ln.via {
		prev := pts[len(pts)-1]
		nxt := b.approach[0]
		if i+1 < len(lp.ln.via) {
			nxt = lp.ln.via[i+1].p
		}
		dir := bearing(prev, nxt)
		pts = append(pts, destination(w.p, dir+90, side*lp.u*w.width/2*metresPerNM))
	}
	pts = append(pts, b.approach...)
	if !b.sea {
		pts = append(pts, lp.slotB)
	}
	if !toB {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	return pts
}

func (lp *lanePlanner) passage(a *agent, toB bool) leg {
	l := routeLeg(lp.route(toB), lp.speed, navUnderWay)
	from, to := lp.end(!toB), lp.end(toB)
	if !from.sea {
		l.slowEnd[0] = portSlowdown
	}
	if !to.sea {
		l.slowEnd[1] = portSlowdown
		a.id.Destination = to.dest
	} else {
		a.id.Destination = to.seaDest[a.rng.IntN(len(to.seaDest))]
	}
	return l
}

func (lp *lanePlanner) dwell(r *rand.Rand) int64 {
	return int64((10 + 20*r.Float64()) * 3600)
}

func (lp *lanePlanner) next(a *agent, now int64) leg {
	if lp.staying {
		lp.staying = false
		return lp.passage(a, lp.toB)
	}
	// A passage is over.
	end := lp.end(lp.toB)
	lp.toB = !lp.toB
	lp.staying = true
	if end.sea {
		// The ship leaves the area; another one enters here after a while.
		delay := int64(300 + a.rng.IntN(1500))
		a.silent = append(pruneSpans(a.silent, now), span{now, now + delay})
		a.id = newIdentity(lp.kind, lp.reg, a.rng)
		a.staticNow = true
		lp.speed = serviceSpeed(lp.kind, a.rng)
		return stayLeg(end.approach[0], now+delay, navUnderWay)
	}
	slot := lp.slotB
	if lp.toB { // we were sailing to A
		slot = lp.slotA
	}
	return stayLeg(slot, now+lp.dwell(a.rng), end.nav)
}

// place puts the ship somewhere along its cycle at the start time: on passage in either
// direction, or staying in port, in proportion to the time each takes.
func (lp *lanePlanner) place(a *agent, start int64) {
	r := a.rng
	lp.toB = r.IntN(2) == 0
	pa := newPath(lp.route(lp.toB))
	transit := pa.length() / (lp.speed * knot)
	stay := 0.0
	if end := lp.end(lp.toB); !end.sea {
		stay = 20 * 3600
	}
	u := r.Float64() * (transit + stay)
	if u < transit {
		a.leg = lp.passage(a, lp.toB)
		a.leg.s = u / transit * pa.length()
		_, a.pos, _ = a.advance(0, 0)
		return
	}
	a.leg = lp.passage(a, lp.toB) // sets the destination
	a.leg.s = a.leg.path.length()
	a.pos, _ = a.leg.path.at(a.leg.s, &a.leg.seg)
	lp.toB = !lp.toB
	lp.staying = true
	slot := lp.slotA
	if !lp.toB {
		slot = lp.slotB
	}
	end := lp.end(!lp.toB)
	a.leg = stayLeg(slot, start+int64(transit+stay-u)+1, end.nav)
	a.pos = slot
}

// pruneSpans drops the spans that ended before now.
func pruneSpans(s []span, now int64) []span {
	out := s[:0]
	for _, x := range s {
		if x.to > now {
			out = append(out, x)
		}
	}
	return out
}

// fishPlanner works a fishing cell: slow passes between random points of the cell, with now and
// then a slower pass (hauling). Speeds stay mostly above 2 knots, and below 2 knots never for
// more than 40 minutes.
type fishPlanner struct {
	cell           ll
	speedLo, speed float64
	classB         bool
}

func (fp *fishPlanner) next(a *agent, now int64) leg {
	r := a.rng
	nav := navFishing
	if fp.classB {
		nav = navUnderWay
	}
	target := randomInDisc(fp.cell, fishingCellRadius, r)
	if r.IntN(7) == 0 {
		// Hauling: a short slow pass, never more than 40 minutes.
		target = randomInDisc(a.pos, 300, r)
		if distance(target, fp.cell) > fishingCellRadius {
			target = fp.cell
		}
		l := routeLeg([]ll{a.pos, target}, 1.0+0.8*r.Float64(), nav)
		l.sigma, l.lateral = 0.05, 0
		l.until = now + int64(900+r.IntN(1500))
		return l
	}
	l := routeLeg([]ll{a.pos, target}, fp.speedLo+r.Float64()*(fp.speed-fp.speedLo), nav)
	l.sigma, l.lateral = 0.06, 0
	return l
}

func randomInDisc(c ll, radius float64, r *rand.Rand) ll {
	d := radius * math.Sqrt(r.Float64())
	return destination(c, 360*r.Float64(), d)
}

// ferryPlanner runs a ferry to its timetable. Ferries of one route alternate their home
// terminals, so two of them never spend the night at the same berth.
type ferryPlanner struct {
	fr     *ferryRoute
	homeA  bool  // the ferry's first departure of the day is from terminal a
	shift  int64 // timetable offset of this ferry, seconds
	atA    bool  // the terminal it is at, or sailing to
	docked bool
}

type departure struct {
	t     int64
	fromA bool
}

// departures lists the ferry's departures on local day d (days since the Unix epoch, local time).
func (fp *ferryPlanner) departures(d int64) []departure {
	fr := fp.fr
	midnight := d*86400 - fr.tz + fp.shift
	if fr.half == 0 {
		fromA := (d%2 == 0) == fp.homeA
		return []departure{{midnight + fr.first, fromA}}
	}
	n := (fr.last-fr.first)/fr.half + 1
	n -= n % 2 // an even number of crossings brings the ferry home for the night
	out := make([]departure, 0, n)
	for k := range n {
		out = append(out, departure{midnight + fr.first + k*fr.half, (k%2 == 0) == fp.homeA})
	}
	return out
}

func (fp *ferryPlanner) localDay(t int64) int64 {
	return floorDiv(t+fp.fr.tz-fp.shift, 86400)
}

// nextDeparture is the first departure from the given terminal at or after t.
func (fp *ferryPlanner) nextDeparture(t int64, fromA bool) int64 {
	for d := fp.localDay(t) - 1; d <= fp.localDay(t)+3; d++ {
		for _, dep := range fp.departures(d) {
			if dep.t >= t && dep.fromA == fromA {
				return dep.t
			}
		}
	}
	return t + 86400 // unreachable with a sane timetable
}

func (fp *ferryPlanner) crossing(fromA bool) leg {
	fr := fp.fr
	pts := append([]ll{fr.a.p}, fr.via...)
	pts = append(pts, fr.b.p)
	if !fromA {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	l := routeLeg(pts, fr.speed, navUnderWay)
	l.sigma, l.lateral = 0.02, 20
	l.slowEnd = [2]float64{1.5 * metresPerNM, 1.5 * metresPerNM}
	return l
}

func (fp *ferryPlanner) berth(a *agent, now int64) leg {
	fp.docked = true
	at, dest := fp.fr.b, fp.fr.a
	if fp.atA {
		at, dest = fp.fr.a, fp.fr.b
	}
	a.id.Destination = dest.dest
	return stayLeg(at.p, fp.nextDeparture(now, fp.atA), navMoored)
}

func (fp *ferryPlanner) next(a *agent, now int64) leg {
	if fp.docked {
		fp.docked = false
		fromA := fp.atA
		fp.atA = !fromA
		dest := fp.fr.a
		if fromA {
			dest = fp.fr.b
		}
		a.id.Destination = dest.dest
		return fp.crossing(fromA)
	}
	return fp.berth(a, now)
}

// place puts the ferry where its timetable has it at the start time.
func (fp *ferryPlanner) place(a *agent, start int64) {
	var last *departure
	for d := fp.localDay(start) - 2; d <= fp.localDay(start); d++ {
		for _, dep := range fp.departures(d) {
			if dep.t <= start {
				last = &dep
			}
		}
	}
	if last == nil { // cannot happen: there is a departure every other day at least
		fp.atA = fp.homeA
		a.pos = fp.fr.a.p
		a.leg = fp.berth(a, start)
		return
	}
	l := fp.crossing(last.fromA)
	elapsed := float64(start - last.t)
	if s := elapsed * fp.fr.speed * knot * 0.9; s < l.path.length() {
		fp.atA, fp.docked = !last.fromA, false
		dest := fp.fr.b
		if !last.fromA {
			dest = fp.fr.a
		}
		a.id.Destination = dest.dest
		l.s = s
		a.leg = l
		_, a.pos, _ = a.advance(0, 0)
		return
	}
	fp.atA = !last.fromA
	a.leg = fp.berth(a, start)
	a.pos = a.leg.at
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// script plays a fixed list of legs, each made when the previous one ends; after the last one
// the agent either stops for good (gone) or stays where it is.
type script struct {
	steps []func(a *agent, now int64) leg
	i     int
	gone  bool
	nav   int // status while staying after the last step
}

func (s *script) next(a *agent, now int64) leg {
	if s.i < len(s.steps) {
		s.i++
		return s.steps[s.i-1](a, now)
	}
	if s.gone && a.goneAt == 0 {
		a.goneAt = now
	}
	return stayLeg(a.pos, 0, s.nav)
}
