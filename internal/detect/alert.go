package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Alert kinds: the same words as the simulator's ground truth.
const (
	KindGap       = "gap"
	KindEncounter = "encounter"
	KindLoitering = "loitering"
	KindZoneEntry = "zone_entry"
	KindSpeed     = "speed"
	KindIdentity  = "identity"
)

// Kinds lists every alert kind, in a fixed order.
var Kinds = []string{KindGap, KindEncounter, KindLoitering, KindZoneEntry, KindSpeed, KindIdentity}

// Severities, from least to most urgent.
const (
	SeverityLow    = "low"
	SeverityMedium = "medium"
	SeverityHigh   = "high"
)

// Evidence is one reported position an alert rests on.
type Evidence struct {
	MMSI uint32    `json:"mmsi"`
	Time time.Time `json:"time"` // UTC
	Lat  float64   `json:"lat"`  // degrees
	Lon  float64   `json:"lon"`  // degrees
	SOG  float64   `json:"sog"`  // reported speed over ground, knots; NaN (JSON null) when not reported
	COG  float64   `json:"cog"`  // reported course, degrees true; NaN (JSON null) when not reported
	Note string    `json:"note,omitempty"`
}

// MarshalJSON writes NaN speeds and courses as null and rounds positions to 1e-5 degree.
func (e Evidence) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		MMSI uint32   `json:"mmsi"`
		Time string   `json:"time"`
		Lat  float64  `json:"lat"`
		Lon  float64  `json:"lon"`
		SOG  *float64 `json:"sog"`
		COG  *float64 `json:"cog"`
		Note string   `json:"note,omitempty"`
	}{e.MMSI, e.Time.UTC().Format(time.RFC3339), round5(e.Lat), round5(e.Lon), nanNil(e.SOG, 10), nanNil(e.COG, 10), e.Note})
}

// Alert is one detected behaviour. The JSON keys kind, mmsi, start, end, lat, lon, state, zone
// and authority are those of the simulator's ground truth (`accord simulate --truth`).
type Alert struct {
	// ID identifies the alert: a hash of its kind, vessels and start, so that re-running the
	// detectors over the same data gives the same IDs, and an open alert and its final
	// version share one.
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Severity string    `json:"severity"`
	MMSI     []uint32  `json:"mmsi"`  // vessels involved; for flag hopping: old, then new
	Start    time.Time `json:"start"` // UTC, first report showing the behaviour
	End      time.Time `json:"end"`   // UTC, last report showing it (so far, when Open)
	Lat      float64   `json:"lat"`   // where it starts, degrees
	Lon      float64   `json:"lon"`
	// State, Zone and Authority come from the jurisdiction engine at (Lat, Lon): the coastal
	// state (ISO 3166 alpha-3, "" on the high seas), the UNCLOS zone and the competent
	// maritime authority ("SEMAR", "USCG", ...).
	State     string  `json:"state"`
	Zone      string  `json:"zone"`
	Authority string  `json:"authority"`
	ShoreNM   float64 `json:"shore_nm"` // distance to the nearest baseline, nm; NaN (null) when unknown
	Place     string  `json:"place"`    // human-readable place, e.g. "22.80°N 95.20°W, 140 nm off MEX"
	// Detail is the sub-rule that fired: "likely_intentional", "rendezvous", "go_fast",
	// "implied_speed", "invalid_mmsi", "two_places", "name_change", "flag_hopping", "anchorage", ...
	Detail   string     `json:"detail"`
	Note     string     `json:"note"` // one English sentence
	Open     bool       `json:"open"` // the behaviour is still going on; a final version follows
	Evidence []Evidence `json:"evidence"`
}

// MarshalJSON writes the keys in the order of the ground truth (kind, mmsi, start, end, lat,
// lon, state, zone, authority) after the ID, times in RFC 3339 UTC, positions rounded to 1e-5
// degree and NaN as null.
func (a Alert) MarshalJSON() ([]byte, error) {
	ev := a.Evidence
	if ev == nil {
		ev = []Evidence{}
	}
	return json.Marshal(struct {
		ID        string     `json:"id"`
		Kind      string     `json:"kind"`
		Severity  string     `json:"severity"`
		MMSI      []uint32   `json:"mmsi"`
		Start     string     `json:"start"`
		End       string     `json:"end"`
		Lat       float64    `json:"lat"`
		Lon       float64    `json:"lon"`
		State     string     `json:"state"`
		Zone      string     `json:"zone"`
		Authority string     `json:"authority"`
		ShoreNM   *float64   `json:"shore_nm"`
		Place     string     `json:"place"`
		Detail    string     `json:"detail"`
		Note      string     `json:"note"`
		Open      bool       `json:"open"`
		Evidence  []Evidence `json:"evidence"`
	}{a.ID, a.Kind, a.Severity, a.MMSI, a.Start.UTC().Format(time.RFC3339), a.End.UTC().Format(time.RFC3339),
		round5(a.Lat), round5(a.Lon), a.State, a.Zone, a.Authority, nanNil(a.ShoreNM, 10), a.Place, a.Detail, a.Note, a.Open, ev})
}

// UnmarshalJSON reads what MarshalJSON writes (null shore distance and speeds become NaN).
func (a *Alert) UnmarshalJSON(b []byte) error {
	type plain Alert
	var p struct {
		plain
		ShoreNM  *float64 `json:"shore_nm"`
		Evidence []struct {
			MMSI uint32    `json:"mmsi"`
			Time time.Time `json:"time"`
			Lat  float64   `json:"lat"`
			Lon  float64   `json:"lon"`
			SOG  *float64  `json:"sog"`
			COG  *float64  `json:"cog"`
			Note string    `json:"note"`
		} `json:"evidence"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*a = Alert(p.plain)
	a.ShoreNM = nilNaN(p.ShoreNM)
	a.Evidence = nil
	for _, e := range p.Evidence {
		a.Evidence = append(a.Evidence, Evidence{MMSI: e.MMSI, Time: e.Time.UTC(), Lat: e.Lat, Lon: e.Lon, SOG: nilNaN(e.SOG), COG: nilNaN(e.COG), Note: e.Note})
	}
	a.Start, a.End = a.Start.UTC(), a.End.UTC()
	return nil
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }

func nanNil(v, scale float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	r := math.Round(v*scale) / scale
	return &r
}

func nilNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// alertID is the stable identifier of an alert: the first 16 hex digits of the SHA-256 of its
// kind, detail, vessels and start.
func alertID(kind, detail string, mmsi []uint32, start time.Time) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d", kind, detail, start.Unix())
	for _, m := range mmsi {
		h.Write([]byte("|" + strconv.FormatUint(uint64(m), 10)))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Text is the alert on one line for people: kind, severity, vessels, window, place and note,
// tab-separated.
func (a Alert) Text() string {
	ms := ""
	for i, m := range a.MMSI {
		if i > 0 {
			ms += ","
		}
		ms += strconv.FormatUint(uint64(m), 10)
	}
	state, auth := a.State, a.Authority
	if state == "" {
		state = "-"
	}
	if auth == "" {
		auth = "-"
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%.5f\t%.5f\t%s\t%s\t%s\t%s", a.Kind, a.Severity, ms,
		a.Start.UTC().Format(time.RFC3339), a.End.UTC().Format(time.RFC3339), a.Lat, a.Lon, state, a.Zone, auth, a.Note)
}

// Place is what a [Locator] knows of a point.
type Place struct {
	State     string  // ISO 3166 alpha-3 of the coastal state, "" on the high seas or when unknown
	Zone      string  // "territorial_sea", "contiguous_zone", "eez", "high_seas", "internal_waters", "land" or "unknown"
	Authority string  // competent maritime authority of State, "" when none
	ShoreNM   float64 // distance to the nearest baseline (shore), nm; NaN when unknown
}

// Locator answers where a point is. The jurisdiction engine is one; tests use stand-ins.
// Implementations must be safe for concurrent use when one Locator serves several detectors.
type Locator interface {
	Locate(lat, lon float64) Place
}

// LocatorFunc adapts a function to [Locator].
type LocatorFunc func(lat, lon float64) Place

// Locate calls f.
func (f LocatorFunc) Locate(lat, lon float64) Place { return f(lat, lon) }

// nowhere is the Locator used when none is given: every place unknown.
var nowhere = LocatorFunc(func(lat, lon float64) Place { return Place{Zone: "unknown", ShoreNM: math.NaN()} })

// placeText describes a point for people.
func placeText(lat, lon float64, p Place) string {
	ns, ew := "N", "E"
	if lat < 0 {
		ns, lat = "S", -lat
	}
	if lon < 0 {
		ew, lon = "W", -lon
	}
	s := fmt.Sprintf("%.2f°%s %.2f°%s", lat, ns, lon, ew)
	switch {
	case math.IsNaN(p.ShoreNM):
	case p.State != "":
		s += fmt.Sprintf(", %.0f nm off %s", p.ShoreNM, p.State)
	default:
		s += fmt.Sprintf(", %.0f nm from the nearest coast", p.ShoreNM)
	}
	return s
}
