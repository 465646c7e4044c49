// Package access is Accord's model of who may see what: states, agencies, users and their
// roles, the markings every record carries (originator agency, TLP 2.0 level, releasability
// "REL TO", and for intelligence the Admiralty grade), and the releasability decision
// [CanRead].
//
// The package is pure: it knows nothing of SQL or HTTP. The store enforces the same rules in
// its queries (internal/store builds the WHERE clause from a [User]); [CanRead] is the
// reference statement of the rules and is used wherever a record is already in hand (imports,
// federation, tests).
//
// # Releasability rules
//
// [CanRead](u, m) is true when, and only when, the user holds a reading role and one of the
// following holds, checked in order:
//
//  1. Readers. Every role except monitor lets a user read records. A user who holds the
//     monitor role (even together with other roles) or no role at all reads no record in
//     full: monitors see aggregates and redacted views only.
//  2. Originator. A user of the originating agency always reads the record, whatever its
//     level: the originator controls releasability, so it cannot lose sight of its own data.
//  3. TLP:CLEAR. Anyone. A CLEAR record carries no REL TO (it is public).
//  4. TLP:GREEN. The community: without REL TO, every user of the node; with REL TO, users
//     whose state or agency is listed.
//  5. TLP:AMBER. Only the releasable audiences: users whose state or agency is listed in
//     REL TO. AMBER without REL TO is readable by the originating agency only.
//  6. TLP:AMBER+STRICT. Only the originator's organisation (rule 2). It carries no REL TO.
//  7. TLP:RED. Only named recipients: users listed by id in REL TO (and the originator, rule 2).
//     RED lists users only, never states or agencies.
//
// [Markings.Validate] rejects combinations the rules leave ambiguous (CLEAR or AMBER+STRICT
// with REL TO, RED naming a state, GREEN/AMBER naming a user).
package access

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrInvalid is wrapped by every validation error of this package; check it with errors.Is.
var ErrInvalid = errors.New("invalid")

// ErrUnauthenticated is wrapped by authentication failures (wrong credentials, unknown, expired
// or revoked token, disabled user); the error never says which.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrForbidden is wrapped when an authenticated user's roles or agency do not allow an action
// (e.g. writing a record for another agency).
var ErrForbidden = errors.New("forbidden")

// State is a sovereign state, identified by its ISO 3166-1 alpha-3 code.
type State struct {
	Code string // "MEX", "USA", "GTM", ...: three upper-case ASCII letters
	Name string // English short name
}

// Agency is a government body of one state.
type Agency struct {
	Code  string // short code, unique on the node, e.g. "SEMAR", "USCG", "Treasury/OFAC"
	State string // ISO alpha-3 code of its state
	Name  string // full name
}

// ValidStateCode reports whether code has the form of an ISO 3166-1 alpha-3 code.
func ValidStateCode(code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	return true
}

// ValidAgencyCode reports whether code is acceptable as an agency code: 1 to 32 characters,
// letters, digits, '/', '-', '_' or '.'.
func ValidAgencyCode(code string) bool {
	if code == "" || len(code) > 32 {
		return false
	}
	for _, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("/-_.", r)) {
			return false
		}
	}
	return true
}

// Validate checks the agency's code and state.
func (a Agency) Validate() error {
	if !ValidAgencyCode(a.Code) {
		return fmt.Errorf("%w agency code %q: use 1-32 letters, digits, '/', '-', '_' or '.'", ErrInvalid, a.Code)
	}
	if !ValidStateCode(a.State) {
		return fmt.Errorf("%w state %q of agency %s: use an ISO 3166-1 alpha-3 code such as MEX or USA", ErrInvalid, a.State, a.Code)
	}
	return nil
}

// Role is what a user does. A user holds one or more roles.
type Role string

// The roles of the partnership (DESIGN.md §2).
const (
	RoleAnalyst      Role = "analyst"       // writes and reads intelligence
	RoleWatchOfficer Role = "watch_officer" // watches the picture and alerts
	RoleApprover     Role = "approver"      // approves operations, gives consent
	RoleLegal        Role = "legal"         // legal counsel
	RoleConsular     Role = "consular"      // consular officer
	RoleOversight    Role = "oversight"     // inspector, legislature
	RoleMonitor      Role = "monitor"       // human-rights monitor: aggregates and redacted views only
	RoleAdmin        Role = "admin"         // manages users of the node
)

// Roles lists every role, in a fixed order.
var Roles = []Role{RoleAnalyst, RoleWatchOfficer, RoleApprover, RoleLegal, RoleConsular, RoleOversight, RoleMonitor, RoleAdmin}

// ParseRole returns the role named s ("watch_officer"; "watch-officer" and "Watch Officer"
// are accepted too).
func ParseRole(s string) (Role, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("-", "_", " ", "_").Replace(n)
	for _, r := range Roles {
		if string(r) == n {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("%w role %q: use one of %s", ErrInvalid, s, strings.Join(names, ", "))
}

// User is an authenticated person of an agency.
type User struct {
	ID     int64  // node-local identifier, > 0
	Name   string // login name
	Agency string // agency code
	State  string // the agency's state (ISO alpha-3)
	Roles  []Role
}

// Has reports whether u holds role r.
func (u User) Has(r Role) bool { return slices.Contains(u.Roles, r) }

// Reader reports whether u may read records in full (rule 1 of the package documentation):
// u holds at least one role and does not hold the monitor role.
func (u User) Reader() bool { return len(u.Roles) > 0 && !u.Has(RoleMonitor) }

// TLP is a Traffic Light Protocol 2.0 level.
type TLP string

// The TLP 2.0 levels, from the least to the most restrictive.
const (
	TLPClear       TLP = "CLEAR"
	TLPGreen       TLP = "GREEN"
	TLPAmber       TLP = "AMBER"
	TLPAmberStrict TLP = "AMBER+STRICT"
	TLPRed         TLP = "RED"
)

// TLPs lists the levels from the least to the most restrictive.
var TLPs = []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}

// ParseTLP parses a level; "TLP:AMBER+STRICT", "amber+strict" and "AMBER_STRICT" are accepted.
func ParseTLP(s string) (TLP, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	n = strings.TrimPrefix(n, "TLP:")
	n = strings.ReplaceAll(n, "_", "+")
	for _, t := range TLPs {
		if string(t) == n {
			return t, nil
		}
	}
	return "", fmt.Errorf("%w TLP level %q: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", ErrInvalid, s)
}

// TargetType says what a releasability target names.
type TargetType string

// Target types.
const (
	TargetState  TargetType = "state"  // every user of the state's agencies
	TargetAgency TargetType = "agency" // every user of the agency
	TargetUser   TargetType = "user"   // one named recipient (TLP:RED)
)

// Target is one entry of a REL TO list.
type Target struct {
	Type  TargetType
	Value string // ISO alpha-3 code, agency code, or user id in decimal
}

// String returns "state:MEX", "agency:SEMAR" or "user:17".
func (t Target) String() string { return string(t.Type) + ":" + t.Value }

// ParseTarget parses "state:MEX", "agency:SEMAR" or "user:17". A bare three-letter upper-case
// code is a state; any other bare word is an agency.
func ParseTarget(s string) (Target, error) {
	typ, v, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		v = typ
		typ = string(TargetAgency)
		if ValidStateCode(v) {
			typ = string(TargetState)
		}
	}
	t := Target{Type: TargetType(strings.ToLower(typ)), Value: v}
	return t, t.Validate()
}

// Validate checks the target's form.
func (t Target) Validate() error {
	switch t.Type {
	case TargetState:
		if !ValidStateCode(t.Value) {
			return fmt.Errorf("%w REL TO state %q: use an ISO 3166-1 alpha-3 code", ErrInvalid, t.Value)
		}
	case TargetAgency:
		if !ValidAgencyCode(t.Value) {
			return fmt.Errorf("%w REL TO agency %q: use an agency code", ErrInvalid, t.Value)
		}
	case TargetUser:
		id, err := strconv.ParseInt(t.Value, 10, 64)
		if err != nil || id <= 0 || strconv.FormatInt(id, 10) != t.Value {
			return fmt.Errorf("%w REL TO user %q: use a positive user id in decimal", ErrInvalid, t.Value)
		}
	default:
		return fmt.Errorf("%w REL TO target type %q: use state, agency or user", ErrInvalid, t.Type)
	}
	return nil
}

// Markings are the control marks of a record: who originated it, how far it may travel.
type Markings struct {
	Originator string   // originating agency code; it always reads the record
	TLP        TLP      // TLP 2.0 level
	RelTo      []Target // releasability; see the package documentation for its meaning per level
}

// Validate checks the markings' form and rejects combinations the rules leave ambiguous.
func (m Markings) Validate() error {
	if !ValidAgencyCode(m.Originator) {
		return fmt.Errorf("%w originator %q: name the originating agency by its code", ErrInvalid, m.Originator)
	}
	if _, err := ParseTLP(string(m.TLP)); err != nil || string(m.TLP) != strings.ToUpper(string(m.TLP)) || strings.HasPrefix(string(m.TLP), "TLP:") {
		return fmt.Errorf("%w TLP level %q: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", ErrInvalid, m.TLP)
	}
	seen := map[Target]bool{}
	for _, t := range m.RelTo {
		if err := t.Validate(); err != nil {
			return err
		}
		if seen[t] {
			return fmt.Errorf("%w REL TO lists %s twice", ErrInvalid, t)
		}
		seen[t] = true
		switch m.TLP {
		case TLPClear:
			return fmt.Errorf("%w REL TO %s on a TLP:CLEAR record: CLEAR is public, remove REL TO or raise the level", ErrInvalid, t)
		case TLPAmberStrict:
			return fmt.Errorf("%w REL TO %s on a TLP:AMBER+STRICT record: AMBER+STRICT stays in the originator's organisation; use AMBER to release", ErrInvalid, t)
		case TLPRed:
			if t.Type != TargetUser {
				return fmt.Errorf("%w REL TO %s on a TLP:RED record: RED goes to named recipients only (user:<id>)", ErrInvalid, t)
			}
		case TLPGreen, TLPAmber:
			if t.Type == TargetUser {
				return fmt.Errorf("%w REL TO %s on a TLP:%s record: name states or agencies; named recipients are for RED", ErrInvalid, t, m.TLP)
			}
		}
	}
	return nil
}

// CanRead reports whether u may read a record with markings m in full. The rules are stated
// in the package documentation. Markings that fail [Markings.Validate] are read by nobody but
// the originator.
func CanRead(u User, m Markings) bool {
	ok, _ := Explain(u, m)
	return ok
}

// Explain is [CanRead] with the reason of the answer, in English, for audit and error messages.
func Explain(u User, m Markings) (bool, string) {
	if !u.Reader() {
		return false, "the user's roles give no access to full records (monitors see aggregates only)"
	}
	if u.Agency != "" && u.Agency == m.Originator {
		return true, "the user's agency originated the record"
	}
	if m.Validate() != nil {
		return false, "the record's markings are invalid; only the originator reads it"
	}
	listed := func(types ...TargetType) bool {
		for _, t := range m.RelTo {
			for _, typ := range types {
				switch {
				case typ == TargetState && t.Type == TargetState && t.Value == u.State,
					typ == TargetAgency && t.Type == TargetAgency && t.Value == u.Agency,
					typ == TargetUser && t.Type == TargetUser && t.Value == strconv.FormatInt(u.ID, 10):
					return true
				}
			}
		}
		return false
	}
	switch m.TLP {
	case TLPClear:
		return true, "TLP:CLEAR is public"
	case TLPGreen:
		if len(m.RelTo) == 0 {
			return true, "TLP:GREEN without REL TO goes to the whole community"
		}
		if listed(TargetState, TargetAgency) {
			return true, "TLP:GREEN released to the user's state or agency"
		}
		return false, "TLP:GREEN not released to the user's state or agency"
	case TLPAmber:
		if listed(TargetState, TargetAgency) {
			return true, "TLP:AMBER released to the user's state or agency"
		}
		return false, "TLP:AMBER not released to the user's state or agency"
	case TLPAmberStrict:
		return false, "TLP:AMBER+STRICT stays in the originator's organisation"
	case TLPRed:
		if listed(TargetUser) {
			return true, "TLP:RED and the user is a named recipient"
		}
		return false, "TLP:RED and the user is not a named recipient"
	}
	return false, "unknown TLP level"
}
