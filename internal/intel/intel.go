// Package intel is Accord's intelligence model: graded reports, the entities they speak of
// (persons, organisations and cartels, vessels, vehicles, places, tunnels) with aliases and
// identifiers, links between entities that hold for a validity interval, and the corroboration
// score of a claim (see [Corroborate]).
//
// Every record carries [access.Markings]; reports also carry an [access.Grade]. The package is
// pure: no SQL, no HTTP. Times are UTC; positions are WGS 84 degrees; distances nautical miles.
package intel

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"accord/internal/access"
)

// ErrInvalid is wrapped by every validation error of this package; check it with errors.Is.
var ErrInvalid = errors.New("invalid")

// ErrConflict is wrapped when a record would duplicate another (same STIX id, same name).
var ErrConflict = errors.New("already exists")

// Discipline is the collection discipline a report comes from.
type Discipline string

// Disciplines of the partnership.
const (
	SIGINT         Discipline = "SIGINT"
	OSINT          Discipline = "OSINT"
	HUMINT         Discipline = "HUMINT"
	LawEnforcement Discipline = "LAW_ENFORCEMENT"
	Imagery        Discipline = "IMAGERY"
	AIS            Discipline = "AIS"
)

// Disciplines lists every discipline.
var Disciplines = []Discipline{SIGINT, OSINT, HUMINT, LawEnforcement, Imagery, AIS}

// ParseDiscipline parses a discipline name ("law enforcement" and "law-enforcement" accepted).
func ParseDiscipline(s string) (Discipline, error) {
	n := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToUpper(strings.TrimSpace(s)))
	for _, d := range Disciplines {
		if string(d) == n {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w discipline %q: use SIGINT, OSINT, HUMINT, LAW_ENFORCEMENT, IMAGERY or AIS", ErrInvalid, s)
}

// Point is a WGS 84 position in degrees.
type Point struct {
	Lat, Lon float64
}

// Valid reports whether p is on the globe.
func (p Point) Valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180 && !math.IsNaN(p.Lat+p.Lon)
}

// DistanceNM returns the great-circle distance between p and q in nautical miles (haversine on
// a sphere of mean radius 3440.065 nm; error under 0.5%).
func DistanceNM(p, q Point) float64 {
	const r = 3440.065
	rad := math.Pi / 180
	dLat := (q.Lat - p.Lat) * rad
	dLon := (q.Lon - p.Lon) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(p.Lat*rad)*math.Cos(q.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Attachment is a file carried by a report, stored once by the SHA-256 of its content.
type Attachment struct {
	SHA256    [32]byte
	Name      string // file name as given
	MediaType string // e.g. "image/jpeg"
	Size      int64  // bytes
}

// HashHex returns the attachment's hash in lower-case hex.
func (a Attachment) HashHex() string { return hex.EncodeToString(a.SHA256[:]) }

// NewAttachment describes content as an attachment.
func NewAttachment(name, mediaType string, content []byte) Attachment {
	return Attachment{SHA256: sha256.Sum256(content), Name: name, MediaType: mediaType, Size: int64(len(content))}
}

// Stance is what a report says of an entity.
type Stance string

// Stances.
const (
	Mentions    Stance = "mentions"    // the entity appears in the report
	Supports    Stance = "supports"    // the report places the entity at its place and time
	Contradicts Stance = "contradicts" // the report says the entity was not there (or elsewhere)
)

// Mention is one entity named by a report.
type Mention struct {
	EntityID int64
	Stance   Stance
}

// Report is an intelligence report.
type Report struct {
	ID          int64
	StixID      string // "report--<uuid>"; assigned by the store when empty
	Markings    access.Markings
	Discipline  Discipline
	Grade       access.Grade
	Source      string    // source identifier (within the agency, or a public outlet); "" when the agency is the source
	Observed    time.Time // when the reported fact was observed, UTC
	Place       string    // place name as written
	Location    *Point    // where, when known
	Title       string
	Text        string
	Attachments []Attachment
	Entities    []Mention
	Created     time.Time // when it was stored, UTC
	CreatedBy   string    // user name
}

// RedactedReport is a report as a monitor sees it (access.RoleMonitor: aggregates and redacted
// views only): who originated it, when, its level, discipline and grade, and in which state it
// was observed; never its text, title, place name, source, entities, attachments or exact
// position.
type RedactedReport struct {
	ID         int64
	Observed   time.Time
	Originator string
	TLP        access.TLP
	Discipline Discipline
	Grade      access.Grade
	// Location is carried only so that the view can derive the state of the place (a
	// jurisdiction lookup); a redacted view must never show it.
	Location *Point
}

// Validate checks the report.
func (r *Report) Validate() error {
	if err := r.Markings.Validate(); err != nil {
		return fmt.Errorf("report markings: %w", err)
	}
	if _, err := ParseDiscipline(string(r.Discipline)); err != nil || string(r.Discipline) != strings.ToUpper(string(r.Discipline)) {
		return fmt.Errorf("%w report discipline %q: use SIGINT, OSINT, HUMINT, LAW_ENFORCEMENT, IMAGERY or AIS", ErrInvalid, r.Discipline)
	}
	if err := r.Grade.Validate(); err != nil {
		return fmt.Errorf("report grade: %w", err)
	}
	if r.Observed.IsZero() {
		return fmt.Errorf("%w report: observed time missing", ErrInvalid)
	}
	if r.Location != nil && !r.Location.Valid() {
		return fmt.Errorf("%w report location %v: latitude -90..90, longitude -180..180 degrees", ErrInvalid, *r.Location)
	}
	if strings.TrimSpace(r.Title) == "" {
		return fmt.Errorf("%w report: title is empty", ErrInvalid)
	}
	if len(r.Title) > 500 || len(r.Text) > 1<<20 || len(r.Source) > 200 || len(r.Place) > 500 {
		return fmt.Errorf("%w report: title (500), place (500), source (200) or text (1 MiB) too long", ErrInvalid)
	}
	seen := map[int64]bool{}
	for _, m := range r.Entities {
		if m.EntityID <= 0 || seen[m.EntityID] {
			return fmt.Errorf("%w report entity %d: unknown or listed twice", ErrInvalid, m.EntityID)
		}
		seen[m.EntityID] = true
		switch m.Stance {
		case Mentions, Supports, Contradicts:
		default:
			return fmt.Errorf("%w report entity %d stance %q: use mentions, supports or contradicts", ErrInvalid, m.EntityID, m.Stance)
		}
	}
	for _, a := range r.Attachments {
		if a.Name == "" || a.MediaType == "" || a.Size < 0 {
			return fmt.Errorf("%w attachment %s: name and media type required", ErrInvalid, a.HashHex())
		}
	}
	return nil
}

// EntityKind is the kind of an entity.
type EntityKind string

// Entity kinds. An organisation and a cartel differ only in name: a cartel is a criminal
// organisation.
const (
	Person       EntityKind = "person"
	Organisation EntityKind = "organisation"
	Cartel       EntityKind = "cartel"
	Vessel       EntityKind = "vessel"
	Vehicle      EntityKind = "vehicle"
	Place        EntityKind = "place"
	Tunnel       EntityKind = "tunnel"
)

// EntityKinds lists every kind.
var EntityKinds = []EntityKind{Person, Organisation, Cartel, Vessel, Vehicle, Place, Tunnel}

// Scheme is an identifier scheme.
type Scheme string

// Identifier schemes.
const (
	CURP     Scheme = "CURP"     // Mexican population registry key, 18 characters
	RFC      Scheme = "RFC"      // Mexican taxpayer id, 12 (company) or 13 (person) characters
	Passport Scheme = "PASSPORT" // passport number, "<ISO alpha-3 issuer>:<number>" or the number alone
	IMO      Scheme = "IMO"      // IMO ship number, 7 digits with check digit
	MMSI     Scheme = "MMSI"     // Maritime Mobile Service Identity, 9 digits
	Plate    Scheme = "PLATE"    // vehicle plate, "<issuer>:<plate>" or the plate alone
)

// Schemes lists every scheme.
var Schemes = []Scheme{CURP, RFC, Passport, IMO, MMSI, Plate}

// Identifier is a value in a scheme.
type Identifier struct {
	Scheme Scheme
	Value  string
}

var (
	curpRE     = regexp.MustCompile(`^[A-Z][AEIOUX][A-Z]{2}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[HMX](AS|BC|BS|CC|CS|CH|CL|CM|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$`)
	rfcRE      = regexp.MustCompile(`^[A-ZÑ&]{3,4}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]$`)
	passportRE = regexp.MustCompile(`^([A-Z]{3}:)?[A-Z0-9]{5,20}$`)
	plateRE    = regexp.MustCompile(`^([A-Z0-9-]{2,8}:)?[A-Z0-9-]{2,12}$`)
)

// NormaliseIdentifier returns the identifier in canonical form (upper case, no spaces) after
// checking it against its scheme. The CURP and IMO check digits are verified.
func NormaliseIdentifier(id Identifier) (Identifier, error) {
	v := strings.ToUpper(strings.Join(strings.Fields(id.Value), ""))
	s := Scheme(strings.ToUpper(strings.TrimSpace(string(id.Scheme))))
	bad := func(hint string) (Identifier, error) {
		return Identifier{}, fmt.Errorf("%w %s %q: %s", ErrInvalid, s, id.Value, hint)
	}
	switch s {
	case CURP:
		if !curpRE.MatchString(v) {
			return bad("a CURP has 18 characters, e.g. HEGG560427MVZRRL04")
		}
		if !curpCheck(v) {
			return bad("the last digit (check digit) does not match")
		}
	case RFC:
		if !rfcRE.MatchString(v) {
			return bad("an RFC has 12 (company) or 13 (person) characters, e.g. GOMC800101AB1")
		}
	case Passport:
		if !passportRE.MatchString(v) {
			return bad("use 5-20 letters or digits, optionally after the issuing state, e.g. MEX:G12345678")
		}
	case IMO:
		v = strings.TrimPrefix(v, "IMO")
		if len(v) != 7 || strings.Trim(v, "0123456789") != "" {
			return bad("an IMO number has 7 digits, e.g. 9074729")
		}
		sum := 0
		for i := 0; i < 6; i++ {
			sum += int(v[i]-'0') * (7 - i)
		}
		if sum%10 != int(v[6]-'0') {
			return bad("the last digit (check digit) does not match")
		}
	case MMSI:
		n, err := strconv.ParseUint(v, 10, 32)
		if len(v) != 9 || err != nil || n == 0 {
			return bad("an MMSI has 9 digits, e.g. 345070123")
		}
	case Plate:
		if !plateRE.MatchString(v) {
			return bad("use 2-12 letters, digits or '-', optionally after the issuer, e.g. BC:ABC-123-4")
		}
	default:
		return Identifier{}, fmt.Errorf("%w identifier scheme %q: use CURP, RFC, PASSPORT, IMO, MMSI or PLATE", ErrInvalid, id.Scheme)
	}
	return Identifier{Scheme: s, Value: v}, nil
}

// curpCheck verifies the CURP check digit (RENAPO algorithm).
func curpCheck(v string) bool {
	const alphabet = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
	sum := 0
	for i := 0; i < 17; i++ {
		k := strings.IndexByte(alphabet, v[i])
		if k < 0 {
			return false
		}
		if k > 24 { // the alphabet's Ñ is two bytes; letters after it shift by one
			k--
		}
		sum += k * (18 - i)
	}
	d := (10 - sum%10) % 10
	return int(v[17]-'0') == d
}

// Entity is a person, organisation, cartel, vessel, vehicle, place or tunnel.
type Entity struct {
	ID          int64
	StixID      string // assigned by the store when empty
	Kind        EntityKind
	Name        string
	Aliases     []string
	Identifiers []Identifier
	Location    *Point // for places and tunnels (entrance), when known
	Markings    access.Markings
	Created     time.Time
	CreatedBy   string
}

// Validate checks the entity and normalises its identifiers in place.
func (e *Entity) Validate() error {
	if err := e.Markings.Validate(); err != nil {
		return fmt.Errorf("entity markings: %w", err)
	}
	ok := false
	for _, k := range EntityKinds {
		ok = ok || k == e.Kind
	}
	if !ok {
		return fmt.Errorf("%w entity kind %q: use person, organisation, cartel, vessel, vehicle, place or tunnel", ErrInvalid, e.Kind)
	}
	if strings.TrimSpace(e.Name) == "" || len(e.Name) > 300 {
		return fmt.Errorf("%w entity name %q: 1-300 characters", ErrInvalid, e.Name)
	}
	if e.Location != nil && !e.Location.Valid() {
		return fmt.Errorf("%w entity location %v: latitude -90..90, longitude -180..180 degrees", ErrInvalid, *e.Location)
	}
	if e.Location == nil && (e.Kind == Place || e.Kind == Tunnel) {
		return fmt.Errorf("%w %s %q: a place or tunnel needs its position (latitude, longitude)", ErrInvalid, e.Kind, e.Name)
	}
	seen := map[string]bool{}
	for _, a := range e.Aliases {
		if strings.TrimSpace(a) == "" || len(a) > 300 || seen[a] {
			return fmt.Errorf("%w entity alias %q: empty, too long or listed twice", ErrInvalid, a)
		}
		seen[a] = true
	}
	ids := map[Identifier]bool{}
	for i, id := range e.Identifiers {
		n, err := NormaliseIdentifier(id)
		if err != nil {
			return fmt.Errorf("entity identifier %d: %w", i+1, err)
		}
		if ids[n] {
			return fmt.Errorf("%w entity identifier %s %s listed twice", ErrInvalid, n.Scheme, n.Value)
		}
		ids[n] = true
		e.Identifiers[i] = n
	}
	return nil
}

// Link is a relation between two entities, valid from ValidFrom until ValidTo (zero: still
// valid). Leadership changes: links expire.
type Link struct {
	ID        int64
	StixID    string
	Source    int64  // entity id
	Target    int64  // entity id
	Kind      string // e.g. "leads", "member-of", "owns", "operates", "located-at", "associated-with"
	ValidFrom time.Time
	ValidTo   time.Time // zero: open-ended
	Markings  access.Markings
	Created   time.Time
	CreatedBy string
}

var linkKindRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// Validate checks the link.
func (l *Link) Validate() error {
	if err := l.Markings.Validate(); err != nil {
		return fmt.Errorf("link markings: %w", err)
	}
	if l.Source <= 0 || l.Target <= 0 || l.Source == l.Target {
		return fmt.Errorf("%w link %d -> %d: two different entities required", ErrInvalid, l.Source, l.Target)
	}
	if !linkKindRE.MatchString(l.Kind) {
		return fmt.Errorf("%w link kind %q: lower-case words joined by '-', e.g. leads, member-of", ErrInvalid, l.Kind)
	}
	if l.ValidFrom.IsZero() {
		return fmt.Errorf("%w link: valid-from time missing", ErrInvalid)
	}
	if !l.ValidTo.IsZero() && l.ValidTo.Before(l.ValidFrom) {
		return fmt.Errorf("%w link: valid-to %s before valid-from %s", ErrInvalid, l.ValidTo.Format(time.RFC3339), l.ValidFrom.Format(time.RFC3339))
	}
	return nil
}

// ActiveAt reports whether the link holds at t: ValidFrom <= t and (ValidTo zero or t < ValidTo).
func (l Link) ActiveAt(t time.Time) bool {
	return !t.Before(l.ValidFrom) && (l.ValidTo.IsZero() || t.Before(l.ValidTo))
}
