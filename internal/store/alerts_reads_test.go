package store

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
	"accord/internal/ledger"
	"accord/internal/ops"
)

// TestMarkedReadLog checks that reading an AMBER alert, case or operation, by list or by id,
// appends one read entry per record (reader, record, level, path) and that reading a GREEN
// one appends none.
func TestMarkedReadLog(t *testing.T) {
	for name, newCfg := range ledgerDialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, newCfg(t))
			s.RegisterRecordSource(AlertRecordType, s.AlertRecords())
			sys := ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}
			t0 := time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC)
			mex := []access.Target{{Type: access.TargetState, Value: "MEX"}}
			for _, a := range []struct {
				id, tlp string
			}{{"al-green", "GREEN"}, {"al-amber", "AMBER"}} {
				al := detect.Alert{ID: a.id, Kind: detect.KindSpeed, Severity: detect.SeverityHigh, MMSI: []uint32{345000001},
					Start: t0, End: t0.Add(time.Hour), Lat: 22.1, Lon: -95.3, State: "MEX", Zone: "eez"}
				if _, err := s.PutAlert(ctx, al, AlertMarking{Originator: "SEMAR", TLP: a.tlp, RelTo: mex}, sys); err != nil {
					t.Fatal(err)
				}
			}
			semar := officer(1, "SEMAR", "MEX")
			reads := func(recordType, id string) int {
				t.Helper()
				return countRows(t, s, `SELECT COUNT(*) FROM ledger_entries WHERE record_type = ? AND record_id = ?`, recordType, id)
			}
			allReads := func() int {
				t.Helper()
				return countRows(t, s, `SELECT COUNT(*) FROM ledger_entries WHERE record_type IN (?, ?, ?)`,
					AlertReadRecordType, CaseReadRecordType, OperationReadRecordType)
			}

			// Alerts.
			if _, err := s.Alert(ctx, semar, "al-green"); err != nil {
				t.Fatal(err)
			}
			if n := allReads(); n != 0 {
				t.Fatalf("reading a GREEN alert logged %d reads", n)
			}
			if _, err := s.Alert(ctx, semar, "al-amber"); err != nil {
				t.Fatal(err)
			}
			if n := reads(AlertReadRecordType, "al-amber"); n != 1 {
				t.Fatalf("get of an AMBER alert: %d read entries, want 1", n)
			}
			list, err := s.Alerts(ctx, semar, AlertQuery{})
			if err != nil || len(list) != 2 {
				t.Fatalf("alerts %v %v", list, err)
			}
			if n, g := reads(AlertReadRecordType, "al-amber"), reads(AlertReadRecordType, "al-green"); n != 2 || g != 0 {
				t.Fatalf("after a list: %d reads of the AMBER alert (want 2), %d of the GREEN one (want 0)", n, g)
			}
			// A user who may not read the AMBER alert logs nothing.
			if _, err := s.Alerts(ctx, officer(2, "USCG", "USA"), AlertQuery{}); err != nil {
				t.Fatal(err)
			}
			if n := reads(AlertReadRecordType, "al-amber"); n != 2 {
				t.Fatalf("a list without the AMBER alert logged a read of it (%d)", n)
			}
			e := lastEntry(t, s, lastSeq(t, s, AlertReadRecordType, "al-amber"))
			if e.Action != ReadAction || e.Actor.User != semar.Name || e.Actor.Agency != "SEMAR" || len(e.Meta) != 2 ||
				e.Meta[0] != (ledger.Meta{Key: "tlp", Value: "AMBER"}) || e.Meta[1] != (ledger.Meta{Key: "via", Value: "list"}) {
				t.Fatalf("read entry %+v", e)
			}

			// Cases: opened AMBER; a second one made GREEN for the test.
			cAmber, _, err := s.OpenCase(ctx, semar, "al-amber", t0)
			if err != nil {
				t.Fatal(err)
			}
			cGreen, _, err := s.OpenCase(ctx, semar, "al-green", t0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
				_, err := tx.ExecContext(ctx, s.Rebind(`UPDATE cases SET tlp = 'GREEN' WHERE id = ?`), cGreen.ID)
				return ledger.Event{Actor: sys, Action: "test.fixture", RecordType: "test_fixture", RecordID: cGreen.ID, Content: ledger.NoContent}, err
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Case(ctx, semar, cGreen.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Case(ctx, semar, cAmber.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Cases(ctx, semar, "", 0); err != nil {
				t.Fatal(err)
			}
			if n, g := reads(CaseReadRecordType, cAmber.ID), reads(CaseReadRecordType, cGreen.ID); n != 2 || g != 0 {
				t.Fatalf("cases: %d reads of the AMBER case (want 2), %d of the GREEN one (want 0)", n, g)
			}

			// Operations.
			dea := ledger.Actor{User: "dea", Agency: "DEA", State: "USA"}
			op := &ops.Operation{Type: ops.LiaisonMeeting, Place: ops.Place{Point: &ops.Point{Lat: 19.43, Lon: -99.13}},
				Start: t0, End: t0.Add(2 * time.Hour), ForceLevel: 1,
				Participants: []ops.Participant{{State: "MEX", Agency: "SSPC", Kind: ops.Officer, Count: 2}, {State: "USA", Agency: "DEA", Kind: ops.Agent, Count: 2}}}
			for _, m := range []ops.Meta{
				{ID: "op-amber", Originator: "DEA", OriginatorState: "USA", TLP: "AMBER", CreatedBy: "dea", Created: t0, Audience: []string{"USA", "MEX"}},
				{ID: "op-green", Originator: "DEA", OriginatorState: "USA", TLP: "GREEN", CreatedBy: "dea", Created: t0, Audience: []string{"USA", "MEX"}},
			} {
				if _, err := s.CreateOperation(ctx, op, m, dea); err != nil {
					t.Fatal(err)
				}
			}
			reader := access.User{ID: 7, Name: "sre", State: "MEX", Agency: "SRE", Roles: []access.Role{access.RoleLegal}}
			if _, err := s.OperationFor(ctx, reader, "op-green"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.OperationFor(ctx, reader, "op-amber"); err != nil {
				t.Fatal(err)
			}
			if recs, err := s.OperationsFor(ctx, reader, OperationQuery{}); err != nil || len(recs) != 2 {
				t.Fatalf("operations %v %v", recs, err)
			}
			if n, g := reads(OperationReadRecordType, "op-amber"), reads(OperationReadRecordType, "op-green"); n != 2 || g != 0 {
				t.Fatalf("operations: %d reads of the AMBER operation (want 2), %d of the GREEN one (want 0)", n, g)
			}
			e = lastEntry(t, s, lastSeq(t, s, OperationReadRecordType, "op-amber"))
			if e.Actor.User != "sre" || e.Actor.State != "MEX" {
				t.Fatalf("operation read entry %+v", e)
			}
			if n := allReads(); n != 6 {
				t.Fatalf("%d read entries, want 6", n)
			}
			if rep := verifyStore(t, s); !rep.OK() {
				t.Fatalf("ledger does not verify after reads: %v", rep.Problems)
			}
		})
	}
}

// lastSeq returns the seq of the last entry of a record.
func lastSeq(t *testing.T, s *Store, recordType, id string) int64 {
	t.Helper()
	var seq int64
	if err := s.ReadDB().QueryRowContext(context.Background(), s.Rebind(`SELECT MAX(seq) FROM ledger_entries WHERE record_type = ? AND record_id = ?`),
		recordType, id).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}
