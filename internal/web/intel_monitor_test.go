package web

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/store"
)

// TestMonitorRedactedView checks the monitor's report list: redacted rows (the state of the
// place from the jurisdiction engine, never the position or text), paging with the cursor,
// filters, and 403 on full reports and attachments.
func TestMonitorRedactedView(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv, sv := newIntelServer(t, st, nil)
		srv.cfg.Jurisdiction = func() (Locator, error) { return &fakeLocator{}, nil }
		if _, err := sv.AddUser(ctx, store.System, store.NewUser{Name: "mon", Agency: "FGR", Roles: []access.Role{access.RoleMonitor}, Password: "monitor password"}); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		var ids []int64
		for i := 0; i < 5; i++ {
			lon := -97.0 // the fake engine: MEX west of 95°W, high seas east of it
			if i%2 == 1 {
				lon = -94
			}
			id, err := sv.CreateReport(ctx, store.System, intel.Report{Markings: access.Markings{Originator: "SEMAR", TLP: access.TLPAmber, RelTo: []access.Target{{Type: access.TargetState, Value: "MEX"}}},
				Discipline: intel.HUMINT, Grade: access.Grade{Reliability: 'B', Credibility: 2}, Observed: now.Add(-time.Duration(i) * time.Hour),
				Location: &intel.Point{Lat: 20.123456, Lon: lon}, Place: "Secret cove", Title: "Secret title", Text: "Secret informant text"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		// Not releasable to FGR: never listed, not even redacted.
		if _, err := sv.CreateReport(ctx, store.System, intel.Report{Markings: access.Markings{Originator: "USCG", TLP: access.TLPAmber, RelTo: []access.Target{{Type: access.TargetState, Value: "USA"}}},
			Discipline: intel.HUMINT, Grade: access.Grade{Reliability: 'B', Credibility: 2}, Observed: now, Title: "US only"}, nil); err != nil {
			t.Fatal(err)
		}
		rec := call(t, srv, "POST", "/api/v1/login", map[string]string{"name": "mon", "password": "monitor password", "kind": "token"})
		var lr struct{ Token string }
		if json.Unmarshal(rec.Body.Bytes(), &lr); lr.Token == "" {
			t.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
		bearer := "Authorization: Bearer " + lr.Token
		var got []int64
		next := ""
		for page := 0; page < 5; page++ {
			target := "/api/v1/reports?discipline=HUMINT&limit=2"
			if next != "" {
				target += "&before=" + next
			}
			rec := call(t, srv, "GET", target, nil, bearer)
			if rec.Code != 200 {
				t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
			}
			for _, secret := range []string{"Secret", "20.12", "cove", "rel_to", "markings"} {
				if strings.Contains(rec.Body.String(), secret) {
					t.Errorf("redacted list shows %q: %s", secret, rec.Body)
				}
			}
			var body struct {
				Reports []redactedJSON `json:"reports"`
				Next    string         `json:"next"`
			}
			json.Unmarshal(rec.Body.Bytes(), &body)
			for _, r := range body.Reports {
				got = append(got, r.ID)
				wantState := "MEX"
				if (r.ID-ids[0])%2 == 1 {
					wantState = ""
				}
				if r.PlaceState != wantState || r.Originator != "SEMAR" || r.TLP != "AMBER" || r.Grade != "B2" || r.Discipline != "HUMINT" || r.Observed == "" {
					t.Errorf("redacted row %+v (want place_state %q)", r, wantState)
				}
			}
			if next = body.Next; next == "" {
				break
			}
		}
		if len(got) != len(ids) {
			t.Fatalf("monitor paged through %v, want %v", got, ids)
		}
		for i := range ids {
			if got[i] != ids[i] {
				t.Fatalf("monitor paged through %v, want %v", got, ids)
			}
		}
		if rec := call(t, srv, "GET", "/api/v1/reports?tlp=GREEN", nil, bearer); rec.Code != 200 || strings.Contains(rec.Body.String(), `"id"`) {
			t.Errorf("monitor list filtered to GREEN: %d %s", rec.Code, rec.Body)
		}
		for _, target := range []string{"/api/v1/reports/" + strconv.FormatInt(ids[0], 10), "/api/v1/reports/999999",
			"/api/v1/reports/" + strconv.FormatInt(ids[0], 10) + "/attachments/" + strings.Repeat("ab", 32), "/api/v1/reports?entity=1"} {
			if rec := call(t, srv, "GET", target, nil, bearer); rec.Code != 403 {
				t.Errorf("%s as monitor: %d %s, want 403", target, rec.Code, rec.Body)
			}
		}
		// The redacted read of AMBER records is on the read log.
		if err := st.FlushReads(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM read_log WHERE via = 'redacted'`).Scan(&n); err != nil || n != len(ids) {
			t.Errorf("read log: %d redacted reads logged (%v), want %d", n, err, len(ids))
		}
	})
}
