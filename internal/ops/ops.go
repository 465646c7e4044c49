// Package ops is the operation domain of Accord: a planned action (interdiction, arrest, search,
// surveillance, asset freeze, transfer, joint patrol, naval presence, liaison meeting, training
// visit) with its place, time window (UTC), participants, use-of-force ceiling, legal basis,
// target vessel, supporting reports and corroboration, the consents already given for it and,
// for a maritime chase, the hot pursuit it continues. It is domain only: no HTTP, no SQL.
//
// An Operation is checked by [Operation.Validate]; [ParseJSON] reads the JSON form used by
// `accord policy check` (docs/policy.md) and validates it. Every problem is reported as a
// [FieldError] naming the field (a JSON path such as "participants[1].kind") and the fix.
package ops

import "time"

// Type is an operation type. Its string form is the JSON value.
type Type string

// The operation types.
const (
	MaritimeInterdiction Type = "maritime_interdiction" // stop, board and search a vessel
	Arrest               Type = "arrest"
	SearchPremises       Type = "search_premises" // entry into and search of private premises
	Surveillance         Type = "surveillance"
	AssetFreeze          Type = "asset_freeze"
	Transfer             Type = "transfer" // hand-over of persons in custody to another state
	JointPatrol          Type = "joint_patrol"
	NavalPresence        Type = "naval_presence" // a warship or squadron present in an area
	LiaisonMeeting       Type = "liaison_meeting"
	TrainingVisit        Type = "training_visit"
)

// Types lists every operation type in a fixed order.
var Types = []Type{MaritimeInterdiction, Arrest, SearchPremises, Surveillance, AssetFreeze,
	Transfer, JointPatrol, NavalPresence, LiaisonMeeting, TrainingVisit}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool {
	for _, v := range Types {
		if v == t {
			return true
		}
	}
	return false
}

// Kind is what a participant is. Its string form is the JSON value.
type Kind string

// The participant kinds.
const (
	Officer Kind = "officer" // a law-enforcement or government official
	Agent   Kind = "agent"   // an agent of a state's agency (for a foreign state: Ley de Seguridad Nacional art. 6 fr. VI)
	Troops  Kind = "troops"  // military personnel
	Ship    Kind = "ship"    // a state vessel (warship or coast-guard cutter); Count is the number of ships
)

// Kinds lists every participant kind.
var Kinds = []Kind{Officer, Agent, Troops, Ship}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// Participant is one group taking part in an operation.
type Participant struct {
	State  string // ISO 3166 alpha-3 of the state the group belongs to
	Agency string // e.g. "SEMAR", "DEA", "USCG"
	Kind   Kind
	Count  int  // people, or ships for Kind Ship; ≥ 1
	Armed  bool // carries arms
	Role   string
}

// Point is a position in degrees (WGS 84): Lat north, Lon east.
type Point struct {
	Lat float64
	Lon float64
}

// Polygon is a GeoJSON polygon: Rings[0] is the outer ring, the others are holes. Rings are
// closed (first point equals last) and have at least four points.
type Polygon struct {
	Rings [][]Point
}

// Place is where an operation happens: exactly one of Point and Area is set.
type Place struct {
	Point *Point
	Area  *Polygon
}

// Vessel is the target vessel of a maritime action: its flag state (ISO alpha-3), or Stateless
// when it has no nationality (UNCLOS art. 110(1)(d)).
type Vessel struct {
	Flag      string
	Stateless bool
}

// Corroboration summarises the intelligence supporting an operation: how many independent
// sources support it and the best Admiralty grade among them ("A1" best … "F6").
type Corroboration struct {
	IndependentSources int
	BestGrade          string
}

// Pursuit describes the hot pursuit an operation continues (UNCLOS art. 111): the state that
// began it, the zone it began in (a zone name of the jurisdiction engine:
// internal_waters, territorial_sea, contiguous_zone, eez) and whether it has been uninterrupted.
type Pursuit struct {
	StartedState  string
	StartedZone   string
	Uninterrupted bool
}

// Consent is a consent already given by a state's authority, with its scope: the area (nil
// means anywhere), the window [Start, End] (UTC), the maximum use-of-force level and the
// participants it admits (nil means any). An operation is authorised by a consent only when it
// lies entirely inside that scope.
type Consent struct {
	State         string
	Authority     string
	Area          *Polygon
	Start, End    time.Time
	MaxForceLevel int
	Participants  []Participant
}

// Operation is a planned action. Times are UTC; ForceLevel is the ceiling of the use of force
// on the scale of the Ley Nacional sobre el Uso de la Fuerza art. 11 (1 presence of authority,
// 2 verbal persuasion, 3 physical restraint, 4 less-lethal weapons, 5 firearms or lethal force).
type Operation struct {
	Type          Type
	Place         Place
	Start, End    time.Time
	Participants  []Participant
	ForceLevel    int
	LegalBasis    string   // optional free text, e.g. "Vienna Conv. 1988 art. 17; request 2026-114"
	TargetVessel  *Vessel  // nil when there is no target vessel
	Reports       []string // identifiers of the supporting intelligence reports (optional)
	Corroboration *Corroboration
	Consents      []Consent
	Pursuit       *Pursuit
}

// Duration is the length of the operation's window.
func (op *Operation) Duration() time.Duration { return op.End.Sub(op.Start) }

// States returns the distinct participant states in order of first appearance.
func (op *Operation) States() []string {
	var out []string
	for _, p := range op.Participants {
		seen := false
		for _, s := range out {
			if s == p.State {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, p.State)
		}
	}
	return out
}

// ValidGrade reports whether g is an Admiralty grade: a reliability letter A–F followed by a
// credibility digit 1–6.
func ValidGrade(g string) bool {
	return len(g) == 2 && g[0] >= 'A' && g[0] <= 'F' && g[1] >= '1' && g[1] <= '6'
}

// GradeAtLeast reports whether grade g is as good as min or better on both axes (reliability
// letter no later than min's, credibility digit no higher than min's). Invalid grades are never
// at least anything.
func GradeAtLeast(g, min string) bool {
	if !ValidGrade(g) || !ValidGrade(min) {
		return false
	}
	return g[0] <= min[0] && g[1] <= min[1]
}
