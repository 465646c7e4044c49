package sim

import (
	"math"
	"math/rand/v2"

	"accord/internal/vessel"
)

// Navigational status codes (ITU-R M.1371 message 1/2/3 field).
const (
	navUnderWay   = 0
	navAtAnchor   = 1
	navRestricted = 3
	navMoored     = 5
	navFishing    = 7
)

// Reporting intervals, seconds (ITU-R M.1371-5, table 1 for class A; class B "CS").
const (
	staticInterval = 360 // static and voyage data: every 6 minutes
)

// interval is the agent's reporting interval, seconds: the transponder's, but never shorter
// than a.minDT.
func (a *agent) interval(sog float64, nav int) int64 {
	return max(reportInterval(a.classB, sog, nav), a.minDT)
}

// reportIntervalMax is the longest interval reportInterval returns, seconds.
const reportIntervalMax = 180

// reportInterval is the autonomous reporting interval of a transponder, seconds, for its speed
// over ground (knots) and navigational status.
func reportInterval(classB bool, sog float64, nav int) int64 {
	if classB {
		if sog > 2 {
			return 30
		}
		return 180
	}
	switch {
	case (nav == navAtAnchor || nav == navMoored) && sog <= 3:
		return 180
	case sog > 23:
		return 2
	case sog > 14:
		return 6
	default:
		return 10
	}
}

type legKind uint8

const (
	legRoute legKind = iota // follow a path at a speed
	legStay                 // hold a position (moored, at anchor)
)

// leg is one piece of an agent's plan.
type leg struct {
	kind    legKind
	path    *path
	s       float64 // along-track distance done, metres
	seg     int
	speed   float64 // target speed through the water, knots
	sigma   float64 // relative speed noise (standard deviation)
	lateral float64 // lateral wander (amplitude), metres
	slowEnd [2]float64
	// slowEnd: distances (metres) over which the ship slows down near the start and the end of the
	// path (harbour approaches); 0 for none.
	until int64 // stay: end time (0 = forever); route: if > 0 the leg also ends at this time
	nav   int
	at    ll // stay: the position held
	// A stay leg may drift with the current from driftFrom on, at driftSpeed knots towards
	// driftCourse degrees.
	driftFrom   int64
	driftSpeed  float64
	driftCourse float64
}

func (l *leg) done(now int64) bool {
	if l.until > 0 && now >= l.until {
		return true
	}
	return l.kind == legRoute && l.s >= l.path.length()
}

// stayAt is where a stay leg holds at time t.
func (l *leg) stayAt(t int64) ll {
	if l.driftSpeed == 0 || t <= l.driftFrom {
		return l.at
	}
	return destination(l.at, l.driftCourse, l.driftSpeed*knot*float64(t-l.driftFrom))
}

func routeLeg(pts []ll, speed float64, nav int) leg {
	return leg{kind: legRoute, path: newPath(pts), speed: speed, sigma: 0.03, lateral: 100, nav: nav}
}

func stayLeg(at ll, until int64, nav int) leg {
	return leg{kind: legStay, at: at, until: until, nav: nav}
}

// planner decides an agent's next leg once the current one is done.
type planner interface {
	next(a *agent, now int64) leg
}

// span is a half-open interval of Unix seconds [from, to).
type span struct{ from, to int64 }

const (
	never    = math.MaxInt64
	longAgo  = math.MinInt64
	hdgSigma = 1.5 // degrees of heading noise

	cornerSmoothing = 500.0 // metres: half the chord that rounds a turn
)

// agent is one simulated transponder (usually one ship; a cloned MMSI is two agents).
type agent struct {
	key     string
	rng     *rand.Rand
	classB  bool
	id      vessel.Static
	next    *vessel.Static // identity taking over at nextFrom
	nextAt  int64
	silent  []span // no transmission inside these spans
	goneAt  int64  // the agent stops for good at this time (0: never)
	plan    planner
	leg     leg
	t       int64 // time of the pending tick, Unix seconds
	pos     ll    // position at t
	spdN    float64
	phase   [2]float64 // of the lateral wander, radians
	hdgN    float64
	hdgStay float64
	// staticAt is the next time static data is due; staticNow forces it at the next tick.
	staticAt  int64
	staticNow bool
	idx       int
	dt        int64   // the last reporting interval, seconds
	jx, jy    float64 // GPS error east and north, metres
	minDT     int64   // shortest reporting interval, seconds (Options.MinInterval)
	log       []obs   // what the agent transmitted, when recording (ground truth)
	record    bool
}

// obs is one transmitted report, kept for deriving the ground truth.
type obs struct {
	t      int64
	mmsi   uint32
	p      ll
	sog    float64
	static bool
	name   string
	imo    uint32
}

func (a *agent) transmitting(t int64) bool {
	if a.goneAt != 0 && t >= a.goneAt {
		return false
	}
	for _, s := range a.silent {
		if t >= s.from && t < s.to {
			return false
		}
	}
	return true
}

// ou advances an Ornstein–Uhlenbeck process of stationary deviation sigma and time constant tau
// by dt seconds.
func ou(r *rand.Rand, x, sigma, tau, dt float64) float64 {
	e := math.Exp(-dt / tau)
	return x*e + sigma*math.Sqrt(1-e*e)*r.NormFloat64()
}

// report is what an agent transmits at one tick.
type report struct {
	pos    vessel.Position
	static *vessel.Static
}

// tick advances the agent by one reporting interval from a.t and returns what it transmits at
// a.t (ok is false when it is silent then). After the call a.t is the time of its next tick.
func (a *agent) tick() (rep report, ok bool) {
	t := a.t
	if a.next != nil && t >= a.nextAt {
		a.id, a.next = *a.next, nil
		a.staticNow = true
	}
	for range 8 {
		if !a.leg.done(t) {
			break
		}
		a.leg = a.plan.next(a, t)
	}
	l := &a.leg
	var next ll
	var dt int64
	var hdg float64
	switch l.kind {
	case legStay:
		dt = a.interval(l.driftSpeed, l.nav)
		// GPS noise: a slowly wandering error of a few metres, so that the speed it implies stays
		// near zero.
		a.jx = ou(a.rng, a.jx, 3, 300, float64(dt))
		a.jy = ou(a.rng, a.jy, 3, 300, float64(dt))
		next = offset(l.stayAt(t+dt), a.jx, a.jy)
		swing := 0.3 // moored: the heading barely moves
		if l.nav != navMoored {
			swing = 2 // at anchor or drifting: the ship swings
		}
		a.hdgStay = norm360(a.hdgStay + swing*a.rng.NormFloat64())
		hdg = a.hdgStay
	default:
		a.spdN = ou(a.rng, a.spdN, l.sigma, 1800, float64(max(a.dt, 2)))
		v := l.speed * (1 + a.spdN) * l.slowFactor()
		// The transponder picks its interval from the speed it reports, which is the speed over
		// the next interval: less than v through a turn or at the end of the path.
		dt = a.interval(math.Round(v*10)/10, l.nav)
		s2, q, brg := a.advance(v, dt)
		if d, _ := localDelta(a.pos, q); a.interval(math.Round(d/float64(dt)/knot*10)/10, l.nav) != dt {
			d2 := a.interval(math.Round(d/float64(dt)/knot*10)/10, l.nav)
			dt = d2
			s2, q, brg = a.advance(v, dt)
		}
		l.s = s2
		next = q
		a.hdgN = ou(a.rng, a.hdgN, hdgSigma, 600, float64(dt))
		if d, b := localDelta(a.pos, q); d > 0.5*knot*float64(dt) {
			brg = b // heading follows the course made good
		}
		hdg = norm360(brg + a.hdgN)
		a.hdgStay = hdg
	}
	d, cog := localDelta(a.pos, next)
	sog := d / float64(dt) / knot
	if d < 0.5 {
		cog = a.hdgStay
	}
	p := vessel.Position{
		MMSI:      a.id.MMSI,
		Time:      unixUTC(t),
		Lat:       a.pos.lat,
		Lon:       a.pos.lon,
		SOG:       math.Round(sog*10) / 10,
		COG:       math.Round(cog*10) / 10,
		Heading:   math.Round(hdg),
		NavStatus: l.nav,
		MsgType:   1,
	}
	if p.COG >= 360 {
		p.COG -= 360
	}
	if p.Heading >= 360 {
		p.Heading -= 360
	}
	if a.classB {
		p.NavStatus, p.MsgType, p.Heading = -1, 18, vessel.NA
	} else if a.rng.IntN(50) == 0 {
		p.MsgType = 3
	}
	a.pos, a.t, a.dt = next, t+dt, dt
	if !a.transmitting(t) {
		return report{}, false
	}
	rep.pos = p
	if a.staticNow || t >= a.staticAt {
		st := a.id
		st.Time = p.Time
		rep.static = &st
		a.staticNow, a.staticAt = false, t+staticInterval
	}
	if a.record {
		o := obs{t: t, mmsi: p.MMSI, p: ll{p.Lat, p.Lon}, sog: p.SOG}
		if rep.static != nil {
			o.static, o.name, o.imo = true, rep.static.Name, rep.static.IMO
		}
		a.log = append(a.log, o)
	}
	return rep, true
}

// advance returns the along-track distance, the position and the track bearing a route leg
// reaches after dt seconds at v knots. The ship wanders smoothly across its track: the lateral
// offset is a function of the distance run (two long waves of random phase), so it never makes
// the course jitter.
func (a *agent) advance(v float64, dt int64) (float64, ll, float64) {
	l := &a.leg
	length := l.path.length()
	s := math.Min(l.s+v*knot*float64(dt), length)
	q, brg := l.path.at(s, &l.seg)
	// Ships do not turn on the spot: through a waypoint the position follows a weighted mean of
	// the track over ±r metres, which rounds the corner (r shrinks to zero at the ends, so the
	// path still starts and ends exactly at its end points). Away from waypoints it changes
	// nothing, and is skipped.
	if r := math.Min(cornerSmoothing, math.Min(s, length-s)); r > 20 && l.path.segment(s-r, l.seg) != l.path.segment(s+r, l.seg) {
		k := 0
		p1, _ := l.path.at(s-r, &k)
		p2, _ := l.path.at(s+r, &k)
		if d, b := localDelta(p1, p2); d > r/2 {
			// Weights ¼, ½, ¼: the course turns in three steps through a waypoint.
			q, brg = interpolate(interpolate(p1, p2, 0.5), q, 0.5), b
		}
	}
	if l.lateral != 0 {
		x := l.lateral * (0.8*math.Sin(2*math.Pi*s/30000+a.phase[0]) + 0.4*math.Sin(2*math.Pi*s/7000+a.phase[1]))
		if x *= l.edgeTaper(s); x != 0 {
			sb, cb := math.Sincos(brg * deg)
			q = offset(q, x*cb, -x*sb) // x metres to the right of the track
		}
	}
	return s, q, brg
}

// slowFactor slows a ship down near the ends of its path (harbour approaches).
func (l *leg) slowFactor() float64 {
	f := 1.0
	if l.slowEnd[0] > 0 {
		f = math.Min(f, 0.3+0.7*math.Min(1, l.s/l.slowEnd[0]))
	}
	if l.slowEnd[1] > 0 {
		f = math.Min(f, 0.3+0.7*math.Min(1, (l.path.length()-l.s)/l.slowEnd[1]))
	}
	return f
}

// edgeTaper removes the lateral wander near the ends of the path, where the water is narrow.
func (l *leg) edgeTaper(s float64) float64 {
	d := math.Min(s, l.path.length()-s)
	return math.Max(0, math.Min(1, (d-1000)/5000))
}
