package ops

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ConsentRequest asks a state's designated authority to consent to an operation, in a role
// (host, senate, arms, flag_state, partner: the roles of the policy's required consents), for
// a requested scope.
type ConsentRequest struct {
	ID          string    `json:"id"`
	OperationID string    `json:"operation_id"`
	State       string    `json:"state"`     // ISO alpha-3 of the state asked
	Authority   string    `json:"authority"` // its designated authority ("" = any authority of that state, e.g. a flag state's)
	Role        string    `json:"role"`
	RequestedBy string    `json:"requested_by"` // user id of the requester
	RequestedAt time.Time `json:"requested_at"`
	Scope       Consent   `json:"scope"` // the scope asked for: area, window, participants, force ceiling
}

// ConsentDecision is the answer of the authority to a ConsentRequest. A grant carries the
// scope actually granted (it may be narrower than the one asked), conditions and an expiry,
// and can be revoked later. Times are UTC.
type ConsentDecision struct {
	RequestID    string    `json:"request_id"`
	Granted      bool      `json:"granted"`
	Scope        Consent   `json:"scope"` // the scope granted; its State must be the request's
	Conditions   []string  `json:"conditions"`
	Reason       string    `json:"reason,omitempty"` // why, for a refusal (optional for a grant)
	Expires      time.Time `json:"expires"`          // zero: the scope's end
	DecidedBy    string    `json:"decided_by"`       // user id of the approver
	DeciderState string    `json:"decider_state"`    // the approver's state: must be the request's state (dual key: each state approves for itself)
	DecidedAt    time.Time `json:"decided_at"`
	RevokedAt    time.Time `json:"revoked_at"` // zero while not revoked
	RevokedBy    string    `json:"revoked_by,omitempty"`
	RevokeReason string    `json:"revoke_reason,omitempty"`
}

// ErrNotGranted is returned when revoking a refusal; ErrRevoked when revoking twice.
var (
	ErrNotGranted = errors.New("consent was not granted")
	ErrRevoked    = errors.New("consent already revoked")
)

// Validate checks the request.
func (r *ConsentRequest) Validate() error {
	var errs []error
	add := func(field, problem, fix string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem, Fix: fix})
	}
	if strings.TrimSpace(r.ID) == "" {
		add("id", "missing", "give the request an id")
	}
	if strings.TrimSpace(r.OperationID) == "" {
		add("operation_id", "missing", "name the operation the request is for")
	}
	if !validState(r.State) {
		add("state", fmt.Sprintf("%q is not a state code", r.State), "want ISO 3166 alpha-3")
	}
	switch r.Role {
	case "host", "senate", "arms", "flag_state", "partner":
	default:
		add("role", fmt.Sprintf("unknown role %q", r.Role), "want host, senate, arms, flag_state or partner")
	}
	if r.RequestedAt.IsZero() {
		add("requested_at", "missing", "give the time of the request (UTC)")
	}
	if r.Scope.State != r.State {
		add("scope.state", fmt.Sprintf("%q differs from the request's state %q", r.Scope.State, r.State), "the scope is the asked state's")
	}
	sc := r.Scope
	if sc.Authority == "" {
		sc.Authority = "(any)"
	}
	sc.check("scope", add)
	return errors.Join(errs...)
}

// Validate checks the decision against its request: the approver is of the requested state, a
// grant's scope is the requested state's, lies within the requested window, force ceiling and
// area (when both have one), and the expiry, if any, is after the decision.
func (d *ConsentDecision) Validate(r *ConsentRequest) error {
	var errs []error
	add := func(field, problem, fix string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem, Fix: fix})
	}
	if d.RequestID != r.ID {
		add("request_id", fmt.Sprintf("%q is not request %q", d.RequestID, r.ID), "answer the request by its id")
	}
	if strings.TrimSpace(d.DecidedBy) == "" {
		add("decided_by", "missing", "name the approver")
	}
	if d.DeciderState != r.State {
		add("decider_state", fmt.Sprintf("an approver of %q answers a request to %q", d.DeciderState, r.State), "only an approver of the requested state may decide (dual key)")
	}
	if d.DecidedAt.IsZero() || d.DecidedAt.Before(r.RequestedAt) {
		add("decided_at", "missing or before the request", "give the time of the decision (UTC)")
	}
	if !d.Granted {
		return errors.Join(errs...)
	}
	if d.Scope.State != r.State {
		add("scope.state", fmt.Sprintf("%q differs from the request's state %q", d.Scope.State, r.State), "a state grants only its own consent")
	}
	d.Scope.check("scope", add)
	if !d.Scope.Start.IsZero() && !d.Scope.End.IsZero() && (d.Scope.Start.Before(r.Scope.Start) || d.Scope.End.After(r.Scope.End)) {
		add("scope.end", "the granted window is wider than the requested one", "grant within the requested window")
	}
	if d.Scope.MaxForceLevel > r.Scope.MaxForceLevel {
		add("scope.max_force_level", fmt.Sprintf("%d above the requested %d", d.Scope.MaxForceLevel, r.Scope.MaxForceLevel), "grant at most the requested force level")
	}
	if d.Scope.Area != nil && r.Scope.Area != nil && !r.Scope.Area.ContainsPolygon(d.Scope.Area) {
		add("scope.area", "the granted area leaves the requested one", "grant within the requested area")
	}
	if !d.Expires.IsZero() && !d.Expires.After(d.DecidedAt) {
		add("expires", "not after the decision", "give an expiry after decided_at, or none")
	}
	return errors.Join(errs...)
}

// Revoke records the revocation of a grant at time at (UTC) by user by.
func (d *ConsentDecision) Revoke(at time.Time, by, reason string) error {
	switch {
	case !d.Granted:
		return ErrNotGranted
	case !d.RevokedAt.IsZero():
		return ErrRevoked
	case strings.TrimSpace(by) == "":
		return &FieldError{Field: "revoked_by", Problem: "missing", Fix: "name who revokes"}
	case at.Before(d.DecidedAt):
		return &FieldError{Field: "revoked_at", Problem: "before the decision", Fix: "revoke after the grant"}
	}
	d.RevokedAt, d.RevokedBy, d.RevokeReason = at.UTC(), by, reason
	return nil
}

// Status is "granted", "refused", "revoked" or "expired" at time at.
func (d *ConsentDecision) Status(at time.Time) string {
	switch {
	case !d.Granted:
		return "refused"
	case !d.RevokedAt.IsZero() && !at.Before(d.RevokedAt):
		return "revoked"
	case !d.Expires.IsZero() && !at.Before(d.Expires):
		return "expired"
	}
	return "granted"
}

// Effective returns the consent the policy engine may rely on at time at: the granted scope,
// its window cut at the expiry and at the revocation. ok is false for a refusal, or once the
// grant has expired or been revoked at at. An operation reaching past the cut is outside the
// consent's scope.
func (d *ConsentDecision) Effective(at time.Time) (c Consent, ok bool) {
	if d.Status(at) != "granted" {
		return Consent{}, false
	}
	c = d.Scope
	if !d.Expires.IsZero() && d.Expires.Before(c.End) {
		c.End = d.Expires
	}
	if !d.RevokedAt.IsZero() && d.RevokedAt.Before(c.End) {
		c.End = d.RevokedAt
	}
	return c, true
}
