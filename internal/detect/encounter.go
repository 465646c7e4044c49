package detect

import (
	"fmt"
	"math"
	"time"
)

// pair is two vessels seen close together: an encounter (slow, within MaxDistanceM) and a
// rendezvous (under way together, within RendezvousM) are followed side by side.
type pair struct {
	a, b *track // a.mmsi < b.mmsi
	enc  together
	rdv  together
}

// together is one spell of two vessels close to each other.
type together struct {
	start, last int64
	lat, lon    float64       // midpoint when it began
	fa, fb      fix           // the two vessels when it began
	la, lb      fix           // and when last seen together
	hist        [2][21]uint16 // speeds of a and b in 0.5 kn bins (the last bin: 10 kn and more)
	confirmed   bool
	id          string
}

func (p *pair) lastSeen() int64 { return max(p.enc.last, p.rdv.last) }

func (d *Detector) cellOf(lat, lon float64) int64 {
	return int64(math.Floor(lat/d.cellLat))<<32 | int64(uint32(int32(math.Floor(lon/d.cellLon))))
}

// gridCell holds the vessels of one cell of the encounter grid, each with a copy of its last
// report, so that a look at the cell reads one contiguous slice.
type gridCell struct{ m []gridEntry }

type gridEntry struct {
	tr       *track
	t        int64   // Unix seconds
	lat, lon float64 // degrees
	vx, vy   float64 // metres per second east and north
}

func (d *Detector) ungrid(tr *track) {
	gc := tr.gcell
	last := len(gc.m) - 1
	moved := gc.m[last]
	gc.m[tr.slot] = moved
	moved.tr.slot = tr.slot
	gc.m[last] = gridEntry{}
	gc.m = gc.m[:last]
	if last == 0 {
		delete(d.grid, tr.cell)
	}
	tr.inGrid, tr.gcell = false, nil
}

func (d *Detector) regrid(tr *track, f fix) {
	e := gridEntry{tr: tr, t: f.t, lat: f.lat, lon: f.lon, vx: tr.vx, vy: tr.vy}
	c := d.cellOf(f.lat, f.lon)
	if tr.inGrid {
		if tr.cell == c {
			tr.gcell.m[tr.slot] = e
			return
		}
		d.ungrid(tr)
	}
	gc := d.grid[c]
	if gc == nil {
		gc = &gridCell{}
		d.grid[c] = gc
	}
	tr.cell, tr.gcell, tr.slot, tr.inGrid = c, gc, int32(len(gc.m)), true
	gc.m = append(gc.m, e)
}

// encounters keeps the grid current and, every Encounter.CheckEvery per vessel, pairs the
// vessel with its neighbours in the 3 × 3 cells around it. A vessel already in MaxPairs pairs
// cannot start another, so it only follows the pairs it has, without looking at the cells.
func (d *Detector) encounters(tr *track, f fix) {
	if tr.nearPort {
		if tr.inGrid {
			d.ungrid(tr)
		}
		return
	}
	tr.vx, tr.vy = 0, 0
	if sog, cog := float64(f.sog), float64(f.cog); sog > 0 && !math.IsNaN(cog) { // NaN sog fails sog > 0
		v := sog * metresPerNM / 3600
		s, c := math.Sincos(cog * deg)
		tr.vx, tr.vy = v*s, v*c
	}
	d.regrid(tr, f)
	if f.t-tr.lastCheck < d.secs(d.cfg.Encounter.CheckEvery) {
		return
	}
	tr.lastCheck = f.t
	cfg := &d.cfg.Encounter
	near := near{f: f, mx: earthRadiusM * deg * math.Cos(f.lat*deg), my: earthRadiusM * deg,
		r: max(cfg.MaxDistanceM, cfg.RendezvousM)}
	if len(tr.pairs) >= cfg.MaxPairs {
		d.stats.PairsCapped++
		for i := 0; i < len(tr.pairs); i++ {
			p := tr.pairs[i]
			o := p.a
			if o == tr {
				o = p.b
			}
			if !o.inGrid {
				continue
			}
			if dist, ok := near.of(o); ok {
				d.follow(p, tr, f, o, dist)
			}
		}
		return
	}
	ci, cj := int32(tr.cell>>32), int32(uint32(tr.cell))
	seen := 0
	for di := int32(-1); di <= 1; di++ {
		for dj := int32(-1); dj <= 1; dj++ {
			gc := d.grid[int64(ci+di)<<32|int64(uint32(cj+dj))]
			if gc == nil {
				continue
			}
			for i := range gc.m {
				e := &gc.m[i]
				if e.tr == tr || f.t-e.t > 600 || e.t-f.t > 600 {
					continue
				}
				if seen++; seen > cfg.MaxNeighbours {
					d.stats.PairsCapped++
					return
				}
				if dist, ok := near.at(e.t, e.lat, e.lon, e.vx, e.vy); ok {
					d.together(tr, f, e.tr, dist)
				}
			}
		}
	}
}

// near measures distances from one report to neighbours' last reports brought to its time.
type near struct {
	f      fix
	mx, my float64 // metres per degree of longitude (at f) and of latitude
	r      float64 // the largest distance of interest, metres
}

// of returns the distance in metres from n.f to o's last report dead-reckoned to n.f's time
// (equirectangular: the distances of interest are under a kilometre), and whether it is
// within n.r and o's report is at most 10 minutes from n.f.
func (n *near) of(o *track) (float64, bool) {
	return n.at(o.last.t, o.last.lat, o.last.lon, o.vx, o.vy)
}

// at is [near.of] for a report at time t (Unix seconds) and place lat, lon (degrees) made at
// vx, vy metres per second east and north.
func (n *near) at(t int64, lat, lon, vx, vy float64) (float64, bool) {
	dt := float64(n.f.t - t)
	if dt > 600 || dt < -600 {
		return 0, false
	}
	dy := (lat-n.f.lat)*n.my + vy*dt
	if dy > n.r || dy < -n.r {
		return 0, false
	}
	dx := (lon-n.f.lon)*n.mx + vx*dt
	if dx > n.r || dx < -n.r {
		return 0, false
	}
	dist := math.Sqrt(dx*dx + dy*dy)
	return dist, dist <= n.r
}

func pairKey(a, b uint32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

func speedBin(v float32) int {
	if math.IsNaN(float64(v)) || v < 0 {
		return -1
	}
	return min(int(v*2), 20)
}

// findPair returns the pair of tr and o, if they are one, from the shorter of their lists.
func findPair(tr, o *track) *pair {
	list, other := tr.pairs, o
	if len(o.pairs) < len(list) {
		list, other = o.pairs, tr
	}
	for _, p := range list {
		if p.a == other || p.b == other {
			return p
		}
	}
	return nil
}

// together follows tr and o, dist metres apart at f.t, as a pair (a new one if the bounds
// allow).
func (d *Detector) together(tr *track, f fix, o *track, dist float64) {
	p := findPair(tr, o)
	if p == nil {
		if len(tr.pairs) >= d.cfg.Encounter.MaxPairs || len(o.pairs) >= d.cfg.Encounter.MaxPairs {
			d.stats.PairsCapped++
			return
		}
		p = &pair{a: tr, b: o}
		if o.mmsi < tr.mmsi {
			p.a, p.b = o, tr
		}
		tr.pairs = append(tr.pairs, p)
		o.pairs = append(o.pairs, p)
		d.pairs[pairKey(tr.mmsi, o.mmsi)] = p
	}
	d.follow(p, tr, f, o, dist)
}

// follow extends the spells of the pair p with tr's report f and o's last report.
func (d *Detector) follow(p *pair, tr *track, f fix, o *track, dist float64) {
	fa, fb := f, o.last
	if p.a != tr {
		fa, fb = o.last, f
	}
	cfg := &d.cfg.Encounter
	maxMiss := d.secs(cfg.MaxMiss)
	if dist <= cfg.MaxDistanceM {
		d.extend(p, &p.enc, f.t, fa, fb, maxMiss, false)
	}
	sa, sb := float64(fa.sog), float64(fb.sog)
	if dist <= cfg.RendezvousM && sa >= cfg.MaxMedianKn && sb >= cfg.MaxMedianKn &&
		math.Abs(sa-sb) <= cfg.RendezvousSpeedKn && angleDiff(float64(fa.cog), float64(fb.cog)) <= cfg.RendezvousCourse {
		d.extend(p, &p.rdv, f.t, fa, fb, maxMiss, true)
	}
}

func (d *Detector) extend(p *pair, s *together, t int64, fa, fb fix, maxMiss int64, rdv bool) {
	if s.last != 0 && t-s.last > maxMiss {
		d.endTogether(p, s, rdv)
	}
	if s.last == 0 {
		*s = together{start: t, fa: fa, fb: fb, lat: (fa.lat + fb.lat) / 2, lon: (fa.lon + fb.lon) / 2}
	}
	s.last, s.la, s.lb = t, fa, fb
	if b := speedBin(fa.sog); b >= 0 {
		s.hist[0][b]++
	}
	if b := speedBin(fb.sog); b >= 0 {
		s.hist[1][b]++
	}
	if s.confirmed || !d.qualifies(s, rdv) {
		return
	}
	s.confirmed = true
	detail := "encounter"
	if rdv {
		detail = "rendezvous"
	}
	s.id = alertID(KindEncounter, detail, []uint32{p.a.mmsi, p.b.mmsi}, time.Unix(s.start, 0))
	d.flag(p.a, t)
	d.flag(p.b, t)
	if d.cfg.EmitOpen {
		d.emit(d.pairAlert(p, s, rdv, true))
	}
}

// median returns the median speed bin's upper edge in knots (NaN without samples).
func median(h *[21]uint16) float64 {
	n := 0
	for _, c := range h {
		n += int(c)
	}
	if n == 0 {
		return math.NaN()
	}
	acc := 0
	for i, c := range h {
		acc += int(c)
		if 2*acc >= n {
			return float64(i+1) / 2
		}
	}
	return math.Inf(1)
}

// qualifies says whether a spell is long (and slow) enough, and far enough from ports.
func (d *Detector) qualifies(s *together, rdv bool) bool {
	cfg := &d.cfg.Encounter
	if rdv {
		if s.last-s.start < d.secs(cfg.RendezvousMin) {
			return false
		}
	} else {
		if s.last-s.start < d.secs(cfg.MinDuration) {
			return false
		}
		ma, mb := median(&s.hist[0]), median(&s.hist[1])
		if !(ma <= cfg.MaxMedianKn) || !(mb <= cfg.MaxMedianKn) {
			return false
		}
	}
	if d.ports != nil {
		if _, near := d.ports.Near(s.lat, s.lon, cfg.PortRadiusM); near {
			return false
		}
	}
	return true
}

func (d *Detector) pairAlert(p *pair, s *together, rdv bool, open bool) Alert {
	detail, sev := "encounter", SeverityHigh
	if rdv {
		detail, sev = "rendezvous", SeverityMedium
	}
	pl := d.loc.Locate(s.lat, s.lon)
	d.stats.Lookups++
	a := d.alert(KindEncounter, detail, sev, []uint32{p.a.mmsi, p.b.mmsi}, s.start, s.last, s.lat, s.lon, pl)
	a.ID, a.Open = s.id, open
	dist := distanceM(s.la.lat, s.la.lon, s.lb.lat, s.lb.lon)
	if rdv {
		a.Note = fmt.Sprintf("rendezvous: %s and %s under way together within %.0f m at about %.0f kn for %s, %s",
			vesselName(p.a), vesselName(p.b), d.cfg.Encounter.RendezvousM, float64(s.la.sog), time.Duration(s.last-s.start)*time.Second, a.Place)
	} else {
		a.Note = fmt.Sprintf("%s and %s within %.0f m (last %.0f m apart), median speeds %.1f and %.1f kn, for %s, %s, away from ports",
			vesselName(p.a), vesselName(p.b), d.cfg.Encounter.MaxDistanceM, dist, median(&s.hist[0]), median(&s.hist[1]),
			time.Duration(s.last-s.start)*time.Second, a.Place)
	}
	a.Evidence = []Evidence{s.fa.evidence(p.a.mmsi, "together from"), s.fb.evidence(p.b.mmsi, "together from"),
		s.la.evidence(p.a.mmsi, "together until"), s.lb.evidence(p.b.mmsi, "together until")}
	return a
}

func (d *Detector) endTogether(p *pair, s *together, rdv bool) {
	if s.last != 0 && s.confirmed {
		d.final(d.pairAlert(p, s, rdv, false))
	}
	*s = together{}
}

func (d *Detector) endPair(p *pair) {
	// an encounter that qualifies makes the rendezvous of the same vessels redundant
	if p.enc.confirmed && p.rdv.confirmed && p.rdv.start >= p.enc.start && p.rdv.start <= p.enc.last {
		p.rdv.confirmed = false
	}
	d.endTogether(p, &p.enc, false)
	d.endTogether(p, &p.rdv, true)
}

// dropPair ends a pair and forgets it.
func (d *Detector) dropPair(k uint64) {
	p := d.pairs[k]
	d.endPair(p)
	p.a.pairs = removePair(p.a.pairs, p)
	p.b.pairs = removePair(p.b.pairs, p)
	delete(d.pairs, k)
}

// removePair removes p from list, keeping the order of the others.
func removePair(list []*pair, p *pair) []*pair {
	for i, q := range list {
		if q == p {
			copy(list[i:], list[i+1:])
			list[len(list)-1] = nil
			return list[:len(list)-1]
		}
	}
	return list
}
