package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
)

func TestOperationsAndConsents(t *testing.T) {
	for name, newCfg := range ledgerDialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, newCfg(t))
			legal := ledger.Actor{User: "u-legal", Agency: "DEA", State: "USA"}
			sre := ledger.Actor{User: "u-sre", Agency: "SRE", State: "MEX"}
			t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
			op := &ops.Operation{
				Type: ops.Surveillance, Place: ops.Place{Point: &ops.Point{Lat: 25.67, Lon: -100.31}},
				Start: t0, End: t0.Add(48 * time.Hour), ForceLevel: 1,
				Participants:  []ops.Participant{{State: "USA", Agency: "DEA", Kind: ops.Agent, Count: 2, Role: "lead"}},
				Corroboration: &ops.Corroboration{IndependentSources: 2, BestGrade: "B2"},
			}
			if _, err := s.PutOperation(ctx, "op-1", op, legal); err != nil {
				t.Fatal(err)
			}
			got, err := s.Operation(ctx, "op-1")
			if err != nil || !reflect.DeepEqual(got, op) {
				t.Fatalf("operation read back: %v\n%+v\n%+v", err, got, op)
			}
			if _, err := s.Operation(ctx, "op-x"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("missing operation: %v", err)
			}
			bad := *op
			bad.ForceLevel = 0
			if _, err := s.PutOperation(ctx, "op-2", &bad, legal); err == nil {
				t.Fatal("an invalid operation was stored")
			}
			d := policy.Decision{Decision: policy.NeedsConsent, PolicyVersion: "sha256:00",
				RequiredConsents: []policy.Consent{{State: "MEX", Authority: "SRE/GANSEG", Role: policy.RoleHost, Rules: []string{"territoriality"}}}}
			seq, err := s.RecordPolicyDecision(ctx, "op-1/d1", "op-1", d, t0.Add(-96*time.Hour), legal)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := s.Ledger().Reader.Entry(ctx, seq)
			if err != nil {
				t.Fatal(err)
			}
			e, err := ledger.ParseEntry(raw)
			if err != nil || e.Action != "policy.decide" || e.RecordID != "op-1/d1" {
				t.Fatalf("ledger entry %+v %v", e, err)
			}
			reqs := policy.Requests(op, d, "op-1", "u-legal", t0.Add(-72*time.Hour))
			if _, err := s.PutConsentRequest(ctx, reqs[0], legal); err != nil {
				t.Fatal(err)
			}
			grant := ops.ConsentDecision{RequestID: reqs[0].ID, Granted: true, Scope: reqs[0].Scope,
				Conditions: []string{"SRE present"}, Expires: t0.Add(72 * time.Hour),
				DecidedBy: "u-sre", DeciderState: "USA", DecidedAt: t0.Add(-24 * time.Hour)}
			if _, err := s.DecideConsent(ctx, grant, sre); err == nil {
				t.Fatal("an approver of the wrong state decided")
			}
			grant.DeciderState = "MEX"
			if _, err := s.DecideConsent(ctx, grant, sre); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DecideConsent(ctx, grant, sre); !errors.Is(err, ErrAlreadyDecided) {
				t.Fatalf("second decision: %v", err)
			}
			cs, err := s.EffectiveConsents(ctx, "op-1", t0)
			if err != nil || len(cs) != 1 || cs[0].State != "MEX" || !cs[0].End.Equal(op.End) {
				t.Fatalf("effective consents %+v %v", cs, err)
			}
			if _, err := s.RevokeConsent(ctx, reqs[0].ID, t0.Add(6*time.Hour), "u-sre", "scope exceeded", sre); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RevokeConsent(ctx, reqs[0].ID, t0.Add(7*time.Hour), "u-sre", "again", sre); !errors.Is(err, ops.ErrRevoked) {
				t.Fatalf("second revocation: %v", err)
			}
			cs, err = s.EffectiveConsents(ctx, "op-1", t0)
			if err != nil || len(cs) != 1 || !cs[0].End.Equal(t0.Add(6*time.Hour)) {
				t.Fatalf("consents before the revocation time, cut at it: %+v %v", cs, err)
			}
			if cs, _ = s.EffectiveConsents(ctx, "op-1", t0.Add(7*time.Hour)); len(cs) != 0 {
				t.Fatalf("consents after revocation: %+v", cs)
			}
			// verification: every record's current hash is its last entry's content
			src := s.OperationRecords()
			n := 0
			if err := src.EachRecord(ctx, func(rt, id string) error {
				h, found, err := src.CurrentHash(ctx, rt, id)
				if err != nil || !found || h == ([32]byte{}) {
					t.Errorf("%s %s: found %v, err %v", rt, id, found, err)
				}
				n++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if n != 4 {
				t.Fatalf("%d records listed, want 4 (operation, decision, request, consent decision)", n)
			}
			last, err := s.RevokeConsent(ctx, "none", t0, "u", "", sre)
			if !errors.Is(err, ErrNotFound) || last != 0 {
				t.Fatalf("revoking a missing decision: %v", err)
			}
		})
	}
}
