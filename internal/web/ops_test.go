package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/jurisdiction"
	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
	"accord/internal/store"
)

// opsLocator is a jurisdiction stand-in: Guatemalan land in a box around 15°N 90°W, Mexican
// land south of 32.5°N between 118°W and 86°W, US land north of it, high seas elsewhere.
type opsLocator struct{}

func (opsLocator) Lookup(lat, lon float64) jurisdiction.Answer {
	a := jurisdiction.Answer{Lat: lat, Lon: lon, Zone: jurisdiction.ZoneHighSeas, Regime: jurisdiction.RegimeOf(jurisdiction.ZoneHighSeas)}
	switch {
	case lon > -92 && lon < -88.5 && lat > 13.5 && lat < 16.5:
		a.State, a.Zone, a.Basis = "GTM", jurisdiction.ZoneLand, "land"
	case lon > -118 && lon < -86 && lat > 14 && lat < 32.5:
		a.State, a.Zone, a.Basis = "MEX", jurisdiction.ZoneLand, "land"
	case lon > -125 && lon < -66 && lat >= 32.5 && lat < 49:
		a.State, a.Zone, a.Basis = "USA", jurisdiction.ZoneLand, "land"
	}
	a.Regime = jurisdiction.RegimeOf(a.Zone)
	return a
}

func (opsLocator) WriteZonesGeoJSON(w io.Writer, cellDeg float64) error {
	_, err := io.WriteString(w, `{"type":"FeatureCollection","features":[]}`)
	return err
}

// opsClock is the settable clock of the operation tests.
type opsClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *opsClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *opsClock) Set(t time.Time)     { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func (c *opsClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// opsEnv is a server over a real store with users of three states.
type opsEnv struct {
	t      testing.TB
	srv    *Server
	st     *store.Store
	clk    *opsClock
	tokens map[string]string
}

// opsT0 is the start of the operations of the tests; the clock starts three days before.
var opsT0 = time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)

var _ OpsStore = (*store.Store)(nil)

func newOpsEnv(t testing.TB, st *store.Store) *opsEnv {
	ctx := context.Background()
	sv := st.Sovereignty()
	if err := sv.Seed(ctx, append(slices.Clone(access.SeedStates), access.State{Code: "GTM", Name: "Guatemala"}, access.State{Code: "PAN", Name: "Panama"}),
		append(slices.Clone(access.SeedAgencies), access.Agency{Code: "PNC", State: "GTM", Name: "Policía Nacional Civil"},
			access.Agency{Code: "AMP", State: "PAN", Name: "Autoridad Marítima de Panamá"})); err != nil {
		t.Fatal(err)
	}
	e := &opsEnv{t: t, st: st, clk: &opsClock{now: opsT0.Add(-72 * time.Hour)}, tokens: map[string]string{}}
	e.srv, _ = newTestServer(t, func(c *Config) {
		c.NotFound = store.ErrNotFound
		c.Intel = IntelConfig{Store: sv, Sessions: sv}
		c.Now = e.clk.Now
		c.Jurisdiction = func() (Locator, error) { return opsLocator{}, nil }
	})
	e.srv.EnableOperations(OpsConfig{Store: st, AlreadyRecorded: store.ErrAlreadyRecorded, AlreadyDecided: store.ErrAlreadyDecided})
	users := []struct {
		name, agency string
		roles        []access.Role
	}{
		{"semar", "SEMAR", []access.Role{access.RoleAnalyst}},                                        // MEX proposer
		{"sre", "SRE", []access.Role{access.RoleApprover}},                                           // MEX host authority (SRE/GANSEG)
		{"sre-legal", "SRE", []access.Role{access.RoleLegal}},                                        // reads the inbox, does not decide
		{"sedena", "SEDENA", []access.Role{access.RoleApprover}},                                     // MEX approver of another authority
		{"dos", "DOS", []access.Role{access.RoleApprover}},                                           // USA partner authority
		{"uscg", "USCG", []access.Role{access.RoleAnalyst}},                                          // USA participant
		{"dea", "DEA", []access.Role{access.RoleAnalyst}},                                            // USA participant
		{"pnc", "PNC", []access.Role{access.RoleApprover, access.RoleAnalyst, access.RoleOversight}}, // a third state
		{"senado", "Senado", []access.Role{access.RoleOversight}},                                    // MEX oversight
		{"monitor", "SRE", []access.Role{access.RoleMonitor}},                                        // MEX human-rights monitor
		{"senate", "Senado", []access.Role{access.RoleApprover}},                                     // the Mexican Senate's approver
		{"amp", "AMP", []access.Role{access.RoleApprover}},                                           // Panama, a flag state
	}
	for _, u := range users {
		au, err := sv.AddUser(ctx, store.System, store.NewUser{Name: u.name, Agency: u.agency, Roles: u.roles, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, _, err := sv.Issue(ctx, au, "token", "test", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.name] = tok
	}
	return e
}

// do sends a request as user (anonymous when "") and returns the response.
func (e *opsEnv) do(user, method, target string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	var hdr []string
	if user != "" {
		hdr = append(hdr, "Authorization: Bearer "+e.tokens[user])
	}
	if s, ok := body.(string); ok { // sent as is, valid JSON or not
		req := httptest.NewRequest(method, target, strings.NewReader(s))
		req.RemoteAddr = "192.0.2.1:1234"
		if user != "" {
			req.Header.Set("Authorization", "Bearer "+e.tokens[user])
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec
	}
	return call(e.t, e.srv, method, target, body, hdr...)
}

// want sends a request and fails unless the status is status; it decodes the body into out.
func (e *opsEnv) want(status int, user, method, target string, body, out any) {
	e.t.Helper()
	rec := e.do(user, method, target, body)
	if rec.Code != status {
		e.t.Fatalf("%s %s as %s: status %d, want %d; body %s", method, target, user, rec.Code, status, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			e.t.Fatalf("%s %s: %v; body %s", method, target, err, rec.Body)
		}
	}
}

// ledgerSize is the number of ledger entries.
func (e *opsEnv) ledgerSize() int64 {
	e.t.Helper()
	n, err := e.st.LedgerReader().Size(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// actionsSince returns the actions of the ledger entries from seq on, in order.
func (e *opsEnv) actionsSince(seq int64) []string {
	e.t.Helper()
	es, err := e.st.LedgerReader().Entries(context.Background(), seq, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, se := range es {
		en, err := ledger.ParseEntry(se.Data)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, en.Action)
	}
	return out
}

// wantActions fails unless the entries appended since seq have exactly these actions (in any
// order), leaving out the read log's entries (store.ReadAction; see TestOperationReadLog).
func (e *opsEnv) wantActions(seq int64, want ...string) {
	e.t.Helper()
	got := slices.DeleteFunc(e.actionsSince(seq), func(a string) bool { return a == store.ReadAction })
	slices.Sort(got)
	w := slices.Clone(want)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		e.t.Fatalf("ledger entries since %d: %v, want %v", seq, got, w)
	}
}

// Operations of the tests: the window is [opsT0, opsT0+12h].
const (
	// A joint patrol of SEMAR and USCG over a 1°×1° box in Sinaloa: needs MEX (host) and USA
	// (dual key).
	jointPatrolJSON = `{"type":"joint_patrol","area":{"type":"Polygon","coordinates":[[[-108,24],[-107,24],[-107,25],[-108,25],[-108,24]]]},
 "start":"2026-05-01T06:00:00Z","end":"2026-05-01T18:00:00Z","force_level":2,"legal_basis":"Memorandum 2026-07",
 "participants":[{"state":"MEX","agency":"SEMAR","kind":"officer","count":20,"armed":true,"role":"lead"},
  {"state":"USA","agency":"USCG","kind":"officer","count":4,"armed":false,"role":"observer"}]}`
	// A liaison meeting of SSPC with DEA agents in Mexico City.
	liaisonOpJSON = `{"type":"liaison_meeting","location":{"lat":19.43,"lon":-99.13},"start":"2026-05-01T06:00:00Z","end":"2026-05-01T08:00:00Z","force_level":1,
 "participants":[{"state":"MEX","agency":"SSPC","kind":"officer","count":2,"role":"host"},{"state":"USA","agency":"DEA","kind":"agent","count":2,"role":"guest"}]}`
	// A Mexican arrest in Sinaloa: allowed at once (no foreign participant).
	arrestJSON = `{"type":"arrest","location":{"lat":24.8,"lon":-107.4},"start":"2026-05-01T06:00:00Z","end":"2026-05-01T18:00:00Z","force_level":3,
 "participants":[{"state":"MEX","agency":"SEMAR","kind":"officer","count":12,"armed":true,"role":"lead"}],
 "corroboration":{"independent_sources":2,"best_grade":"B2"}}`
)

type opDetail struct {
	ID        string          `json:"id"`
	Operation json.RawMessage `json:"operation"`
	Markings  markingsJSON    `json:"markings"`
	Decision  struct {
		ID               string           `json:"id"`
		Decision         string           `json:"decision"`
		RequiredConsents []policy.Consent `json:"required_consents"`
		Rules            []policy.Fired   `json:"rules"`
		PolicyVersion    string           `json:"policy_version"`
	} `json:"decision"`
	Decisions []decisionRefJSON `json:"decisions"`
	Consents  []struct {
		ID       string `json:"id"`
		State    string `json:"state"`
		Role     string `json:"role"`
		Status   string `json:"status"`
		Decision *struct {
			Granted bool `json:"granted"`
		} `json:"decision"`
	} `json:"consent_requests"`
	Liaison *struct {
		Due    string `json:"due"`
		Status string `json:"status"`
	} `json:"liaison"`
	Outcome          *ops.Outcome `json:"outcome"`
	CanReport        bool         `json:"can_report"`
	CanRecordOutcome bool         `json:"can_record_outcome"`
}

// consentOf returns the id of the operation's request to state.
func (d opDetail) consentOf(t *testing.T, state string) string {
	t.Helper()
	for _, c := range d.Consents {
		if c.State == state {
			return c.ID
		}
	}
	t.Fatalf("no consent request to %s in %+v", state, d.Consents)
	return ""
}

func TestOperationsPropose(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		seq := e.ledgerSize()
		var d opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &d)
		// One entry for the operation, one for the decision, one per consent request.
		e.wantActions(seq, "operation.plan", "policy.decide", "consent.request", "consent.request")
		if d.Decision.Decision != policy.NeedsConsent || len(d.Decision.RequiredConsents) != 2 || !strings.HasPrefix(d.Decision.PolicyVersion, "sha256:") {
			t.Fatalf("decision %+v", d.Decision)
		}
		if len(d.Decision.Rules) == 0 || d.Decision.Rules[0].Citation == "" || d.Decision.Rules[0].Reason.ES == "" || d.Decision.Rules[0].Reason.EN == "" {
			t.Fatalf("rules without citation or reasons: %+v", d.Decision.Rules)
		}
		if d.Markings.Originator != "SEMAR" || d.Markings.TLP != "AMBER" || !slices.Equal(d.Markings.RelTo, []string{"state:MEX", "state:USA"}) {
			t.Fatalf("markings %+v", d.Markings)
		}
		if len(d.Consents) != 2 || d.Consents[0].Status != "pending" {
			t.Fatalf("consent requests %+v", d.Consents)
		}
		var back struct {
			Operation map[string]any `json:"operation"`
		}
		e.want(200, "uscg", "GET", "/api/v1/operations/"+d.ID, nil, &back)
		if back.Operation["type"] != "joint_patrol" || back.Operation["legal_basis"] != "Memorandum 2026-07" {
			t.Fatalf("operation read back %v", back.Operation)
		}

		// An allowed operation asks no consent.
		seq = e.ledgerSize()
		e.want(201, "semar", "POST", "/api/v1/operations", arrestJSON, &d)
		e.wantActions(seq, "operation.plan", "policy.decide")
		if d.Decision.Decision != policy.Allow || len(d.Consents) != 0 {
			t.Fatalf("arrest: %+v", d)
		}

		// Validation: every problem names its field, and nothing is written.
		bad := []struct {
			name, user, body string
			status           int
			field            string
		}{
			{"syntax", "semar", `{"type": }`, 400, "(file)"},
			{"unknown type", "semar", strings.Replace(arrestJSON, `"arrest"`, `"raid"`, 1), 400, "type"},
			{"no participants", "semar", `{"type":"arrest","location":{"lat":24.8,"lon":-107.4},"start":"2026-05-01T06:00:00Z","end":"2026-05-01T18:00:00Z","force_level":3,"participants":[]}`, 400, "participants"},
			{"force level", "semar", strings.Replace(arrestJSON, `"force_level":3`, `"force_level":9`, 1), 400, "force_level"},
			{"end before start", "semar", strings.Replace(arrestJSON, `"end":"2026-05-01T18:00:00Z"`, `"end":"2026-04-01T18:00:00Z"`, 1), 400, "end"},
			{"consents given", "semar", strings.Replace(arrestJSON, `"force_level":3`, `"force_level":3,"consents":[]`, 1), 400, "consents"},
			{"tlp red", "semar", strings.Replace(arrestJSON, `"force_level":3`, `"force_level":3,"tlp":"RED"`, 1), 400, "tlp"},
			{"rel_to", "semar", strings.Replace(arrestJSON, `"force_level":3`, `"force_level":3,"rel_to":["Guatemala"]`, 1), 400, "rel_to[0]"},
			{"unknown key", "semar", strings.Replace(arrestJSON, `"force_level":3`, `"force_level":3,"colour":"red"`, 1), 400, "colour"},
			{"monitor", "monitor", arrestJSON, 403, ""},
			{"oversight", "senado", arrestJSON, 403, ""},
			{"anonymous", "", arrestJSON, 401, ""},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				seq := e.ledgerSize()
				rec := e.do(tc.user, "POST", "/api/v1/operations", tc.body)
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
				}
				if tc.field != "" {
					var b struct {
						Error struct {
							Code   string         `json:"code"`
							Fields []fieldErrJSON `json:"fields"`
						} `json:"error"`
					}
					json.Unmarshal(rec.Body.Bytes(), &b)
					if b.Error.Code != "invalid" || len(b.Error.Fields) == 0 || !slices.ContainsFunc(b.Error.Fields, func(f fieldErrJSON) bool { return f.Field == tc.field }) {
						t.Fatalf("want field %q in %s", tc.field, rec.Body)
					}
				}
				if n := e.ledgerSize(); n != seq {
					t.Fatalf("a refused request wrote %d ledger entries", n-seq)
				}
			})
		}
	})
}

// TestOperationsNoLeak: a user of a third state, or of a role that reads no record, never sees
// an operation or a consent request not addressed to it; answers are 404 as for a missing one.
func TestOperationsNoLeak(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		var patrol, meeting opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &patrol)
		e.want(201, "dea", "POST", "/api/v1/operations", liaisonOpJSON, &meeting)
		mexReq := patrol.consentOf(t, "MEX")
		usaReq := patrol.consentOf(t, "USA")
		// A GTM-only operation: MEX and USA users never see it.
		gtm := `{"type":"surveillance","location":{"lat":15.5,"lon":-90.3},"start":"2026-05-01T06:00:00Z","end":"2026-05-01T18:00:00Z","force_level":1,
 "participants":[{"state":"GTM","agency":"PNC","kind":"officer","count":2,"role":"lead"}],"corroboration":{"independent_sources":2,"best_grade":"B2"}}`
		var gtmOp opDetail
		e.want(201, "pnc", "POST", "/api/v1/operations", gtm, &gtmOp)

		list := func(user string) []string {
			var l struct {
				Operations []operationSummaryJSON `json:"operations"`
			}
			e.want(200, user, "GET", "/api/v1/operations", nil, &l)
			var ids []string
			for _, o := range l.Operations {
				ids = append(ids, o.ID)
			}
			slices.Sort(ids)
			return ids
		}
		sorted := func(s ...string) []string { slices.Sort(s); return s }
		lists := []struct {
			user string
			want []string
		}{
			{"semar", sorted(patrol.ID, meeting.ID)}, // MEX: participant / host
			{"sre", sorted(patrol.ID, meeting.ID)},
			{"uscg", sorted(patrol.ID, meeting.ID)}, // USA: participant
			{"pnc", sorted(gtmOp.ID)},               // GTM: its own only
			{"monitor", nil},                        // monitors read no record in full
		}
		for _, tc := range lists {
			if got := list(tc.user); !slices.Equal(got, tc.want) {
				t.Errorf("%s lists %v, want %v", tc.user, got, tc.want)
			}
		}
		gets := []struct {
			user, target string
			status       int
		}{
			{"pnc", "/api/v1/operations/" + patrol.ID, 404},
			{"pnc", "/api/v1/operations/" + meeting.ID, 404},
			{"pnc", "/api/v1/operations/op-000000000000", 404},
			{"semar", "/api/v1/operations/" + gtmOp.ID, 404},
			{"monitor", "/api/v1/operations/" + patrol.ID, 404},
			{"pnc", "/api/v1/consents/" + mexReq, 404},
			{"pnc", "/api/v1/consents/" + usaReq, 404},
			{"sre", "/api/v1/consents/" + usaReq, 404}, // addressed to USA
			{"dos", "/api/v1/consents/" + mexReq, 404}, // addressed to MEX
			{"sre", "/api/v1/consents/" + mexReq, 200},
			{"dos", "/api/v1/consents/" + usaReq, 200},
		}
		for _, tc := range gets {
			rec := e.do(tc.user, "GET", tc.target, nil)
			if rec.Code != tc.status {
				t.Errorf("%s GET %s: %d, want %d: %s", tc.user, tc.target, rec.Code, tc.status, rec.Body)
			}
			if tc.status == 404 && strings.Contains(rec.Body.String(), "op-") {
				t.Errorf("%s GET %s: the 404 names a record: %s", tc.user, tc.target, rec.Body)
			}
		}
		// Writes of a third state are refused without telling whether the record exists.
		seq := e.ledgerSize()
		for _, tc := range []struct{ method, target, body string }{
			{"POST", "/api/v1/consents/" + mexReq + "/decision", `{"granted":true}`},
			{"POST", "/api/v1/consents/" + mexReq + "/revoke", `{"reason":"x"}`},
			{"POST", "/api/v1/operations/" + meeting.ID + "/report", `{"summary":"x","attendees":["a"]}`},
			{"POST", "/api/v1/operations/" + patrol.ID + "/outcome", `{"force_used":1}`},
		} {
			if rec := e.do("pnc", tc.method, tc.target, tc.body); rec.Code != 404 {
				t.Errorf("pnc %s %s: %d, want 404: %s", tc.method, tc.target, rec.Code, rec.Body)
			}
		}
		if e.ledgerSize() != seq {
			t.Error("a refused write reached the ledger")
		}
		// Inboxes: each state's approvers see only the requests addressed to it.
		inbox := func(user string) []string {
			var b struct {
				Consents []consentJSON `json:"consents"`
			}
			e.want(200, user, "GET", "/api/v1/consents?status=pending", nil, &b)
			var ids []string
			for _, c := range b.Consents {
				if c.Operation == nil || c.Operation.ID != c.OperationID {
					t.Errorf("%s inbox: request %s without its operation summary", user, c.ID)
				}
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			return ids
		}
		if got, want := inbox("sre"), sorted(mexReq, meeting.consentOf(t, "MEX")); !slices.Equal(got, want) {
			t.Errorf("MEX inbox %v, want %v", got, want)
		}
		if got, want := inbox("sre-legal"), inbox("sre"); !slices.Equal(got, want) {
			t.Errorf("legal inbox %v, want %v", got, want)
		}
		var one consentJSON
		e.want(200, "sre", "GET", "/api/v1/consents/"+mexReq, nil, &one)
		if !one.CanAnswer || one.Operation == nil {
			t.Errorf("SRE on its request: %+v", one)
		}
		e.want(200, "sedena", "GET", "/api/v1/consents/"+mexReq, nil, &one)
		if one.CanAnswer {
			t.Error("SEDENA may answer SRE's request")
		}
		if got, want := inbox("dos"), []string{usaReq}; !slices.Equal(got, want) {
			t.Errorf("USA inbox %v, want %v", got, want)
		}
		if got := inbox("pnc"); len(got) != 0 {
			t.Errorf("GTM inbox %v, want empty", got)
		}
		for _, u := range []string{"semar", "monitor", "senado"} {
			if rec := e.do(u, "GET", "/api/v1/consents", nil); rec.Code != 403 {
				t.Errorf("%s reads the consent inbox: %d", u, rec.Code)
			}
		}
	})
}

// square returns a closed GeoJSON polygon [w,e]×[s,n] (degrees).
func square(w, s, e, n float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}}
}

// TestConsentWorkflow: a consent for a smaller area than the operation's leaves the decision
// not allowed; a consent covering it (with the other state's approver: dual key) allows it; a
// revocation takes it back. Every answer re-decides the operation and is on the ledger.
func TestConsentWorkflow(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		decide := func(user, reqID string, body any) consentAnswerJSON {
			t.Helper()
			seq := e.ledgerSize()
			var a consentAnswerJSON
			e.want(200, user, "POST", "/api/v1/consents/"+reqID+"/decision", body, &a)
			e.wantActions(seq, map[bool]string{true: "consent.grant", false: "consent.refuse"}[a.Consent.Decision.Granted], "policy.decide")
			return a
		}
		var p opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &p)
		mexReq := p.consentOf(t, "MEX")
		e.clk.Add(time.Hour)

		// Refusals of the wrong approver: 403 (same state, other authority, or no approver role).
		for _, tc := range []struct{ user, req string }{{"sedena", mexReq}, {"sre-legal", mexReq}} {
			if rec := e.do(tc.user, "POST", "/api/v1/consents/"+tc.req+"/decision", `{"granted":true}`); rec.Code != 403 {
				t.Errorf("%s decides %s: %d %s", tc.user, tc.req, rec.Code, rec.Body)
			}
		}
		// Invalid answers name the field.
		for _, body := range []string{`{}`, `{"granted":true,"scope":{"max_force_level":4}}`, `{"granted":true,"scope":{"colour":1}}`,
			`{"granted":true,"expires":"tomorrow"}`, `{"granted":false,"scope":{"max_force_level":1}}`,
			`{"granted":true,"scope":{"end":"2026-06-01T00:00:00Z"}}`} {
			if rec := e.do("sre", "POST", "/api/v1/consents/"+mexReq+"/decision", body); rec.Code != 400 || !strings.Contains(rec.Body.String(), `"fields"`) {
				t.Errorf("answer %s: %d %s", body, rec.Code, rec.Body)
			}
		}

		// MEX grants a smaller area (the western half): still not allowed.
		small := decide("sre", mexReq, map[string]any{"granted": true, "scope": map[string]any{"area": square(-108, 24, -107.5, 25)},
			"conditions": []string{"SRE liaison aboard"}, "expires": "2026-05-02T00:00:00Z"})
		if small.Consent.Status != "granted" || small.Decision.Decision.Decision == policy.Allow {
			t.Fatalf("smaller area: consent %s, decision %s", small.Consent.Status, small.Decision.Decision.Decision)
		}
		if !slices.ContainsFunc(small.Decision.Decision.Rules, func(f policy.Fired) bool { return f.ID == "consent.scope" && f.Effect == "deny" }) {
			t.Errorf("smaller area: no consent.scope denial in %+v", small.Decision.Decision.Rules)
		}
		if rec := e.do("sre", "POST", "/api/v1/consents/"+mexReq+"/decision", `{"granted":true}`); rec.Code != 409 {
			t.Errorf("second answer: %d %s", rec.Code, rec.Body)
		}
		// Revoke it (the smaller grant) and check the decision follows.
		seq := e.ledgerSize()
		var rv consentAnswerJSON
		e.want(200, "sre", "POST", "/api/v1/consents/"+mexReq+"/revoke", `{"reason":"area to be redrawn"}`, &rv)
		e.wantActions(seq, "consent.revoke", "policy.decide")
		if rv.Consent.Status != "revoked" || rv.Consent.Decision.RevokeReason != "area to be redrawn" || rv.Decision.Decision.Decision != policy.NeedsConsent {
			t.Fatalf("after revoking: %+v %s", rv.Consent, rv.Decision.Decision.Decision)
		}
		if rec := e.do("sre", "POST", "/api/v1/consents/"+mexReq+"/revoke", `{"reason":"again"}`); rec.Code != 409 {
			t.Errorf("second revocation: %d %s", rec.Code, rec.Body)
		}

		// A wider area than the one asked cannot be granted.
		e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &p)
		mexReq, usaReq := p.consentOf(t, "MEX"), p.consentOf(t, "USA")
		if rec := e.do("sre", "POST", "/api/v1/consents/"+mexReq+"/decision", map[string]any{"granted": true, "scope": map[string]any{"area": square(-108.5, 23.5, -106.5, 25.5)}}); rec.Code != 400 || !strings.Contains(rec.Body.String(), "scope.area") {
			t.Errorf("wider area: %d %s", rec.Code, rec.Body)
		}
		// MEX grants the whole area asked: the USA key is still missing (dual key).
		full := decide("sre", mexReq, map[string]any{"granted": true, "scope": map[string]any{"area": square(-108, 24, -107, 25)}})
		if full.Decision.Decision.Decision != policy.NeedsConsent || len(full.Decision.Decision.RequiredConsents) != 1 ||
			full.Decision.Decision.RequiredConsents[0].State != "USA" {
			t.Fatalf("after MEX only: %+v", full.Decision.Decision)
		}
		// The USA approver turns the second key: allowed.
		both := decide("dos", usaReq, map[string]any{"granted": true})
		if both.Decision.Decision.Decision != policy.Allow {
			t.Fatalf("after both keys: %+v", both.Decision.Decision)
		}
		var got opDetail
		e.want(200, "uscg", "GET", "/api/v1/operations/"+p.ID, nil, &got)
		if got.Decision.Decision != policy.Allow || len(got.Decisions) != 3 {
			t.Fatalf("detail after both keys: decision %s, %d decisions", got.Decision.Decision, len(got.Decisions))
		}
		// USA revokes: not allowed any more.
		seq = e.ledgerSize()
		e.want(200, "dos", "POST", "/api/v1/consents/"+usaReq+"/revoke", `{"reason":"crew unavailable"}`, &rv)
		e.wantActions(seq, "consent.revoke", "policy.decide")
		if rv.Decision.Decision.Decision == policy.Allow {
			t.Fatal("still allowed after the revocation")
		}
		// A refusal.
		var l opDetail
		e.want(201, "dea", "POST", "/api/v1/operations", liaisonOpJSON, &l)
		no := decide("sre", l.consentOf(t, "MEX"), map[string]any{"granted": false, "reason": "no SRE representative available"})
		if no.Consent.Status != "refused" || no.Consent.Decision.Reason == "" || no.Decision.Decision.Decision != policy.NeedsConsent {
			t.Fatalf("refusal: %+v %s", no.Consent, no.Decision.Decision.Decision)
		}
		if rec := e.do("sre", "POST", "/api/v1/consents/"+l.consentOf(t, "MEX")+"/revoke", `{"reason":"x"}`); rec.Code != 409 {
			t.Errorf("revoking a refusal: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestLiaisonReports: an approved meeting's report is due 3 days after it ends; one reminder is
// recorded when it becomes due; oversight sees it overdue; a report closes it.
func TestLiaisonReports(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		var m, pending opDetail
		e.want(201, "dea", "POST", "/api/v1/operations", liaisonOpJSON, &m)
		e.want(201, "dea", "POST", "/api/v1/operations", liaisonOpJSON, &pending) // never approved: owes no report
		e.clk.Add(time.Hour)
		var a consentAnswerJSON
		e.want(200, "sre", "POST", "/api/v1/consents/"+m.consentOf(t, "MEX")+"/decision", `{"granted":true,"conditions":["SRE representative present"]}`, &a)
		if a.Decision.Decision.Decision != policy.Allow {
			t.Fatalf("approved meeting: %+v", a.Decision.Decision)
		}
		overdue := func(user string) []liaisonRowJSON {
			t.Helper()
			var b struct {
				Meetings []liaisonRowJSON `json:"meetings"`
				Redacted bool             `json:"redacted"`
			}
			e.want(200, user, "GET", "/api/v1/liaison?overdue=1", nil, &b)
			if b.Redacted != (user == "monitor") {
				t.Errorf("%s: redacted %v", user, b.Redacted)
			}
			return b.Meetings
		}
		// Before the meeting: nothing due, no reminder.
		seq := e.ledgerSize()
		if got := overdue("senado"); len(got) != 0 {
			t.Fatalf("overdue before the meeting: %+v", got)
		}
		e.wantActions(seq)
		// The meeting ended (08:00) an hour ago: due, one reminder.
		e.clk.Set(opsT0.Add(3 * time.Hour))
		seq = e.ledgerSize()
		var all struct {
			Meetings []liaisonRowJSON `json:"meetings"`
		}
		e.want(200, "senado", "GET", "/api/v1/liaison", nil, &all)
		e.wantActions(seq, "liaison.remind")
		if len(all.Meetings) != 1 || all.Meetings[0].OperationID != m.ID || all.Meetings[0].Status != ops.LiaisonDue || all.Meetings[0].RemindedAt == "" {
			t.Fatalf("due meetings %+v", all.Meetings)
		}
		seq = e.ledgerSize()
		e.want(200, "senado", "GET", "/api/v1/liaison", nil, nil)
		e.want(200, "dea", "GET", "/api/v1/operations/"+m.ID, nil, nil)
		e.wantActions(seq) // reminded once only
		if got := overdue("senado"); len(got) != 0 {
			t.Fatalf("overdue before the due time: %+v", got)
		}
		// 3 days and 1 hour after the end: overdue, for oversight and (redacted) monitors of MEX.
		e.clk.Set(opsT0.Add(2*time.Hour + 73*time.Hour))
		got := overdue("senado")
		if len(got) != 1 || got[0].Status != ops.LiaisonOverdue || got[0].OverdueHours != 1 || got[0].Originator != "DEA" || len(got[0].Agencies) != 2 {
			t.Fatalf("overdue for oversight: %+v", got)
		}
		red := overdue("monitor")
		if len(red) != 1 || red[0].Originator != "" || red[0].Agencies != nil || red[0].Report != nil {
			t.Fatalf("overdue for a monitor: %+v", red)
		}
		if got := overdue("pnc"); len(got) != 0 { // oversight of a third state
			t.Fatalf("GTM oversight sees %+v", got)
		}
		for _, u := range []string{"semar", "sre", "dea"} {
			if rec := e.do(u, "GET", "/api/v1/liaison", nil); rec.Code != 403 {
				t.Errorf("%s reads the liaison follow-up: %d", u, rec.Code)
			}
		}
		var before opDetail
		e.want(200, "dea", "GET", "/api/v1/operations/"+m.ID, nil, &before)
		if !before.CanReport || !before.CanRecordOutcome {
			t.Errorf("DEA may report and record the outcome: %v %v", before.CanReport, before.CanRecordOutcome)
		}
		e.want(200, "sre", "GET", "/api/v1/operations/"+m.ID, nil, &before)
		if before.CanReport || before.CanRecordOutcome {
			t.Error("SRE (not of the meeting) may report")
		}
		// The report: by a participating agency; invalid reports name the field.
		if rec := e.do("sre", "POST", "/api/v1/operations/"+m.ID+"/report", `{"summary":"x","attendees":["a"]}`); rec.Code != 403 {
			t.Errorf("report by a non-participant: %d %s", rec.Code, rec.Body)
		}
		if rec := e.do("dea", "POST", "/api/v1/operations/"+m.ID+"/report", `{"summary":"","attendees":[]}`); rec.Code != 400 || !strings.Contains(rec.Body.String(), `"attendees"`) {
			t.Errorf("empty report: %d %s", rec.Code, rec.Body)
		}
		seq = e.ledgerSize()
		var d opDetail
		e.want(201, "dea", "POST", "/api/v1/operations/"+m.ID+"/report",
			`{"summary":"Exchange on precursor shipments through Manzanillo.","attendees":["SSPC liaison officer","DEA attaché","SRE representative"],"agreements":["monthly meeting"]}`, &d)
		e.wantActions(seq, "liaison.report")
		if d.Liaison == nil || d.Liaison.Status != ops.LiaisonSubmitted || d.CanReport {
			t.Fatalf("after the report: %+v", d.Liaison)
		}
		if got := overdue("senado"); len(got) != 0 {
			t.Fatalf("overdue after the report: %+v", got)
		}
		e.want(200, "senado", "GET", "/api/v1/liaison", nil, &all)
		if len(all.Meetings) != 1 || !all.Meetings[0].Late || all.Meetings[0].Report == nil {
			t.Fatalf("late report: %+v", all.Meetings)
		}
		if rec := e.do("dea", "POST", "/api/v1/operations/"+m.ID+"/report", `{"summary":"again","attendees":["a"]}`); rec.Code != 409 {
			t.Errorf("second report: %d %s", rec.Code, rec.Body)
		}
		// A patrol has no report.
		var p opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &p)
		if rec := e.do("semar", "POST", "/api/v1/operations/"+p.ID+"/report", `{"summary":"x","attendees":["a"]}`); rec.Code != 400 {
			t.Errorf("report on a patrol: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestOutcomes: an outcome is recorded once, on the ledger; force above the authorised ceiling
// (the lowest of the plan's and the consents') is flagged.
func TestOutcomes(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		var p opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &p)
		e.want(200, "sre", "POST", "/api/v1/consents/"+p.consentOf(t, "MEX")+"/decision", `{"granted":true,"scope":{"max_force_level":1}}`, nil)
		e.want(200, "dos", "POST", "/api/v1/consents/"+p.consentOf(t, "USA")+"/decision", `{"granted":true}`, nil)
		var arrest opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", arrestJSON, &arrest)

		// Before the operation begins there is no outcome to record.
		if rec := e.do("semar", "POST", "/api/v1/operations/"+arrest.ID+"/outcome", `{"force_used":1}`); rec.Code != 400 || !strings.Contains(rec.Body.String(), "recorded_at") {
			t.Fatalf("outcome before the start: %d %s", rec.Code, rec.Body)
		}
		e.clk.Set(opsT0.Add(13 * time.Hour))
		cases := []struct {
			name, user, op, body string
			status               int
			exceeded             bool
			authorised           int
		}{
			{"missing force", "semar", arrest.ID, `{"arrests":2}`, 400, false, 0},
			{"negative count", "semar", arrest.ID, `{"arrests":-1,"force_used":1}`, 400, false, 0},
			{"harm without description", "semar", arrest.ID, `{"force_used":3,"civilian_harm":{"injured":1}}`, 400, false, 0},
			{"bad seizure", "semar", arrest.ID, `{"force_used":1,"seizures":[{"what":"cocaine","quantity":0,"unit":"kg"}]}`, 400, false, 0},
			{"not a participant", "sre", arrest.ID, `{"force_used":1}`, 403, false, 0},
			{"within the plan", "semar", arrest.ID, `{"force_used":3,"arrests":4,"persons_transferred":1,
 "seizures":[{"what":"cocaine","quantity":120.5,"unit":"kg"},{"what":"firearms","quantity":6,"unit":"items"}],
 "civilian_harm":{"killed":0,"injured":0},"narrative":"Four arrested at the safe house."}`, 201, false, 3},
			{"second outcome", "semar", arrest.ID, `{"force_used":1}`, 409, false, 0},
			// The consent admitted level 1 only: level 2 exceeds it though the plan said 2.
			{"above the consent", "uscg", p.ID, `{"force_used":2,"civilian_harm":{"injured":1,"description":"bystander bruised in a scuffle"}}`, 201, true, 1},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				seq := e.ledgerSize()
				rec := e.do(tc.user, "POST", "/api/v1/operations/"+tc.op+"/outcome", tc.body)
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
				}
				if tc.status != 201 {
					e.wantActions(seq)
					return
				}
				e.wantActions(seq, "operation.outcome")
				var d opDetail
				json.Unmarshal(rec.Body.Bytes(), &d)
				if d.Outcome == nil || d.Outcome.ForceExceeded != tc.exceeded || d.Outcome.AuthorisedForce != tc.authorised || d.Outcome.RecordedBy != tc.user {
					t.Fatalf("outcome %+v", d.Outcome)
				}
			})
		}
		var d opDetail
		e.want(200, "semar", "GET", "/api/v1/operations/"+arrest.ID, nil, &d)
		if d.Outcome == nil || d.Outcome.Arrests != 4 || len(d.Outcome.Seizures) != 2 || d.Outcome.Decision != policy.Allow {
			t.Fatalf("outcome read back %+v", d.Outcome)
		}
	})
}

// TestConsentExpiry: when a consent expires after the operation was allowed, the operation is
// decided again (by the system, once), on reading it or at the periodic sweep.
func TestConsentExpiry(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		allowed := func() string {
			var p opDetail
			e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &p)
			e.want(200, "sre", "POST", "/api/v1/consents/"+p.consentOf(t, "MEX")+"/decision", `{"granted":true,"expires":"2026-05-02T00:00:00Z"}`, nil)
			var a consentAnswerJSON
			e.want(200, "dos", "POST", "/api/v1/consents/"+p.consentOf(t, "USA")+"/decision", `{"granted":true}`, &a)
			if a.Decision.Decision.Decision != policy.Allow {
				t.Fatalf("not allowed: %+v", a.Decision.Decision)
			}
			return p.ID
		}
		read, swept := allowed(), allowed()
		e.clk.Set(time.Date(2026, 5, 1, 23, 0, 0, 0, time.UTC))
		seq := e.ledgerSize()
		if err := e.srv.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		var d opDetail
		e.want(200, "uscg", "GET", "/api/v1/operations/"+read, nil, &d)
		e.wantActions(seq) // not expired yet
		e.clk.Set(time.Date(2026, 5, 2, 1, 0, 0, 0, time.UTC))
		e.want(200, "uscg", "GET", "/api/v1/operations/"+read, nil, &d)
		e.wantActions(seq, "policy.decide")
		if d.Decision.Decision != policy.NeedsConsent || len(d.Decision.RequiredConsents) != 1 || d.Decision.RequiredConsents[0].State != "MEX" {
			t.Fatalf("after the expiry: %+v", d.Decision)
		}
		if d.Consents[0].Status != "expired" && d.Consents[1].Status != "expired" {
			t.Errorf("no expired request in %+v", d.Consents)
		}
		seq = e.ledgerSize()
		e.want(200, "uscg", "GET", "/api/v1/operations/"+read, nil, &d)
		if rec := e.do("pnc", "GET", "/api/v1/operations/"+swept, nil); rec.Code != 404 {
			t.Fatalf("third state: %d", rec.Code)
		}
		e.wantActions(seq) // decided again once; a reader of another state triggers nothing
		if err := e.srv.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.wantActions(seq, "policy.decide")
		e.want(200, "uscg", "GET", "/api/v1/operations/"+swept, nil, &d)
		if d.Decision.Decision != policy.NeedsConsent {
			t.Fatalf("swept: %+v", d.Decision)
		}
		if err := e.srv.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.wantActions(seq, "policy.decide")
	})
}

// TestConsentRouting: each required consent goes to its authority and only an approver acting
// for it answers: the flag state (any authority of Panama) for a boarding on the high seas, the
// Senate (not SRE) for foreign troops, SRE for the host consent.
func TestConsentRouting(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		boarding := `{"type":"maritime_interdiction","location":{"lat":25,"lon":-85},"start":"2026-05-01T06:00:00Z","end":"2026-05-01T18:00:00Z",
 "participants":[{"state":"MEX","agency":"SEMAR","kind":"ship","count":1,"armed":true,"role":"boarding"}],"force_level":3,
 "target_vessel":{"flag":"PAN"},"corroboration":{"independent_sources":2,"best_grade":"B2"}}`
		var b opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", boarding, &b)
		if b.Decision.Decision != policy.NeedsConsent || len(b.Consents) != 1 || b.Consents[0].State != "PAN" || b.Consents[0].Role != policy.RoleFlag {
			t.Fatalf("boarding: %+v", b)
		}
		var inbox struct {
			Consents []consentJSON `json:"consents"`
		}
		e.want(200, "amp", "GET", "/api/v1/consents", nil, &inbox)
		if len(inbox.Consents) != 1 || !inbox.Consents[0].CanAnswer || inbox.Consents[0].Authority != "" {
			t.Fatalf("Panama's inbox: %+v", inbox.Consents)
		}
		// Panama reads the operation it is asked about.
		e.want(200, "amp", "GET", "/api/v1/operations/"+b.ID, nil, nil)
		var a consentAnswerJSON
		e.want(200, "amp", "POST", "/api/v1/consents/"+b.Consents[0].ID+"/decision", `{"granted":true,"conditions":["crew treated per UNCLOS art. 110"]}`, &a)
		if a.Decision.Decision.Decision != policy.Allow {
			t.Fatalf("after the flag state's consent: %+v", a.Decision.Decision)
		}

		visit := `{"type":"training_visit","location":{"lat":19.4,"lon":-99.1},"start":"2026-05-01T06:00:00Z","end":"2026-05-10T18:00:00Z","force_level":1,
 "participants":[{"state":"MEX","agency":"SEDENA","kind":"troops","count":50,"armed":false,"role":"host"},{"state":"USA","agency":"DoD","kind":"troops","count":20,"armed":false,"role":"trainers"}]}`
		var v opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", visit, &v)
		var senateReq, hostReq string
		for _, c := range v.Consents {
			switch c.Role {
			case policy.RoleSenate:
				senateReq = c.ID
			case policy.RoleHost:
				hostReq = c.ID
			}
		}
		if senateReq == "" || hostReq == "" {
			t.Fatalf("training visit requests %+v", v.Consents)
		}
		for _, tc := range []struct {
			user, req string
			status    int
		}{
			{"sre", senateReq, 403}, {"senate", hostReq, 403}, {"amp", senateReq, 404},
			{"senate", senateReq, 200}, {"sre", hostReq, 200},
		} {
			if rec := e.do(tc.user, "POST", "/api/v1/consents/"+tc.req+"/decision", `{"granted":true}`); rec.Code != tc.status {
				t.Errorf("%s answers %s: %d, want %d: %s", tc.user, tc.req, rec.Code, tc.status, rec.Body)
			}
		}
		e.want(200, "semar", "GET", "/api/v1/operations/"+v.ID, nil, &v)
		if v.Decision.Decision != policy.Allow {
			t.Fatalf("after the Senate and SRE: %+v", v.Decision)
		}
	})
}

// BenchmarkProposeOperation measures POST /api/v1/operations end to end through the handler on
// SQLite (parse, decide with the stand-in jurisdiction engine, 4 ledgered writes: operation,
// decision, two consent requests).
func BenchmarkProposeOperation(b *testing.B) {
	st, err := store.Open(context.Background(), store.Config{DataDir: b.TempDir()}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e := newOpsEnv(b, st)
	body := []byte(jointPatrolJSON)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/api/v1/operations", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.tokens["semar"])
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// FuzzGrantScope: whatever scope an approver sends, reading it never panics, and a scope it
// accepts keeps the request's state and authority (an approver cannot grant for another).
func FuzzGrantScope(f *testing.F) {
	for _, s := range []string{``, `null`, `{}`, `{"max_force_level":1}`, `{"state":"USA","authority":"DOS"}`,
		`{"area":{"type":"Polygon","coordinates":[[[-108,24],[-107.5,24],[-107.5,25],[-108,25],[-108,24]]]}}`,
		`{"start":"2026-05-01T06:00:00Z","end":"x"}`, `{"participants":[{"state":"USA","count":-1}]}`, `[1,2]`, `{"area":{"type":"Point"}}`} {
		f.Add([]byte(s))
	}
	asked := ops.Consent{State: "MEX", Authority: "SRE/GANSEG", Start: opsT0, End: opsT0.Add(12 * time.Hour), MaxForceLevel: 2}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := grantScope(asked, json.RawMessage(b))
		if err != nil {
			if len(fieldErrors(err)) == 0 {
				t.Fatalf("an error without fields: %v", err)
			}
			return
		}
		if c.State != "MEX" || c.Authority != "SRE/GANSEG" {
			t.Fatalf("scope %s granted for %s %s", b, c.State, c.Authority)
		}
	})
}

// TestConcurrentKeys: the two states answer at the same moment; the operation's latest
// decision has seen both answers (decisions are recorded in the order of the answers).
func TestConcurrentKeys(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		for i := 0; i < 8; i++ {
			var p opDetail
			e.want(201, "semar", "POST", "/api/v1/operations", jointPatrolJSON, &p)
			codes := make(chan int, 3)
			var wg sync.WaitGroup
			for _, a := range []struct{ user, req string }{{"sre", p.consentOf(t, "MEX")}, {"dos", p.consentOf(t, "USA")}, {"sre", p.consentOf(t, "MEX")}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes <- e.do(a.user, "POST", "/api/v1/consents/"+a.req+"/decision", `{"granted":true}`).Code
				}()
			}
			wg.Wait()
			close(codes)
			var got []int
			for c := range codes {
				got = append(got, c)
			}
			slices.Sort(got)
			if !slices.Equal(got, []int{200, 200, 409}) {
				t.Fatalf("answers %v, want two 200 and one 409 (a request is answered once)", got)
			}
			var d opDetail
			e.want(200, "semar", "GET", "/api/v1/operations/"+p.ID, nil, &d)
			if d.Decision.Decision != policy.Allow || len(d.Decisions) != 3 {
				t.Fatalf("round %d: latest decision %s after both keys (%d decisions)", i, d.Decision.Decision, len(d.Decisions))
			}
		}
	})
}

// TestOperationReadLog: GET of an AMBER operation, by list or by id, appends one read entry
// naming the reader and the operation; a GREEN operation is read without an entry.
func TestOperationReadLog(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		e := newOpsEnv(t, st)
		var amber, green opDetail
		e.want(201, "semar", "POST", "/api/v1/operations", arrestJSON, &amber)
		e.want(201, "semar", "POST", "/api/v1/operations", strings.Replace(arrestJSON, `"force_level":3`, `"force_level":3,"tlp":"GREEN"`, 1), &green)
		if amber.Markings.TLP != "AMBER" || green.Markings.TLP != "GREEN" {
			t.Fatalf("markings %+v %+v", amber.Markings, green.Markings)
		}
		reads := func(seq int64) map[string]int {
			t.Helper()
			es, err := st.LedgerReader().Entries(context.Background(), seq, 1000)
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
		seq := e.ledgerSize()
		e.want(200, "semar", "GET", "/api/v1/operations/"+green.ID, nil, nil)
		if got := reads(seq); len(got) != 0 {
			t.Fatalf("GET of a GREEN operation logged %v", got)
		}
		e.want(200, "semar", "GET", "/api/v1/operations/"+amber.ID, nil, nil)
		if got := reads(seq); got[store.OperationReadRecordType+" "+amber.ID+" by semar"] != 1 || len(got) != 1 {
			t.Fatalf("GET of an AMBER operation logged %v", got)
		}
		seq = e.ledgerSize()
		e.want(200, "semar", "GET", "/api/v1/operations", nil, nil)
		if got := reads(seq); got[store.OperationReadRecordType+" "+amber.ID+" by semar"] != 1 || len(got) != 1 {
			t.Fatalf("list logged %v, want one read of %s", got, amber.ID)
		}
	})
}
