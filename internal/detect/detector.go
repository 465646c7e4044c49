package detect

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"accord/internal/ais"
	"accord/internal/vessel"
)

// Stats are the cumulative counters of a Detector.
type Stats struct {
	Positions   int64            `json:"positions"`    // positions accepted
	Statics     int64            `json:"statics"`      // static reports merged
	Rejected    int64            `json:"rejected"`     // positions with an impossible coordinate or no time
	OutOfOrder  int64            `json:"out_of_order"` // positions older than the vessel's latest, not used
	Jumps       int64            `json:"jumps"`        // impossible jumps (implied speed over the limit), flagged
	Vessels     int              `json:"vessels"`      // vessels tracked now
	Evicted     int64            `json:"evicted"`      // vessels forgotten after EvictAfter of silence
	Pairs       int              `json:"pairs"`        // pairs of vessels close together now
	PairsCapped int64            `json:"pairs_capped"` // pairings left out: pairs refused at Encounter.MaxPairs, looks cut at MaxNeighbours, looks of a vessel at MaxPairs (it follows only its pairs)
	Lookups     int64            `json:"lookups"`      // jurisdiction look-ups
	Alerts      map[string]int64 `json:"alerts"`       // final alerts by kind
	// OpenGaps counts the vessels still silent for at least Gap.Min at the end of the input,
	// each reported by [Detector.EndOfInput] as an open gap alert (not counted in Alerts).
	OpenGaps int64 `json:"open_gaps"`
}

// Detector runs every detector over one stream of reports. Feed it in time order (a few
// minutes of disorder between receivers is tolerated per vessel: older reports are counted
// and skipped). It is not safe for concurrent use.
type Detector struct {
	cfg   Config
	loc   Locator
	ports Ports
	emit  func(Alert)

	tracks map[uint32]*track
	byIMO  map[uint32]imoSeen
	// idPairs are the MMSI pairs already reported for one IMO number
	idPairs map[uint64]bool
	grid    map[int64]*gridCell
	pairs   map[uint64]*pair

	cellLat, cellLon float64
	watchMMSI        map[uint32]bool
	watchZone        map[string]bool

	now, lastSweep int64
	// dataNow is the latest report time (Unix seconds), which Tick does not advance: live
	// silences are measured against it, so that a receiver outage (no report from any
	// vessel) or a replay of older data does not make every vessel look dark.
	dataNow int64
	stats   Stats
	// EvictAfter: a vessel silent this long is forgotten (its gap, if it ever comes back, is
	// not reported). Default 7 days.
	evictAfter int64
}

type imoSeen struct {
	mmsi       uint32
	name, flag string
}

// New returns a Detector. loc answers jurisdiction questions (nil: every place unknown, so no
// alert that needs a distance to shore); ports lists ports and anchorages (nil: none); emit
// receives each alert, synchronously.
func New(cfg Config, loc Locator, ports Ports, emit func(Alert)) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if loc == nil {
		loc = nowhere
	}
	if emit == nil {
		emit = func(Alert) {}
	}
	d := &Detector{cfg: cfg, loc: loc, ports: ports, emit: emit,
		tracks: make(map[uint32]*track), byIMO: make(map[uint32]imoSeen), idPairs: make(map[uint64]bool), grid: make(map[int64]*gridCell), pairs: make(map[uint64]*pair),
		watchMMSI: map[uint32]bool{}, watchZone: map[string]bool{}, evictAfter: 7 * 86400}
	r := max(cfg.Encounter.MaxDistanceM, cfg.Encounter.RendezvousM) * 1.05
	d.cellLat = r / 111000
	d.cellLon = 4 * d.cellLat // wide enough for the radius up to 75° of latitude
	for _, m := range cfg.Zone.WatchMMSI {
		d.watchMMSI[m] = true
	}
	for _, z := range cfg.Zone.WatchZones {
		s, zn, _ := parseWatchZone(z)
		d.watchZone[s+"/"+zn] = true
	}
	d.stats.Alerts = map[string]int64{}
	return d, nil
}

// Stats returns the counters so far.
func (d *Detector) Stats() Stats {
	s := d.stats
	s.Alerts = make(map[string]int64, len(d.stats.Alerts))
	for k, v := range d.stats.Alerts {
		s.Alerts[k] = v
	}
	s.Vessels, s.Pairs = len(d.tracks), len(d.pairs)
	return s
}

func (d *Detector) track(mmsi uint32) (*track, bool) {
	t := d.tracks[mmsi]
	if t != nil {
		return t, false
	}
	t = &track{mmsi: mmsi, length: math.NaN(), watched: d.watchMMSI[mmsi]}
	if f := ais.Flag(mmsi); f != "" {
		t.flag = f
	}
	d.tracks[mmsi] = t
	return t, true
}

func (d *Detector) secs(v time.Duration) int64 { return int64(v / time.Second) }

// Static merges a static report (types 5, 19, 24) into the vessel's track and checks it for
// changes of name and, through the IMO number, of MMSI and flag.
func (d *Detector) Static(s vessel.Static) {
	if s.MMSI == 0 {
		d.stats.Rejected++
		return
	}
	d.stats.Statics++
	tr, _ := d.track(s.MMSI)
	ts := s.Time.Unix()
	if s.Time.IsZero() {
		ts = d.now
	}
	d.now = max(d.now, ts)
	if s.ClassB {
		tr.classB = true
	}
	if s.ShipType != 0 {
		tr.shipType = s.ShipType
	}
	if !math.IsNaN(s.Length) && s.Length > 0 {
		tr.length = s.Length
	}
	name := strings.TrimSpace(s.Name)
	if name != "" {
		if tr.name != "" && tr.name != name {
			d.nameChange(tr, name, ts)
		}
		tr.name, tr.nameT = name, ts
	}
	if validIMO(s.IMO) {
		tr.imo = s.IMO
		old, seen := d.byIMO[s.IMO]
		if seen && old.mmsi != s.MMSI {
			d.flagHop(s.IMO, old, tr, ts)
		}
		d.byIMO[s.IMO] = imoSeen{mmsi: s.MMSI, name: tr.name, flag: tr.flag}
	}
}

// validIMO checks an IMO ship number: seven digits whose last is the check digit.
func validIMO(n uint32) bool {
	if n < 1000000 || n > 9999999 {
		return false
	}
	sum := 0
	v := n / 10
	for w := 2; w <= 7; w++ {
		sum += int(v%10) * w
		v /= 10
	}
	return uint32(sum%10) == n%10
}

func (d *Detector) nameChange(tr *track, name string, ts int64) {
	at := tr.last
	if !at.known() {
		return
	}
	a := d.alert(KindIdentity, "name_change", SeverityMedium, []uint32{tr.mmsi}, tr.nameT, ts, at.lat, at.lon, d.placeOf(tr, at))
	a.Note = fmt.Sprintf("MMSI %d changed its name from %q to %q", tr.mmsi, tr.name, name)
	a.Evidence = []Evidence{at.evidence(tr.mmsi, "last position under the old name")}
	d.final(a)
	d.flag(tr, ts)
}

func (d *Detector) flagHop(imo uint32, old imoSeen, tr *track, ts int64) {
	ot := d.tracks[old.mmsi]
	if ot == nil || !ot.last.known() {
		return
	}
	if tr.last.known() && distanceM(ot.last.lat, ot.last.lon, tr.last.lat, tr.last.lon) < 1000 {
		return // one ship with two transponders
	}
	k := pairKey(old.mmsi, tr.mmsi)
	if d.idPairs[k] {
		return // already reported (archives and feeds repeat static data every few minutes)
	}
	d.idPairs[k] = true
	detail, sev := "flag_hopping", SeverityHigh
	note := fmt.Sprintf("IMO %d: %q (%s, MMSI %d) goes silent and returns as %q (%s, MMSI %d)",
		imo, old.name, orDash(old.flag), old.mmsi, tr.name, orDash(tr.flag), tr.mmsi)
	switch {
	case ts-ot.last.t < 600:
		// the old MMSI is still on the air: one IMO number on two ships at once
		detail, sev = "shared_imo", SeverityMedium
		note = fmt.Sprintf("IMO %d is used at once by %q (%s, MMSI %d) and %q (%s, MMSI %d)",
			imo, old.name, orDash(old.flag), old.mmsi, tr.name, orDash(tr.flag), tr.mmsi)
	case old.flag == tr.flag:
		detail = "new_mmsi"
	}
	a := d.alert(KindIdentity, detail, sev, []uint32{old.mmsi, tr.mmsi}, ot.last.t, ts, ot.last.lat, ot.last.lon, d.placeOf(ot, ot.last))
	a.Note = note
	a.Evidence = []Evidence{ot.last.evidence(old.mmsi, "last position under the old identity")}
	if tr.last.known() {
		a.Evidence = append(a.Evidence, tr.last.evidence(tr.mmsi, "position under the new identity"))
	}
	d.final(a)
	if detail != "shared_imo" {
		d.flag(ot, ts)
		d.flag(tr, ts)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// flag puts a vessel on the watch list for Zone.WatchFor after one of its alerts.
func (d *Detector) flag(tr *track, ts int64) {
	if d.cfg.Zone.WatchFor > 0 {
		tr.watchedUntil = max(tr.watchedUntil, ts+d.secs(d.cfg.Zone.WatchFor))
	}
}

// Position adds a position report. Reports must come in time order per vessel.
func (d *Detector) Position(p vessel.Position) {
	if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 || p.Time.IsZero() || p.MMSI == 0 {
		d.stats.Rejected++
		return
	}
	ts := p.Time.Unix()
	f := fix{t: ts, lat: p.Lat, lon: p.Lon, sog: float32(p.SOG), cog: float32(p.COG)}
	if f.sog >= 102.2 { // 102.2 kn means "102.2 or more": no usable speed
		f.sog = float32(math.NaN())
	}
	tr, isNew := d.track(p.MMSI)
	if ts > d.now {
		d.now = ts
	}
	d.dataNow = max(d.dataNow, ts)
	if isNew {
		d.checkMMSI(tr, p, f)
	}
	if p.MsgType == 18 || p.MsgType == 19 {
		tr.classB = true
	}
	if tr.n == 0 {
		d.stats.Positions++
		d.onMain(tr, f, p.MsgType)
		d.maybeSweep()
		return
	}
	if ts < tr.last.t && (!tr.alt.active() || ts < tr.alt.last.t) {
		d.stats.OutOfOrder++
		return
	}
	d.stats.Positions++
	vm := d.implied(tr.last, f)
	va := math.Inf(1)
	if tr.alt.active() {
		va = d.implied(tr.alt.last, f)
	}
	lim := d.cfg.MaxImpliedKn
	switch {
	case vm <= lim && vm <= va:
		d.onMain(tr, f, p.MsgType)
		if tr.alt.active() {
			tr.mainSinceAlt++
			if tr.two.active() {
				tr.two.last = f
			}
			if f.t-tr.alt.last.t > 3600 {
				d.endAlt(tr)
			}
		}
	case va <= lim:
		d.onAlt(tr, f, p.MsgType)
	default:
		d.jump(tr, f, vm)
	}
	d.maybeSweep()
}

// implied is the speed in knots needed to go from a to b (with the configured slacks).
func (d *Detector) implied(a, b fix) float64 {
	dist := distanceM(a.lat, a.lon, b.lat, b.lon) - d.cfg.PositionSlackM
	if dist <= 0 {
		return 0
	}
	dt := math.Abs(float64(b.t-a.t)) + d.cfg.TimeResolution.Seconds()
	return dist / metresPerNM / (dt / 3600)
}

func (d *Detector) checkMMSI(tr *track, p vessel.Position, f fix) {
	switch p.MsgType {
	case 1, 2, 3, 18, 19, 27:
	default:
		return
	}
	kind, _ := ais.KindOf(p.MMSI)
	why := ""
	switch kind {
	case ais.KindInvalid:
		why = "is not a 9-digit MMSI of any station kind"
	case ais.KindShip, ais.KindAuxiliary, ais.KindHandheld:
		if ais.Flag(p.MMSI) == "" {
			why = "carries an unallocated MID"
		}
	case ais.KindGroup, ais.KindCoast, ais.KindAtoN, ais.KindSARAircraft:
		article := "a"
		if strings.ContainsAny(kind.String()[:1], "aeiou") {
			article = "an"
		}
		why = fmt.Sprintf("is %s %s MMSI sending vessel position reports", article, kind)
	}
	if why == "" {
		return
	}
	tr.flags |= flagInvalidReported
	pl := d.loc.Locate(f.lat, f.lon)
	d.stats.Lookups++
	a := d.alert(KindIdentity, "invalid_mmsi", SeverityLow, []uint32{p.MMSI}, f.t, f.t, f.lat, f.lon, pl)
	a.Note = fmt.Sprintf("MMSI %09d %s", p.MMSI, why)
	a.Evidence = []Evidence{f.evidence(p.MMSI, "first report")}
	d.final(a)
}

func (d *Detector) jump(tr *track, f fix, vm float64) {
	d.stats.Jumps++
	if tr.two.active() {
		// a third place: keep the two-places episode, restart the second track here
		tr.alt.last = f
		tr.alt.n++
		tr.two.last = f
		return
	}
	tr.alt.reset()
	tr.alt.first, tr.alt.last, tr.alt.n = f, f, 1
	tr.alt.maxSOG = vm
	tr.mainSinceAlt = 0
	tr.jumpFrom = tr.last
}

func (d *Detector) onAlt(tr *track, f fix, msgType int) {
	tr.alt.last = f
	tr.alt.n++
	c := d.cfg.Identity.Confirm
	if tr.two.active() {
		tr.two.last = f
		if tr.two.n < d.cfg.MaxEvidence {
			tr.two.addEvidence(d.cfg.MaxEvidence, f.evidence(tr.mmsi, "second track"))
		}
		tr.two.n++
		return
	}
	if tr.mainSinceAlt >= c && tr.alt.n >= c {
		// two interleaved tracks: one MMSI at two places at once
		tr.two = run{first: tr.alt.first, last: f, n: tr.alt.n, confirmed: true}
		tr.two.place = d.loc.Locate(tr.alt.first.lat, tr.alt.first.lon)
		d.stats.Lookups++
		tr.two.id = alertID(KindIdentity, "two_places", []uint32{tr.mmsi}, time.Unix(tr.alt.first.t, 0))
		km := distanceM(tr.alt.first.lat, tr.alt.first.lon, tr.last.lat, tr.last.lon) / 1000
		tr.two.note = fmt.Sprintf("MMSI %d (%q) heard at two places at once, %.0f km apart (first track at %.2f, %.2f)",
			tr.mmsi, tr.name, km, tr.last.lat, tr.last.lon)
		tr.two.ev = []Evidence{tr.last.evidence(tr.mmsi, "first track"), tr.alt.first.evidence(tr.mmsi, "second track begins")}
		d.flag(tr, f.t)
		if d.cfg.EmitOpen {
			d.emit(d.twoAlert(tr, true))
		}
		return
	}
	if tr.mainSinceAlt == 0 && tr.alt.n >= c && f.t-tr.alt.first.t >= 600 {
		// the vessel stayed at the new place and the old track fell silent: one impossible jump
		from, to := tr.jumpFrom, tr.alt.first
		pl := d.loc.Locate(to.lat, to.lon)
		d.stats.Lookups++
		v := d.implied(from, to)
		a := d.alert(KindSpeed, "implied_speed", SeverityMedium, []uint32{tr.mmsi}, from.t, to.t, to.lat, to.lon, pl)
		a.Note = fmt.Sprintf("MMSI %d jumped %.1f nm in %s (implied %.0f kn) and stayed there: spoofed or shared transponder",
			tr.mmsi, distanceM(from.lat, from.lon, to.lat, to.lon)/metresPerNM, time.Duration(to.t-from.t)*time.Second, v)
		a.Evidence = []Evidence{from.evidence(tr.mmsi, "before the jump"), to.evidence(tr.mmsi, "after the jump"), f.evidence(tr.mmsi, "confirmed")}
		d.final(a)
		d.flag(tr, f.t)
		// the new place becomes the main track; episodes tied to the old place end
		d.endRuns(tr)
		tr.last = tr.alt.first
		tr.alt.reset()
		d.onMain(tr, f, msgType)
	}
}

func (d *Detector) endAlt(tr *track) {
	if tr.two.active() {
		d.final(d.twoAlert(tr, false))
		tr.two.reset()
	}
	tr.alt.reset()
	tr.mainSinceAlt = 0
}

func (d *Detector) twoAlert(tr *track, open bool) Alert {
	r := &tr.two
	a := d.alert(KindIdentity, "two_places", SeverityHigh, []uint32{tr.mmsi}, r.first.t, r.last.t, r.first.lat, r.first.lon, r.place)
	a.ID, a.Open, a.Note = r.id, open, r.note
	a.Evidence = append([]Evidence(nil), r.ev...)
	return a
}

// onMain runs the per-vessel detectors on a report of the vessel's main track.
func (d *Detector) onMain(tr *track, f fix, msgType int) {
	prev := tr.last
	if prev.known() {
		if dt := f.t - prev.t; dt >= d.secs(d.cfg.Gap.Min) {
			d.gap(tr, prev, f)
		}
	}
	d.locate(tr, f)
	d.zone(tr, f)
	d.speed(tr, prev, f, msgType)
	d.loiter(tr, prev, f)
	tr.push(f)
	tr.last = f
	tr.n++
	d.encounters(tr, f)
}

func (d *Detector) locate(tr *track, f fix) {
	if tr.locAt.known() && f.t-tr.locAt.t < d.secs(d.cfg.LocateEvery) &&
		fastDistanceM(tr.locAt.lat, tr.locAt.lon, f.lat, f.lon) < d.cfg.LocateEveryNM*metresPerNM {
		return
	}
	tr.place = d.loc.Locate(f.lat, f.lon)
	tr.locAt = f
	d.stats.Lookups++
	if d.ports != nil {
		_, tr.nearPort = d.ports.Near(f.lat, f.lon, d.cfg.Encounter.PortRadiusM)
	}
}

// placeOf is the place of a fix of the track: the cached place when it was located nearby,
// otherwise a fresh look-up.
func (d *Detector) placeOf(tr *track, f fix) Place {
	if tr.locAt.known() && fastDistanceM(tr.locAt.lat, tr.locAt.lon, f.lat, f.lon) < d.cfg.LocateEveryNM*metresPerNM {
		return tr.place
	}
	d.stats.Lookups++
	return d.loc.Locate(f.lat, f.lon)
}

func (d *Detector) gap(tr *track, prev, f fix) {
	dt := f.t - prev.t
	pl := d.placeOf(tr, prev)
	n := tr.reportsBefore(prev.t)
	sev, detail := d.gapSeverity(dt, pl, n)
	a := d.alert(KindGap, detail, sev, []uint32{tr.mmsi}, prev.t, f.t, prev.lat, prev.lon, pl)
	a.Note = fmt.Sprintf("%s silent for %s from %s; %d positions in the 12 h before; reappears %.0f nm away",
		vesselName(tr), time.Duration(dt)*time.Second, placeText(prev.lat, prev.lon, pl), n,
		distanceM(prev.lat, prev.lon, f.lat, f.lon)/metresPerNM)
	for _, r := range tr.recent(min(6, d.cfg.MaxEvidence-1)) {
		a.Evidence = append(a.Evidence, r.evidence(tr.mmsi, "before the gap"))
	}
	a.Evidence = append(a.Evidence, f.evidence(tr.mmsi, "first position after the gap"))
	d.final(a)
	d.flag(tr, f.t)
	// a silence ends every episode of the vessel
	d.endRuns(tr)
}

// gapSeverity applies the gap rules to a silence of dt seconds that began at a place pl after n
// reports in the 12 h before: "likely_intentional" (high) when it lasts at least
// Gap.IntentionalMin, begins more than Gap.IntentionalShore nm from shore after good reception;
// medium when only long; low otherwise.
func (d *Detector) gapSeverity(dt int64, pl Place, n int) (string, string) {
	switch {
	case dt >= d.secs(d.cfg.Gap.IntentionalMin) && !math.IsNaN(pl.ShoreNM) && pl.ShoreNM > d.cfg.Gap.IntentionalShore && n >= d.cfg.Gap.GoodReception:
		return SeverityHigh, "likely_intentional"
	case dt >= d.secs(d.cfg.Gap.IntentionalMin):
		return SeverityMedium, "gap"
	}
	return SeverityLow, "gap"
}

func vesselName(tr *track) string {
	if tr.name != "" {
		return fmt.Sprintf("%q (MMSI %d, %s)", tr.name, tr.mmsi, orDash(tr.flag))
	}
	return fmt.Sprintf("MMSI %d (%s)", tr.mmsi, orDash(tr.flag))
}

// endRuns finalizes the vessel's open episodes (speed, loitering, zone entry).
func (d *Detector) endRuns(tr *track) {
	d.endFast(tr)
	d.endSlow(tr)
	d.endZone(tr)
}

// zone follows the vessel's zone and reports entries of watched vessels or zones.
func (d *Detector) zone(tr *track, f fix) {
	rank := zoneRank(tr.place.Zone)
	if rank == rankUnknown {
		return
	}
	prevRank, prevState := tr.prevRank, tr.prevState
	tr.prevRank, tr.prevState = rank, tr.place.State
	ep := &tr.zoneEp
	if rank <= rankBeyond {
		if ep.active() {
			d.endZone(tr)
		}
		return
	}
	if prevRank == rankUnknown {
		return // first fix already inside: not an entry
	}
	if ep.active() {
		ep.last = f
		if rank > ep.rank || tr.place.State != ep.state {
			ep.rank, ep.zone, ep.state, ep.entered, ep.enteredAt = rank, tr.place.Zone, tr.place.State, f, tr.place
			ep.addEvidence(d.cfg.MaxEvidence, f.evidence(tr.mmsi, "enters "+tr.place.State+" "+tr.place.Zone))
		}
		return
	}
	if !(rank > prevRank || tr.place.State != prevState) {
		return
	}
	// Vessels flagged by another alert are watched into territorial seas only: crossing a
	// contiguous zone on passage is routine, entering the territorial sea is the act a coastal
	// state can answer (UNCLOS arts. 2 and 33).
	watched := tr.watched || (tr.watchedUntil >= f.t && rank == rankTerritorial) ||
		d.watchZone[tr.place.State+"/"+tr.place.Zone] || d.watchZone[tr.place.State+"/*"]
	if !watched {
		return
	}
	*ep = run{first: f, last: f, rank: rank, zone: tr.place.Zone, state: tr.place.State, entered: f, enteredAt: tr.place, confirmed: true}
	ep.id = alertID(KindZoneEntry, "", []uint32{tr.mmsi}, time.Unix(f.t, 0))
	ep.ev = []Evidence{f.evidence(tr.mmsi, "enters "+tr.place.State+" "+tr.place.Zone)}
	if d.cfg.EmitOpen {
		d.emit(d.zoneAlert(tr, true))
	}
}

func (d *Detector) zoneAlert(tr *track, open bool) Alert {
	ep := &tr.zoneEp
	why := "flagged by an earlier alert"
	switch {
	case tr.watched:
		why = "on the watch list"
	case d.watchZone[ep.state+"/"+ep.zone] || d.watchZone[ep.state+"/*"]:
		why = "the zone is watched"
	}
	sev := SeverityMedium
	if ep.rank == rankTerritorial {
		sev = SeverityHigh
	}
	e := ep.entered
	a := d.alert(KindZoneEntry, "", sev, []uint32{tr.mmsi}, e.t, ep.last.t, e.lat, e.lon, ep.enteredAt)
	a.ID, a.Open = ep.id, open
	a.Note = fmt.Sprintf("%s (%s) enters the %s of %s at %.0f kn", vesselName(tr), why, strings.ReplaceAll(ep.zone, "_", " "), ep.state, float64(e.sog))
	a.Evidence = append([]Evidence(nil), ep.ev...)
	return a
}

func (d *Detector) endZone(tr *track) {
	if tr.zoneEp.active() {
		d.final(d.zoneAlert(tr, false))
		tr.zoneEp.reset()
	}
}

// speed follows go-fast runs: a small craft at Speed.MinKn or more.
func (d *Detector) speed(tr *track, prev, f fix, msgType int) {
	r := &tr.fast
	sog := float64(f.sog)
	fast := !math.IsNaN(sog) && sog >= d.cfg.Speed.MinKn && tr.small(d.cfg.Speed.SmallLengthM, msgType)
	if r.active() && (!fast || f.t-r.last.t > 600) {
		d.endFast(tr)
	}
	if !fast {
		return
	}
	if !r.active() {
		if math.IsNaN(tr.place.ShoreNM) || tr.place.ShoreNM < d.cfg.Speed.MinShoreNM {
			return
		}
		*r = run{first: f, last: f, n: 1, maxSOG: sog, place: tr.place}
		r.ev = []Evidence{f.evidence(tr.mmsi, "first report at speed")}
		return
	}
	r.last = f
	r.n++
	r.maxSOG = max(r.maxSOG, sog)
	r.sum += sog
	if !r.confirmed && r.n >= d.cfg.Speed.MinReports && f.t-r.first.t >= d.secs(d.cfg.Speed.MinDuration) {
		// the craft must really move that fast (a stuck or corrupt speed field does not)
		made := distanceM(r.first.lat, r.first.lon, f.lat, f.lon) / metresPerNM / (float64(f.t-r.first.t) / 3600)
		if made >= d.cfg.Speed.MinKn/2 {
			r.confirmed = true
			r.id = alertID(KindSpeed, "go_fast", []uint32{tr.mmsi}, time.Unix(r.first.t, 0))
			d.flag(tr, f.t)
			if d.cfg.EmitOpen {
				d.emit(d.fastAlert(tr, true))
			}
		}
	}
}

func (d *Detector) fastAlert(tr *track, open bool) Alert {
	r := &tr.fast
	a := d.alert(KindSpeed, "go_fast", SeverityHigh, []uint32{tr.mmsi}, r.first.t, r.last.t, r.first.lat, r.first.lon, r.place)
	a.ID, a.Open = r.id, open
	size := "class B"
	if !math.IsNaN(tr.length) && tr.length > 0 {
		size = fmt.Sprintf("%.0f m", tr.length)
		if tr.classB {
			size += ", class B"
		}
	}
	a.Note = fmt.Sprintf("go-fast: small craft %s (%s) at up to %.0f kn for %s, starting %s", vesselName(tr), size, r.maxSOG,
		time.Duration(r.last.t-r.first.t)*time.Second, placeText(r.first.lat, r.first.lon, r.place))
	a.Evidence = append(append([]Evidence(nil), r.ev...), r.last.evidence(tr.mmsi, "last report at speed"))
	return a
}

func (d *Detector) endFast(tr *track) {
	if tr.fast.active() && tr.fast.confirmed {
		d.final(d.fastAlert(tr, false))
	}
	tr.fast.reset()
}

// loiter follows slow runs (time-weighted mean speed under Loitering.MaxKn).
func (d *Detector) loiter(tr *track, prev, f fix) {
	r := &tr.slow
	v := sogOrImplied(prev, f)
	if math.IsNaN(v) {
		return
	}
	slow := v < d.cfg.Loitering.MaxKn
	if r.active() && (!slow || f.t-r.last.t > d.secs(d.cfg.Loitering.MaxGap)) {
		d.endSlow(tr)
	}
	if !slow {
		return
	}
	if !r.active() {
		*r = run{first: f, last: f, n: 1, place: tr.place}
		return
	}
	r.sum += v * float64(f.t-r.last.t)
	r.last = f
	r.n++
	if !r.confirmed && f.t-r.first.t >= d.secs(d.cfg.Loitering.MinDuration) {
		detail := d.loiterDetail(r)
		if detail == "" {
			return
		}
		r.confirmed, r.note = true, detail
		r.id = alertID(KindLoitering, detail, []uint32{tr.mmsi}, time.Unix(r.first.t, 0))
		if detail == "loitering" {
			d.flag(tr, f.t)
		}
		if d.cfg.EmitOpen {
			d.emit(d.slowAlert(tr, true))
		}
	}
}

// loiterDetail says whether a long slow run is loitering at sea ("loitering"), waiting near a
// port or anchorage ("anchorage", when reported) or neither ("").
func (d *Detector) loiterDetail(r *run) string {
	if d.ports != nil {
		if _, near := d.ports.Near(r.first.lat, r.first.lon, d.cfg.Encounter.PortRadiusM); near {
			if d.cfg.Loitering.Anchorage {
				return "anchorage"
			}
			return ""
		}
	}
	if !math.IsNaN(r.place.ShoreNM) && r.place.ShoreNM >= d.cfg.Loitering.MinShoreNM {
		return "loitering"
	}
	return ""
}

func (d *Detector) slowAlert(tr *track, open bool) Alert {
	r := &tr.slow
	sev := SeverityMedium
	if r.note == "anchorage" {
		sev = SeverityLow
	}
	a := d.alert(KindLoitering, r.note, sev, []uint32{tr.mmsi}, r.first.t, r.last.t, r.first.lat, r.first.lon, r.place)
	a.ID, a.Open = r.id, open
	dur := float64(r.last.t - r.first.t)
	mean := 0.0
	if dur > 0 {
		mean = r.sum / dur
	}
	where := placeText(r.first.lat, r.first.lon, r.place)
	if r.note == "anchorage" && d.ports != nil {
		if n, ok := d.ports.Near(r.first.lat, r.first.lon, d.cfg.Encounter.PortRadiusM); ok {
			where = "at " + n + ", " + where
		}
	}
	a.Note = fmt.Sprintf("%s at %.1f kn on average for %s, %s (drifted %.1f nm)", vesselName(tr), mean,
		time.Duration(dur)*time.Second, where, distanceM(r.first.lat, r.first.lon, r.last.lat, r.last.lon)/metresPerNM)
	a.Evidence = []Evidence{r.first.evidence(tr.mmsi, "slow from"), r.last.evidence(tr.mmsi, "slow until")}
	return a
}

func (d *Detector) endSlow(tr *track) {
	if tr.slow.active() && tr.slow.confirmed {
		d.final(d.slowAlert(tr, false))
	}
	tr.slow.reset()
}

// alert fills the fields every alert shares.
func (d *Detector) alert(kind, detail, sev string, mmsi []uint32, start, end int64, lat, lon float64, pl Place) Alert {
	if detail == "" {
		detail = kind
	}
	st := time.Unix(start, 0).UTC()
	return Alert{ID: alertID(kind, detail, mmsi, st), Kind: kind, Severity: sev, MMSI: mmsi, Start: st, End: time.Unix(end, 0).UTC(),
		Lat: lat, Lon: lon, State: pl.State, Zone: pl.Zone, Authority: pl.Authority, ShoreNM: pl.ShoreNM,
		Place: placeText(lat, lon, pl), Detail: detail}
}

func (d *Detector) final(a Alert) {
	a.Open = false
	if a.Zone == "" || a.Zone == "unknown" {
		// the locator may have become available since (a live engine loading in the background)
		if pl := d.loc.Locate(a.Lat, a.Lon); pl.Zone != "" && pl.Zone != "unknown" {
			d.stats.Lookups++
			a.State, a.Zone, a.Authority, a.ShoreNM, a.Place = pl.State, pl.Zone, pl.Authority, pl.ShoreNM, placeText(a.Lat, a.Lon, pl)
		}
	}
	if len(a.Evidence) > d.cfg.MaxEvidence {
		a.Evidence = append(a.Evidence[:d.cfg.MaxEvidence-1], a.Evidence[len(a.Evidence)-1])
	}
	d.stats.Alerts[a.Kind]++
	d.emit(a)
}

// maybeSweep runs the periodic clean-up every 10 minutes of data time.
func (d *Detector) maybeSweep() {
	if d.now-d.lastSweep >= 600 {
		d.sweep(d.now)
	}
}

// Tick tells the detector the time now (for a live feed: the wall clock), so that episodes
// of vessels that fell silent and pairs that parted are closed even when no report comes.
func (d *Detector) Tick(now time.Time) {
	ts := now.Unix()
	if ts > d.now {
		d.now = ts
	}
	d.sweep(d.now)
}

func (d *Detector) sweep(now int64) {
	d.lastSweep = now
	maxMiss := d.secs(d.cfg.Encounter.MaxMiss)
	var parted []uint64
	for k, p := range d.pairs {
		if now-p.lastSeen() > maxMiss {
			parted = append(parted, k)
		}
	}
	sort.Slice(parted, func(i, j int) bool { return parted[i] < parted[j] })
	for _, k := range parted {
		d.dropPair(k)
	}
	idle := d.secs(d.cfg.Loitering.MaxGap)
	var ending []*track // closed in MMSI order, so that the output is reproducible
	var dark, forgotten []*track
	for m, tr := range d.tracks {
		silent := now - tr.last.t
		evict := silent > d.evictAfter && !tr.alt.active() && !tr.inGrid
		// A live feed reports a silence while it goes on, once it is long enough for its
		// severity to be settled (Gap.IntentionalMin: the final alert, when the vessel
		// reappears, then has the same detail and so the same ID). The silence is measured
		// against the latest report of any vessel (dataNow), not the clock.
		if quiet := d.dataNow - tr.last.t; d.cfg.EmitOpen && !evict && tr.last.known() && tr.openGapFrom != tr.last.t &&
			quiet >= d.secs(d.cfg.Gap.IntentionalMin) && quiet >= d.secs(d.cfg.Gap.Min) && !d.continuesAs(tr) {
			dark = append(dark, tr)
		}
		if tr.inGrid && silent > 600 {
			d.ungrid(tr)
		}
		if (silent > idle && (tr.fast.active() || tr.slow.active() || tr.zoneEp.active())) ||
			(tr.alt.active() && now-tr.alt.last.t > 3600) {
			ending = append(ending, tr)
		}
		if evict {
			if tr.openGapFrom == tr.last.t && tr.last.known() {
				forgotten = append(forgotten, tr)
			}
			delete(d.tracks, m)
			d.stats.Evicted++
		}
	}
	sort.Slice(dark, func(i, j int) bool { return dark[i].mmsi < dark[j].mmsi })
	for _, tr := range dark {
		d.openGap(tr, d.dataNow, "while other vessels report, and still silent")
		tr.openGapFrom = tr.last.t
	}
	// A vessel forgotten while its open gap alert stands: the alert is made final here, as
	// its reappearance would no longer be recognised as the end of that silence.
	sort.Slice(forgotten, func(i, j int) bool { return forgotten[i].mmsi < forgotten[j].mmsi })
	for _, tr := range forgotten {
		a := d.gapAlert(tr, now, "no report since; the vessel is no longer followed")
		d.final(a)
	}
	sort.Slice(ending, func(i, j int) bool { return ending[i].mmsi < ending[j].mmsi })
	for _, tr := range ending {
		if now-tr.last.t > idle {
			d.endRuns(tr)
		}
		if tr.alt.active() && now-tr.alt.last.t > 3600 {
			d.endAlt(tr)
		}
	}
}

// EndOfInput ends a finite input (a file): every vessel silent for at least Gap.Min at the time
// of the input's latest report (unless its ship went on under another MMSI with the same IMO
// number, an identity change) is reported as an open gap alert (Open true; End is that latest
// time; the severity and the "likely_intentional" rule as for a gap of that length so far; no
// position after the gap in the evidence), counted in Stats.OpenGaps; then [Detector.Close].
// A live feed calls Close instead: with Config.EmitOpen its silences are reported while they go
// on (by [Detector.Tick], once Gap.IntentionalMin long) and judged when the vessel reappears.
func (d *Detector) EndOfInput() {
	ms := make([]uint32, 0, len(d.tracks))
	for m, tr := range d.tracks {
		if tr.last.known() && d.now-tr.last.t >= d.secs(d.cfg.Gap.Min) && !d.continuesAs(tr) {
			ms = append(ms, m)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i] < ms[j] })
	for _, m := range ms {
		d.openGap(d.tracks[m], d.now, "until the end of the input, and still silent")
		d.stats.OpenGaps++
	}
	d.Close()
}

// continuesAs reports whether tr's ship went on reporting under another MMSI after tr's last
// report (same IMO number; the identity detector reports the change): that is not a silence.
func (d *Detector) continuesAs(tr *track) bool {
	if tr.imo == 0 {
		return false
	}
	seen, ok := d.byIMO[tr.imo]
	if !ok || seen.mmsi == tr.mmsi {
		return false
	}
	other := d.tracks[seen.mmsi]
	return other != nil && other.last.known() && other.last.t > tr.last.t
}

// openGap reports the silence of tr from its last report until end (seconds), still going on;
// how tells how far ("until the end of the input, and still silent").
func (d *Detector) openGap(tr *track, end int64, how string) {
	a := d.gapAlert(tr, end, how)
	a.Open = true
	d.emit(a)
}

// gapAlert is the gap alert of the silence of tr from its last report until end (seconds),
// with no report after it; how ends the note's first clause.
func (d *Detector) gapAlert(tr *track, end int64, how string) Alert {
	prev := tr.last
	dt := end - prev.t
	pl := d.placeOf(tr, prev)
	n := tr.reportsBefore(prev.t)
	sev, detail := d.gapSeverity(dt, pl, n)
	a := d.alert(KindGap, detail, sev, []uint32{tr.mmsi}, prev.t, end, prev.lat, prev.lon, pl)
	a.Note = fmt.Sprintf("%s silent for %s from %s %s; %d positions in the 12 h before",
		vesselName(tr), time.Duration(dt)*time.Second, placeText(prev.lat, prev.lon, pl), how, n)
	for _, r := range tr.recent(min(6, d.cfg.MaxEvidence)) {
		a.Evidence = append(a.Evidence, r.evidence(tr.mmsi, "before the gap"))
	}
	return a
}

// Close ends the stream: every open episode is finalized and emitted. Silences still going on
// are not reported (a gap needs the report that ends it; see [Detector.EndOfInput]).
func (d *Detector) Close() {
	keys := make([]uint64, 0, len(d.pairs))
	for k := range d.pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		d.dropPair(k)
	}
	ms := make([]uint32, 0, len(d.tracks))
	for m := range d.tracks {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i] < ms[j] })
	for _, m := range ms {
		tr := d.tracks[m]
		d.endRuns(tr)
		d.endAlt(tr)
	}
}
