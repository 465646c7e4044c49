package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
)

// lastEntry returns the ledger entry at seq.
func lastEntry(t *testing.T, s *Store, seq int64) *ledger.Entry {
	t.Helper()
	raw, err := s.Ledger().Reader.Entry(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ledger.ParseEntry(raw)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestOperationRecords covers the markings and audience of operations (who reads them), the
// consent inbox, liaison reports and reminders and outcomes, on both dialects; every write has
// its ledger entry and is verifiable.
func TestOperationRecords(t *testing.T) {
	for name, newCfg := range ledgerDialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, newCfg(t))
			dea := ledger.Actor{User: "dea", Agency: "DEA", State: "USA"}
			sre := ledger.Actor{User: "sre", Agency: "SRE", State: "MEX"}
			t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
			meeting := &ops.Operation{Type: ops.LiaisonMeeting, Place: ops.Place{Point: &ops.Point{Lat: 19.43, Lon: -99.13}},
				Start: t0, End: t0.Add(2 * time.Hour), ForceLevel: 1,
				Participants: []ops.Participant{{State: "MEX", Agency: "SSPC", Kind: ops.Officer, Count: 2}, {State: "USA", Agency: "DEA", Kind: ops.Agent, Count: 2}}}
			meta := ops.Meta{ID: "op-m", Originator: "DEA", OriginatorState: "USA", TLP: "AMBER", CreatedBy: "dea",
				Created: t0.Add(-72 * time.Hour), Audience: []string{"USA", "MEX", "USA"}}
			seq, err := s.CreateOperation(ctx, meeting, meta, dea)
			if err != nil {
				t.Fatal(err)
			}
			if e := lastEntry(t, s, seq); e.Action != "operation.plan" || e.RecordID != "op-m" {
				t.Fatalf("entry %+v", e)
			}
			if _, err := s.CreateOperation(ctx, meeting, meta, dea); !errors.Is(err, ErrAlreadyRecorded) {
				t.Fatalf("second create: %v", err)
			}
			for _, bad := range []ops.Meta{{ID: "op-x", Originator: "DEA", TLP: "RED", Audience: []string{"USA"}},
				{ID: "op-x", Originator: "DEA", TLP: "AMBER"}, {ID: "op-x", Originator: "DEA", TLP: "AMBER", Audience: []string{"Mexico"}}} {
				if _, err := s.CreateOperation(ctx, meeting, bad, dea); !errors.Is(err, access.ErrInvalid) {
					t.Errorf("meta %+v: %v", bad, err)
				}
			}
			// A flag-state consent request names no authority; it is stored (no empty metadata)
			// and adds its state to the audience.
			req := ops.ConsentRequest{ID: "op-m-PAN-flag_state", OperationID: "op-m", State: "PAN", Role: policy.RoleFlag,
				RequestedBy: "dea", RequestedAt: t0.Add(-72 * time.Hour),
				Scope: ops.Consent{State: "PAN", Start: meeting.Start, End: meeting.End, MaxForceLevel: 1}}
			if _, err := s.PutConsentRequest(ctx, req, dea); err != nil {
				t.Fatal(err)
			}
			host := req
			host.ID, host.State, host.Authority, host.Role = "op-m-MEX-host", "MEX", "SRE/GANSEG", policy.RoleHost
			host.Scope.State, host.Scope.Authority = "MEX", "SRE/GANSEG"
			if _, err := s.PutConsentRequest(ctx, host, dea); err != nil {
				t.Fatal(err)
			}

			// Who reads it.
			reader := func(state, agency string, roles ...access.Role) access.User {
				return access.User{ID: 1, Name: "u", State: state, Agency: agency, Roles: roles}
			}
			reads := []struct {
				u    access.User
				want bool
			}{
				{reader("MEX", "SEMAR", access.RoleAnalyst), true},
				{reader("USA", "CBP", access.RoleAnalyst), true},
				{reader("PAN", "SENAN", access.RoleApprover), true}, // asked for consent
				{reader("GTM", "PNC", access.RoleAnalyst, access.RoleOversight), false},
				{reader("GTM", "DEA", access.RoleAnalyst), true}, // the originating agency (whatever its state)
				{reader("MEX", "SRE", access.RoleMonitor), false},
				{reader("MEX", "SRE"), false},
			}
			for _, tc := range reads {
				_, err := s.OperationFor(ctx, tc.u, "op-m")
				list, lerr := s.OperationsFor(ctx, tc.u, OperationQuery{})
				if lerr != nil {
					t.Fatal(lerr)
				}
				if (err == nil) != tc.want || (len(list) == 1) != tc.want {
					t.Errorf("%+v reads: %v, lists %d, want %v", tc.u, err, len(list), tc.want)
				}
				if err != nil && !errors.Is(err, ErrNotFound) {
					t.Errorf("%+v: %v, want ErrNotFound", tc.u, err)
				}
			}
			rec, err := s.OperationFor(ctx, reader("MEX", "SEMAR", access.RoleAnalyst), "op-m")
			if err != nil || !slices.Equal(rec.Audience, []string{"MEX", "PAN", "USA"}) || rec.Originator != "DEA" || !rec.Created.Equal(meta.Created) {
				t.Fatalf("record %+v %v", rec.Meta, err)
			}
			if err := OperationMarkings(rec.Meta).Validate(); err != nil {
				t.Fatal(err)
			}
			if l, _ := s.OperationsFor(ctx, reader("MEX", "SEMAR", access.RoleAnalyst), OperationQuery{Type: ops.Arrest}); len(l) != 0 {
				t.Errorf("type filter: %d", len(l))
			}

			// Inbox.
			in, err := s.ConsentInbox(ctx, "MEX", true, 0)
			if err != nil || len(in) != 1 || in[0].Request.ID != "op-m-MEX-host" || in[0].Status(t0) != "pending" {
				t.Fatalf("MEX inbox %+v %v", in, err)
			}
			grant := ops.ConsentDecision{RequestID: host.ID, Granted: true, Scope: host.Scope, DecidedBy: "sre", DeciderState: "MEX", DecidedAt: t0.Add(-48 * time.Hour)}
			if _, err := s.DecideConsent(ctx, grant, sre); err != nil {
				t.Fatal(err)
			}
			if in, _ := s.ConsentInbox(ctx, "MEX", true, 0); len(in) != 0 {
				t.Errorf("pending after the answer: %+v", in)
			}
			if in, _ := s.ConsentInbox(ctx, "MEX", false, 0); len(in) != 1 || in[0].Decision == nil || in[0].Status(t0) != "granted" {
				t.Errorf("all after the answer: %+v", in)
			}
			if c, err := s.ConsentRequestByID(ctx, "op-m-PAN-flag_state"); err != nil || c.Decision != nil {
				t.Errorf("flag request %+v %v", c, err)
			}
			if _, err := s.ConsentRequestByID(ctx, "nope"); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing request: %v", err)
			}

			// Liaison: only approved meetings owe a report.
			if _, err := s.RecordPolicyDecision(ctx, "op-m/d0", "op-m", policy.Decision{Decision: policy.NeedsConsent, PolicyVersion: "sha256:00"}, t0.Add(-72*time.Hour), dea); err != nil {
				t.Fatal(err)
			}
			after := t0.Add(3 * time.Hour)
			if fs, _ := s.LiaisonFollowUps(ctx, nil, after, 0); len(fs) != 0 {
				t.Fatalf("a meeting not approved owes a report: %+v", fs)
			}
			if _, err := s.RecordPolicyDecision(ctx, "op-m/d1", "op-m", policy.Decision{Decision: policy.Allow, PolicyVersion: "sha256:00"}, t0.Add(-48*time.Hour), sre); err != nil {
				t.Fatal(err)
			}
			if ds, err := s.PolicyDecisions(ctx, "op-m"); err != nil || len(ds) != 2 || ds[1].Decision != policy.Allow || len(ds[1].Body) == 0 {
				t.Fatalf("decisions %+v %v", ds, err)
			}
			if fs, _ := s.LiaisonFollowUps(ctx, nil, t0.Add(time.Hour), 0); len(fs) != 0 {
				t.Fatalf("before its end: %+v", fs)
			}
			if n, err := s.RemindLiaisonReports(ctx, t0.Add(time.Hour), dea); err != nil || n != 0 {
				t.Fatalf("reminders before the end: %d %v", n, err)
			}
			size := func() int64 { n, _ := s.LedgerReader().Size(ctx); return n }
			before := size()
			if n, err := s.RemindLiaisonReports(ctx, after, ledger.Actor{User: "system", Agency: "node", State: "node"}); err != nil || n != 1 {
				t.Fatalf("reminders: %d %v", n, err)
			}
			if n, err := s.RemindLiaisonReports(ctx, after.Add(time.Hour), ledger.Actor{User: "system", Agency: "node", State: "node"}); err != nil || n != 0 {
				t.Fatalf("second round of reminders: %d %v", n, err)
			}
			if got := size() - before; got != 1 {
				t.Fatalf("%d ledger entries for one reminder", got)
			}
			if e := lastEntry(t, s, before); e.Action != "liaison.remind" || e.RecordID != "op-m" {
				t.Fatalf("reminder entry %+v", e)
			}
			fs, err := s.LiaisonFollowUps(ctx, ptr(reader("MEX", "SRE", access.RoleMonitor)), after, 0)
			if err != nil || len(fs) != 1 || fs[0].Reminder == nil || fs[0].Status(after) != ops.LiaisonDue || fs[0].Status(after.Add(72*time.Hour)) != ops.LiaisonOverdue {
				t.Fatalf("follow-ups %+v %v", fs, err)
			}
			if fs, _ := s.LiaisonFollowUps(ctx, ptr(reader("GTM", "PNC", access.RoleOversight)), after, 0); len(fs) != 0 {
				t.Fatalf("GTM sees %+v", fs)
			}
			due, _ := ops.LiaisonReportDue(meeting)
			rep := ops.LiaisonReport{OperationID: "op-m", Summary: "precursors", Attendees: []string{"attaché"}, SubmittedBy: "dea", Agency: "DEA",
				SubmittedAt: due.Add(time.Hour), Due: due, Late: true}
			bad := rep
			bad.Late = false
			if _, err := s.SubmitLiaisonReport(ctx, bad, dea); err == nil {
				t.Fatal("a late report marked on time was stored")
			}
			if seq, err = s.SubmitLiaisonReport(ctx, rep, dea); err != nil {
				t.Fatal(err)
			}
			if e := lastEntry(t, s, seq); e.Action != "liaison.report" {
				t.Fatalf("report entry %+v", e)
			}
			if _, err := s.SubmitLiaisonReport(ctx, rep, dea); !errors.Is(err, ErrAlreadyRecorded) {
				t.Fatalf("second report: %v", err)
			}
			if got, err := s.LiaisonReport(ctx, "op-m"); err != nil || got.Summary != "precursors" || !got.Late {
				t.Fatalf("report read back %+v %v", got, err)
			}

			// Outcome.
			out := ops.Outcome{OperationID: "op-m", Seizures: []ops.Seizure{}, ForceUsed: 2, RecordedBy: "dea", Agency: "DEA",
				RecordedAt: t0.Add(3 * time.Hour), AuthorisedForce: 1, ForceExceeded: true, Decision: policy.Allow}
			if seq, err = s.RecordOutcome(ctx, out, dea); err != nil {
				t.Fatal(err)
			}
			if e := lastEntry(t, s, seq); e.Action != "operation.outcome" || !slices.Contains(e.Meta, ledger.Meta{Key: "force_exceeded", Value: "true"}) {
				t.Fatalf("outcome entry %+v", e)
			}
			if _, err := s.RecordOutcome(ctx, out, dea); !errors.Is(err, ErrAlreadyRecorded) {
				t.Fatalf("second outcome: %v", err)
			}
			if _, err := s.RecordOutcome(ctx, ops.Outcome{OperationID: "op-none", ForceUsed: 1}, dea); !errors.Is(err, ErrNotFound) {
				t.Fatalf("outcome of a missing operation: %v", err)
			}
			if got, err := s.Outcome(ctx, "op-m"); err != nil || !got.ForceExceeded {
				t.Fatalf("outcome read back %+v %v", got, err)
			}

			// Every record is listed for verification with its current hash.
			src := s.OperationRecords()
			seen := map[string]int{}
			if err := src.EachRecord(ctx, func(rt, id string) error {
				if _, found, err := src.CurrentHash(ctx, rt, id); err != nil || !found {
					t.Errorf("%s %s: %v %v", rt, id, found, err)
				}
				seen[rt]++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, rt := range []string{LiaisonReportRecordType, LiaisonReminderRecordType, OutcomeRecordType} {
				if seen[rt] != 1 {
					t.Errorf("%s: %d records listed", rt, seen[rt])
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
