package access

import (
	"errors"
	"testing"
)

func TestCanRead(t *testing.T) {
	semar := User{ID: 1, Name: "ana", Agency: "SEMAR", State: "MEX", Roles: []Role{RoleAnalyst}}
	fgr := User{ID: 2, Name: "luis", Agency: "FGR", State: "MEX", Roles: []Role{RoleLegal}}
	uscg := User{ID: 3, Name: "joe", Agency: "USCG", State: "USA", Roles: []Role{RoleWatchOfficer}}
	monitorSEMAR := User{ID: 4, Name: "mon", Agency: "SEMAR", State: "MEX", Roles: []Role{RoleMonitor, RoleAnalyst}}
	noRole := User{ID: 5, Name: "nobody", Agency: "SEMAR", State: "MEX"}
	user := func(id string) Target { return Target{TargetUser, id} }
	state := func(c string) Target { return Target{TargetState, c} }
	agency := func(c string) Target { return Target{TargetAgency, c} }
	tests := []struct {
		name string
		u    User
		m    Markings
		want bool
	}{
		{"originator reads RED", semar, Markings{"SEMAR", TLPRed, []Target{user("3")}}, true},
		{"originator reads AMBER+STRICT", semar, Markings{"SEMAR", TLPAmberStrict, nil}, true},
		{"same state other agency AMBER+STRICT", fgr, Markings{"SEMAR", TLPAmberStrict, nil}, false},
		{"CLEAR to foreign", uscg, Markings{"SEMAR", TLPClear, nil}, true},
		{"GREEN without REL TO", uscg, Markings{"SEMAR", TLPGreen, nil}, true},
		{"GREEN REL TO MEX, US user", uscg, Markings{"SEMAR", TLPGreen, []Target{state("MEX")}}, false},
		{"GREEN REL TO MEX, MX user", fgr, Markings{"SEMAR", TLPGreen, []Target{state("MEX")}}, true},
		{"AMBER REL TO USA", uscg, Markings{"SEMAR", TLPAmber, []Target{state("USA")}}, true},
		{"AMBER REL TO USCG agency", uscg, Markings{"SEMAR", TLPAmber, []Target{agency("USCG")}}, true},
		{"AMBER REL TO DEA only", uscg, Markings{"SEMAR", TLPAmber, []Target{agency("DEA")}}, false},
		{"AMBER no REL TO", fgr, Markings{"SEMAR", TLPAmber, nil}, false},
		{"RED named", uscg, Markings{"SEMAR", TLPRed, []Target{user("3")}}, true},
		{"RED not named", fgr, Markings{"SEMAR", TLPRed, []Target{user("3")}}, false},
		{"monitor of originator", monitorSEMAR, Markings{"SEMAR", TLPClear, nil}, false},
		{"no role", noRole, Markings{"SEMAR", TLPClear, nil}, false},
		{"invalid markings, not originator", uscg, Markings{"SEMAR", TLPRed, []Target{state("USA")}}, false},
		{"invalid markings, originator", semar, Markings{"SEMAR", TLPRed, []Target{state("USA")}}, true},
		{"unknown level", uscg, Markings{"SEMAR", "PURPLE", nil}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, why := Explain(tc.u, tc.m)
			if got != tc.want {
				t.Errorf("CanRead = %v (%s), want %v", got, why, tc.want)
			}
			if CanRead(tc.u, tc.m) != got {
				t.Error("CanRead and Explain disagree")
			}
		})
	}
}

func TestMarkingsValidate(t *testing.T) {
	tests := []struct {
		m  Markings
		ok bool
	}{
		{Markings{"SEMAR", TLPClear, nil}, true},
		{Markings{"SEMAR", TLPClear, []Target{{TargetState, "USA"}}}, false},
		{Markings{"SEMAR", TLPAmberStrict, []Target{{TargetState, "USA"}}}, false},
		{Markings{"SEMAR", TLPRed, []Target{{TargetAgency, "USCG"}}}, false},
		{Markings{"SEMAR", TLPRed, []Target{{TargetUser, "7"}}}, true},
		{Markings{"SEMAR", TLPAmber, []Target{{TargetUser, "7"}}}, false},
		{Markings{"SEMAR", TLPAmber, []Target{{TargetState, "USA"}, {TargetState, "USA"}}}, false},
		{Markings{"SEMAR", TLPAmber, []Target{{TargetState, "usa"}}}, false},
		{Markings{"", TLPAmber, nil}, false},
		{Markings{"SEMAR", "amber", nil}, false},
		{Markings{"Treasury/OFAC", TLPGreen, []Target{{TargetAgency, "SEMAR"}}}, true},
	}
	for _, tc := range tests {
		err := tc.m.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%+v: Validate() = %v, want ok=%v", tc.m, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: error %v does not wrap ErrInvalid", tc.m, err)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]TLP{"TLP:AMBER+STRICT": TLPAmberStrict, "amber_strict": TLPAmberStrict, " red ": TLPRed, "clear": TLPClear} {
		got, err := ParseTLP(in)
		if err != nil || got != want {
			t.Errorf("ParseTLP(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseTLP("WHITE"); err == nil {
		t.Error("ParseTLP(WHITE) succeeded; TLP 2.0 has no WHITE")
	}
	for in, want := range map[string]Target{"MEX": {TargetState, "MEX"}, "SEMAR": {TargetAgency, "SEMAR"}, "user:12": {TargetUser, "12"}, "agency:DOJ": {TargetAgency, "DOJ"}} {
		got, err := ParseTarget(in)
		if err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"user:0", "user:012", "user:x", "state:Mex", "planet:EARTH", ""} {
		if _, err := ParseTarget(bad); err == nil {
			t.Errorf("ParseTarget(%q) succeeded", bad)
		}
	}
	if r, err := ParseRole("Watch Officer"); err != nil || r != RoleWatchOfficer {
		t.Errorf("ParseRole = %q, %v", r, err)
	}
	if _, err := ParseRole("king"); err == nil {
		t.Error("ParseRole(king) succeeded")
	}
	if g, err := ParseGrade("b2"); err != nil || g != (Grade{'B', 2}) {
		t.Errorf("ParseGrade(b2) = %v, %v", g, err)
	}
	for _, bad := range []string{"G1", "A0", "A7", "A", "AA1"} {
		if _, err := ParseGrade(bad); err == nil {
			t.Errorf("ParseGrade(%q) succeeded", bad)
		}
	}
}

func TestSeed(t *testing.T) {
	states := map[string]bool{}
	for _, s := range SeedStates {
		if !ValidStateCode(s.Code) {
			t.Errorf("state %q", s.Code)
		}
		states[s.Code] = true
	}
	seen := map[string]bool{}
	for _, a := range SeedAgencies {
		if err := a.Validate(); err != nil {
			t.Error(err)
		}
		if !states[a.State] || seen[a.Code] {
			t.Errorf("agency %s: unknown state or duplicate", a.Code)
		}
		seen[a.Code] = true
	}
	if len(SeedAgencies) != 15 {
		t.Errorf("%d agencies, DESIGN.md names 15", len(SeedAgencies))
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"MEX", "user:1", "TLP:RED", "B2", "agency:Treasury/OFAC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tg, err := ParseTarget(s); err == nil {
			if tg.Validate() != nil {
				t.Fatalf("ParseTarget(%q) accepted an invalid target", s)
			}
		}
		if g, err := ParseGrade(s); err == nil && g.Validate() != nil {
			t.Fatalf("ParseGrade(%q) accepted an invalid grade", s)
		}
		if l, err := ParseTLP(s); err == nil && (Markings{Originator: "X", TLP: l}).Validate() != nil {
			t.Fatalf("ParseTLP(%q) = %q, not a valid level", s, l)
		}
		_, _ = ParseRole(s)
	})
}
