package jurisdiction

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Zone is a maritime or land zone under UNCLOS. Its string form is the JSON value.
type Zone string

// Zones, from the coast outwards. ZoneUnknown is returned for points outside the engine's region
// (no boundary data was loaded there) and for invalid coordinates.
const (
	ZoneLand           Zone = "land"
	ZoneInternalWaters Zone = "internal_waters" // waters landward of the baseline (here: lakes and lagoons enclosed by land, and user-supplied internal waters)
	ZoneTerritorialSea Zone = "territorial_sea" // ≤ 12 nm from the baseline (UNCLOS art. 3)
	ZoneContiguous     Zone = "contiguous_zone" // ≤ 24 nm (UNCLOS art. 33)
	ZoneEEZ            Zone = "eez"             // ≤ 200 nm (UNCLOS art. 57)
	ZoneHighSeas       Zone = "high_seas"       // beyond every state's EEZ (UNCLOS art. 86)
	ZoneUnknown        Zone = "unknown"
)

// ParseZone returns the Zone named s (its JSON value), or an error listing the valid names.
func ParseZone(s string) (Zone, error) {
	switch z := Zone(s); z {
	case ZoneLand, ZoneInternalWaters, ZoneTerritorialSea, ZoneContiguous, ZoneEEZ, ZoneHighSeas:
		return z, nil
	}
	return "", fmt.Errorf("unknown zone %q; want one of land, internal_waters, territorial_sea, contiguous_zone, eez, high_seas", s)
}

// Who must consent to a boarding, as Regime values.
const (
	ConsentCoastalState = "coastal_state" // the state whose land, internal waters or territorial sea this is
	ConsentFlagState    = "flag_state"    // the vessel's flag state (UNCLOS 110; 1988 Vienna Convention art. 17)
	ConsentNone         = "none"          // nobody: right of visit of a stateless vessel (UNCLOS 110(1)(d))
)

// Hot-pursuit grounds, as Regime.HotPursuitGrounds values (UNCLOS art. 111).
const (
	GroundAnyLaw      = "any_law"     // any violation of the coastal state's laws (internal waters, territorial sea)
	GroundCustoms     = "customs"     // contiguous zone, art. 33
	GroundFiscal      = "fiscal"      // contiguous zone, art. 33
	GroundImmigration = "immigration" // contiguous zone, art. 33
	GroundSanitary    = "sanitary"    // contiguous zone, art. 33
	GroundEEZRights   = "eez_rights"  // EEZ: laws on the EEZ's rights (resources, installations and their safety zones), art. 111(2)
)

// Regime is the legal regime of a point for a vessel there. It is a pure function of the zone;
// the rules carry their citations so a legal officer can check them.
type Regime struct {
	// BoardingConsent is who must consent before a state other than the coastal state boards a
	// foreign-flag vessel here: ConsentCoastalState in land, internal waters and the
	// territorial sea (the coastal state's sovereignty; the flag state too unless a treaty says
	// otherwise), ConsentFlagState beyond.
	BoardingConsent string `json:"boarding_consent"`
	// StatelessConsent is the same for a vessel without nationality: ConsentNone beyond the
	// territorial sea (right of visit), ConsentCoastalState within it.
	StatelessConsent string `json:"stateless_consent"`
	// HotPursuit reports whether the coastal state may start a hot pursuit of a foreign vessel
	// here, and HotPursuitGrounds for which violations. Never from the high seas or land.
	HotPursuit        bool     `json:"hot_pursuit"`
	HotPursuitGrounds []string `json:"hot_pursuit_grounds"`
	// Citations are the rules applied, for display.
	Citations []string `json:"citations"`
}

// regimes are shared, read-only values (their slices must never be modified).
var regimes = map[Zone]Regime{
	ZoneLand: {
		BoardingConsent: ConsentCoastalState, StatelessConsent: ConsentCoastalState,
		HotPursuitGrounds: []string{},
		Citations:         []string{"Const. MX art. 40", "Const. MX art. 76-III", "UNCLOS art. 2"},
	},
	ZoneInternalWaters: {
		BoardingConsent: ConsentCoastalState, StatelessConsent: ConsentCoastalState,
		HotPursuit: true, HotPursuitGrounds: []string{GroundAnyLaw},
		Citations: []string{"UNCLOS art. 8", "UNCLOS art. 111(1)"},
	},
	ZoneTerritorialSea: {
		BoardingConsent: ConsentCoastalState, StatelessConsent: ConsentCoastalState,
		HotPursuit: true, HotPursuitGrounds: []string{GroundAnyLaw},
		Citations: []string{"UNCLOS art. 2", "UNCLOS art. 3", "UNCLOS art. 27", "UNCLOS art. 111(1)"},
	},
	ZoneContiguous: {
		BoardingConsent: ConsentFlagState, StatelessConsent: ConsentNone,
		HotPursuit: true, HotPursuitGrounds: []string{GroundCustoms, GroundFiscal, GroundImmigration, GroundSanitary},
		Citations: []string{"UNCLOS art. 33", "UNCLOS art. 110", "UNCLOS art. 111(1)", "Vienna Conv. 1988 art. 17"},
	},
	ZoneEEZ: {
		BoardingConsent: ConsentFlagState, StatelessConsent: ConsentNone,
		HotPursuit: true, HotPursuitGrounds: []string{GroundEEZRights},
		Citations: []string{"UNCLOS art. 56", "UNCLOS art. 57", "UNCLOS art. 58", "UNCLOS art. 110", "UNCLOS art. 111(2)", "Vienna Conv. 1988 art. 17"},
	},
	ZoneHighSeas: {
		BoardingConsent: ConsentFlagState, StatelessConsent: ConsentNone,
		HotPursuitGrounds: []string{},
		Citations:         []string{"UNCLOS art. 86", "UNCLOS art. 92", "UNCLOS art. 108", "UNCLOS art. 110", "UNCLOS art. 111", "Vienna Conv. 1988 art. 17"},
	},
	ZoneUnknown: {HotPursuitGrounds: []string{}, Citations: []string{}},
}

// RegimeOf returns the legal regime of zone z.
func RegimeOf(z Zone) Regime {
	r, ok := regimes[z]
	if !ok {
		return regimes[ZoneUnknown]
	}
	return r
}

// Answer is the jurisdiction of one point. Distances are in nautical miles (1852 m).
type Answer struct {
	Lat float64 `json:"lat"` // degrees north, as asked
	Lon float64 `json:"lon"` // degrees east, as asked
	// State is the sovereign state (ISO 3166 alpha-3) whose land or zone this is; "" on the
	// high seas and when Zone is unknown.
	State string `json:"state"`
	// Territory is the dependent territory (ISO 3166 alpha-3, e.g. PRI, BMU) when the point
	// belongs to one; "" otherwise.
	Territory string `json:"territory,omitempty"`
	Zone      Zone   `json:"zone"`
	// BaselineNM is the distance to the nearest baseline of State (on land and lakes: to the
	// nearest baseline of any state; in internal waters behind a baseline: seaward to that
	// baseline; on the high seas: to the nearest baseline of any state).
	BaselineNM float64 `json:"baseline_nm"`
	// OtherState is the nearest state other than State whose land or zone lies OtherNM away
	// (on the high seas: the nearest state's EEZ limit). OtherNM is exact on the high seas and
	// accurate to about one grid cell (≈ 2 nm by default) elsewhere.
	OtherState string  `json:"other_state,omitempty"`
	OtherNM    float64 `json:"other_nm"`
	// Authority is the competent maritime law-enforcement authority of State (Config.Authorities),
	// "" when none is configured.
	Authority string `json:"authority"`
	// Basis says how State was decided: "land" (land data), "mapped" (inside a mapped
	// territorial sea), "distance" (only one state in reach), "equidistance", "treaty" (the
	// US–Mexico treaty line), "user" (a user-supplied zone) or "" (high seas).
	Basis  string `json:"basis"`
	Source string `json:"source,omitempty"` // the user zone (file#feature) that decided, if any
	Regime Regime `json:"regime"`
}

// Text describes the answer in one paragraph in lang ("es" Spanish, anything else English).
func (a Answer) Text(lang string) string {
	es := strings.HasPrefix(strings.ToLower(lang), "es")
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", formatLatLon(a.Lat, a.Lon))
	zn := zoneName(a.Zone, es)
	switch {
	case a.Zone == ZoneUnknown:
		if es {
			b.WriteString("fuera de la región cubierta por los datos de límites.")
		} else {
			b.WriteString("outside the region covered by the boundary data.")
		}
		return b.String()
	case a.Zone == ZoneHighSeas:
		if es {
			fmt.Fprintf(&b, "%s, a %.1f mn de la ZEE más cercana (%s).", zn, a.OtherNM, a.OtherState)
		} else {
			fmt.Fprintf(&b, "%s, %.1f nm from the nearest EEZ (%s).", zn, a.OtherNM, a.OtherState)
		}
	default:
		st := a.State
		if a.Territory != "" {
			st += " (" + a.Territory + ")"
		}
		if es {
			fmt.Fprintf(&b, "%s de %s, a %.1f mn de la línea de base", zn, st, a.BaselineNM)
			if a.OtherState != "" {
				fmt.Fprintf(&b, "; %s a %.1f mn", a.OtherState, a.OtherNM)
			}
			b.WriteString(".")
			if a.Authority != "" {
				fmt.Fprintf(&b, " Autoridad competente: %s.", a.Authority)
			}
		} else {
			fmt.Fprintf(&b, "%s of %s, %.1f nm from the baseline", zn, st, a.BaselineNM)
			if a.OtherState != "" {
				fmt.Fprintf(&b, "; %s %.1f nm away", a.OtherState, a.OtherNM)
			}
			b.WriteString(".")
			if a.Authority != "" {
				fmt.Fprintf(&b, " Competent authority: %s.", a.Authority)
			}
		}
	}
	r := a.Regime
	if a.Zone != ZoneLand {
		if es {
			fmt.Fprintf(&b, " Abordar un buque de pabellón extranjero requiere el consentimiento %s; un buque sin nacionalidad, %s.",
				consentText(r.BoardingConsent, true), consentText(r.StatelessConsent, true))
		} else {
			fmt.Fprintf(&b, " Boarding a foreign-flag vessel needs the consent of %s; a stateless vessel, %s.",
				consentText(r.BoardingConsent, false), consentText(r.StatelessConsent, false))
		}
		if r.HotPursuit {
			if es {
				fmt.Fprintf(&b, " La persecución en caliente puede iniciarse aquí por: %s.", strings.Join(r.HotPursuitGrounds, ", "))
			} else {
				fmt.Fprintf(&b, " Hot pursuit may start here for: %s.", strings.Join(r.HotPursuitGrounds, ", "))
			}
		} else if es {
			b.WriteString(" La persecución en caliente no puede iniciarse aquí.")
		} else {
			b.WriteString(" Hot pursuit cannot start here.")
		}
	}
	if len(r.Citations) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(r.Citations, "; "))
	}
	return b.String()
}

func zoneName(z Zone, es bool) string {
	en := map[Zone][2]string{
		ZoneLand:           {"Land", "Territorio terrestre"},
		ZoneInternalWaters: {"Internal waters", "Aguas interiores"},
		ZoneTerritorialSea: {"Territorial sea", "Mar territorial"},
		ZoneContiguous:     {"Contiguous zone", "Zona contigua"},
		ZoneEEZ:            {"Exclusive economic zone", "Zona económica exclusiva"},
		ZoneHighSeas:       {"High seas", "Alta mar"},
	}[z]
	if es {
		return en[1]
	}
	return en[0]
}

func consentText(c string, es bool) string {
	switch c {
	case ConsentCoastalState:
		if es {
			return "del Estado ribereño"
		}
		return "the coastal state"
	case ConsentFlagState:
		if es {
			return "del Estado del pabellón"
		}
		return "the flag state"
	case ConsentNone:
		if es {
			return "ninguno (derecho de visita)"
		}
		return "nobody (right of visit)"
	}
	return c
}

func formatLatLon(lat, lon float64) string {
	ns, ew := "N", "E"
	if lat < 0 {
		ns = "S"
	}
	if lon < 0 {
		ew = "W"
	}
	return fmt.Sprintf("%.4f°%s %.4f°%s", math.Abs(lat), ns, math.Abs(lon), ew)
}

// CSVHeader is the header row matching [Answer.CSVRecord].
var CSVHeader = []string{"lat", "lon", "state", "territory", "zone", "baseline_nm", "other_state", "other_nm", "authority", "basis", "boarding_consent", "stateless_consent", "hot_pursuit_grounds"}

// CSVRecord returns the answer as one CSV row (see CSVHeader); distances with 3 decimals,
// hot-pursuit grounds joined with "|".
func (a Answer) CSVRecord() []string {
	f := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	return []string{f(a.Lat, 6), f(a.Lon, 6), a.State, a.Territory, string(a.Zone), f(a.BaselineNM, 3),
		a.OtherState, f(a.OtherNM, 3), a.Authority, a.Basis, a.Regime.BoardingConsent, a.Regime.StatelessConsent,
		strings.Join(a.Regime.HotPursuitGrounds, "|")}
}

// MarshalJSON writes the answer with its distances rounded to 0.001 nm (1.852 m), the
// precision the engine's data supports.
func (a Answer) MarshalJSON() ([]byte, error) {
	type plain Answer
	r := func(v float64) float64 { return math.Round(v*1000) / 1000 }
	p := plain(a)
	p.BaselineNM, p.OtherNM = r(p.BaselineNM), r(p.OtherNM)
	return json.Marshal(p)
}
