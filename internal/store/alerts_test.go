package store

import (
	"context"
	"math"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
	"accord/internal/ledger"
)

func TestAlerts(t *testing.T) {
	for name, newCfg := range ledgerDialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, newCfg(t))
			s.RegisterRecordSource(AlertRecordType, s.AlertRecords())
			actor := ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}
			mark := AlertMarking{Originator: "SEMAR", TLP: "GREEN"}
			t0 := time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC)
			speed := detect.Alert{ID: "a1", Kind: detect.KindSpeed, Severity: detect.SeverityHigh, MMSI: []uint32{334000001},
				Start: t0, End: t0.Add(time.Minute), Lat: 19.2, Lon: -86.3, State: "MEX", Zone: "eez", Authority: "SEMAR",
				ShoreNM: 63, Open: true, Evidence: []detect.Evidence{{MMSI: 334000001, Time: t0, Lat: 19.2, Lon: -86.3, SOG: 38, COG: math.NaN()}}}
			enc := detect.Alert{ID: "a2", Kind: detect.KindEncounter, Severity: detect.SeverityHigh, MMSI: []uint32{345000001, 356000002},
				Start: t0.Add(time.Hour), End: t0.Add(4 * time.Hour), Lat: 22.8, Lon: -95.2, State: "MEX", Zone: "eez", Authority: "SEMAR", ShoreNM: math.NaN()}
			for _, a := range []detect.Alert{speed, enc} {
				if _, err := s.PutAlert(ctx, a, mark, actor); err != nil {
					t.Fatal(err)
				}
			}
			// the final version of the open alert replaces it
			speed.Open, speed.End = false, t0.Add(2*time.Hour)
			seq, err := s.PutAlert(ctx, speed, mark, actor)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := s.Ledger().Reader.Entry(ctx, seq)
			if err != nil {
				t.Fatal(err)
			}
			e, err := ledger.ParseEntry(raw)
			if err != nil {
				t.Fatal(err)
			}
			if e.Action != "alert.update" || e.RecordType != AlertRecordType || e.RecordID != "a1" {
				t.Errorf("ledger entry %+v", e)
			}
			reader := access.User{ID: 9, Name: "w", Agency: "USCG", State: "USA", Roles: []access.Role{access.RoleWatchOfficer}}
			all, err := s.Alerts(ctx, reader, AlertQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 2 || all[0].ID != "a2" || all[1].ID != "a1" || all[1].Open || !all[1].End.Equal(speed.End) ||
				!math.IsNaN(all[1].Evidence[0].COG) || all[1].Evidence[0].SOG != 38 {
				t.Fatalf("alerts %+v", all)
			}
			for _, c := range []struct {
				q    AlertQuery
				want int
			}{
				{AlertQuery{Kind: detect.KindEncounter}, 1},
				{AlertQuery{MMSI: 356000002}, 1},
				{AlertQuery{MMSI: 356000009}, 0},
				{AlertQuery{From: t0.Add(3 * time.Hour)}, 1},
				{AlertQuery{To: t0.Add(30 * time.Minute)}, 1},
				{AlertQuery{HasBox: true, MinLon: -90, MaxLon: -80, MinLat: 15, MaxLat: 20}, 1},
				{AlertQuery{Limit: 1}, 1},
			} {
				got, err := s.Alerts(ctx, reader, c.q)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != c.want {
					t.Errorf("%+v: %d alerts, want %d", c.q, len(got), c.want)
				}
			}
			if _, err := s.PutAlert(ctx, detect.Alert{ID: "bad", Kind: "smuggling", Severity: "high", MMSI: []uint32{1}, Start: t0, End: t0}, mark, actor); err == nil {
				t.Error("an alert of unknown kind was stored")
			}
			rep := verifyStore(t, s)
			if !rep.OK() || rep.Records < 2 {
				t.Errorf("ledger verification: %+v", rep)
			}
			// an alert changed behind the ledger's back is found
			if _, err := s.led.write.ExecContext(ctx, s.Rebind(`UPDATE alerts SET body = ? WHERE id = ?`), "{}", "a2"); err != nil {
				t.Fatal(err)
			}
			if rep := verifyStore(t, s); rep.OK() {
				t.Error("verification missed a tampered alert")
			}
		})
	}
}
