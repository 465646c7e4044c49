package policy

import (
	"errors"
	"testing"
	"time"

	"accord/internal/jurisdiction"
	"accord/internal/ops"
)

// TestConsentWorkflow: request → grant → allow; narrower grant → deny; revocation → deny;
// expiry → deny; an approver of the wrong state is refused (dual key). The operation is a
// liaison meeting: field surveillance by foreign agents in Mexico is denied outright (LSN art. 71).
func TestConsentWorkflow(t *testing.T) {
	e, err := New(DefaultConfig(), fixedLocator{jurisdiction.Answer{State: "MEX", Zone: jurisdiction.ZoneLand}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	op := &ops.Operation{
		Type: ops.LiaisonMeeting, Place: ops.Place{Point: &ops.Point{Lat: 25.67, Lon: -100.31}},
		Start: t0, End: t0.Add(48 * time.Hour), ForceLevel: 1,
		Participants:  []ops.Participant{{State: "USA", Agency: "DEA", Kind: ops.Agent, Count: 2, Role: "lead"}},
		Corroboration: &ops.Corroboration{IndependentSources: 2, BestGrade: "B2"},
	}
	d := e.Decide(op)
	if d.Decision != NeedsConsent {
		t.Fatalf("without consent: %s", d.Decision)
	}
	reqs := Requests(op, d, "op-1", "u-legal", t0.Add(-72*time.Hour))
	if len(reqs) != 1 || reqs[0].State != "MEX" || reqs[0].Authority != "SRE/GANSEG" || reqs[0].Role != RoleHost {
		t.Fatalf("requests %+v", reqs)
	}
	req := reqs[0]
	if err := req.Validate(); err != nil {
		t.Fatalf("request: %v", err)
	}
	grant := ops.ConsentDecision{
		RequestID: req.ID, Granted: true, Scope: req.Scope, Conditions: []string{"SRE liaison present"},
		DecidedBy: "u-sre", DeciderState: "MEX", DecidedAt: t0.Add(-24 * time.Hour),
	}
	if err := grant.Validate(&req); err != nil {
		t.Fatalf("grant: %v", err)
	}
	decideWith := func(g ops.ConsentDecision, at time.Time) string {
		c, ok := g.Effective(at)
		o := *op
		o.Consents = nil
		if ok {
			o.Consents = []ops.Consent{c}
		}
		return e.Decide(&o).Decision
	}
	if got := decideWith(grant, t0); got != Allow {
		t.Fatalf("with the grant: %s, want allow", got)
	}
	// the approver must be of the requested state
	wrong := grant
	wrong.DeciderState = "USA"
	if err := wrong.Validate(&req); err == nil {
		t.Fatal("an approver of another state was accepted")
	}
	// a grant wider than asked is refused; a narrower one denies the operation
	wide := grant
	wide.Scope.MaxForceLevel = 3
	if err := wide.Validate(&req); err == nil {
		t.Fatal("a grant above the requested force level was accepted")
	}
	narrow := grant
	narrow.Scope.End = t0.Add(24 * time.Hour)
	if got := decideWith(narrow, t0); got != Deny {
		t.Fatalf("with a grant covering half the window: %s, want deny", got)
	}
	// expiry inside the window: deny; after expiry: no consent at all
	exp := grant
	exp.Expires = t0.Add(12 * time.Hour)
	if got := decideWith(exp, t0); got != Deny {
		t.Fatalf("expiring mid-operation: %s, want deny", got)
	}
	if got := decideWith(exp, t0.Add(13*time.Hour)); got != NeedsConsent || exp.Status(t0.Add(13*time.Hour)) != "expired" {
		t.Fatalf("after expiry: %s", got)
	}
	// revocation
	rev := grant
	if err := rev.Revoke(t0.Add(6*time.Hour), "u-sre", "scope exceeded"); err != nil {
		t.Fatal(err)
	}
	if err := rev.Revoke(t0.Add(7*time.Hour), "u-sre", "again"); !errors.Is(err, ops.ErrRevoked) {
		t.Fatalf("second revocation: %v", err)
	}
	if got := decideWith(rev, t0); got != Deny {
		t.Fatalf("revoked mid-operation, decided before: %s, want deny", got)
	}
	if got := decideWith(rev, t0.Add(7*time.Hour)); got != NeedsConsent || rev.Status(t0.Add(7*time.Hour)) != "revoked" {
		t.Fatalf("after revocation: %s", got)
	}
	refused := ops.ConsentDecision{RequestID: req.ID, DecidedBy: "u-sre", DeciderState: "MEX", DecidedAt: t0.Add(-time.Hour)}
	if err := refused.Validate(&req); err != nil {
		t.Fatal(err)
	}
	if err := refused.Revoke(t0, "u", ""); !errors.Is(err, ops.ErrNotGranted) {
		t.Fatalf("revoking a refusal: %v", err)
	}
	if got := decideWith(refused, t0); got != NeedsConsent {
		t.Fatalf("refused: %s", got)
	}
}
