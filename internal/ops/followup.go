package ops

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// LiaisonReportWindow is how long after a liaison meeting ends its written report is due (Ley
// de Seguridad Nacional art. 70: within 3 days).
const LiaisonReportWindow = 72 * time.Hour

// LiaisonReportDue returns when the written report of a liaison meeting is due: the end of its
// window plus [LiaisonReportWindow]. ok is false for any other operation type.
func LiaisonReportDue(op *Operation) (due time.Time, ok bool) {
	if op.Type != LiaisonMeeting {
		return time.Time{}, false
	}
	return op.End.Add(LiaisonReportWindow).UTC(), true
}

// Report-status values of a liaison meeting ([LiaisonStatus]).
const (
	LiaisonNotYetDue = "not_yet_due" // the meeting has not ended
	LiaisonDue       = "due"         // the meeting ended; the report is due and not late yet
	LiaisonOverdue   = "overdue"     // the due time passed without a report
	LiaisonSubmitted = "submitted"   // the report was submitted (on time or late)
)

// LiaisonStatus is the state of a liaison meeting's report at time now: submitted (a report
// exists), not_yet_due (the meeting has not ended), due (ended, due time not passed) or overdue.
// It is "" for an operation that is not a liaison meeting.
func LiaisonStatus(op *Operation, submitted bool, now time.Time) string {
	due, ok := LiaisonReportDue(op)
	switch {
	case !ok:
		return ""
	case submitted:
		return LiaisonSubmitted
	case now.Before(op.End):
		return LiaisonNotYetDue
	case now.Before(due):
		return LiaisonDue
	}
	return LiaisonOverdue
}

// LiaisonReport is the written report of a liaison meeting with foreign agents: what was
// discussed, who attended, and the agreements reached. Times are UTC.
type LiaisonReport struct {
	OperationID string    `json:"operation_id"`
	Summary     string    `json:"summary"`              // what was discussed, in writing
	Attendees   []string  `json:"attendees"`            // who attended (names or posts), at least one
	Agreements  []string  `json:"agreements,omitempty"` // what was agreed, if anything
	SubmittedBy string    `json:"submitted_by"`         // user name of the submitter
	Agency      string    `json:"agency"`               // the submitter's agency
	SubmittedAt time.Time `json:"submitted_at"`
	Due         time.Time `json:"due"`  // when it was due ([LiaisonReportDue])
	Late        bool      `json:"late"` // submitted after Due
}

// MaxTextBytes bounds a free-text field of a report or an outcome.
const MaxTextBytes = 64 << 10

// Validate checks the report against the meeting it reports: the operation is a liaison
// meeting that has begun, the summary and at least one attendee are given, and Late agrees
// with the due time.
func (r *LiaisonReport) Validate(op *Operation) error {
	var errs []error
	add := func(field, problem, fix string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem, Fix: fix})
	}
	due, ok := LiaisonReportDue(op)
	if !ok {
		add("operation_id", fmt.Sprintf("operation type %q", op.Type), "only a liaison_meeting has a written report")
		return errors.Join(errs...)
	}
	if strings.TrimSpace(r.OperationID) == "" {
		add("operation_id", "missing", "name the meeting")
	}
	if s := strings.TrimSpace(r.Summary); s == "" || len(s) > MaxTextBytes {
		add("summary", fmt.Sprintf("%d bytes", len(s)), fmt.Sprintf("write what was discussed, 1 to %d bytes", MaxTextBytes))
	}
	if len(r.Attendees) == 0 {
		add("attendees", "none", "list who attended (names or posts)")
	}
	for i, a := range r.Attendees {
		if strings.TrimSpace(a) == "" || len(a) > 256 {
			add(fmt.Sprintf("attendees[%d]", i), "empty or longer than 256 bytes", "name one attendee")
		}
	}
	for i, a := range r.Agreements {
		if strings.TrimSpace(a) == "" || len(a) > MaxTextBytes {
			add(fmt.Sprintf("agreements[%d]", i), "empty or too long", "state one agreement, or remove the entry")
		}
	}
	if strings.TrimSpace(r.SubmittedBy) == "" {
		add("submitted_by", "missing", "name the submitter")
	}
	if r.SubmittedAt.Before(op.Start) {
		add("submitted_at", "before the meeting began", "report the meeting after it took place")
	}
	if !r.Due.Equal(due) {
		add("due", fmt.Sprintf("%s, want %s", r.Due.Format(time.RFC3339), due.Format(time.RFC3339)), "the report is due 3 days after the meeting ends")
	}
	if r.Late != r.SubmittedAt.After(due) {
		add("late", fmt.Sprintf("%v", r.Late), "late is true exactly when submitted after the due time")
	}
	return errors.Join(errs...)
}

// Seizure is one item seized: what (e.g. "cocaine", "firearms", "cash USD"), how much, and the
// unit of the quantity (e.g. "kg", "items", "USD").
type Seizure struct {
	What     string  `json:"what"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
}

// Outcome is the result of an executed operation (issue §6): what was seized, how many people
// were arrested and transferred to another state, the highest use-of-force level actually used
// (0 none, 1 presence … 5 lethal), civilian harm, and a narrative. Times are UTC.
type Outcome struct {
	OperationID        string    `json:"operation_id"`
	Seizures           []Seizure `json:"seizures"`
	Arrests            int       `json:"arrests"`
	PersonsTransferred int       `json:"persons_transferred"`
	ForceUsed          int       `json:"force_used"`
	CivilianHarm       Harm      `json:"civilian_harm"`
	Narrative          string    `json:"narrative,omitempty"`
	RecordedBy         string    `json:"recorded_by"`
	Agency             string    `json:"agency"`
	RecordedAt         time.Time `json:"recorded_at"`
	// AuthorisedForce is the ceiling the outcome is judged against: the lowest of the
	// operation's planned ceiling and the force ceilings of the consents in force
	// ([AuthorisedForce]).
	AuthorisedForce int `json:"authorised_force"`
	// ForceExceeded is true when ForceUsed is above AuthorisedForce: a flag for oversight.
	ForceExceeded bool `json:"force_exceeded"`
	// Decision is the operation's latest policy decision when the outcome was recorded
	// (allow, needs_consent, deny; "" when none): an outcome of an operation that was not
	// allowed is itself a finding for oversight.
	Decision string `json:"decision"`
}

// Harm counts the harm done to people not targeted by the operation.
type Harm struct {
	Killed      int    `json:"killed"`
	Injured     int    `json:"injured"`
	Description string `json:"description,omitempty"`
}

// AuthorisedForce is the use-of-force ceiling an operation was authorised to: its planned
// ceiling, lowered by the ceiling of every consent it relies on.
func AuthorisedForce(op *Operation, consents []Consent) int {
	c := op.ForceLevel
	for _, g := range consents {
		if g.MaxForceLevel > 0 && g.MaxForceLevel < c {
			c = g.MaxForceLevel
		}
	}
	return c
}

// Validate checks the outcome against its operation: counts are not negative, force used is
// 0–5, the outcome is recorded after the operation began, and ForceExceeded agrees with
// ForceUsed and AuthorisedForce.
func (o *Outcome) Validate(op *Operation) error {
	var errs []error
	add := func(field, problem, fix string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem, Fix: fix})
	}
	if strings.TrimSpace(o.OperationID) == "" {
		add("operation_id", "missing", "name the operation")
	}
	if len(o.Seizures) > MaxParticipants {
		add("seizures", fmt.Sprintf("%d items", len(o.Seizures)), fmt.Sprintf("at most %d; group similar items", MaxParticipants))
	}
	for i, s := range o.Seizures {
		f := fmt.Sprintf("seizures[%d]", i)
		if strings.TrimSpace(s.What) == "" || len(s.What) > 256 {
			add(f+".what", "empty or longer than 256 bytes", `say what was seized, e.g. "cocaine"`)
		}
		if !(s.Quantity > 0) || s.Quantity > 1e15 {
			add(f+".quantity", fmt.Sprintf("%v", s.Quantity), "want a positive quantity")
		}
		if strings.TrimSpace(s.Unit) == "" || len(s.Unit) > 32 {
			add(f+".unit", "empty or longer than 32 bytes", `give the unit, e.g. "kg", "items", "USD"`)
		}
	}
	for _, c := range []struct {
		f string
		n int
	}{{"arrests", o.Arrests}, {"persons_transferred", o.PersonsTransferred}, {"civilian_harm.killed", o.CivilianHarm.Killed}, {"civilian_harm.injured", o.CivilianHarm.Injured}} {
		if c.n < 0 || c.n > 1_000_000 {
			add(c.f, fmt.Sprintf("%d", c.n), "want a count, 0 or more")
		}
	}
	if o.ForceUsed < 0 || o.ForceUsed > 5 {
		add("force_used", fmt.Sprintf("%d is not a use-of-force level", o.ForceUsed), "want 0 (none), 1 (presence) … 5 (lethal)")
	}
	if (o.CivilianHarm.Killed > 0 || o.CivilianHarm.Injured > 0) && strings.TrimSpace(o.CivilianHarm.Description) == "" {
		add("civilian_harm.description", "missing", "describe the harm done to civilians")
	}
	if len(o.Narrative) > MaxTextBytes || len(o.CivilianHarm.Description) > MaxTextBytes {
		add("narrative", "too long", fmt.Sprintf("at most %d bytes", MaxTextBytes))
	}
	if strings.TrimSpace(o.RecordedBy) == "" {
		add("recorded_by", "missing", "name who records the outcome")
	}
	if o.RecordedAt.Before(op.Start) {
		add("recorded_at", "before the operation began", "record the outcome of an operation that has begun")
	}
	if o.AuthorisedForce < 1 || o.AuthorisedForce > 5 {
		add("authorised_force", fmt.Sprintf("%d", o.AuthorisedForce), "want the authorised ceiling, 1 … 5")
	}
	if o.ForceExceeded != (o.ForceUsed > o.AuthorisedForce) {
		add("force_exceeded", fmt.Sprintf("%v", o.ForceExceeded), "force_exceeded is true exactly when force_used is above authorised_force")
	}
	return errors.Join(errs...)
}

// ActsFor reports whether a user of agency may answer for authority: authority is empty (any
// authority of the state, e.g. a flag state's), or agency is authority or one of its aliases
// (policy.Config.Aliases), compared without regard to case.
func ActsFor(agency, authority string, aliases map[string][]string) bool {
	if authority == "" || strings.EqualFold(agency, authority) {
		return true
	}
	for _, a := range aliases[authority] {
		if strings.EqualFold(a, agency) {
			return true
		}
	}
	return false
}
