// Package cases is the interdiction-case domain: an officer opens a case from a behaviour alert
// and the case goes to the competent authority for where the vessel is, under the rules of
// ../shared/LAW.md. It is domain only: no HTTP, no SQL.
//
//   - In a state's waters (territorial sea, contiguous zone, EEZ, internal waters) the case goes to
//     that state's maritime authority: Mexican waters → SEMAR, US waters → USCG. If the acting
//     state is another, it may not act there: the case is handed over.
//   - On the high seas the acting state's authority keeps the case, but a boarding of a
//     foreign-flag vessel needs the flag state's consent (UNCLOS art. 110; Vienna Convention
//     1988 art. 17): the request and the answer must be recorded before [Case.Board] succeeds.
//     A vessel without nationality may be visited without consent.
//   - Hot pursuit (UNCLOS art. 111) may begin only in the pursuing state's own waters and ends
//     when the pursued vessel enters the territorial sea of its own or a third state: from
//     then the pursuit must stop or be handed over to that state's authority.
//
// Every change appends an [Event]; the caller records each on the ledger.
package cases

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"accord/internal/detect"
)

// Authorities maps a state to its competent maritime authority.
var Authorities = map[string]string{"MEX": "SEMAR", "USA": "USCG"}

// Status values of a case.
const (
	StatusOpen            = "open"             // with the competent authority, no action yet
	StatusHandedOver      = "handed_over"      // the acting state may not act there; the coastal state's authority has it
	StatusAwaitingConsent = "awaiting_consent" // high seas: flag-state consent requested, no answer yet
	StatusConsentGranted  = "consent_granted"
	StatusConsentRefused  = "consent_refused"
	StatusPursuit         = "pursuit"
	StatusPursuitMustStop = "pursuit_must_stop" // the target entered a territorial sea: stop or hand over
	StatusBoarded         = "boarded"
	StatusClosed          = "closed" // no further step; see Case.Outcome
)

// Outcomes of a closed case ([Case.Close]).
const (
	OutcomeNoOffence   = "no_offence"   // boarded or checked, nothing unlawful found
	OutcomeSeizure     = "seizure"      // goods or the vessel seized by the competent authority
	OutcomeDetention   = "detention"    // persons detained by the competent authority
	OutcomeLostContact = "lost_contact" // the vessel was not found or contact was lost
	OutcomeFalseAlarm  = "false_alarm"  // the alert did not hold up
	OutcomeReferred    = "referred"     // passed on through other channels (prosecutor, another agency)
)

// Outcomes lists the outcomes a case may be closed with.
var Outcomes = []string{OutcomeNoOffence, OutcomeSeizure, OutcomeDetention, OutcomeLostContact, OutcomeFalseAlarm, OutcomeReferred}

// MaxCloseNote is the longest closing note, in bytes.
const MaxCloseNote = 500

// Place is where the vessel is, as the jurisdiction engine says.
type Place struct {
	Lat   float64 `json:"lat"`   // degrees
	Lon   float64 `json:"lon"`   // degrees
	State string  `json:"state"` // coastal state, "" on the high seas
	Zone  string  `json:"zone"`  // territorial_sea, contiguous_zone, eez, high_seas, internal_waters
}

// Event is one change of a case.
type Event struct {
	Time time.Time `json:"time"` // UTC
	// Action is case.open, case.hand_over, case.accept, consent.request, consent.answer,
	// pursuit.start, pursuit.update, case.board or case.close.
	Action string `json:"action"`
	Detail string `json:"detail"`       // one English sentence
	By     string `json:"by,omitempty"` // who made the change ("name (AGENCY)"), set by the store
}

// Markings are the control marks of a case (DESIGN.md §2, package access): the originating
// agency (the opening officer's), the TLP 2.0 level and the releasability ("state:MEX",
// "agency:USCG", "user:17"). See [MarkingsFor].
type Markings struct {
	Originator string   `json:"originator"`
	TLP        string   `json:"tlp"`
	RelTo      []string `json:"rel_to"`
}

// Case is one interdiction case. Its JSON form is the one the store keeps (and hashes for the
// ledger) and the API serves.
type Case struct {
	ID          string   `json:"id"`
	AlertID     string   `json:"alert_id"`
	MMSI        []uint32 `json:"mmsi"`
	Flag        string   `json:"flag"`         // flag state of the vessel (ISO 3166 alpha-3), "" when stateless or unknown
	ActingState string   `json:"acting_state"` // the state acting: the opening officer's, or the one that accepted a hand-over
	Place       Place    `json:"place"`
	Authority   string   `json:"authority"` // competent authority now
	Status      string   `json:"status"`
	// Consent on the high seas (zero times, left out of the JSON: not requested / not answered).
	ConsentRequested time.Time `json:"consent_requested,omitzero"`
	ConsentAnswered  time.Time `json:"consent_answered,omitzero"`
	ConsentGranted   bool      `json:"consent_granted"`
	// Hot pursuit: where it began, nil when there is none.
	PursuitFrom *Place   `json:"pursuit_from,omitempty"`
	Markings    Markings `json:"markings"`
	// AlertMarkings are the markings of the alert the case was opened from; they bound who the
	// case may be released to ([MarkingsFor], [Case.Release]).
	AlertMarkings Markings  `json:"alert_markings"`
	Opened        time.Time `json:"opened"`    // UTC
	OpenedBy      string    `json:"opened_by"` // "name (AGENCY)"
	// Closed is when the case was closed (zero, left out of the JSON, while it is not), with
	// one of Outcomes and the closing officer's note.
	Closed    time.Time `json:"closed,omitzero"`
	Outcome   string    `json:"outcome,omitempty"`
	CloseNote string    `json:"close_note,omitempty"`
	Events    []Event   `json:"events"`
}

// Errors returned (wrapped) by the case operations; check them with errors.Is.
var (
	ErrNoAuthority     = errors.New("no competent authority is configured for this state")
	ErrNeedsConsent    = errors.New("boarding a foreign-flag vessel on the high seas needs the flag state's consent first")
	ErrNotCompetent    = errors.New("the acting state is not competent here")
	ErrPursuitStart    = errors.New("hot pursuit must begin in the pursuing state's own waters")
	ErrPursuitEnded    = errors.New("the pursuit has ended: the target is in a territorial sea")
	ErrWrongState      = errors.New("not possible in the case's present status")
	ErrAlreadyAnswered = errors.New("the consent request has already been answered")
	ErrNotReleasable   = errors.New("the alert's marking does not allow releasing it to the competent authority")
	ErrInvalid         = errors.New("invalid")
)

// StateOfAuthority returns the state of a maritime authority ("SEMAR" → "MEX"), or "" when
// the authority is not in [Authorities].
func StateOfAuthority(auth string) string {
	for st, a := range Authorities {
		if a == auth {
			return st
		}
	}
	return ""
}

// Actor returns the state whose officers may record the next step of the case: the acting
// state, except for a handed-over case, which waits for the state of the authority that now
// has it to accept it ([Case.Accept]).
func (c *Case) Actor() string {
	if c.Status == StatusHandedOver {
		return StateOfAuthority(c.Authority)
	}
	return c.ActingState
}

// audience returns the REL TO target under which a case opened from an alert marked alert may
// go to the officers of state st without showing them more than the alert's originator
// released: "state:ST" when the alert is releasable to the whole state (CLEAR; GREEN without
// REL TO; GREEN or AMBER released to the state), "agency:AUTH" when only to that state's
// maritime authority (released to it by name, or its originator), "" when to neither. An
// alert without a level (cases stored before alert markings were kept) counts as CLEAR.
func audience(alert Markings, st string) string {
	rel := func(t string) bool { return slices.Contains(alert.RelTo, t) }
	switch alert.TLP {
	case "", "CLEAR":
		return "state:" + st
	case "GREEN":
		if len(alert.RelTo) == 0 || rel("state:"+st) {
			return "state:" + st
		}
	case "AMBER":
		if rel("state:" + st) {
			return "state:" + st
		}
	}
	if auth := Authorities[st]; auth != "" && (alert.Originator == auth || rel("agency:"+auth)) {
		return "agency:" + auth
	}
	return ""
}

// MarkingsFor returns the markings of a case opened by an officer (user id openerID) of agency
// openerAgency from an alert marked alert (its originator, TLP and REL TO):
//
//   - originator: the opener's agency;
//   - releasability: for the acting state and for the state of the competent authority, the
//     widest audience the alert's marking allows there ([audience]: the whole state, or only
//     its maritime authority), so that both navies or coast guards see the case and nobody
//     sees more of the alert than its originator released. When the alert is not releasable
//     to the competent authority (and that authority is not the opener's agency):
//     ErrNotReleasable, its originator must release it first. For the acting state nothing is
//     added when the alert is not releasable to it: the opener's agency reads the case anyway;
//   - TLP: AMBER (a case is operational, never public) for an alert up to AMBER. An alert
//     marked AMBER+STRICT or RED stays with its audience: the case keeps that level (RED: the
//     opener is its named recipient), which is only possible when the competent authority and
//     the alert's originator are the opener's own agency; otherwise ErrNotReleasable.
func MarkingsFor(c *Case, openerAgency string, openerID int64, alert Markings) (Markings, error) {
	m := Markings{Originator: openerAgency, TLP: "AMBER", RelTo: []string{}}
	switch alert.TLP {
	case "CLEAR", "GREEN", "AMBER":
		comp := StateOfAuthority(c.Authority)
		for _, st := range []string{c.ActingState, comp} {
			if st == "" {
				continue
			}
			a := audience(alert, st)
			switch {
			case a != "" && !slices.Contains(m.RelTo, a):
				m.RelTo = append(m.RelTo, a)
			case a == "" && st == comp && c.Authority != openerAgency:
				return Markings{}, fmt.Errorf("alert marked TLP:%s by %s, REL TO %v, not released to %s (%s): %w", alert.TLP, alert.Originator, alert.RelTo, c.Authority, comp, ErrNotReleasable)
			}
		}
		slices.Sort(m.RelTo)
		return m, nil
	case "AMBER+STRICT", "RED":
		// The case's originating agency reads it whole (access rule 2): that agency must be the
		// alert's own originator, or a RED alert would reach colleagues of its named recipient.
		if c.Authority != openerAgency || alert.Originator != openerAgency {
			return Markings{}, fmt.Errorf("alert marked TLP:%s by %s, competent authority %s, opener of %s: %w", alert.TLP, alert.Originator, c.Authority, openerAgency, ErrNotReleasable)
		}
		m.TLP = alert.TLP
		if alert.TLP == "RED" {
			m.RelTo = []string{fmt.Sprintf("user:%d", openerID)}
		}
		return m, nil
	}
	return Markings{}, fmt.Errorf("alert marked %q: unknown TLP level", alert.TLP)
}

func authorityOf(state string) (string, error) {
	a, ok := Authorities[state]
	if !ok {
		return "", fmt.Errorf("state %q: %w", state, ErrNoAuthority)
	}
	return a, nil
}

// Open opens a case for an alert, by an officer of actingState, for a vessel of flag (""
// when stateless or unknown), and routes it.
func Open(id string, a detect.Alert, flag, actingState string, at time.Time) (*Case, error) {
	if id == "" || a.ID == "" {
		return nil, errors.New("case: an id and an alert are required")
	}
	c := &Case{ID: id, AlertID: a.ID, MMSI: append([]uint32(nil), a.MMSI...), Flag: flag, ActingState: actingState,
		Place: Place{Lat: a.Lat, Lon: a.Lon, State: a.State, Zone: a.Zone}, Opened: at.UTC()}
	if err := c.route(at, "case.open"); err != nil {
		return nil, err
	}
	return c, nil
}

// route sets the competent authority and the status for the case's place.
func (c *Case) route(at time.Time, action string) error {
	switch {
	case c.Place.State == "" || c.Place.Zone == "high_seas":
		auth, err := authorityOf(c.ActingState)
		if err != nil {
			return err
		}
		c.Authority, c.Status = auth, StatusOpen
		c.log(at, action, fmt.Sprintf("high seas: %s acts; boarding a %s-flag vessel needs the flag state's consent (UNCLOS 110, Vienna 1988 art. 17)", auth, orStateless(c.Flag)))
	default:
		auth, err := authorityOf(c.Place.State)
		if err != nil {
			return err
		}
		c.Authority = auth
		if c.Place.State == c.ActingState {
			c.Status = StatusOpen
			c.log(at, action, fmt.Sprintf("%s %s: %s is competent", c.Place.State, c.Place.Zone, auth))
		} else {
			c.Status = StatusHandedOver
			c.log(at, "case.hand_over", fmt.Sprintf("%s %s: %s may not act; handed over to %s", c.Place.State, c.Place.Zone, c.ActingState, auth))
		}
	}
	return nil
}

func orStateless(flag string) string {
	if flag == "" {
		return "stateless"
	}
	return flag
}

func (c *Case) log(at time.Time, action, detail string) {
	c.Events = append(c.Events, Event{Time: at.UTC(), Action: action, Detail: detail})
}

func (c *Case) highSeas() bool { return c.Place.State == "" || c.Place.Zone == "high_seas" }

// RequestConsent records the acting state's request to the flag state (high seas only).
func (c *Case) RequestConsent(at time.Time) error {
	if !c.highSeas() || c.Status != StatusOpen {
		return fmt.Errorf("consent request in status %s, %s: %w", c.Status, c.Place.Zone, ErrWrongState)
	}
	c.ConsentRequested, c.Status = at.UTC(), StatusAwaitingConsent
	c.log(at, "consent.request", "consent requested from flag state "+orStateless(c.Flag))
	return nil
}

// AnswerConsent records the flag state's answer.
func (c *Case) AnswerConsent(granted bool, at time.Time) error {
	if c.Status != StatusAwaitingConsent {
		if !c.ConsentAnswered.IsZero() {
			return ErrAlreadyAnswered
		}
		return fmt.Errorf("consent answer without a request: %w", ErrWrongState)
	}
	c.ConsentAnswered, c.ConsentGranted = at.UTC(), granted
	c.Status = StatusConsentRefused
	if granted {
		c.Status = StatusConsentGranted
	}
	c.log(at, "consent.answer", fmt.Sprintf("flag state %s: granted=%v", orStateless(c.Flag), granted))
	return nil
}

// Board records a boarding. On the high seas a foreign-flag vessel needs granted consent; in a
// state's waters only that state's authority boards.
func (c *Case) Board(at time.Time) error {
	switch {
	case c.Status == StatusClosed:
		return fmt.Errorf("the case is closed: %w", ErrWrongState)
	case c.Status == StatusHandedOver || c.Status == StatusPursuitMustStop:
		return fmt.Errorf("%s may not board in %s %s: %w", c.ActingState, c.Place.State, c.Place.Zone, ErrNotCompetent)
	case c.highSeas() && c.Flag != "" && c.Flag != c.ActingState && c.Status != StatusConsentGranted:
		return fmt.Errorf("status %s: %w", c.Status, ErrNeedsConsent)
	case c.Status == StatusBoarded:
		return fmt.Errorf("already boarded: %w", ErrWrongState)
	}
	c.Status = StatusBoarded
	c.log(at, "case.board", "boarded by "+c.Authority)
	return nil
}

// Release widens the case's releasability to its competent authority after a hand-over gave
// the case to another state's authority: a GREEN or AMBER case gains the audience the alert's
// marking allows in that state ([audience]; changed true). ErrNotReleasable when the alert was
// not released there, and for an AMBER+STRICT or RED case unless the authority is the case's
// originating agency.
func (c *Case) Release() (bool, error) {
	st := StateOfAuthority(c.Authority)
	switch c.Markings.TLP {
	case "AMBER+STRICT", "RED":
		if c.Authority != c.Markings.Originator {
			return false, fmt.Errorf("case marked TLP:%s by %s, handed to %s: %w", c.Markings.TLP, c.Markings.Originator, c.Authority, ErrNotReleasable)
		}
		return false, nil
	}
	if st == "" || c.Authority == c.Markings.Originator {
		return false, nil
	}
	a := audience(c.AlertMarkings, st)
	switch {
	case a == "":
		return false, fmt.Errorf("the alert of case %s is not released to %s (%s): %w", c.ID, c.Authority, st, ErrNotReleasable)
	case slices.Contains(c.Markings.RelTo, a) || slices.Contains(c.Markings.RelTo, "state:"+st):
		return false, nil
	}
	c.Markings.RelTo = append(c.Markings.RelTo, a)
	slices.Sort(c.Markings.RelTo)
	return true, nil
}

// HandOver hands a pursuit that must stop over to the authority of the state whose
// territorial sea the target entered (UNCLOS art. 111(3)): the case is then handed over,
// waiting for that state to accept it. ErrNoAuthority when that state has no authority in
// [Authorities] (the hand-over goes through other channels; the case stays as it is).
func (c *Case) HandOver(at time.Time) error {
	if c.Status != StatusPursuitMustStop {
		return fmt.Errorf("hand-over in status %s: %w", c.Status, ErrWrongState)
	}
	auth, err := authorityOf(c.Place.State)
	if err != nil {
		return err
	}
	c.Authority, c.Status = auth, StatusHandedOver
	c.log(at, "case.hand_over", fmt.Sprintf("%s hands the pursuit over to %s (%s %s)", c.ActingState, auth, c.Place.State, c.Place.Zone))
	return nil
}

// Accept records that state, whose authority has a handed-over case, takes it: state
// becomes the acting state and the case is open with its authority. ErrNotCompetent when
// state is not that of the case's authority.
func (c *Case) Accept(state string, at time.Time) error {
	if c.Status != StatusHandedOver {
		return fmt.Errorf("accept in status %s: %w", c.Status, ErrWrongState)
	}
	if st := StateOfAuthority(c.Authority); st != state {
		return fmt.Errorf("%s may not accept a case handed over to %s: %w", orDash(state), c.Authority, ErrNotCompetent)
	}
	c.ActingState, c.Status, c.PursuitFrom = state, StatusOpen, nil
	c.log(at, "case.accept", fmt.Sprintf("%s (%s) accepts the case in %s %s", c.Authority, state, c.Place.State, c.Place.Zone))
	return nil
}

// StartPursuit records the start of a hot pursuit from the case's place, which must be in the
// acting state's own waters (territorial sea, contiguous zone, EEZ or internal waters).
func (c *Case) StartPursuit(at time.Time) error {
	if c.Status == StatusClosed {
		return fmt.Errorf("pursuit start in status %s: %w", c.Status, ErrWrongState)
	}
	if c.Place.State != c.ActingState || c.highSeas() {
		return fmt.Errorf("pursuit from %s %s by %s: %w", orDash(c.Place.State), c.Place.Zone, c.ActingState, ErrPursuitStart)
	}
	p := c.Place
	c.PursuitFrom, c.Status = &p, StatusPursuit
	c.log(at, "pursuit.start", fmt.Sprintf("hot pursuit by %s from %s %s (UNCLOS 111)", c.Authority, p.State, p.Zone))
	return nil
}

// UpdatePursuit moves the pursued vessel to place. When it enters the territorial sea of its
// flag state or a third state, the pursuit must stop or be handed over to that state's
// authority (UNCLOS art. 111(3)); the case says so and returns ErrPursuitEnded.
func (c *Case) UpdatePursuit(p Place, at time.Time) error {
	if c.Status != StatusPursuit {
		return fmt.Errorf("pursuit update in status %s: %w", c.Status, ErrWrongState)
	}
	c.Place = p
	if (p.Zone == "territorial_sea" || p.Zone == "internal_waters") && p.State != c.ActingState {
		auth, err := authorityOf(p.State)
		if err != nil {
			auth = "the authority of " + p.State
		}
		c.Status = StatusPursuitMustStop
		c.log(at, "pursuit.update", fmt.Sprintf("target entered the territorial sea of %s: %s must stop the pursuit or hand it over to %s", p.State, c.ActingState, auth))
		return ErrPursuitEnded
	}
	c.log(at, "pursuit.update", fmt.Sprintf("pursuit continues in %s %s", orDash(p.State), p.Zone))
	return nil
}

// Close closes the case with outcome (one of Outcomes) and an optional note (at most
// MaxCloseNote bytes of text without control characters other than newlines and tabs): no step is
// possible after it. A case handed over must be accepted first (ErrWrongState), so that the
// authority that closes it is the one that has it; a closed case cannot be closed again.
// ErrInvalid for an unknown outcome or a bad note.
func (c *Case) Close(outcome, note string, at time.Time) error {
	note = strings.TrimSpace(note)
	switch {
	case !slices.Contains(Outcomes, outcome):
		return fmt.Errorf("%w outcome %q: want one of %s", ErrInvalid, outcome, strings.Join(Outcomes, ", "))
	case len(note) > MaxCloseNote:
		return fmt.Errorf("%w note: %d bytes, at most %d", ErrInvalid, len(note), MaxCloseNote)
	case !utf8.ValidString(note) || strings.ContainsFunc(note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		return fmt.Errorf("%w note: not plain UTF-8 text", ErrInvalid)
	case c.Status == StatusClosed:
		return fmt.Errorf("the case was closed on %s: %w", c.Closed.Format(time.RFC3339), ErrWrongState)
	case c.Status == StatusHandedOver:
		return fmt.Errorf("the case is handed over to %s: accept it before closing it: %w", c.Authority, ErrWrongState)
	}
	c.Status, c.Closed, c.Outcome, c.CloseNote = StatusClosed, at.UTC(), outcome, note
	d := fmt.Sprintf("closed by %s: %s", c.Authority, outcome)
	if note != "" {
		d += " (" + note + ")"
	}
	c.log(at, "case.close", d)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
