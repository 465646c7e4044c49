package policy

import "testing"

// TestHeldOut runs the scenarios written from LAW.md alone before the engine existed
// (testdata/heldout.json), against the real jurisdiction engine.
func TestHeldOut(t *testing.T) {
	where, people := realEngines(t)
	e, err := New(DefaultConfig(), where, people)
	if err != nil {
		t.Fatal(err)
	}
	sc := loadScenarios(t, "heldout.json")
	pass := runScenarios(t, e, sc)
	t.Logf("held-out scenarios: %d of %d right", pass, len(sc))
}

// TestScenarios runs the scenario table (testdata/scenarios.json) against the real
// jurisdiction engine and the GeoNames population, and checks that every rule is exercised.
func TestScenarios(t *testing.T) {
	where, people := realEngines(t)
	e, err := New(DefaultConfig(), where, people)
	if err != nil {
		t.Fatal(err)
	}
	sc := loadScenarios(t, "scenarios.json")
	if len(sc) < 60 {
		t.Errorf("%d scenarios, want at least 60", len(sc))
	}
	pass := runScenarios(t, e, sc)
	t.Logf("scenarios: %d of %d right", pass, len(sc))
	covered := map[string]bool{}
	for _, s := range append(sc, loadScenarios(t, "heldout.json")...) {
		for _, id := range s.Want.Rules {
			covered[id] = true
		}
	}
	for _, r := range Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s is named by no scenario", r.ID)
		}
	}
}
