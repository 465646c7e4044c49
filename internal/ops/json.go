package ops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// MaxJSONBytes bounds the JSON form of one operation.
const MaxJSONBytes = 4 << 20

// The JSON form of an operation (docs/policy.md). Pointers mark fields whose absence matters.
type jsonOp struct {
	Type              *string       `json:"type"`
	Location          *jsonPoint    `json:"location,omitempty"`
	Area              *jsonPolygon  `json:"area,omitempty"`
	Start             *string       `json:"start"`
	End               *string       `json:"end"`
	Participants      []jsonPart    `json:"participants"`
	ForceLevel        *int          `json:"force_level"`
	TargetVessel      *jsonVessel   `json:"target_vessel,omitempty"`
	Corroboration     *jsonCorrob   `json:"corroboration,omitempty"`
	Consents          []jsonConsent `json:"consents,omitempty"`
	Pursuit           *jsonPursuit  `json:"pursuit,omitempty"`
	LegalBasis        string        `json:"legal_basis,omitempty"`
	SupportingReports []string      `json:"supporting_reports,omitempty"`
}

type jsonPoint struct {
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
}

type jsonPolygon struct {
	Type        string          `json:"type"`
	Coordinates [][][]float64   `json:"coordinates"`
	BBox        []float64       `json:"bbox,omitempty"`
	CRS         json.RawMessage `json:"crs,omitempty"`
}

type jsonPart struct {
	State  string `json:"state"`
	Agency string `json:"agency"`
	Kind   string `json:"kind"`
	Count  *int   `json:"count"`
	Armed  bool   `json:"armed"`
	Role   string `json:"role"`
}

type jsonVessel struct {
	Flag      string `json:"flag"`
	Stateless bool   `json:"stateless"`
}

type jsonCorrob struct {
	IndependentSources int    `json:"independent_sources"`
	BestGrade          string `json:"best_grade"`
}

type jsonConsent struct {
	State         string       `json:"state"`
	Authority     string       `json:"authority"`
	Area          *jsonPolygon `json:"area,omitempty"`
	Start         *string      `json:"start"`
	End           *string      `json:"end"`
	MaxForceLevel *int         `json:"max_force_level"`
	Participants  []jsonPart   `json:"participants,omitempty"`
}

type jsonPursuit struct {
	StartedState  string `json:"started_state"`
	StartedZone   string `json:"started_zone"`
	Uninterrupted *bool  `json:"uninterrupted"`
}

// topKeys are the keys of the JSON form, for error messages.
const topKeys = "type, location, area, start, end, participants, force_level, target_vessel, corroboration, consents, pursuit, legal_basis, supporting_reports"

// ParseJSON reads one operation in the JSON form of docs/policy.md and validates it. Unknown
// keys, wrong types, trailing data and invalid values are errors; the error names the field
// (and for syntax errors the line and column) and says how to fix it. Several problems are
// joined; each is a *FieldError.
func ParseJSON(b []byte) (*Operation, error) {
	if len(b) > MaxJSONBytes {
		return nil, &FieldError{Field: "(file)", Problem: fmt.Sprintf("%d bytes", len(b)), Fix: fmt.Sprintf("an operation is at most %d bytes", MaxJSONBytes)}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &FieldError{Field: "(file)", Problem: "empty", Fix: "give one JSON object; see docs/policy.md"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var w jsonOp
	if err := dec.Decode(&w); err != nil {
		return nil, describe(b, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := lineCol(b, int(dec.InputOffset()))
		return nil, &FieldError{Field: "(file)", Problem: fmt.Sprintf("data after the operation object at line %d, column %d", line, col), Fix: "give exactly one JSON object per file"}
	}
	op, errs := w.operation()
	if err := op.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return op, nil
}

func (w *jsonOp) operation() (*Operation, []error) {
	var errs []error
	add := func(field, problem, fix string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem, Fix: fix})
	}
	op := &Operation{LegalBasis: w.LegalBasis, Reports: w.SupportingReports}
	if w.Type == nil {
		add("type", "missing", "want one of "+typeList())
	} else {
		op.Type = Type(*w.Type)
	}
	if w.Location != nil {
		if w.Location.Lat == nil {
			add("location.lat", "missing", "give degrees north")
		}
		if w.Location.Lon == nil {
			add("location.lon", "missing", "give degrees east (west is negative)")
		}
		if w.Location.Lat != nil && w.Location.Lon != nil {
			op.Place.Point = &Point{Lat: *w.Location.Lat, Lon: *w.Location.Lon}
		}
	}
	if w.Area != nil {
		op.Place.Area = w.Area.polygon("area", add)
	}
	if w.Location != nil && op.Place.Point == nil && op.Place.Area == nil {
		// the location's own error is reported; avoid a second "no place" error
		op.Place.Point = &Point{}
	}
	op.Start = parseTime("start", w.Start, add)
	op.End = parseTime("end", w.End, add)
	op.Participants = participants("participants", w.Participants, add)
	if w.ForceLevel == nil {
		add("force_level", "missing", "give the use-of-force ceiling, 1 (presence) … 5 (lethal)")
		op.ForceLevel = 1
	} else {
		op.ForceLevel = *w.ForceLevel
	}
	if w.TargetVessel != nil {
		op.TargetVessel = &Vessel{Flag: w.TargetVessel.Flag, Stateless: w.TargetVessel.Stateless}
	}
	if w.Corroboration != nil {
		op.Corroboration = &Corroboration{IndependentSources: w.Corroboration.IndependentSources, BestGrade: w.Corroboration.BestGrade}
	}
	for i, c := range w.Consents {
		f := fmt.Sprintf("consents[%d]", i)
		oc := Consent{State: c.State, Authority: c.Authority}
		if c.Area != nil {
			oc.Area = c.Area.polygon(f+".area", add)
		}
		oc.Start = parseTime(f+".start", c.Start, add)
		oc.End = parseTime(f+".end", c.End, add)
		if c.MaxForceLevel == nil {
			add(f+".max_force_level", "missing", "give the highest use-of-force level the consent admits, 1 … 5")
			oc.MaxForceLevel = 1
		} else {
			oc.MaxForceLevel = *c.MaxForceLevel
		}
		if c.Participants != nil {
			oc.Participants = participants(f+".participants", c.Participants, add)
			if oc.Participants == nil {
				oc.Participants = []Participant{}
			}
		}
		op.Consents = append(op.Consents, oc)
	}
	if p := w.Pursuit; p != nil {
		op.Pursuit = &Pursuit{StartedState: p.StartedState, StartedZone: p.StartedZone}
		if p.Uninterrupted == nil {
			add("pursuit.uninterrupted", "missing", "say whether the pursuit has been uninterrupted since it began (true or false)")
		} else {
			op.Pursuit.Uninterrupted = *p.Uninterrupted
		}
	}
	return op, errs
}

func participants(f string, in []jsonPart, add func(string, string, string)) []Participant {
	var out []Participant
	for i, p := range in {
		q := Participant{State: p.State, Agency: p.Agency, Kind: Kind(p.Kind), Armed: p.Armed, Role: p.Role}
		if p.Count == nil {
			add(fmt.Sprintf("%s[%d].count", f, i), "missing", "give the number of people (ships for kind ship), ≥ 1")
			q.Count = 1
		} else {
			q.Count = *p.Count
		}
		out = append(out, q)
	}
	return out
}

func (j *jsonPolygon) polygon(f string, add func(string, string, string)) *Polygon {
	if j.Type != "Polygon" {
		add(f+".type", fmt.Sprintf("%q", j.Type), `want a GeoJSON geometry {"type": "Polygon", "coordinates": [[[lon, lat], …]]}`)
		return nil
	}
	pg := &Polygon{}
	for i, r := range j.Coordinates {
		ring := make([]Point, 0, len(r))
		for k, pos := range r {
			if len(pos) < 2 || len(pos) > 3 {
				add(fmt.Sprintf("%s.coordinates[%d][%d]", f, i, k), fmt.Sprintf("%d numbers", len(pos)), "want [lon, lat] (an altitude may follow)")
				return nil
			}
			ring = append(ring, Point{Lon: pos[0], Lat: pos[1]})
		}
		pg.Rings = append(pg.Rings, ring)
	}
	return pg
}

func parseTime(f string, s *string, add func(string, string, string)) time.Time {
	if s == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		add(f, fmt.Sprintf("%q is not an RFC 3339 time", *s), `want e.g. "2026-05-01T06:00:00Z" (UTC)`)
		return time.Time{}
	}
	return t.UTC()
}

// describe turns a decoding error into a FieldError naming the field or the line and column.
func describe(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(b, int(se.Offset))
		return &FieldError{Field: "(file)", Problem: fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, se), Fix: "fix the JSON syntax"}
	case errors.As(err, &te):
		field := te.Field // dotted JSON path; encoding/json does not report array indexes
		if field == "" {
			field = "(file)"
		}
		line, col := lineCol(b, int(te.Offset))
		return &FieldError{Field: field, Problem: fmt.Sprintf("JSON %s at line %d, column %d", te.Value, line, col), Fix: "want " + goTypeName(te.Type.String())}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &FieldError{Field: "(file)", Problem: "the JSON ends early", Fix: "close every object and array"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return &FieldError{Field: strings.Trim(name, `"`), Problem: "unknown key", Fix: "the operation's keys are " + topKeys + "; see docs/policy.md for the nested ones"}
	}
	return &FieldError{Field: "(file)", Problem: err.Error(), Fix: "see docs/policy.md for the format"}
}

func goTypeName(t string) string {
	switch {
	case strings.Contains(t, "float"):
		return "a number"
	case strings.Contains(t, "int"):
		return "an integer"
	case t == "string" || strings.HasSuffix(t, "*string"):
		return "a string"
	case strings.Contains(t, "bool"):
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	}
	return "an object"
}

func lineCol(b []byte, off int) (line, col int) {
	if off > len(b) {
		off = len(b)
	}
	line = 1 + bytes.Count(b[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// MarshalJSON writes the operation in the JSON form ParseJSON reads (docs/policy.md).
func (op *Operation) MarshalJSON() ([]byte, error) {
	t := string(op.Type)
	st, en := op.Start.UTC().Format(time.RFC3339Nano), op.End.UTC().Format(time.RFC3339Nano)
	fl := op.ForceLevel
	w := jsonOp{Type: &t, Start: &st, End: &en, ForceLevel: &fl, LegalBasis: op.LegalBasis, SupportingReports: op.Reports,
		Participants: toJSONParts(op.Participants)}
	if p := op.Place.Point; p != nil {
		lat, lon := p.Lat, p.Lon
		w.Location = &jsonPoint{Lat: &lat, Lon: &lon}
	}
	if op.Place.Area != nil {
		w.Area = toJSONPolygon(op.Place.Area)
	}
	if v := op.TargetVessel; v != nil {
		w.TargetVessel = &jsonVessel{Flag: v.Flag, Stateless: v.Stateless}
	}
	if c := op.Corroboration; c != nil {
		w.Corroboration = &jsonCorrob{IndependentSources: c.IndependentSources, BestGrade: c.BestGrade}
	}
	for _, c := range op.Consents {
		w.Consents = append(w.Consents, toJSONConsent(c))
	}
	if p := op.Pursuit; p != nil {
		u := p.Uninterrupted
		w.Pursuit = &jsonPursuit{StartedState: p.StartedState, StartedZone: p.StartedZone, Uninterrupted: &u}
	}
	return json.Marshal(w)
}

// MarshalJSON writes the consent in the form of an operation's "consents" entries.
func (c Consent) MarshalJSON() ([]byte, error) { return json.Marshal(toJSONConsent(c)) }

// UnmarshalJSON reads a consent in the form of an operation's "consents" entries (without
// validating it: see [ConsentDecision.Validate]).
func (c *Consent) UnmarshalJSON(b []byte) error {
	var w jsonConsent
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var errs []error
	add := func(field, problem, fix string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem, Fix: fix})
	}
	*c = Consent{State: w.State, Authority: w.Authority}
	if w.Area != nil {
		c.Area = w.Area.polygon("area", add)
	}
	c.Start = parseTime("start", w.Start, add)
	c.End = parseTime("end", w.End, add)
	if w.MaxForceLevel != nil {
		c.MaxForceLevel = *w.MaxForceLevel
	}
	if w.Participants != nil {
		c.Participants = participants("participants", w.Participants, add)
		if c.Participants == nil {
			c.Participants = []Participant{}
		}
	}
	return errors.Join(errs...)
}

func toJSONConsent(c Consent) jsonConsent {
	st, en := c.Start.UTC().Format(time.RFC3339Nano), c.End.UTC().Format(time.RFC3339Nano)
	mf := c.MaxForceLevel
	w := jsonConsent{State: c.State, Authority: c.Authority, Start: &st, End: &en, MaxForceLevel: &mf}
	if c.Area != nil {
		w.Area = toJSONPolygon(c.Area)
	}
	if c.Participants != nil {
		w.Participants = toJSONParts(c.Participants)
		if w.Participants == nil {
			w.Participants = []jsonPart{}
		}
	}
	return w
}

func toJSONParts(ps []Participant) []jsonPart {
	var out []jsonPart
	for _, p := range ps {
		n := p.Count
		out = append(out, jsonPart{State: p.State, Agency: p.Agency, Kind: string(p.Kind), Count: &n, Armed: p.Armed, Role: p.Role})
	}
	return out
}

func toJSONPolygon(pg *Polygon) *jsonPolygon {
	j := &jsonPolygon{Type: "Polygon", Coordinates: make([][][]float64, len(pg.Rings))}
	for i, r := range pg.Rings {
		j.Coordinates[i] = make([][]float64, len(r))
		for k, p := range r {
			j.Coordinates[i][k] = []float64{p.Lon, p.Lat}
		}
	}
	return j
}
