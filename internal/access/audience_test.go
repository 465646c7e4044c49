package access

import (
	"slices"
	"strconv"
	"testing"
)

// TestAudiencesAgreeWithCanRead checks the audience statement of the rules against CanRead
// over every user (role kind × agency × state × id) and every marking built from the rules'
// cases (originator × level × REL TO subsets of states, agencies and users, valid or not).
func TestAudiencesAgreeWithCanRead(t *testing.T) {
	agencies := []struct{ code, state string }{{"SEMAR", "MEX"}, {"FGR", "MEX"}, {"USCG", "USA"}, {"DEA", "USA"}, {"CSE", "CAN"}}
	roleSets := [][]Role{{RoleAnalyst}, {RoleLegal, RoleAdmin}, {RoleMonitor}, {RoleMonitor, RoleAnalyst}, nil}
	var users []User
	id := int64(0)
	for _, a := range agencies {
		for _, rs := range roleSets {
			id++
			users = append(users, User{ID: id, Name: "u" + strconv.FormatInt(id, 10), Agency: a.code, State: a.state, Roles: rs})
		}
	}
	users = append(users, User{ID: 99, Name: "noagency", Roles: []Role{RoleAnalyst}})
	targets := []Target{
		{TargetState, "MEX"}, {TargetState, "USA"}, {TargetAgency, "FGR"}, {TargetAgency, "USCG"},
		{TargetUser, "3"}, {TargetUser, "13"},
	}
	var marks []Markings
	for _, orig := range []string{"SEMAR", "USCG"} {
		for _, l := range append(slices.Clone(TLPs), "PURPLE") {
			for mask := 0; mask < 1<<len(targets); mask++ {
				m := Markings{Originator: orig, TLP: l}
				for i, tg := range targets {
					if mask&(1<<i) != 0 {
						m.RelTo = append(m.RelTo, tg)
					}
				}
				marks = append(marks, m)
			}
		}
	}
	checks := 0
	for _, u := range users {
		keys := u.AudienceKeys()
		for _, m := range marks {
			aud := Audiences(m)
			meet := slices.ContainsFunc(aud, func(k string) bool { return slices.Contains(keys, k) })
			want := CanRead(u, m) && u.Agency != ""
			if meet != want {
				t.Errorf("user %+v, markings %+v: audiences %v meet keys %v = %v, CanRead %v", u, m, aud, keys, meet, want)
			}
			// A level-restricted query may skip keys that cannot carry that level.
			if meet && m.Validate() == nil {
				ok := false
				for _, k := range aud {
					if slices.Contains(keys, k) && (k == "agency:"+m.Originator || slices.Contains(KeyLevels(k), m.TLP)) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("user %+v, markings %+v: no key both held and allowed for level %s", u, m, m.TLP)
				}
			}
			checks++
		}
	}
	if checks < 10000 {
		t.Fatalf("only %d checks", checks)
	}
}

func TestAggregateKeys(t *testing.T) {
	mon := User{ID: 7, Name: "m", Agency: "SEMAR", State: "MEX", Roles: []Role{RoleMonitor}}
	if got, want := mon.AggregateKeys(), []string{"*", "state:MEX", "agency:SEMAR"}; !slices.Equal(got, want) {
		t.Errorf("monitor aggregate keys %v, want %v", got, want)
	}
	if mon.AudienceKeys() != nil {
		t.Errorf("monitor has reading keys %v", mon.AudienceKeys())
	}
	if k := (User{ID: 8, Agency: "SEMAR", State: "MEX"}).AggregateKeys(); k != nil {
		t.Errorf("user without roles has aggregate keys %v", k)
	}
	red := Markings{Originator: "USCG", TLP: TLPRed, RelTo: []Target{{TargetUser, "7"}}}
	for _, k := range mon.AggregateKeys() {
		if slices.Contains(Audiences(red), k) {
			t.Errorf("a RED record naming the monitor is in its aggregate audience %s", k)
		}
	}
}

func TestAudiences(t *testing.T) {
	tests := []struct {
		m    Markings
		want []string
	}{
		{Markings{"SEMAR", TLPClear, nil}, []string{"agency:SEMAR", "*"}},
		{Markings{"SEMAR", TLPGreen, nil}, []string{"agency:SEMAR", "*"}},
		{Markings{"SEMAR", TLPGreen, []Target{{TargetState, "USA"}}}, []string{"agency:SEMAR", "state:USA"}},
		{Markings{"SEMAR", TLPAmber, []Target{{TargetAgency, "SEMAR"}, {TargetState, "MEX"}}}, []string{"agency:SEMAR", "state:MEX"}},
		{Markings{"SEMAR", TLPAmber, nil}, []string{"agency:SEMAR"}},
		{Markings{"SEMAR", TLPAmberStrict, nil}, []string{"agency:SEMAR"}},
		{Markings{"SEMAR", TLPRed, []Target{{TargetUser, "4"}}}, []string{"agency:SEMAR", "user:4"}},
		{Markings{"SEMAR", TLPRed, []Target{{TargetState, "USA"}}}, []string{"agency:SEMAR"}}, // invalid
	}
	for _, tc := range tests {
		if got := Audiences(tc.m); !slices.Equal(got, tc.want) {
			t.Errorf("Audiences(%+v) = %v, want %v", tc.m, got, tc.want)
		}
	}
}
