package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/ops"
	"accord/internal/policy"
	"accord/internal/store"
)

// oversightFixture is a server over a real SQLite store whose ledger holds users, operations
// with policy decisions, consent requests in every state and alerts, with every record source
// registered as `accord serve` does.
type oversightFixture struct {
	st     *store.Store
	srv    *Server
	tokens map[string]string // user name -> bearer token
}

func newOversightFixture(t *testing.T, mod func(*OversightConfig)) *oversightFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Config{DataDir: dir, Origin: "accord/oversight-test"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key, err := store.LoadKey(store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sv := st.Sovereignty()
	if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
		t.Fatal(err)
	}
	users := map[string]struct {
		agency string
		role   access.Role
	}{
		"inspector": {"SRE", access.RoleOversight},
		"monitora":  {"SRE", access.RoleMonitor},
		"analista":  {"SEMAR", access.RoleAnalyst},
		"admin":     {"SEMAR", access.RoleAdmin},
	}
	for name, u := range users {
		if _, err := sv.AddUser(ctx, store.System, store.NewUser{Name: name, Agency: u.agency, Roles: []access.Role{u.role}, Password: "oversight test password"}); err != nil {
			t.Fatal(err)
		}
	}
	actor := ledger.Actor{User: "ana", Agency: "SEMAR", State: "MEX"}
	// Three operations: needs_consent then allow (re-decided after consent), deny, and one never decided.
	opJSON := `{"type":"joint_patrol","location":{"lat":19.6,"lon":-87.3},"start":"2026-12-05T00:00:00Z","end":"2026-12-06T00:00:00Z",
	  "participants":[{"state":"USA","agency":"USCG","kind":"ship","count":1,"armed":true,"role":"support"}],"force_level":2}`
	for _, id := range []string{"op-1", "op-2", "op-3"} {
		op, err := ops.ParseJSON([]byte(opJSON))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutOperation(ctx, id, op, actor); err != nil {
			t.Fatal(err)
		}
	}
	decide := func(id, op, d string) {
		if _, err := st.RecordPolicyDecision(ctx, id, op, policy.Decision{Decision: d, PolicyVersion: "test"}, time.Now().UTC(), actor); err != nil {
			t.Fatal(err)
		}
	}
	decide("d-1", "op-1", "needs_consent")
	decide("d-2", "op-2", "deny")
	decide("d-3", "op-1", "allow")
	// Four consent requests: pending, granted, denied, granted then revoked.
	t0 := time.Now().UTC().Truncate(time.Second)
	scope := ops.Consent{State: "MEX", Authority: "SRE", Start: t0.Add(time.Hour), End: t0.Add(48 * time.Hour), MaxForceLevel: 3}
	for _, id := range []string{"c-pending", "c-granted", "c-denied", "c-revoked"} {
		r := ops.ConsentRequest{ID: id, OperationID: "op-1", State: "MEX", Authority: "SRE", Role: "host", RequestedBy: "1", RequestedAt: t0, Scope: scope}
		if _, err := st.PutConsentRequest(ctx, r, actor); err != nil {
			t.Fatal(err)
		}
	}
	answer := func(id string, granted bool) {
		d := ops.ConsentDecision{RequestID: id, Granted: granted, DecidedBy: "2", DeciderState: "MEX", DecidedAt: t0.Add(time.Minute)}
		if granted {
			d.Scope = scope
			d.Scope.MaxForceLevel = 2
		}
		if _, err := st.DecideConsent(ctx, d, ledger.Actor{User: "aprobador", Agency: "SRE", State: "MEX"}); err != nil {
			t.Fatal(err)
		}
	}
	answer("c-granted", true)
	answer("c-denied", false)
	answer("c-revoked", true)
	if _, err := st.RevokeConsent(ctx, "c-revoked", t0.Add(2*time.Minute), "2", "no longer needed", actor); err != nil {
		t.Fatal(err)
	}
	// Alerts: two speed alerts (one raised open, then updated), one zone entry.
	for i, a := range []detect.Alert{
		{ID: "al-1", Kind: "speed", Severity: "high", MMSI: []uint32{345000001}, Open: true},
		{ID: "al-1", Kind: "speed", Severity: "high", MMSI: []uint32{345000001}},
		{ID: "al-2", Kind: "speed", Severity: "medium", MMSI: []uint32{345000002}},
		{ID: "al-3", Kind: "zone_entry", Severity: "medium", MMSI: []uint32{345000003}},
	} {
		a.Start, a.End = t0.Add(time.Duration(i)*time.Minute), t0.Add(time.Duration(i+1)*time.Minute)
		if _, err := st.PutAlert(ctx, a, store.AlertMarking{Originator: "MEX", TLP: "GREEN"}, ledger.Actor{User: "system", Agency: "node", State: "MEX"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Ledger().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	// Record sources, as `accord serve` registers them.
	recs := ledgersql.NewRecords(st.ReadDB(), st.LedgerDialect())
	types, err := recs.RecordTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range types {
		st.RegisterRecordSource(typ, recs)
	}
	for _, typ := range store.OperationRecordTypes {
		st.RegisterRecordSource(typ, st.OperationRecords())
	}
	st.RegisterRecordSource(store.AlertRecordType, st.AlertRecords())

	oc := OversightConfig{
		Log: st.LedgerReader(),
		Options: func() ledger.VerifyOptions {
			return ledger.VerifyOptions{Log: key.Verifier, Sources: st.RecordSources()}
		},
	}
	if mod != nil {
		mod(&oc)
	}
	srv, _ := newTestServer(t, func(c *Config) {
		c.NotFound = store.ErrNotFound
		c.Now = time.Now
		c.Intel = IntelConfig{Store: sv, Sessions: sv}
		c.Ledger = st.Ledger()
		c.LedgerNotFound = ledgersql.ErrNotFound
		c.Oversight = oc
	})
	f := &oversightFixture{st: st, srv: srv, tokens: map[string]string{}}
	for name := range users {
		rec := call(t, srv, "POST", "/api/v1/login", map[string]string{"name": name, "password": "oversight test password", "kind": "token"})
		if rec.Code != 200 {
			t.Fatalf("login %s: %d %s", name, rec.Code, rec.Body)
		}
		var body struct{ Token string }
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		f.tokens[name] = body.Token
	}
	if _, err := st.Ledger().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

// oversightAnswer is the decoded answer of the oversight routes.
type oversightAnswer struct {
	Origin      string `json:"origin"`
	Checkpoints []struct {
		Size         int64  `json:"size"`
		Root         string `json:"root"`
		Note         string `json:"note"`
		LogSignature bool   `json:"log_signature_valid"`
	} `json:"checkpoints"`
	Verification *struct {
		Status        string `json:"status"`
		Entries       int64  `json:"entries"`
		Records       int    `json:"records_checked"`
		Unchecked     int    `json:"records_unchecked"`
		ProblemsTotal int    `json:"problems_total"`
		Message       string `json:"message"`
		Problems      []struct {
			Kind       string `json:"kind"`
			RecordType string `json:"record_type"`
			RecordID   string `json:"record_id"`
		} `json:"problems"`
	} `json:"verification"`
	Verifying bool `json:"verifying"`
	Counts    *struct {
		Entries      int64            `json:"entries"`
		ByAction     map[string]int64 `json:"by_action"`
		ByRecordType map[string]int64 `json:"by_record_type"`
		Operations   map[string]int64 `json:"operations"`
		Consents     map[string]int64 `json:"consents"`
		Alerts       map[string]int64 `json:"alerts"`
		AsOfEntries  int64            `json:"as_of_entries"`
		Other        map[string]int64 `json:"other"`
	} `json:"counts"`
}

func (f *oversightFixture) call(t *testing.T, method, path, user string) (int, oversightAnswer) {
	t.Helper()
	var hdr []string
	if user != "" {
		hdr = append(hdr, "Authorization: Bearer "+f.tokens[user])
	}
	rec := call(t, f.srv, method, path, nil, hdr...)
	var a oversightAnswer
	if rec.Code < 300 {
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, rec.Body)
		}
	}
	return rec.Code, a
}

func TestOversightAccess(t *testing.T) {
	f := newOversightFixture(t, nil)
	for _, c := range []struct {
		user   string
		method string
		path   string
		want   int
	}{
		{"", "GET", "/api/v1/oversight", http.StatusUnauthorized},
		{"analista", "GET", "/api/v1/oversight", http.StatusForbidden},
		{"analista", "POST", "/api/v1/oversight/verify", http.StatusForbidden},
		{"inspector", "GET", "/api/v1/oversight", http.StatusOK},
		{"monitora", "GET", "/api/v1/oversight", http.StatusOK},
		{"admin", "GET", "/api/v1/oversight", http.StatusOK},
		{"inspector", "GET", "/api/v1/oversight?x=1", http.StatusBadRequest},
	} {
		if got, _ := f.call(t, c.method, c.path, c.user); got != c.want {
			t.Errorf("%s %s as %q: %d, want %d", c.method, c.path, c.user, got, c.want)
		}
	}
	// Without a ledger to verify, a permitted user learns the server does not offer it.
	s, _ := newTestServer(t, func(c *Config) {
		c.NotFound = store.ErrNotFound
		c.Intel = IntelConfig{Store: f.st.Sovereignty(), Sessions: f.st.Sovereignty()}
	})
	rec := call(t, s, "GET", "/api/v1/oversight", nil, "Authorization: Bearer "+f.tokens["inspector"])
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("no ledger: %d %s", rec.Code, rec.Body)
	}
}

func TestOversightVerifiesAndCounts(t *testing.T) {
	f := newOversightFixture(t, nil)
	code, a := f.call(t, "GET", "/api/v1/oversight", "inspector")
	if code != 200 || a.Verification == nil {
		t.Fatalf("status %d, verification %+v (verifying %v)", code, a.Verification, a.Verifying)
	}
	v := a.Verification
	if v.Status != "ok" || v.ProblemsTotal != 0 {
		t.Fatalf("verification %+v", v)
	}
	size, err := f.st.LedgerReader().Size(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Checked: 3 operations, 3 policy decisions, 4 consent requests, 3 consent decisions, 3
	// alerts. Users, agencies and sessions have no record source (as in `accord ledger verify`).
	if v.Entries != size || v.Records != 16 || v.Unchecked == 0 {
		t.Errorf("verified %d entries of %d, %d records checked, %d unchecked", v.Entries, size, v.Records, v.Unchecked)
	}
	if len(a.Checkpoints) != 2 || a.Checkpoints[0].Size != size || a.Checkpoints[1].Size >= size || !a.Checkpoints[0].LogSignature || a.Origin != "accord/oversight-test" {
		t.Errorf("checkpoints %+v origin %q", a.Checkpoints, a.Origin)
	}
	c := a.Counts
	if c == nil {
		t.Fatal("no counts")
	}
	if c.Entries != size || c.AsOfEntries != size {
		t.Errorf("counted %d entries (as of %d), want %d", c.Entries, c.AsOfEntries, size)
	}
	wantOps := map[string]int64{"allow": 1, "deny": 1, "none": 1}
	wantConsents := map[string]int64{"pending": 1, "granted": 1, "denied": 1, "revoked": 1}
	wantAlerts := map[string]int64{"speed": 2, "zone_entry": 1}
	for name, pair := range map[string][2]map[string]int64{"operations": {c.Operations, wantOps}, "consents": {c.Consents, wantConsents}, "alerts": {c.Alerts, wantAlerts}} {
		got, want := pair[0], pair[1]
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s[%s] = %d, want %d (all: %v)", name, k, got[k], n, got)
			}
		}
	}
	if c.ByAction["policy.decide"] != 3 || c.ByAction["alert.raise"] != 3 || c.ByAction["alert.update"] != 1 || c.ByRecordType["consent_request"] != 4 {
		t.Errorf("by action %v, by record type %v", c.ByAction, c.ByRecordType)
	}
	var sum int64
	for _, n := range c.ByAction {
		sum += n
	}
	if sum != c.Entries {
		t.Errorf("entries by action sum to %d, total %d", sum, c.Entries)
	}
}

// TestOversightDetectsEditedRecord changes an operation behind the ledger's back (a write
// whose ledger entry names another record): a verification on demand must fail and name the
// operation; the cached result before it was made still says ok.
func TestOversightDetectsEditedRecord(t *testing.T) {
	f := newOversightFixture(t, nil)
	if _, a := f.call(t, "GET", "/api/v1/oversight", "inspector"); a.Verification == nil || a.Verification.Status != "ok" {
		t.Fatalf("before tampering: %+v", a.Verification)
	}
	_, err := f.st.Apply(context.Background(), func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, f.st.Rebind(`UPDATE operations SET body = replace(body, 'joint_patrol', 'arrest') WHERE id = ?`), "op-2"); err != nil {
			return ledger.Event{}, err
		}
		return ledger.Event{Actor: ledger.Actor{User: "mallory", Agency: "SEMAR", State: "MEX"}, Action: "note.add", RecordType: "note", RecordID: "n1", Content: ledger.NoContent}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The cached result stands until a new run.
	if _, a := f.call(t, "GET", "/api/v1/oversight", "inspector"); a.Verification.Status != "ok" {
		t.Errorf("cached result changed without a run: %+v", a.Verification)
	}
	time.Sleep(5100 * time.Millisecond) // on-demand runs are at most one every 5 s
	code, a := f.call(t, "POST", "/api/v1/oversight/verify", "admin")
	if code != 200 || a.Verification == nil {
		t.Fatalf("verify: %d %+v", code, a.Verification)
	}
	v := a.Verification
	found := false
	for _, p := range v.Problems {
		if p.Kind == string(ledger.ProblemEditedRecord) && p.RecordType == "operation" && p.RecordID == "op-2" {
			found = true
		}
	}
	if v.Status != "failed" || !found {
		t.Errorf("after tampering: %+v", v)
	}
}

func TestOversightTimeBound(t *testing.T) {
	f := newOversightFixture(t, func(c *OversightConfig) {
		c.Timeout = time.Nanosecond
		c.Counts = func(context.Context) (map[string]int64, error) {
			return map[string]int64{"liaison_reports_overdue": 2}, nil
		}
	})
	_, a := f.call(t, "GET", "/api/v1/oversight", "inspector")
	if a.Verification == nil || a.Verification.Status != "incomplete" || !strings.Contains(a.Verification.Message, "did not finish") {
		t.Fatalf("verification cut short: %+v", a.Verification)
	}
	if a.Counts == nil || a.Counts.Other["liaison_reports_overdue"] != 2 {
		t.Errorf("other counts: %+v", a.Counts)
	}
}

// TestOversightWhileLogGrows verifies while alerts are updated and checkpoints signed: changes
// after the snapshot must not be reported as tampering.
func TestOversightWhileLogGrows(t *testing.T) {
	f := newOversightFixture(t, func(c *OversightConfig) { c.Interval = time.Nanosecond })
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		for i := 0; ctx.Err() == nil; i++ {
			a := detect.Alert{ID: "al-2", Kind: "speed", Severity: "medium", MMSI: []uint32{345000002}, Note: strings.Repeat("x", i%50)}
			if _, err := f.st.PutAlert(ctx, a, store.AlertMarking{Originator: "MEX", TLP: "GREEN"}, ledger.Actor{User: "system", Agency: "node", State: "MEX"}); err != nil {
				done <- err
				return
			}
			if i%5 == 0 {
				if _, err := f.st.Ledger().Checkpoint(ctx); err != nil && ctx.Err() == nil {
					done <- err
					return
				}
			}
		}
		done <- nil
	}()
	for range 4 {
		_, a := f.call(t, "GET", "/api/v1/oversight", "inspector")
		if a.Verification == nil {
			continue
		}
		if a.Verification.Status != "ok" {
			t.Errorf("verification while the log grows: %+v", a.Verification)
		}
	}
	stop()
	if err := <-done; err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
}
