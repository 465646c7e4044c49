package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
)

// TestProposeOperationAtomic: a proposal (operation, decision, consent requests) is stored with
// all its ledger entries in one transaction; a fault after any of its writes leaves nothing of
// it, neither rows nor entries, and the ledger still verifies.
func TestProposeOperationAtomic(t *testing.T) {
	for name, newCfg := range ledgerDialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, newCfg(t))
			src := s.OperationRecords()
			for _, rt := range OperationRecordTypes {
				s.RegisterRecordSource(rt, src)
			}
			dea := ledger.Actor{User: "dea", Agency: "DEA", State: "USA"}
			t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
			op := &ops.Operation{Type: ops.LiaisonMeeting, Place: ops.Place{Point: &ops.Point{Lat: 19.43, Lon: -99.13}},
				Start: t0, End: t0.Add(2 * time.Hour), ForceLevel: 1,
				Participants: []ops.Participant{{State: "MEX", Agency: "SSPC", Kind: ops.Officer, Count: 2}, {State: "USA", Agency: "DEA", Kind: ops.Agent, Count: 2}}}
			d := policy.Decision{Decision: policy.NeedsConsent, PolicyVersion: "sha256:00"}
			proposal := func(id string) (ops.Meta, []ops.ConsentRequest) {
				m := ops.Meta{ID: id, Originator: "DEA", OriginatorState: "USA", TLP: "AMBER", CreatedBy: "dea", Created: t0.Add(-72 * time.Hour), Audience: []string{"USA", "MEX"}}
				var reqs []ops.ConsentRequest
				for _, st := range []string{"MEX", "PAN"} {
					reqs = append(reqs, ops.ConsentRequest{ID: id + "-" + st, OperationID: id, State: st, Role: policy.RoleFlag,
						RequestedBy: "dea", RequestedAt: m.Created, Scope: ops.Consent{State: st, Start: op.Start, End: op.End, MaxForceLevel: 1}})
				}
				return m, reqs
			}
			rows := func(id string) int {
				t.Helper()
				return countRows(t, s, `SELECT COUNT(*) FROM operations WHERE id = ?`, id) +
					countRows(t, s, `SELECT COUNT(*) FROM operation_audience WHERE operation_id = ?`, id) +
					countRows(t, s, `SELECT COUNT(*) FROM policy_decisions WHERE operation_id = ?`, id) +
					countRows(t, s, `SELECT COUNT(*) FROM consent_requests WHERE operation_id = ?`, id)
			}
			size := func() int64 {
				t.Helper()
				n, err := s.LedgerReader().Size(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}

			// A fault after each of the four writes (operation, decision, two requests).
			boom := errors.New("injected fault")
			for after := 1; after <= 4; after++ {
				id := fmt.Sprintf("op-fault-%d", after)
				m, reqs := proposal(id)
				before := size()
				proposeFault = func(done int) error {
					if done == after {
						return boom
					}
					return nil
				}
				_, err := s.ProposeOperation(ctx, op, m, id+"/d0", d, m.Created, reqs, dea)
				proposeFault = nil
				if !errors.Is(err, boom) {
					t.Fatalf("fault after write %d: %v", after, err)
				}
				if n := rows(id); n != 0 {
					t.Errorf("fault after write %d: %d rows of the proposal remain", after, n)
				}
				if n := size(); n != before {
					t.Errorf("fault after write %d: %d ledger entries remain", after, n-before)
				}
			}
			// An invalid last event fails after the leading entries were appended in the
			// transaction: they go with it.
			before := size()
			ghost, _ := proposal("op-ghost")
			create, err := s.createOperationStep(op, ghost, dea)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.ApplyMulti(ctx, func(ctx context.Context, tx *sql.Tx) ([]ledger.Event, error) {
				ev, err := create(ctx, tx)
				if err != nil {
					return nil, err
				}
				return []ledger.Event{ev,
					{Actor: dea, Action: "test.ok", RecordType: "test_multi", RecordID: "a", Content: ledger.NoContent},
					{Actor: dea, Action: "test.ok", RecordType: "test_multi", RecordID: "b", Content: ledger.NoContent},
					{Actor: dea, Action: "Not A Token", RecordType: "test_multi", RecordID: "c", Content: ledger.NoContent},
				}, nil
			})
			if !errors.Is(err, ledger.ErrInvalidEntry) {
				t.Fatalf("invalid last event: %v", err)
			}
			if n := size(); n != before {
				t.Errorf("invalid last event: %d ledger entries remain", n-before)
			}
			if n := rows("op-ghost"); n != 0 {
				t.Errorf("invalid last event: the change remains")
			}

			// Without a fault, all of it, with one entry per record, in order.
			m, reqs := proposal("op-ok")
			before = size()
			seqs, err := s.ProposeOperation(ctx, op, m, "op-ok/d0", d, m.Created, reqs, dea)
			if err != nil {
				t.Fatal(err)
			}
			if len(seqs) != 4 || size() != before+4 {
				t.Fatalf("seqs %v, ledger %d → %d", seqs, before, size())
			}
			for i, want := range []string{"operation.plan", "policy.decide", "consent.request", "consent.request"} {
				if e := lastEntry(t, s, seqs[i]); e.Action != want {
					t.Errorf("entry %d: %s, want %s", i, e.Action, want)
				}
			}
			reader := access.User{ID: 1, Name: "amp", State: "PAN", Agency: "AMP", Roles: []access.Role{access.RoleApprover}}
			if _, err := s.OperationFor(ctx, reader, "op-ok"); err != nil {
				t.Errorf("the state asked does not read the operation: %v", err)
			}
			if _, err := s.ProposeOperation(ctx, op, m, "op-ok/d1", d, m.Created, nil, dea); !errors.Is(err, ErrAlreadyRecorded) {
				t.Errorf("second proposal under the same id: %v", err)
			}
			if rep := verifyStore(t, s); !rep.OK() {
				t.Fatalf("ledger does not verify: %v", rep.Problems)
			}
		})
	}
}
