package store

import (
	"context"
	"strconv"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// registerAll registers every record source of the store, as `accord ledger verify` does.
func registerAll(s *Store) {
	for _, t := range SovereigntyRecordTypes {
		s.RegisterRecordSource(t, s.SovereigntyRecords())
	}
	s.RegisterRecordSource(AlertRecordType, s.AlertRecords())
}

// TestSovereigntyRecordsVerify writes one record of each sovereignty type (the user through
// every kind of change) and an alert, checks that the untouched log verifies with their
// sources, then edits each directly in the database and checks that verification names it.
func TestSovereigntyRecordsVerify(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		registerAll(s)
		sv := s.Sovereignty()
		mustSeed(t, sv)
		ana, err := sv.AddUser(ctx, System, NewUser{Name: "ana", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		bob, err := sv.AddUser(ctx, System, NewUser{Name: "bob", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		cat, err := sv.AddUser(ctx, System, NewUser{Name: "cat", Agency: "USCG", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		dan, err := sv.AddUser(ctx, System, NewUser{Name: "dan", Agency: "USCG", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if err := sv.SetRoles(ctx, System, "bob", []access.Role{access.RoleAnalyst, access.RoleLegal}); err != nil {
			t.Fatal(err)
		}
		if err := sv.SetDisabled(ctx, System, "cat", true); err != nil {
			t.Fatal(err)
		}
		if err := sv.SetPassword(ctx, System, "dan", "another long password"); err != nil {
			t.Fatal(err)
		}
		m := access.Markings{Originator: "SEMAR", TLP: access.TLPAmber, RelTo: []access.Target{{Type: access.TargetState, Value: "USA"}}}
		e1, err := sv.CreateEntity(ctx, ana, intel.Entity{Kind: intel.Person, Name: "El Jefe", Aliases: []string{"Don J"}, Markings: m})
		if err != nil {
			t.Fatal(err)
		}
		e2, err := sv.CreateEntity(ctx, ana, intel.Entity{Kind: intel.Cartel, Name: "Cartel del Golfo", Markings: m})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		rid, err := sv.CreateReport(ctx, ana, intel.Report{Markings: m, Discipline: intel.HUMINT, Grade: access.Grade{Reliability: 'B', Credibility: 2},
			Source: "src-1", Observed: now, Place: "Tampico", Title: "Meeting in Tampico", Text: "At the port."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		lid, err := sv.CreateLink(ctx, ana, intel.Link{Source: e1, Target: e2, Kind: "leads", ValidFrom: now.AddDate(-1, 0, 0), Markings: m})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutAlert(ctx, detect.Alert{ID: "al-1", Kind: detect.KindSpeed, Severity: detect.SeverityHigh, MMSI: []uint32{334000001},
			Start: now, End: now.Add(time.Minute), Lat: 19.2, Lon: -86.3, State: "MEX", Zone: "eez", Authority: "SEMAR", Open: true},
			AlertMarking{Originator: "SEMAR", TLP: "GREEN"}, ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}); err != nil {
			t.Fatal(err)
		}
		rep := verifyStore(t, s)
		if !rep.OK() {
			t.Fatalf("untouched log: %v", rep.Problems)
		}
		if rep.Unchecked > 0 {
			t.Logf("%d records of types without a source", rep.Unchecked)
		}

		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		for _, tc := range []struct {
			typ, id, sql string
			args         []any
		}{
			{"state", "MEX", `UPDATE states SET name = 'Mexique' WHERE code = 'MEX'`, nil},
			{"agency", "USCG", `UPDATE agencies SET name = 'Someone else' WHERE code = 'USCG'`, nil},
			{"user", id(ana.ID), `UPDATE user_roles SET role = 'admin' WHERE user_id = ?`, []any{ana.ID}},
			{"user", id(bob.ID), `UPDATE users SET agency = 'USCG' WHERE id = ?`, []any{bob.ID}},
			{"user", id(cat.ID), `UPDATE users SET disabled = 0 WHERE id = ?`, []any{cat.ID}},
			{"user", id(dan.ID), `UPDATE users SET name = 'dan2' WHERE id = ?`, []any{dan.ID}},
			{"entity", id(e1), `UPDATE entities SET content_sha256 = ? WHERE id = ?`, []any{make([]byte, 32), e1}},
			{"entity", id(e2), `UPDATE entities SET content_sha256 = ? WHERE id = ?`, []any{[]byte("short"), e2}},
			{"link", id(lid), `DELETE FROM links WHERE id = ?`, []any{lid}},
			{"report", id(rid), `UPDATE reports SET content_sha256 = ? WHERE id = ?`, []any{make([]byte, 32), rid}},
			{"alert", "al-1", `UPDATE alerts SET body = replace(body, 'SEMAR', 'SEMAR ') WHERE id = 'al-1'`, nil},
		} {
			if _, err := s.led.write.ExecContext(ctx, s.Rebind(tc.sql), tc.args...); err != nil {
				t.Fatalf("%s: %v", tc.sql, err)
			}
			rep := verifyStore(t, s)
			found := false
			for _, p := range rep.Problems {
				if p.RecordType == tc.typ && p.RecordID == tc.id &&
					(p.Kind == ledger.ProblemEditedRecord || p.Kind == ledger.ProblemDeletedRecord) {
					found = true
				}
			}
			if !found {
				t.Errorf("after %s: verification did not name %s/%s: %v", tc.sql, tc.typ, tc.id, rep.Problems)
			}
		}
	})
}
