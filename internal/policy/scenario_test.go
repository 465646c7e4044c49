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
