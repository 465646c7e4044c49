package access

import (
	"strconv"
	"testing"
)

// TestDerivedNeverWidens checks Derived against CanRead: over every user and every pair and
// triple of markings built from the rules' cases, a user who may read the derived record,
// other than its originator, may read every source record; and a single valid source keeps
// exactly its readers.
func TestDerivedNeverWidens(t *testing.T) {
	agencies := []struct{ code, state string }{{"SEMAR", "MEX"}, {"FGR", "MEX"}, {"USCG", "USA"}, {"DEA", "USA"}}
	var users []User
	for i, a := range agencies {
		for j, rs := range [][]Role{{RoleAnalyst}, {RoleMonitor}} {
			id := int64(10*i + j + 1)
			users = append(users, User{ID: id, Name: "u" + strconv.FormatInt(id, 10), Agency: a.code, State: a.state, Roles: rs})
		}
	}
	relTos := [][]Target{nil, {{TargetState, "MEX"}}, {{TargetState, "USA"}}, {{TargetAgency, "FGR"}}, {{TargetState, "USA"}, {TargetAgency, "FGR"}},
		{{TargetUser, "1"}}, {{TargetUser, "1"}, {TargetUser, "31"}}}
	var marks []Markings
	for _, l := range append(TLPs[:len(TLPs):len(TLPs)], "PURPLE") {
		for _, r := range relTos {
			marks = append(marks, Markings{Originator: "SEMAR", TLP: l, RelTo: r})
		}
	}
	checks, reads := 0, 0
	check := func(orig string, ms ...Markings) {
		d := Derived(orig, ms...)
		if err := d.Validate(); err != nil {
			t.Fatalf("Derived(%s, %+v) = %+v: %v", orig, ms, d, err)
		}
		for _, u := range users {
			checks++
			if !CanRead(u, d) || u.Agency == d.Originator {
				continue
			}
			reads++
			for _, m := range ms {
				if !CanRead(u, m) {
					t.Errorf("user %s (%s %s) reads Derived(%s, %+v) = %+v but not %+v", u.Name, u.Agency, u.State, orig, ms, d, m)
				}
			}
		}
	}
	for i, a := range marks {
		if a.Validate() == nil {
			d := Derived(a.Originator, a)
			for _, u := range users {
				checks++
				if CanRead(u, d) != CanRead(u, a) {
					t.Errorf("Derived of the single record %+v = %+v: user %s reads it %v, the record %v", a, d, u.Name, CanRead(u, d), CanRead(u, a))
				}
			}
		}
		for j := i; j < len(marks); j++ {
			b := marks[j]
			check("SEMAR", a, b)
			b.Originator = "USCG"
			check("MEX", a, b) // mixed originators: the node's state code, no user's agency
			for k := j; k < len(marks); k += 3 {
				check("SEMAR", a, marks[j], marks[k])
			}
		}
	}
	if d := Derived("SEMAR"); d.TLP != TLPClear {
		t.Errorf("Derived of nothing: %+v, want CLEAR", d)
	}
	if checks < 10000 || reads < 100 {
		t.Errorf("only %d checks, %d of them reads by others than the originator", checks, reads)
	}
	t.Logf("%d checks, %d reads by others than the originator", checks, reads)
}
