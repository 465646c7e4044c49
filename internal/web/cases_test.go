package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
	"accord/internal/jurisdiction"
	"accord/internal/ledger"
	"accord/internal/store"
)

// storeAlertReader adapts the store to AlertReader, as `accord serve` does.
type storeAlertReader struct{ st *store.Store }

func (s storeAlertReader) Alerts(ctx context.Context, u access.User, q AlertQuery) ([]detect.Alert, error) {
	return s.st.Alerts(ctx, u, store.AlertQuery{From: q.From, To: q.To, Kind: q.Kind, MMSI: q.MMSI, HasBox: q.HasBox,
		MinLon: q.MinLon, MinLat: q.MinLat, MaxLon: q.MaxLon, MaxLat: q.MaxLat, Limit: q.Limit})
}

func (s storeAlertReader) Alert(ctx context.Context, u access.User, id string) (detect.Alert, error) {
	return s.st.Alert(ctx, u, id)
}

// caseLocator: north of 25.8°N is the US territorial sea, west of 95°W Mexico's EEZ, the rest
// high seas; south of 5°N is outside the covered region.
type caseLocator struct{}

func (caseLocator) Lookup(lat, lon float64) jurisdiction.Answer {
	switch {
	case lat < 5:
		return jurisdiction.Answer{Lat: lat, Lon: lon, Zone: jurisdiction.ZoneUnknown}
	case lat > 25.8:
		return jurisdiction.Answer{Lat: lat, Lon: lon, State: "USA", Zone: jurisdiction.ZoneTerritorialSea, Authority: "USCG"}
	case lon < -95:
		return jurisdiction.Answer{Lat: lat, Lon: lon, State: "MEX", Zone: jurisdiction.ZoneEEZ, Authority: "SEMAR"}
	}
	return jurisdiction.Answer{Lat: lat, Lon: lon, Zone: jurisdiction.ZoneHighSeas}
}

func (caseLocator) WriteZonesGeoJSON(w io.Writer, cellDeg float64) error { return nil }

// caseJSONOf decodes a case answer.
func caseJSONOf(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("case body %s: %v", rec.Body, err)
	}
	return m
}

func TestCaseRoutes(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sv := st.Sovereignty()
		if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		srv, _ := newTestServer(t, func(c *Config) {
			c.NotFound = store.ErrNotFound
			c.Intel = IntelConfig{Store: sv, Sessions: sv}
			c.Cases = st
			c.Alerts = storeAlertReader{st}
			c.Jurisdiction = func() (Locator, error) { return caseLocator{}, nil }
			c.Now = func() time.Time { return now }
		})
		token := func(name, agency string, roles ...access.Role) string {
			u, err := sv.AddUser(ctx, store.System, store.NewUser{Name: name, Agency: agency, Roles: roles, Password: "a long enough password"})
			if err != nil {
				t.Fatal(err)
			}
			tok, _, _, err := sv.Issue(ctx, u, "token", "test", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return "Authorization: Bearer " + tok
		}
		semar := token("semar.wo", "SEMAR", access.RoleWatchOfficer)
		uscg := token("uscg.wo", "USCG", access.RoleWatchOfficer)
		dea := token("dea.analyst", "DEA", access.RoleAnalyst)
		sys := ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}
		put := func(id string, lat, lon float64, state, zone string, mmsi uint32, m store.AlertMarking) {
			a := detect.Alert{ID: id, Kind: detect.KindLoitering, Severity: detect.SeverityMedium, MMSI: []uint32{mmsi},
				Start: now.Add(-5 * time.Hour), End: now.Add(-time.Hour), Lat: lat, Lon: lon, State: state, Zone: zone}
			if _, err := st.PutAlert(ctx, a, m, sys); err != nil {
				t.Fatal(err)
			}
		}
		green := store.AlertMarking{Originator: "SEMAR", TLP: "GREEN"}
		put("mex", 22, -96, "MEX", "eez", 345000001, green)
		put("hs", 24, -90, "", "high_seas", 351000002, green)
		put("usa", 26, -96, "USA", "territorial_sea", 345000003, green)
		put("secret", 22.5, -96, "MEX", "eez", 345000004, store.AlertMarking{Originator: "SEMAR", TLP: "AMBER",
			RelTo: []access.Target{{Type: access.TargetAgency, Value: "SEMAR"}}})
		put("mexonly", 26.1, -96, "USA", "territorial_sea", 345000005, store.AlertMarking{Originator: "SEMAR", TLP: "AMBER",
			RelTo: []access.Target{{Type: access.TargetState, Value: "MEX"}}})

		// Anonymous: 401 on every picture route.
		for _, target := range []string{"/api/v1/cases", "/api/v1/alerts", "/api/v1/alerts/mex", "/api/v1/vessels", "/api/v1/feeds"} {
			if rec := call(t, srv, "GET", target, nil); rec.Code != 401 {
				t.Errorf("anonymous %s: %d", target, rec.Code)
			}
		}
		if rec := call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "mex"}); rec.Code != 401 {
			t.Errorf("anonymous open: %d", rec.Code)
		}
		// USCG never gets the alert released to SEMAR only: list, map box, get, case.
		for _, target := range []string{"/api/v1/alerts", "/api/v1/alerts?bbox=-100,20,-90,25", "/api/v1/alerts?mmsi=345000004"} {
			rec := call(t, srv, "GET", target, nil, uscg)
			if rec.Code != 200 || strings.Contains(rec.Body.String(), `"secret"`) || strings.Contains(rec.Body.String(), "345000004") {
				t.Errorf("USCG %s: %d %s", target, rec.Code, rec.Body)
			}
		}
		if rec := call(t, srv, "GET", "/api/v1/alerts", nil, semar); !strings.Contains(rec.Body.String(), `"secret"`) {
			t.Errorf("SEMAR misses its own alert: %s", rec.Body)
		}
		if rec := call(t, srv, "GET", "/api/v1/alerts/secret", nil, uscg); rec.Code != 404 || strings.Contains(rec.Body.String(), "345000004") {
			t.Errorf("USCG GET secret alert: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "secret"}, uscg); rec.Code != 404 {
			t.Errorf("USCG opened a case from the secret alert: %d %s", rec.Code, rec.Body)
		}
		// An alert released to Mexico only is not routed to USCG (the case would show it to the USA).
		if rec := call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "mexonly"}, semar); rec.Code != 403 || !strings.Contains(rec.Body.String(), "not_releasable") {
			t.Errorf("case from an alert not released to the competent authority: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "mex"}, dea); rec.Code != 403 {
			t.Errorf("an analyst opened a case: %d %s", rec.Code, rec.Body)
		}
		for _, body := range []any{map[string]string{}, map[string]any{"alert_id": "mex", "x": 1}} {
			if rec := call(t, srv, "POST", "/api/v1/cases", body, semar); rec.Code != 400 {
				t.Errorf("open with %v: %d %s", body, rec.Code, rec.Body)
			}
		}

		// Mexican waters: SEMAR's case, released to Mexico only.
		rec := call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "mex"}, semar)
		if rec.Code != 201 {
			t.Fatalf("open: %d %s", rec.Code, rec.Body)
		}
		c := caseJSONOf(t, rec)
		mexID, _ := c["id"].(string)
		if c["authority"] != "SEMAR" || c["status"] != "open" || c["next_actor"] != "MEX" || rec.Header().Get("Location") != "/api/v1/cases/"+mexID {
			t.Fatalf("case %s", rec.Body)
		}
		if rec := call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "mex"}, semar); rec.Code != 200 || caseJSONOf(t, rec)["id"] != mexID {
			t.Errorf("second open: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "GET", "/api/v1/cases/"+mexID, nil, uscg); rec.Code != 404 || strings.Contains(rec.Body.String(), "345000001") {
			t.Errorf("USCG read a Mexican case: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "GET", "/api/v1/cases?authority=SEMAR", nil, uscg); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "[]" {
			t.Errorf("USCG lists SEMAR's cases: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "GET", "/api/v1/cases?authority=SEMAR", nil, semar); rec.Code != 200 || !strings.Contains(rec.Body.String(), mexID) {
			t.Errorf("SEMAR's cases: %d %s", rec.Code, rec.Body)
		}
		for _, target := range []string{"/api/v1/cases?authority=NAVY", "/api/v1/cases?limit=0", "/api/v1/cases?auth=SEMAR"} {
			if rec := call(t, srv, "GET", target, nil, semar); rec.Code != 400 {
				t.Errorf("%s: %d", target, rec.Code)
			}
		}

		// High seas, Panamanian flag: consent before boarding.
		rec = call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "hs"}, semar)
		hs := caseJSONOf(t, rec)
		hsID, _ := hs["id"].(string)
		if rec.Code != 201 || hs["flag"] != "PAN" || hs["authority"] != "SEMAR" {
			t.Fatalf("high seas case: %d %s", rec.Code, rec.Body)
		}
		step := func(who, path string, body any, status int, code, want string) map[string]any {
			t.Helper()
			rec := call(t, srv, "POST", "/api/v1/cases/"+path, body, who)
			if rec.Code != status {
				t.Fatalf("POST %s %v: %d %s, want %d", path, body, rec.Code, rec.Body, status)
			}
			if status != 200 {
				if c, msg := apiError(t, rec); c != code || !strings.Contains(msg, want) {
					t.Errorf("POST %s: %s %q, want %s naming %q", path, c, msg, code, want)
				}
				return nil
			}
			m := caseJSONOf(t, rec)
			if want != "" && m["status"] != want {
				t.Errorf("POST %s: status %v, want %s", path, m["status"], want)
			}
			return m
		}
		step(semar, hsID+"/board", nil, 409, "needs_consent", "flag state's consent")
		step(semar, hsID+"/consent-answer", map[string]bool{"granted": true}, 409, "wrong_state", "without a request")
		step(semar, hsID+"/consent-answer", map[string]any{}, 400, CodeBadRequest, "granted is required")
		step(semar, hsID+"/pursuit", map[string]string{"action": "start"}, 409, "pursuit_start", "own waters")
		step(uscg, hsID+"/consent-request", nil, 404, CodeNotFound, "no such case")
		step(semar, hsID+"/consent-request", nil, 200, "", "awaiting_consent")
		step(semar, hsID+"/consent-answer", map[string]bool{"granted": true}, 200, "", "consent_granted")
		step(semar, hsID+"/consent-answer", map[string]bool{"granted": false}, 409, "already_answered", "already been answered")
		b := step(semar, hsID+"/board", nil, 200, "", "boarded")
		if ev, _ := b["events"].([]any); len(ev) != 4 {
			t.Errorf("events %v", b["events"])
		}

		// Hot pursuit from Mexican waters into the US territorial sea: must stop, hand-over,
		// USCG accepts and boards; SEMAR may not act on it any more.
		step(semar, mexID+"/pursuit", map[string]any{"action": "update", "lat": 26, "lon": -96}, 409, "wrong_state", "pursuit update")
		step(semar, mexID+"/pursuit", map[string]any{"action": "start", "lat": 26, "lon": -96}, 400, CodeBadRequest, "send no lat")
		step(semar, mexID+"/pursuit", map[string]any{"action": "jump"}, 400, CodeBadRequest, `"start" or "update"`)
		step(semar, mexID+"/pursuit", map[string]string{"action": "start"}, 200, "", "pursuit")
		step(semar, mexID+"/pursuit", map[string]any{"action": "update", "lat": 1, "lon": -96}, 422, "unknown_place", "outside")
		step(semar, mexID+"/pursuit", map[string]any{"action": "update", "lat": 24, "lon": -90}, 200, "", "pursuit")
		step(semar, mexID+"/pursuit", map[string]any{"action": "update", "lat": 26, "lon": -96}, 200, "", "pursuit_must_stop")
		step(semar, mexID+"/board", nil, 409, "not_competent", "may not board")
		step(semar, mexID+"/hand-over", nil, 200, "", "handed_over")
		step(semar, mexID+"/accept", nil, 403, "forbidden", "USA acts on this case")
		if rec := call(t, srv, "GET", "/api/v1/cases?authority=USCG", nil, uscg); !strings.Contains(rec.Body.String(), mexID) {
			t.Errorf("the handed-over case is not released to USCG: %s", rec.Body)
		}
		m := step(uscg, mexID+"/accept", nil, 200, "", "open")
		if m["acting_state"] != "USA" || m["authority"] != "USCG" {
			t.Errorf("accepted case %v", m)
		}
		step(semar, mexID+"/board", nil, 403, "forbidden", "USA acts")
		step(uscg, mexID+"/board", nil, 200, "", "boarded")
		step(dea, mexID+"/board", nil, 403, "forbidden", "watch officer")
		// Closing: by the state acting only, with a known outcome and a text note; nothing after.
		step(semar, mexID+"/close", map[string]string{"outcome": "seizure"}, 403, "forbidden", "USA acts")
		step(uscg, mexID+"/close", map[string]string{"outcome": "sunk"}, 400, CodeBadRequest, "outcome must be one of")
		step(uscg, mexID+"/close", map[string]string{}, 400, CodeBadRequest, "outcome must be one of")
		step(uscg, mexID+"/close", map[string]string{"outcome": "seizure", "note": "a\x00b"}, 400, CodeBadRequest, "note")
		step(uscg, mexID+"/close", map[string]any{"outcome": "seizure", "extra": 1}, 400, CodeBadRequest, "unknown field")
		cl := step(uscg, mexID+"/close", map[string]string{"outcome": "seizure", "note": "2 t held at Progreso"}, 200, "", "closed")
		if cl["outcome"] != "seizure" || cl["close_note"] != "2 t held at Progreso" || cl["closed"] == nil {
			t.Errorf("closed case %v", cl)
		}
		step(uscg, mexID+"/board", nil, 409, "wrong_state", "closed")
		step(uscg, mexID+"/close", map[string]string{"outcome": "referred"}, 409, "wrong_state", "closed on")

		// US waters, opened by SEMAR: handed over at once, readable by both, accepted by USCG.
		rec = call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "usa"}, semar)
		us := caseJSONOf(t, rec)
		usID, _ := us["id"].(string)
		if us["status"] != "handed_over" || us["authority"] != "USCG" || us["next_actor"] != "USA" {
			t.Fatalf("case in US waters: %s", rec.Body)
		}
		if rec := call(t, srv, "GET", "/api/v1/cases/"+usID, nil, uscg); rec.Code != 200 {
			t.Errorf("USCG reads the case handed to it: %d", rec.Code)
		}
		step(semar, usID+"/board", nil, 403, "forbidden", "USA acts")
		step(uscg, usID+"/close", map[string]string{"outcome": "false_alarm"}, 409, "wrong_state", "accept it before closing")

		// A session needs the CSRF header on steps.
		rec = call(t, srv, "POST", "/api/v1/login", map[string]string{"name": "semar.wo", "password": "a long enough password"})
		ck := "Cookie: " + sessionCookie + "=" + rec.Result().Cookies()[0].Value
		if rec := call(t, srv, "POST", "/api/v1/cases/"+usID+"/board", nil, ck); rec.Code != 403 {
			t.Errorf("session step without CSRF: %d", rec.Code)
		}
		if rec := call(t, srv, "GET", "/api/v1/cases/"+usID, nil, ck); rec.Code != 200 {
			t.Errorf("session read: %d", rec.Code)
		}
	})
}

// TestAlertAndCaseReadLog: GET of an AMBER alert or case, by list or by id, appends one read
// entry per record naming the reader; a GREEN alert is read without an entry.
func TestAlertAndCaseReadLog(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sv := st.Sovereignty()
		if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		srv, _ := newTestServer(t, func(c *Config) {
			c.NotFound = store.ErrNotFound
			c.Intel = IntelConfig{Store: sv, Sessions: sv}
			c.Cases = st
			c.Alerts = storeAlertReader{st}
			c.Jurisdiction = func() (Locator, error) { return caseLocator{}, nil }
			c.Now = func() time.Time { return now }
		})
		u, err := sv.AddUser(ctx, store.System, store.NewUser{Name: "semar.wo", Agency: "SEMAR", Roles: []access.Role{access.RoleWatchOfficer}, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, _, err := sv.Issue(ctx, u, "token", "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		semar := "Authorization: Bearer " + tok
		sys := ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}
		for _, a := range []struct{ id, tlp string }{{"green", "GREEN"}, {"amber", "AMBER"}} {
			al := detect.Alert{ID: a.id, Kind: detect.KindLoitering, Severity: detect.SeverityMedium, MMSI: []uint32{345000001},
				Start: now.Add(-5 * time.Hour), End: now.Add(-time.Hour), Lat: 22, Lon: -96, State: "MEX", Zone: "eez"}
			if _, err := st.PutAlert(ctx, al, store.AlertMarking{Originator: "SEMAR", TLP: a.tlp,
				RelTo: []access.Target{{Type: access.TargetState, Value: "MEX"}}}, sys); err != nil {
				t.Fatal(err)
			}
		}
		size := func() int64 {
			n, err := st.LedgerReader().Size(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		reads := func(seq int64) map[string]int {
			t.Helper()
			es, err := st.LedgerReader().Entries(ctx, seq, 1000)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, se := range es {
				en, err := ledger.ParseEntry(se.Data)
				if err != nil {
					t.Fatal(err)
				}
				if en.Action == store.ReadAction {
					out[en.RecordType+" "+en.RecordID+" by "+en.Actor.User]++
				}
			}
			return out
		}
		get := func(target string) {
			t.Helper()
			if rec := call(t, srv, "GET", target, nil, semar); rec.Code != 200 {
				t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
			}
		}
		seq := size()
		get("/api/v1/alerts/green")
		if got := reads(seq); len(got) != 0 {
			t.Fatalf("GET of a GREEN alert logged %v", got)
		}
		get("/api/v1/alerts/amber")
		if got := reads(seq); got["alert.read amber by semar.wo"] != 1 || len(got) != 1 {
			t.Fatalf("GET of an AMBER alert logged %v", got)
		}
		seq = size()
		get("/api/v1/alerts")
		if got := reads(seq); got["alert.read amber by semar.wo"] != 1 || len(got) != 1 {
			t.Fatalf("list of alerts logged %v", got)
		}
		rec := call(t, srv, "POST", "/api/v1/cases", map[string]string{"alert_id": "green"}, semar)
		if rec.Code != 201 && rec.Code != 200 {
			t.Fatalf("open case: %d %s", rec.Code, rec.Body)
		}
		id, _ := caseJSONOf(t, rec)["id"].(string)
		seq = size()
		get("/api/v1/cases/" + id)
		if got := reads(seq); got["case.read "+id+" by semar.wo"] != 1 || len(got) != 1 {
			t.Fatalf("GET of an AMBER case logged %v", got)
		}
		seq = size()
		get("/api/v1/cases")
		if got := reads(seq); got["case.read "+id+" by semar.wo"] != 1 || len(got) != 1 {
			t.Fatalf("list of cases logged %v", got)
		}
	})
}
