package ops

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// FieldError is one problem with one field of an operation. Field is a JSON path
// ("participants[1].kind"); Fix says what a valid value looks like.
type FieldError struct {
	Field   string
	Problem string
	Fix     string
}

func (e *FieldError) Error() string {
	if e.Fix == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Problem)
	}
	return fmt.Sprintf("%s: %s; %s", e.Field, e.Problem, e.Fix)
}

// MaxRingPoints bounds the points of one polygon ring, so that checking an operation stays fast.
const MaxRingPoints = 10000

// MaxParticipants bounds the participant groups of an operation or a consent.
const MaxParticipants = 1000

// Validate checks the operation and returns every problem found, joined ([errors.Join]) as
// *FieldError values, or nil. Use errors.As to get the first FieldError.
func (op *Operation) Validate() error {
	var errs []error
	add := func(field, problem, fix string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem, Fix: fix})
	}
	if !op.Type.Valid() {
		add("type", fmt.Sprintf("unknown operation type %q", op.Type), "want one of "+typeList())
	}
	switch {
	case op.Place.Point == nil && op.Place.Area == nil:
		add("location", "the operation has no place", `give "location": {"lat": …, "lon": …} or "area": a GeoJSON Polygon`)
	case op.Place.Point != nil && op.Place.Area != nil:
		add("location", "both location and area are given", `give only one of "location" and "area"`)
	case op.Place.Point != nil:
		checkPoint("location", *op.Place.Point, add)
	default:
		op.Place.Area.check("area", add)
	}
	checkTimes("", op.Start, op.End, add)
	if len(op.Participants) == 0 {
		add("participants", "no participants", `list at least one {"state", "agency", "kind", "count", "armed", "role"}`)
	}
	if len(op.Participants) > MaxParticipants {
		add("participants", fmt.Sprintf("%d groups", len(op.Participants)), fmt.Sprintf("at most %d", MaxParticipants))
	} else {
		for i, p := range op.Participants {
			p.check(fmt.Sprintf("participants[%d]", i), add)
		}
	}
	if op.ForceLevel < 1 || op.ForceLevel > 5 {
		add("force_level", fmt.Sprintf("%d is not a use-of-force level", op.ForceLevel),
			"want 1 (presence) … 5 (lethal), Ley Nacional sobre el Uso de la Fuerza art. 11")
	}
	if v := op.TargetVessel; v != nil {
		switch {
		case v.Stateless && v.Flag != "":
			add("target_vessel", "a stateless vessel with a flag", `give either "flag" or "stateless": true`)
		case !v.Stateless && !validState(v.Flag):
			add("target_vessel.flag", fmt.Sprintf("%q is not a state code", v.Flag), `want ISO 3166 alpha-3 such as "PAN", or "stateless": true`)
		}
	}
	if c := op.Corroboration; c != nil {
		if c.IndependentSources < 0 {
			add("corroboration.independent_sources", "negative", "want a count ≥ 0")
		}
		if c.BestGrade != "" && !ValidGrade(c.BestGrade) {
			add("corroboration.best_grade", fmt.Sprintf("%q is not an Admiralty grade", c.BestGrade), `want reliability A–F and credibility 1–6, e.g. "B2"`)
		}
	}
	for i, c := range op.Consents {
		c.check(fmt.Sprintf("consents[%d]", i), add)
	}
	if p := op.Pursuit; p != nil {
		if !validState(p.StartedState) {
			add("pursuit.started_state", fmt.Sprintf("%q is not a state code", p.StartedState), `want ISO 3166 alpha-3 such as "USA"`)
		}
		if !ValidPursuitZone(p.StartedZone) {
			add("pursuit.started_zone", fmt.Sprintf("unknown zone %q", p.StartedZone), "want one of internal_waters, territorial_sea, contiguous_zone, eez, high_seas, land")
		}
	}
	for i, r := range op.Reports {
		if strings.TrimSpace(r) == "" {
			add(fmt.Sprintf("supporting_reports[%d]", i), "empty report identifier", "give the report's id or remove the entry")
		}
	}
	return errors.Join(errs...)
}

// ValidPursuitZone reports whether z names a zone (the jurisdiction engine's zone names).
func ValidPursuitZone(z string) bool {
	switch z {
	case "land", "internal_waters", "territorial_sea", "contiguous_zone", "eez", "high_seas":
		return true
	}
	return false
}

func typeList() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func validState(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func checkPoint(field string, p Point, add func(string, string, string)) {
	if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		add(field+".lat", fmt.Sprintf("%v is not a latitude", p.Lat), "want degrees north, -90 … 90")
	}
	if math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
		add(field+".lon", fmt.Sprintf("%v is not a longitude", p.Lon), "want degrees east, -180 … 180 (west is negative)")
	}
}

// checkTimes checks a window [start, end] whose fields are prefix+"start" and prefix+"end".
func checkTimes(prefix string, start, end time.Time, add func(string, string, string)) {
	if start.IsZero() {
		add(prefix+"start", "missing", `give an RFC 3339 UTC time such as "2026-05-01T06:00:00Z"`)
	}
	if end.IsZero() {
		add(prefix+"end", "missing", `give an RFC 3339 UTC time such as "2026-05-01T18:00:00Z"`)
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		add(prefix+"end", fmt.Sprintf("%s is not after start %s", end.Format(time.RFC3339), start.Format(time.RFC3339)), "the window must end after it starts")
	}
}

func (p Participant) check(f string, add func(string, string, string)) {
	if !validState(p.State) {
		add(f+".state", fmt.Sprintf("%q is not a state code", p.State), `want ISO 3166 alpha-3 such as "MEX" or "USA"`)
	}
	if strings.TrimSpace(p.Agency) == "" {
		add(f+".agency", "missing", `name the agency, e.g. "SEMAR" or "DEA"`)
	}
	if !p.Kind.Valid() {
		add(f+".kind", fmt.Sprintf("unknown kind %q", p.Kind), "want one of officer, agent, troops, ship")
	}
	if p.Count < 1 {
		add(f+".count", fmt.Sprintf("%d", p.Count), "want the number of people (ships for kind ship), ≥ 1")
	}
}

func (c Consent) check(f string, add func(string, string, string)) {
	if !validState(c.State) {
		add(f+".state", fmt.Sprintf("%q is not a state code", c.State), `want ISO 3166 alpha-3 such as "MEX"`)
	}
	if strings.TrimSpace(c.Authority) == "" {
		add(f+".authority", "missing", `name the authority that consented, e.g. "SRE/GANSEG", "Senado", or the flag state's`)
	}
	if c.Area != nil {
		c.Area.check(f+".area", add)
	}
	checkTimes(f+".", c.Start, c.End, add)
	if c.MaxForceLevel < 1 || c.MaxForceLevel > 5 {
		add(f+".max_force_level", fmt.Sprintf("%d is not a use-of-force level", c.MaxForceLevel), "want 1 … 5, the highest level the consent admits")
	}
	if len(c.Participants) > MaxParticipants {
		add(f+".participants", fmt.Sprintf("%d groups", len(c.Participants)), fmt.Sprintf("at most %d", MaxParticipants))
		return
	}
	for i, p := range c.Participants {
		p.check(fmt.Sprintf("%s.participants[%d]", f, i), add)
	}
}

func (pg *Polygon) check(f string, add func(string, string, string)) {
	if len(pg.Rings) == 0 {
		add(f+".coordinates", "no rings", "want [[[lon, lat], …]] with a closed outer ring of at least 4 positions")
		return
	}
	for i, r := range pg.Rings {
		rf := fmt.Sprintf("%s.coordinates[%d]", f, i)
		if len(r) < 4 {
			add(rf, fmt.Sprintf("%d positions", len(r)), "a ring needs at least 4 positions, the last equal to the first")
			continue
		}
		if len(r) > MaxRingPoints {
			add(rf, fmt.Sprintf("%d positions", len(r)), fmt.Sprintf("at most %d; simplify the area", MaxRingPoints))
			continue
		}
		bad := false
		for j, p := range r {
			if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 || math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
				add(fmt.Sprintf("%s[%d]", rf, j), fmt.Sprintf("[%v, %v] is not a position", p.Lon, p.Lat), "want [lon, lat] in degrees, lon -180 … 180, lat -90 … 90")
				bad = true
				break
			}
		}
		if bad {
			continue
		}
		if r[0] != r[len(r)-1] {
			add(rf, "the ring is not closed", "repeat the first position at the end")
			continue
		}
		if ringArea(r) == 0 {
			add(rf, "the ring has no area", "give at least three distinct positions that are not on one line")
		}
	}
}
