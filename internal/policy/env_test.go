package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"accord/internal/jurisdiction"
	"accord/internal/ops"
)

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = up
	}
}

// skipOrFatal skips a test that needs data outside CI and fails it in CI (CI=true).
func skipOrFatal(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// cacheDir is shared with the jurisdiction tests: $ACCORD_JURISDICTION_CACHE, else
// <user cache dir>/accord/jurisdiction, else a temp dir.
func cacheDir() string {
	if d := os.Getenv("ACCORD_JURISDICTION_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "accord", "jurisdiction")
	}
	return filepath.Join(os.TempDir(), "accord-jurisdiction-cache")
}

var (
	realOnce   sync.Once
	realWhere  *jurisdiction.Engine
	realPeople *Cities
	realErr    error
)

// realEngines loads the REAL jurisdiction engine (boundary data from node_modules and
// ../shared/data) and the GeoNames population once per test binary.
func realEngines(t testing.TB) (*jurisdiction.Engine, *Cities) {
	t.Helper()
	root := moduleRoot(t)
	cfg := jurisdiction.DefaultConfig(root, cacheDir())
	for _, p := range []string{cfg.LandPath, cfg.MaritimePath, cfg.TreatyPath, CitiesPath(root)} {
		if _, err := os.Stat(p); err != nil {
			skipOrFatal(t, "boundary or population data not installed (%v); run `npm ci` and provide ../shared/data", err)
		}
	}
	realOnce.Do(func() {
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		realWhere, realErr = jurisdiction.Load(context.Background(), cfg, log)
		if realErr == nil {
			realPeople, realErr = LoadCities(CitiesPath(root))
		}
	})
	if realErr != nil {
		t.Fatalf("loading the real engines: %v", realErr)
	}
	return realWhere, realPeople
}

// scenario is one case of testdata/scenarios.json or testdata/heldout.json.
type scenario struct {
	Name      string          `json:"name"`
	Source    string          `json:"source"`
	Want      want            `json:"want"`
	Operation json.RawMessage `json:"operation"`
}

type want struct {
	Decision   string      `json:"decision"`
	Required   [][2]string `json:"required"`   // [state, role] of the missing consents (exactly, for needs_consent)
	Citations  []string    `json:"citations"`  // substrings that some fired rule's citation must contain
	Rules      []string    `json:"rules"`      // rule ids that must have fired
	Conditions *bool       `json:"conditions"` // whether conditions are expected
}

func loadScenarios(t testing.TB, name string) []scenario {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var sc []scenario
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return sc
}

// check returns the differences between a decision and what the scenario wants.
func (w want) check(d Decision) []string {
	var diffs []string
	if d.Decision != w.Decision {
		diffs = append(diffs, fmt.Sprintf("decision %s, want %s", d.Decision, w.Decision))
	}
	if w.Decision == NeedsConsent || len(w.Required) > 0 {
		var got [][2]string
		for _, c := range d.RequiredConsents {
			got = append(got, [2]string{c.State, c.Role})
		}
		wantR := slices.Clone(w.Required)
		cmp := func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) }
		slices.SortFunc(got, cmp)
		slices.SortFunc(wantR, cmp)
		if !slices.Equal(got, wantR) {
			diffs = append(diffs, fmt.Sprintf("required consents %v, want %v", got, wantR))
		}
	}
	for _, c := range w.Citations {
		found := false
		for _, f := range d.Rules {
			if strings.Contains(f.Citation, c) {
				found = true
			}
		}
		if !found {
			diffs = append(diffs, fmt.Sprintf("no fired rule cites %q", c))
		}
	}
	for _, id := range w.Rules {
		if !slices.ContainsFunc(d.Rules, func(f Fired) bool { return f.ID == id }) {
			diffs = append(diffs, fmt.Sprintf("rule %s did not fire", id))
		}
	}
	if w.Conditions != nil && *w.Conditions != (len(d.Conditions) > 0) {
		diffs = append(diffs, fmt.Sprintf("conditions %d, want present=%v", len(d.Conditions), *w.Conditions))
	}
	return diffs
}

func summarize(d Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s; required %v; rules:", d.Decision, d.RequiredConsents)
	for _, f := range d.Rules {
		fmt.Fprintf(&b, " %s[%s: %s]", f.ID, f.Effect, f.Reason.EN)
	}
	fmt.Fprintf(&b, "; places %v", d.Places)
	return b.String()
}

func runScenarios(t *testing.T, e *Engine, sc []scenario) (pass int) {
	t.Helper()
	for _, s := range sc {
		op, err := ops.ParseJSON(s.Operation)
		if err != nil {
			t.Errorf("%s: operation: %v", s.Name, err)
			continue
		}
		d := e.Decide(op)
		if diffs := s.Want.check(d); len(diffs) > 0 {
			t.Errorf("%s (%s): %s\n\tgot: %s", s.Name, s.Source, strings.Join(diffs, "; "), summarize(d))
			continue
		}
		pass++
	}
	return pass
}
