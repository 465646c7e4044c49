package store

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// TestVerifyIntelTamper writes entities, a link and reports in the row form, checks that the
// untouched log verifies, then edits each record's stored fields directly in the database
// (not its content_sha256) and checks that verification names that record. A password
// change is checked the same way (its row form covers the stored password hash).
func TestVerifyIntelTamper(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		registerAll(s)
		sv := s.Sovereignty()
		mustSeed(t, sv)
		ana, err := sv.AddUser(ctx, System, NewUser{Name: "ana", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		m := access.Markings{Originator: "SEMAR", TLP: access.TLPAmber,
			RelTo: []access.Target{{Type: access.TargetState, Value: "USA"}, {Type: access.TargetAgency, Value: "SEMAR"}}}
		newEntity := func(name string, aliases ...string) int64 {
			t.Helper()
			id, err := sv.CreateEntity(ctx, ana, intel.Entity{Kind: intel.Person, Name: name, Aliases: aliases, Markings: m,
				Identifiers: []intel.Identifier{{Scheme: intel.Passport, Value: "MEX:G" + strconv.Itoa(len(name)) + "345678"}},
				Location:    &intel.Point{Lat: 22.2551, Lon: -97.8686}})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		eName := newEntity("El Jefe", "Don J", "Abuelo")
		eAlias := newEntity("La Sombra", "Zeta", "Alfa")
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		att := intel.NewAttachment("photo.jpg", "image/jpeg", []byte("not really a jpeg"))
		newReport := func(title string) int64 {
			t.Helper()
			id, err := sv.CreateReport(ctx, ana, intel.Report{Markings: m, Discipline: intel.HUMINT, Grade: access.Grade{Reliability: 'B', Credibility: 2},
				Source: "src-1", Observed: now, Place: "Tampico", Title: title, Text: "At the port.", Location: &intel.Point{Lat: 22.2, Lon: -97.85},
				Entities:    []intel.Mention{{EntityID: eName, Stance: intel.Supports}, {EntityID: eAlias, Stance: intel.Mentions}},
				Attachments: []intel.Attachment{att}}, map[[32]byte][]byte{att.SHA256: []byte("not really a jpeg")})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		rText, rRel, rRelList, rAtt := newReport("one"), newReport("two"), newReport("three"), newReport("four")
		lid, err := sv.CreateLink(ctx, ana, intel.Link{Source: eName, Target: eAlias, Kind: "leads", ValidFrom: now.AddDate(-1, 0, 0),
			ValidTo: now.Add(123456789 * time.Nanosecond), Markings: m})
		if err != nil {
			t.Fatal(err)
		}
		eve, err := sv.AddUser(ctx, System, NewUser{Name: "eve", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst, access.RoleAdmin}, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if err := sv.SetPassword(ctx, System, "eve", "another long password"); err != nil {
			t.Fatal(err)
		}
		rep := verifyStore(t, s)
		if !rep.OK() {
			t.Fatalf("untouched log: %v", rep.Problems)
		}

		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		for _, tc := range []struct {
			name, typ, id, sql string
			args               []any
		}{
			{"report text", "report", id(rText), `UPDATE reports SET body = 'Nothing happened.' WHERE id = ?`, []any{rText}},
			{"entity name", "entity", id(eName), `UPDATE entities SET name = 'Someone else' WHERE id = ?`, []any{eName}},
			{"alias", "entity", id(eAlias), `UPDATE entity_aliases SET alias = 'Beta' WHERE entity_id = ? AND alias = 'Alfa'`, []any{eAlias}},
			{"link validity end", "link", id(lid), `UPDATE links SET valid_to = valid_to + 86400000 WHERE id = ?`, []any{lid}},
			{"report REL TO", "report", id(rRel), `UPDATE rel_to SET target = 'MEX' WHERE kind = 'report' AND record_id = ? AND target = 'USA'`, []any{rRel}},
			{"report REL TO list", "report", id(rRelList), `UPDATE reports SET rel_to_list = 'state:MEX' WHERE id = ?`, []any{rRelList}},
			{"password hash", "user", id(eve.ID), `UPDATE users SET password_hash = password_hash || 'x' WHERE id = ?`, []any{eve.ID}},
			{"report attachment name", "report", id(rAtt), `UPDATE report_attachments SET name = 'other.jpg' WHERE report_id = ?`, []any{rAtt}},
		} {
			res, err := s.led.write.ExecContext(ctx, s.Rebind(tc.sql), tc.args...)
			if err != nil {
				t.Fatalf("%s: %v", tc.sql, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("%s: %d rows changed, want 1", tc.name, n)
			}
			rep := verifyStore(t, s)
			found := false
			for _, p := range rep.Problems {
				if p.RecordType == tc.typ && p.RecordID == tc.id && p.Kind == ledger.ProblemEditedRecord {
					found = true
				}
			}
			if !found {
				t.Errorf("after editing the %s: verification did not name %s/%s: %v", tc.name, tc.typ, tc.id, rep.Problems)
			}
		}
	})
}

// TestVerifyIntelLegacyForm writes an entity the way writers did before the row form (an
// entry without form metadata whose content the row does not determine) and checks that it
// verifies against its stored content_sha256: untouched OK, a rewritten hash reported.
func TestVerifyIntelLegacyForm(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		registerAll(s)
		sv := s.Sovereignty()
		mustSeed(t, sv)
		var id int64
		err := sv.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
			if err := tx.QueryRowContext(ctx, sv.q(`INSERT INTO entities (stix_id, kind, name, originator, tlp, created, created_by, content_sha256)
				VALUES ('identity--legacy', 'person', 'Old', 'SEMAR', 'GREEN', 1, 'system', ?) RETURNING id`), []byte{}).Scan(&id); err != nil {
				return ledger.Event{}, err
			}
			ev, err := event(System, "entity.create", "entity", strconv.FormatInt(id, 10),
				struct{ Created time.Time }{time.Unix(0, 1_000_123)}, ledger.Meta{Key: "tlp", Value: "GREEN"})
			if err != nil {
				return ev, err
			}
			_, err = tx.ExecContext(ctx, sv.q(`UPDATE entities SET content_sha256 = ? WHERE id = ?`), ev.Content[:], id)
			return ev, err
		})
		if err != nil {
			t.Fatal(err)
		}
		if rep := verifyStore(t, s); !rep.OK() {
			t.Fatalf("untouched legacy entity: %v", rep.Problems)
		}
		if _, err := s.led.write.ExecContext(ctx, s.Rebind(`UPDATE entities SET content_sha256 = ? WHERE id = ?`), make([]byte, 32), id); err != nil {
			t.Fatal(err)
		}
		rep := verifyStore(t, s)
		found := false
		for _, p := range rep.Problems {
			found = found || p.RecordType == "entity" && p.RecordID == strconv.FormatInt(id, 10) && p.Kind == ledger.ProblemEditedRecord
		}
		if !found {
			t.Errorf("rewritten stored hash of a legacy entity not reported: %v", rep.Problems)
		}
	})
}
