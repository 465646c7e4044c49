package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/store"
)

// intelDialects runs fn with a web server over a real store: SQLite, then PostgreSQL
// (ACCORD_TEST_POSTGRES; skipped with a printed reason when unreachable, failing under CI=true).
func intelDialects(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	openStore := func(t *testing.T, cfg store.Config) *store.Store {
		st, err := store.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, openStore(t, store.Config{DataDir: t.TempDir()})) })
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("ACCORD_TEST_POSTGRES")
		if dsn == "" {
			dsn = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
		}
		ctx := context.Background()
		admin, err := pgx.Connect(ctx, dsn)
		if err == nil {
			err = admin.Ping(ctx)
		}
		if err != nil {
			msg := fmt.Sprintf("web intel: dialect=postgres NOT run: server unreachable: %v (set ACCORD_TEST_POSTGRES)", err)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		t.Cleanup(func() { admin.Close(ctx) })
		schema := fmt.Sprintf("accord_web_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, webSeq.Add(1))
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE") })
		u, _ := url.Parse(dsn)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		fn(t, openStore(t, store.Config{DSN: u.String(), DataDir: t.TempDir()}))
	})
}

var webSeq atomic.Int64

func newIntelServer(t *testing.T, st *store.Store, mod func(*IntelConfig)) (*Server, *store.Sovereignty) {
	sv := st.Sovereignty()
	if err := sv.Seed(context.Background(), access.SeedStates, access.SeedAgencies); err != nil {
		t.Fatal(err)
	}
	srv, _ := newTestServer(t, func(c *Config) {
		c.NotFound = store.ErrNotFound
		c.Intel = IntelConfig{Store: sv, Sessions: sv, STIX: func(_ context.Context, x intel.Export, _ access.User) ([]byte, error) {
			// A minimal stand-in encoder for the web tests: the ids of what was exported.
			var ids []string
			for _, r := range x.Reports {
				ids = append(ids, "report:"+strconv.FormatInt(r.ID, 10))
			}
			for _, e := range x.Entities {
				ids = append(ids, "entity:"+strconv.FormatInt(e.ID, 10))
			}
			return json.Marshal(ids)
		}}
		if mod != nil {
			mod(&c.Intel)
		}
	})
	return srv, sv
}

// call sends a request with optional JSON body and headers "K: V".
func call(t testing.TB, h http.Handler, method, target string, body any, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, target, rd)
	req.RemoteAddr = "192.0.2.1:1234"
	for _, kv := range hdr {
		k, v, _ := strings.Cut(kv, ": ")
		req.Header.Add(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAuth(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv, sv := newIntelServer(t, st, func(c *IntelConfig) { c.LoginBurstName = 3 })
		if _, err := sv.AddUser(ctx, store.System, store.NewUser{Name: "ana", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		if rec := call(t, srv, "GET", "/api/v1/me", nil); rec.Code != 401 {
			t.Errorf("anonymous /me: %d", rec.Code)
		}
		if rec := call(t, srv, "POST", "/api/v1/login", map[string]string{"name": "ana", "password": "wrong password!"}); rec.Code != 401 {
			t.Errorf("wrong password: %d %s", rec.Code, rec.Body)
		}
		// Session login: cookie + CSRF.
		rec := call(t, srv, "POST", "/api/v1/login", map[string]string{"name": "ana", "password": "correct horse battery"})
		if rec.Code != 200 {
			t.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
		var lr struct {
			CSRF  string `json:"csrf_token"`
			Token string `json:"token"`
		}
		json.Unmarshal(rec.Body.Bytes(), &lr)
		cookie := rec.Result().Cookies()[0]
		if cookie.Name != sessionCookie || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || lr.CSRF == "" || lr.Token != "" {
			t.Fatalf("session cookie %+v, body %s", cookie, rec.Body)
		}
		ck := "Cookie: " + sessionCookie + "=" + cookie.Value
		if rec := call(t, srv, "GET", "/api/v1/me", nil, ck); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"agency":"SEMAR"`) {
			t.Errorf("/me with cookie: %d %s", rec.Code, rec.Body)
		}
		ent := map[string]any{"kind": "vessel", "name": "Lancha 1", "markings": map[string]any{"originator": "SEMAR", "tlp": "GREEN"}}
		if rec := call(t, srv, "POST", "/api/v1/entities", ent, ck); rec.Code != 403 || !strings.Contains(rec.Body.String(), "csrf") {
			t.Errorf("POST without CSRF: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "POST", "/api/v1/entities", ent, ck, csrfHeader+": wrong"); rec.Code != 403 {
			t.Errorf("POST with a wrong CSRF token: %d", rec.Code)
		}
		if rec := call(t, srv, "POST", "/api/v1/entities", ent, ck, csrfHeader+": "+lr.CSRF); rec.Code != 201 {
			t.Errorf("POST with CSRF: %d %s", rec.Code, rec.Body)
		}
		// The session cookie is not a bearer token and vice versa.
		if rec := call(t, srv, "GET", "/api/v1/me", nil, "Authorization: Bearer "+cookie.Value); rec.Code != 401 {
			t.Errorf("session token used as bearer: %d", rec.Code)
		}
		// Token login.
		rec = call(t, srv, "POST", "/api/v1/login", map[string]string{"name": "ana", "password": "correct horse battery", "kind": "token"})
		json.Unmarshal(rec.Body.Bytes(), &lr)
		if rec.Code != 200 || lr.Token == "" || len(rec.Result().Cookies()) != 0 {
			t.Fatalf("token login: %d %s", rec.Code, rec.Body)
		}
		bearer := "Authorization: Bearer " + lr.Token
		if rec := call(t, srv, "POST", "/api/v1/entities", ent, bearer); rec.Code != 201 {
			t.Errorf("bearer POST (no CSRF needed): %d %s", rec.Code, rec.Body)
		}
		// Search input the database would reject is the caller's mistake: 400 naming the
		// parameter, on both dialects (PostgreSQL refuses NUL bytes in text).
		for _, c := range []struct{ target, param string }{
			{"/api/v1/entities?q=" + strings.Repeat("x", 201), "q"},
			{"/api/v1/entities?q=a%00b", "q"},
			{"/api/v1/entities?q=a%ffb", "q"},
			{"/api/v1/entities?q=a%01b", "q"},
			{"/api/v1/entities?kind=%00", "kind"},
			{"/api/v1/entities?scheme=IMO&value=9%00", "value"},
			{"/api/v1/reports/search?q=a%00b", "q"},
			{"/api/v1/reports/search?q=" + strings.Repeat("y", 201), "q"},
		} {
			rec := call(t, srv, "GET", c.target, nil, bearer)
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), `\"`+c.param+`\"`) {
				t.Errorf("GET %.60s: %d %s; want 400 naming %q", c.target, rec.Code, rec.Body, c.param)
			}
		}
		if rec := call(t, srv, "GET", "/api/v1/entities?q=%C3%A1ngel", nil, bearer); rec.Code != 200 {
			t.Errorf("search for UTF-8 text: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "GET", "/api/v1/me", nil, "Cookie: "+sessionCookie+"="+lr.Token); rec.Code != 401 {
			t.Errorf("API token used as cookie: %d", rec.Code)
		}
		if rec := call(t, srv, "POST", "/api/v1/logout", nil, bearer); rec.Code != 200 {
			t.Errorf("logout: %d %s", rec.Code, rec.Body)
		}
		if rec := call(t, srv, "GET", "/api/v1/me", nil, bearer); rec.Code != 401 {
			t.Errorf("token after logout: %d", rec.Code)
		}
		if rec := call(t, srv, "POST", "/api/v1/logout", nil, ck); rec.Code != 403 {
			t.Errorf("session logout without CSRF: %d", rec.Code)
		}
		// Rate limit: the name's bucket (3) is spent by the 3 logins above; the next answers 429
		// before checking the password.
		rec = call(t, srv, "POST", "/api/v1/login", map[string]string{"name": "ana", "password": "correct horse battery"})
		if rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("4th login: %d %s", rec.Code, rec.Body)
		}
		for _, body := range []string{`{`, `{"name":"ana","password":"x","extra":1}`, `{"name":"","password":""}`, `{"name":"a","password":"b","kind":"cookie"}`} {
			req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(body))
			req.RemoteAddr = "192.0.2.9:1"
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != 400 {
				t.Errorf("login body %s: %d %s", body, rec.Code, rec.Body)
			}
		}
	})
}

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(2, time.Minute, func() time.Time { return now })
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.allow("k"); ok != want {
			t.Errorf("attempt %d: %v", i, ok)
		}
	}
	if ok, _ := l.allow("other"); !ok {
		t.Error("keys share a bucket")
	}
	now = now.Add(30 * time.Second)
	if ok, wait := l.allow("k"); ok || wait != 30*time.Second {
		t.Errorf("after 30 s: %v, wait %s", ok, wait)
	}
	now = now.Add(31 * time.Second)
	if ok, _ := l.allow("k"); !ok {
		t.Error("not refilled after a minute")
	}
}

// apiOracle is the web test's own statement of the releasability rules (see the store's
// leak matrix for the same rules over the store API).
func apiOracle(role, agency, state, name string, m apiMark) bool {
	if role == "monitor" {
		return false
	}
	if agency == m.orig {
		return true
	}
	switch m.tlp {
	case "CLEAR":
		return true
	case "GREEN":
		return len(m.rel) == 0 || slices.Contains(m.rel, "state:"+state) || slices.Contains(m.rel, "agency:"+agency)
	case "AMBER":
		return slices.Contains(m.rel, "state:"+state) || slices.Contains(m.rel, "agency:"+agency)
	case "RED":
		return slices.Contains(m.redTo, name)
	}
	return false
}

type apiMark struct {
	orig, tlp string
	rel       []string // "state:X" / "agency:Y"
	redTo     []string // user names
}

// TestAPILeakMatrix drives the HTTP API as each user (8 roles × 4 agencies of 2 states) over
// reports and entities of every TLP level and several REL TO lists, on every read route.
func TestAPILeakMatrix(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv, sv := newIntelServer(t, st, func(c *IntelConfig) { c.LoginBurstIP, c.LoginBurstName = 1000, 10 })
		agencies := []struct{ code, state string }{{"SEMAR", "MEX"}, {"FGR", "MEX"}, {"USCG", "USA"}, {"DEA", "USA"}}
		type tu struct {
			name, agency, state, role string
			id                        int64
		}
		var users []*tu
		byName := map[string]*tu{}
		for _, a := range agencies {
			for _, r := range access.Roles {
				u := &tu{name: a.code + "-" + string(r), agency: a.code, state: a.state, role: string(r)}
				au, err := sv.AddUser(ctx, store.System, store.NewUser{Name: u.name, Agency: a.code, Roles: []access.Role{r}, Password: "matrix password 1"})
				if err != nil {
					t.Fatal(err)
				}
				u.id = au.ID
				users = append(users, u)
				byName[u.name] = u
			}
		}
		var marks []apiMark
		for _, orig := range []string{"SEMAR", "DEA"} {
			marks = append(marks,
				apiMark{orig: orig, tlp: "CLEAR"},
				apiMark{orig: orig, tlp: "GREEN"},
				apiMark{orig: orig, tlp: "GREEN", rel: []string{"state:USA"}},
				apiMark{orig: orig, tlp: "GREEN", rel: []string{"agency:FGR"}},
				apiMark{orig: orig, tlp: "AMBER"},
				apiMark{orig: orig, tlp: "AMBER", rel: []string{"state:MEX"}},
				apiMark{orig: orig, tlp: "AMBER", rel: []string{"agency:USCG", "agency:SEMAR"}},
				apiMark{orig: orig, tlp: "AMBER+STRICT"},
				apiMark{orig: orig, tlp: "RED", redTo: []string{"USCG-analyst"}},
				apiMark{orig: orig, tlp: "RED", redTo: []string{"FGR-approver", "SEMAR-oversight"}},
			)
		}
		now := time.Now().UTC().Truncate(time.Second)
		reportMark := map[int64]apiMark{}
		entityMark := map[int64]apiMark{}
		for i, m := range marks {
			am := access.Markings{Originator: m.orig, TLP: access.TLP(m.tlp)}
			for _, r := range m.rel {
				tg, _ := access.ParseTarget(r)
				am.RelTo = append(am.RelTo, tg)
			}
			for _, n := range m.redTo {
				am.RelTo = append(am.RelTo, access.Target{Type: access.TargetUser, Value: strconv.FormatInt(byName[n].id, 10)})
			}
			eid, err := sv.CreateEntity(ctx, store.System, intel.Entity{Kind: intel.Vessel, Name: fmt.Sprintf("Vessel %d", i), Markings: am})
			if err != nil {
				t.Fatal(err)
			}
			entityMark[eid] = m
			rid, err := sv.CreateReport(ctx, store.System, intel.Report{Markings: am, Discipline: intel.SIGINT, Grade: access.Grade{Reliability: 'C', Credibility: 3},
				Observed: now.Add(-time.Duration(i) * time.Minute), Location: &intel.Point{Lat: 18, Lon: -94}, Title: fmt.Sprintf("apiword %d", i),
				Entities: []intel.Mention{{EntityID: eid, Stance: intel.Supports}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			reportMark[rid] = m
		}
		cases := 0
		for _, u := range users {
			rec := call(t, srv, "POST", "/api/v1/login", map[string]string{"name": u.name, "password": "matrix password 1", "kind": "token"})
			var lr struct{ Token string }
			if json.Unmarshal(rec.Body.Bytes(), &lr); rec.Code != 200 || lr.Token == "" {
				t.Fatalf("login %s: %d %s", u.name, rec.Code, rec.Body)
			}
			bearer := "Authorization: Bearer " + lr.Token
			wantR := func(id int64) bool { return apiOracle(u.role, u.agency, u.state, u.name, reportMark[id]) }
			wantE := func(id int64) bool { return apiOracle(u.role, u.agency, u.state, u.name, entityMark[id]) }
			listIDs := func(target, key string) map[int64]bool {
				rec := call(t, srv, "GET", target, nil, bearer)
				if rec.Code != 200 {
					t.Fatalf("%s as %s: %d %s", target, u.name, rec.Code, rec.Body)
				}
				got := map[int64]bool{}
				if key == "features" {
					var fc struct {
						Features []struct {
							Properties struct{ ID int64 } `json:"properties"`
						} `json:"features"`
					}
					json.Unmarshal(rec.Body.Bytes(), &fc)
					for _, f := range fc.Features {
						got[f.Properties.ID] = true
					}
					return got
				}
				var body map[string][]struct {
					ID       int64 `json:"id"`
					Entities []struct {
						EntityID int64 `json:"entity_id"`
					} `json:"entities"`
				}
				json.Unmarshal(rec.Body.Bytes(), &body)
				for _, r := range body[key] {
					got[r.ID] = true
					for _, m := range r.Entities {
						if !wantE(m.EntityID) {
							t.Errorf("LEAK %s: %s saw entity %d through report %d", target, u.name, m.EntityID, r.ID)
						}
					}
				}
				return got
			}
			if u.role == "monitor" {
				// Redacted list: the agency's reach (no RED unless the agency originated it),
				// no content; search, map and single reports are refused.
				rec := call(t, srv, "GET", "/api/v1/reports?limit=1000", nil, bearer)
				var body struct {
					Redacted bool             `json:"redacted"`
					Reports  []map[string]any `json:"reports"`
				}
				if json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != 200 || !body.Redacted {
					t.Fatalf("monitor list as %s: %d %s", u.name, rec.Code, rec.Body)
				}
				got := map[int64]bool{}
				for _, r := range body.Reports {
					id := int64(r["id"].(float64))
					got[id] = true
					var keys []string
					for k := range r {
						keys = append(keys, k)
					}
					slices.Sort(keys)
					if want := []string{"discipline", "grade", "id", "observed", "originator", "place_state", "tlp"}; !slices.Equal(keys, want) {
						t.Errorf("monitor %s: redacted row %d has fields %v, want exactly %v", u.name, id, keys, want)
					}
				}
				for id := range reportMark {
					cases++
					if want := apiOracle("analyst", u.agency, u.state, "", reportMark[id]); got[id] != want {
						t.Errorf("monitor list as %s: report %d (%+v) received=%v, agency may read=%v", u.name, id, reportMark[id], got[id], want)
					}
				}
				for _, target := range []string{"/api/v1/reports/search?q=APIWORD", "/api/v1/reports/map?bbox=-95,17,-93,19", "/api/v1/reports?bbox=-95,17,-93,19"} {
					cases++
					if rec := call(t, srv, "GET", target, nil, bearer); rec.Code != 403 {
						t.Errorf("%s as monitor %s: %d, want 403", target, u.name, rec.Code)
					}
				}
			}
			for _, path := range []struct{ target, key string }{
				{"/api/v1/reports?limit=1000", "reports"},
				{"/api/v1/reports/search?q=APIWORD&limit=1000", "reports"},
				{"/api/v1/reports/map?bbox=-95,17,-93,19&limit=1000", "features"},
			} {
				if u.role == "monitor" {
					break
				}
				got := listIDs(path.target, path.key)
				for id := range reportMark {
					cases++
					if got[id] != wantR(id) {
						t.Errorf("%s as %s: report %d (%+v) received=%v, releasable=%v", path.target, u.name, id, reportMark[id], got[id], wantR(id))
					}
				}
			}
			got := listIDs("/api/v1/entities?limit=1000", "entities")
			for id := range entityMark {
				cases++
				if got[id] != wantE(id) {
					t.Errorf("entities as %s: entity %d (%+v) received=%v, releasable=%v", u.name, id, entityMark[id], got[id], wantE(id))
				}
			}
			for id := range reportMark {
				cases += 2
				rec := call(t, srv, "GET", "/api/v1/reports/"+strconv.FormatInt(id, 10), nil, bearer)
				if u.role == "monitor" {
					if rec.Code != 403 {
						t.Errorf("GET report %d as monitor %s: %d, want 403", id, u.name, rec.Code)
					}
				} else if (rec.Code == 200) != wantR(id) || (rec.Code != 200 && rec.Code != 404) {
					t.Errorf("GET report %d as %s: %d, releasable=%v", id, u.name, rec.Code, wantR(id))
				}
				if rec.Code == 404 && !strings.Contains(rec.Body.String(), "no such record") {
					t.Errorf("404 body says more than 'no such record': %s", rec.Body)
				}
				var eid int64
				for e, m := range entityMark {
					if fmt.Sprint(m) == fmt.Sprint(reportMark[id]) {
						eid = e
					}
				}
				rec = call(t, srv, "GET", "/api/v1/corroboration?entity="+strconv.FormatInt(eid, 10)+"&lat=18&lon=-94&radius_nm=5", nil, bearer)
				if (rec.Code == 200) != wantE(eid) {
					t.Errorf("corroboration of entity %d as %s: %d, releasable=%v", eid, u.name, rec.Code, wantE(eid))
				}
				var sc struct {
					Groups []struct{ Reports []int64 } `json:"groups"`
				}
				json.Unmarshal(rec.Body.Bytes(), &sc)
				for _, g := range sc.Groups {
					for _, rid := range g.Reports {
						if !wantR(rid) {
							t.Errorf("LEAK corroboration as %s: report %d", u.name, rid)
						}
					}
				}
			}
			for id := range entityMark {
				cases++
				rec := call(t, srv, "GET", "/api/v1/entities/"+strconv.FormatInt(id, 10), nil, bearer)
				if (rec.Code == 200) != wantE(id) {
					t.Errorf("GET entity %d as %s: %d, releasable=%v", id, u.name, rec.Code, wantE(id))
				}
			}
			rec = call(t, srv, "GET", "/api/v1/export.stix", nil, bearer)
			if u.role == "monitor" {
				if rec.Code != 403 {
					t.Errorf("monitor export: %d", rec.Code)
				}
			} else {
				var ids []string
				json.Unmarshal(rec.Body.Bytes(), &ids)
				for id := range reportMark {
					cases++
					if slices.Contains(ids, "report:"+strconv.FormatInt(id, 10)) != wantR(id) {
						t.Errorf("export as %s: report %d included=%v, releasable=%v", u.name, id, !wantR(id), wantR(id))
					}
				}
			}
		}
		t.Logf("API leak matrix (%s): %d users × %d marking variants, %d (user, record, route) cases", st.Dialect(), len(users), len(marks), cases)
	})
}

// TestAPILeakStixID drives POST /api/v1/reports and /api/v1/entities as the analyst of each of
// four agencies with the STIX id of every report and entity of two originators (each marking
// variant of TestAPILeakMatrix): the answer must not depend on records hidden from the writer.
// With another agency's id (readable or not) the status and body shape are exactly those of a
// fresh id (201 {"id"}), the body names nothing of the other record, and the other record stays
// unreadable when it was; with its own agency's id (a record it reads) the answer is 409.
func TestAPILeakStixID(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv, sv := newIntelServer(t, st, func(c *IntelConfig) { c.LoginBurstIP, c.LoginBurstName = 1000, 10 })
		agencies := []struct{ code, state string }{{"SEMAR", "MEX"}, {"FGR", "MEX"}, {"USCG", "USA"}, {"DEA", "USA"}}
		type tu struct {
			name, agency, state, role, bearer string
			id                                int64
		}
		var writers []*tu
		byName := map[string]*tu{}
		for _, a := range agencies {
			for _, r := range []access.Role{access.RoleAnalyst, access.RoleApprover} {
				u := &tu{name: a.code + "-" + string(r), agency: a.code, state: a.state, role: string(r)}
				au, err := sv.AddUser(ctx, store.System, store.NewUser{Name: u.name, Agency: a.code, Roles: []access.Role{r}, Password: "matrix password 1"})
				if err != nil {
					t.Fatal(err)
				}
				u.id = au.ID
				byName[u.name] = u
				if r == access.RoleAnalyst {
					writers = append(writers, u)
				}
			}
		}
		var marks []apiMark
		for _, orig := range []string{"SEMAR", "DEA"} {
			marks = append(marks,
				apiMark{orig: orig, tlp: "CLEAR"},
				apiMark{orig: orig, tlp: "GREEN", rel: []string{"agency:FGR"}},
				apiMark{orig: orig, tlp: "AMBER"},
				apiMark{orig: orig, tlp: "AMBER", rel: []string{"state:MEX"}},
				apiMark{orig: orig, tlp: "AMBER+STRICT"},
				apiMark{orig: orig, tlp: "RED", redTo: []string{"USCG-analyst"}},
				apiMark{orig: orig, tlp: "RED", redTo: []string{"FGR-approver"}},
			)
		}
		seq := 0
		stixID := func(typ string) string {
			seq++
			return fmt.Sprintf("%s--%08x-0000-4000-8000-%012x", typ, time.Now().UnixNano()&0xffffffff, seq)
		}
		type rec struct {
			kind, path, stixID, canary string
			id                         int64
			mark                       apiMark
		}
		var recs []rec
		now := time.Now().UTC().Truncate(time.Second)
		for i, m := range marks {
			am := access.Markings{Originator: m.orig, TLP: access.TLP(m.tlp)}
			for _, r := range m.rel {
				tg, _ := access.ParseTarget(r)
				am.RelTo = append(am.RelTo, tg)
			}
			for _, n := range m.redTo {
				am.RelTo = append(am.RelTo, access.Target{Type: access.TargetUser, Value: strconv.FormatInt(byName[n].id, 10)})
			}
			es, rs := stixID("infrastructure"), stixID("report")
			canary := fmt.Sprintf("stixcanary%d", i)
			eid, err := sv.CreateEntity(ctx, store.System, intel.Entity{StixID: es, Kind: intel.Vessel, Name: canary, Markings: am})
			if err != nil {
				t.Fatal(err)
			}
			rid, err := sv.CreateReport(ctx, store.System, intel.Report{StixID: rs, Markings: am, Discipline: intel.SIGINT, Grade: access.Grade{Reliability: 'C', Credibility: 3},
				Observed: now, Title: canary}, nil)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, rec{"entity", "/api/v1/entities", es, canary, eid, m}, rec{"report", "/api/v1/reports", rs, canary, rid, m})
		}
		body := func(u *tu, kind, stixID string) map[string]any {
			mk := map[string]any{"originator": u.agency, "tlp": "AMBER+STRICT"}
			if kind == "entity" {
				return map[string]any{"stix_id": stixID, "kind": "vessel", "name": "probe", "markings": mk}
			}
			return map[string]any{"stix_id": stixID, "markings": mk, "discipline": "OSINT", "grade": "F6", "observed": now.Format(time.RFC3339), "title": "probe"}
		}
		shape := func(b []byte) string {
			var v map[string]any
			if err := json.Unmarshal(b, &v); err != nil {
				return "not a JSON object: " + string(b)
			}
			keys := slices.Sorted(func(yield func(string) bool) {
				for k := range v {
					if !yield(k) {
						return
					}
				}
			})
			return strings.Join(keys, ",")
		}
		cases := 0
		for _, u := range writers {
			rec := call(t, srv, "POST", "/api/v1/login", map[string]string{"name": u.name, "password": "matrix password 1", "kind": "token"})
			var lr struct{ Token string }
			if json.Unmarshal(rec.Body.Bytes(), &lr); rec.Code != 200 || lr.Token == "" {
				t.Fatalf("login %s: %d %s", u.name, rec.Code, rec.Body)
			}
			u.bearer = "Authorization: Bearer " + lr.Token
			for _, r := range recs {
				cases++
				readable := apiOracle(u.role, u.agency, u.state, u.name, r.mark)
				typ, _, _ := strings.Cut(r.stixID, "--")
				fresh := call(t, srv, "POST", r.path, body(u, r.kind, stixID(typ)), u.bearer)
				if fresh.Code != 201 {
					t.Fatalf("%s: POST %s with a fresh STIX id: %d %s", u.name, r.path, fresh.Code, fresh.Body)
				}
				reuse := call(t, srv, "POST", r.path, body(u, r.kind, r.stixID), u.bearer)
				if u.agency == r.mark.orig {
					// Its own agency's record, which it reads: the documented conflict.
					if reuse.Code != 409 || !readable {
						t.Errorf("%s: POST %s with the STIX id of its agency's %s %d: %d %s, want 409", u.name, r.path, r.kind, r.id, reuse.Code, reuse.Body)
					}
					continue
				}
				if reuse.Code != fresh.Code || shape(reuse.Body.Bytes()) != shape(fresh.Body.Bytes()) {
					t.Errorf("LEAK %s: POST %s with the STIX id of %s %d (%+v, readable %v): %d %s; with a fresh id: %d %s",
						u.name, r.path, r.kind, r.id, r.mark, readable, reuse.Code, reuse.Body, fresh.Code, fresh.Body)
				}
				if strings.Contains(reuse.Body.String(), r.canary) || strings.Contains(reuse.Body.String(), strconv.FormatInt(r.id, 10)+",") {
					t.Errorf("LEAK %s: POST %s answer names %s %d: %s", u.name, r.path, r.kind, r.id, reuse.Body)
				}
				get := call(t, srv, "GET", r.path+"/"+strconv.FormatInt(r.id, 10), nil, u.bearer)
				if (get.Code == 200) != readable {
					t.Errorf("LEAK? %s: GET %s %d (%+v) after reusing its STIX id: %d, readable %v", u.name, r.kind, r.id, r.mark, get.Code, readable)
				}
				// Posting the same id again conflicts with the writer's own new record.
				if again := call(t, srv, "POST", r.path, body(u, r.kind, r.stixID), u.bearer); again.Code != 409 {
					t.Errorf("%s: second POST %s with STIX id %s: %d %s, want 409", u.name, r.path, r.stixID, again.Code, again.Body)
				}
			}
		}
		t.Logf("API STIX id leak checks (%s): %d writers × %d records: %d cases", st.Dialect(), len(writers), len(recs), cases)
	})
}
