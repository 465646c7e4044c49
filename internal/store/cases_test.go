package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/cases"
	"accord/internal/detect"
	"accord/internal/ledger"
)

func officer(id int64, agency, state string, roles ...access.Role) access.User {
	if len(roles) == 0 {
		roles = []access.Role{access.RoleWatchOfficer}
	}
	return access.User{ID: id, Name: fmt.Sprintf("u%d", id), Agency: agency, State: state, Roles: roles}
}

func TestCases(t *testing.T) {
	for name, newCfg := range ledgerDialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, newCfg(t))
			s.RegisterRecordSource(AlertRecordType, s.AlertRecords())
			s.RegisterRecordSource(CaseRecordType, s.CaseRecords())
			sys := ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}
			t0 := time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC)
			put := func(id, state, zone string, mmsi uint32, m AlertMarking) {
				t.Helper()
				a := detect.Alert{ID: id, Kind: detect.KindSpeed, Severity: detect.SeverityHigh, MMSI: []uint32{mmsi},
					Start: t0, End: t0.Add(time.Hour), Lat: 22.1, Lon: -95.3, State: state, Zone: zone}
				if _, err := s.PutAlert(ctx, a, m, sys); err != nil {
					t.Fatal(err)
				}
			}
			green := AlertMarking{Originator: "SEMAR", TLP: "GREEN"}
			put("mex", "MEX", "eez", 345000001, green)
			put("usa", "USA", "territorial_sea", 345000002, green)
			put("hs", "", "high_seas", 351000003, green) // MID 351: Panama
			put("amber-mex", "MEX", "eez", 345000004, AlertMarking{Originator: "SEMAR", TLP: "AMBER", RelTo: []access.Target{{Type: access.TargetState, Value: "MEX"}}})

			semar, uscg := officer(1, "SEMAR", "MEX"), officer(2, "USCG", "USA")
			analyst, monitor := officer(3, "DEA", "USA", access.RoleAnalyst), officer(4, "SEMAR", "MEX", access.RoleMonitor, access.RoleWatchOfficer)

			// Mexican waters, opened by SEMAR: SEMAR's, released to Mexico only.
			c1, created, err := s.OpenCase(ctx, semar, "mex", t0)
			if err != nil || !created {
				t.Fatalf("open: %v %v", created, err)
			}
			if c1.Authority != "SEMAR" || c1.Status != cases.StatusOpen || c1.Markings.Originator != "SEMAR" || c1.Markings.TLP != "AMBER" ||
				!slices.Equal(c1.Markings.RelTo, []string{"state:MEX"}) || c1.OpenedBy != "u1 (SEMAR)" || c1.Events[0].By != "u1 (SEMAR)" {
				t.Fatalf("case %+v", c1)
			}
			again, created, err := s.OpenCase(ctx, semar, "mex", t0.Add(time.Minute))
			if err != nil || created || again.ID != c1.ID {
				t.Fatalf("second open of the same alert: %v %v %v", again, created, err)
			}
			if _, err := s.Case(ctx, uscg, c1.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("USCG read a case released to Mexico only: %v", err)
			}
			for _, u := range []access.User{analyst, monitor} {
				if _, _, err := s.OpenCase(ctx, u, "usa", t0); !errors.Is(err, access.ErrForbidden) {
					t.Errorf("%v opened a case: %v", u.Roles, err)
				}
			}
			if _, _, err := s.OpenCase(ctx, semar, "nope", t0); !errors.Is(err, ErrNotFound) {
				t.Errorf("case from a missing alert: %v", err)
			}
			// an alert USCG may not read cannot be opened by USCG (and says only "not found")
			if _, _, err := s.OpenCase(ctx, uscg, "amber-mex", t0); !errors.Is(err, ErrNotFound) {
				t.Errorf("case from a non-releasable alert: %v", err)
			}

			// US waters, opened by SEMAR: handed over to USCG, released to both states.
			c2, _, err := s.OpenCase(ctx, semar, "usa", t0)
			if err != nil {
				t.Fatal(err)
			}
			if c2.Authority != "USCG" || c2.Status != cases.StatusHandedOver || !slices.Equal(c2.Markings.RelTo, []string{"state:MEX", "state:USA"}) {
				t.Fatalf("case in US waters %+v", c2)
			}
			list, err := s.Cases(ctx, uscg, "USCG", 0)
			if err != nil || len(list) != 1 || list[0].ID != c2.ID {
				t.Fatalf("USCG's cases: %v %v", list, err)
			}
			if list, _ := s.Cases(ctx, uscg, "", 0); len(list) != 1 {
				t.Errorf("USCG sees %d cases, want 1", len(list))
			}
			if list, _ := s.Cases(ctx, semar, "", 0); len(list) != 2 {
				t.Errorf("SEMAR sees %d cases, want 2", len(list))
			}
			if list, _ := s.Cases(ctx, monitor, "", 0); len(list) != 0 {
				t.Errorf("a monitor sees %d cases", len(list))
			}
			accept := func(c *cases.Case) error { return c.Accept(c.Actor(), t0.Add(time.Hour)) }
			if _, err := s.UpdateCase(ctx, semar, c2.ID, t0.Add(time.Hour), accept); !errors.Is(err, access.ErrForbidden) {
				t.Errorf("SEMAR acted on a case handed over to USCG: %v", err)
			}
			if _, err := s.UpdateCase(ctx, uscg, c2.ID, t0.Add(time.Hour), func(c *cases.Case) error { return c.Accept("USA", t0.Add(time.Hour)) }); err != nil {
				t.Fatal(err)
			}
			c2, err = s.UpdateCase(ctx, uscg, c2.ID, t0.Add(2*time.Hour), func(c *cases.Case) error { return c.Board(t0.Add(2 * time.Hour)) })
			if err != nil || c2.Status != cases.StatusBoarded || c2.Events[len(c2.Events)-1].By != "u2 (USCG)" {
				t.Fatalf("boarding by USCG: %v %+v", err, c2)
			}

			// High seas, Panamanian flag: consent before boarding; refused steps store nothing.
			c3, _, err := s.OpenCase(ctx, semar, "hs", t0)
			if err != nil || c3.Flag != "PAN" || c3.Authority != "SEMAR" {
				t.Fatalf("high seas case %+v %v", c3, err)
			}
			board := func(c *cases.Case) error { return c.Board(t0.Add(3 * time.Hour)) }
			if _, err := s.UpdateCase(ctx, semar, c3.ID, t0.Add(3*time.Hour), board); !errors.Is(err, cases.ErrNeedsConsent) {
				t.Fatalf("boarding without consent: %v", err)
			}
			if got, _ := s.Case(ctx, semar, c3.ID); len(got.Events) != 1 {
				t.Fatalf("a refused step was stored: %+v", got.Events)
			}
			steps := []func(c *cases.Case) error{
				func(c *cases.Case) error { return c.RequestConsent(t0.Add(time.Hour)) },
				func(c *cases.Case) error { return c.AnswerConsent(true, t0.Add(2*time.Hour)) },
				board,
			}
			var seq []int64
			for _, f := range steps {
				if _, err := s.UpdateCase(ctx, semar, c3.ID, t0.Add(time.Hour), f); err != nil {
					t.Fatal(err)
				}
				n, err := s.LedgerReader().Size(ctx)
				if err != nil {
					t.Fatal(err)
				}
				seq = append(seq, n)
			}
			var actions []string
			for _, n := range seq {
				raw, err := s.Ledger().Reader.Entry(ctx, n-1)
				if err != nil {
					t.Fatal(err)
				}
				e, err := ledger.ParseEntry(raw)
				if err != nil || e.RecordType != CaseRecordType || e.RecordID != c3.ID || e.Actor.User != "u1" {
					t.Fatalf("ledger entry %+v %v", e, err)
				}
				actions = append(actions, e.Action)
			}
			if !slices.Equal(actions, []string{"consent.request", "consent.answer", "case.board"}) {
				t.Errorf("ledger actions %v", actions)
			}

			// Hot pursuit into US territorial sea: stored as "must stop", then handed over.
			c1, err = s.UpdateCase(ctx, semar, c1.ID, t0.Add(time.Hour), func(c *cases.Case) error { return c.StartPursuit(t0.Add(time.Hour)) })
			if err != nil {
				t.Fatal(err)
			}
			c1, err = s.UpdateCase(ctx, semar, c1.ID, t0.Add(2*time.Hour), func(c *cases.Case) error {
				return c.UpdatePursuit(cases.Place{Lat: 25.9, Lon: -97.1, State: "USA", Zone: "territorial_sea"}, t0.Add(2*time.Hour))
			})
			if err != nil || c1.Status != cases.StatusPursuitMustStop {
				t.Fatalf("pursuit into US waters: %v %+v", err, c1)
			}
			if got, _ := s.Case(ctx, semar, c1.ID); got.Status != cases.StatusPursuitMustStop {
				t.Errorf("stored status %s", got.Status)
			}

			rep := verifyStore(t, s)
			if !rep.OK() || rep.Records < 7 {
				t.Errorf("ledger verification: %+v", rep)
			}
			if _, err := s.led.write.ExecContext(ctx, s.Rebind(`UPDATE cases SET body = ? WHERE id = ?`), "{}", c3.ID); err != nil {
				t.Fatal(err)
			}
			if rep := verifyStore(t, s); rep.OK() {
				t.Error("verification missed a tampered case")
			}
		})
	}
}

// TestAlertAndCaseLeaks checks every reader (4 agencies of two states × watch officer, analyst
// and monitor) against alerts of every TLP level and releasability, through the alert list,
// the alert read, the map query (box) and the case routes (open and read), against leakOracle.
func TestAlertAndCaseLeaks(t *testing.T) {
	for name, newCfg := range ledgerDialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, newCfg(t))
			sys := ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}
			t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
			var users []access.User
			var leakUsers []leakUser
			for i, ag := range leakAgencies {
				for j, role := range []access.Role{access.RoleWatchOfficer, access.RoleAnalyst, access.RoleMonitor} {
					u := officer(int64(10*i+j+1), ag.code, ag.state, role)
					users = append(users, u)
					leakUsers = append(leakUsers, leakUser{name: u.Name, agency: u.Agency, state: u.State, role: string(role)})
				}
			}
			type variant struct {
				id   string
				mark AlertMarking
				lm   leakMark
			}
			var vs []variant
			n := 0
			for _, orig := range []string{"SEMAR", "USCG"} {
				for _, tlp := range []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"} {
					rels := [][]access.Target{nil}
					switch tlp {
					case "GREEN", "AMBER":
						rels = append(rels, []access.Target{{Type: access.TargetState, Value: "MEX"}}, []access.Target{{Type: access.TargetState, Value: "USA"}},
							[]access.Target{{Type: access.TargetAgency, Value: "DEA"}}, []access.Target{{Type: access.TargetAgency, Value: "FGR"}, {Type: access.TargetState, Value: "USA"}})
					case "RED":
						rels = append(rels, []access.Target{{Type: access.TargetUser, Value: "21"}}, []access.Target{{Type: access.TargetUser, Value: "1"}, {Type: access.TargetUser, Value: "31"}})
					}
					for _, rel := range rels {
						n++
						lm := leakMark{orig: orig, tlp: tlp}
						for _, r := range rel {
							switch r.Type {
							case access.TargetState:
								lm.states = append(lm.states, r.Value)
							case access.TargetAgency:
								lm.agencies = append(lm.agencies, r.Value)
							case access.TargetUser:
								lm.users = append(lm.users, "u"+r.Value)
							}
						}
						v := variant{id: fmt.Sprintf("al-%02d", n), mark: AlertMarking{Originator: orig, TLP: tlp, RelTo: rel}, lm: lm}
						a := detect.Alert{ID: v.id, Kind: detect.KindLoitering, Severity: detect.SeverityMedium, MMSI: []uint32{uint32(345000000 + n)},
							Start: t0, End: t0.Add(5 * time.Hour), Lat: 21 + float64(n)/100, Lon: -94, State: "MEX", Zone: "eez"}
						if _, err := s.PutAlert(ctx, a, v.mark, sys); err != nil {
							t.Fatal(err)
						}
						vs = append(vs, v)
					}
				}
			}
			checks := 0
			for i, u := range users {
				lu := leakUsers[i]
				listed := map[string]bool{}
				all, err := s.Alerts(ctx, u, AlertQuery{})
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range all {
					listed[a.ID] = true
				}
				boxed := map[string]bool{}
				inBox, err := s.Alerts(ctx, u, AlertQuery{HasBox: true, MinLon: -95, MaxLon: -93, MinLat: 20, MaxLat: 23})
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range inBox {
					boxed[a.ID] = true
				}
				for _, v := range vs {
					want := leakOracle(lu, v.lm)
					_, gerr := s.Alert(ctx, u, v.id)
					if got := gerr == nil; got != want || listed[v.id] != want || boxed[v.id] != want {
						t.Errorf("%s (%s %s) alert %s %+v: get %v list %v map %v, want %v", u.Name, u.Agency, lu.role, v.id, v.lm, gerr, listed[v.id], boxed[v.id], want)
					}
					if gerr != nil && !errors.Is(gerr, ErrNotFound) {
						t.Errorf("alert %s: %v", v.id, gerr)
					}
					checks += 3
					if u.Has(access.RoleWatchOfficer) {
						c, _, err := s.OpenCase(ctx, u, v.id, t0)
						switch {
						case !want && !errors.Is(err, ErrNotFound):
							t.Errorf("%s opened a case from alert %s it may not read: %v %v", u.Name, v.id, c, err)
						case want && err != nil && !errors.Is(err, cases.ErrNotReleasable):
							t.Errorf("%s could not open a case from alert %s: %v", u.Name, v.id, err)
						}
						checks++
					}
				}
			}
			// Every case is read exactly by its markings' audience.
			var all []*cases.Case
			for _, u := range users {
				if !u.Has(access.RoleWatchOfficer) {
					continue
				}
				cs, err := s.Cases(ctx, u, "", 0)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, cs...)
			}
			seen := map[string]bool{}
			for _, c := range all {
				if seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				am, err := caseMarkings(c.Markings)
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range users {
					want := access.CanRead(u, am)
					_, err := s.Case(ctx, u, c.ID)
					if (err == nil) != want {
						t.Errorf("%s (%s) case %s %+v: %v, want readable %v", u.Name, u.Agency, c.ID, c.Markings, err, want)
					}
					// Nobody learns of an alert through a case: whoever reads the case reads its alert.
					if want {
						if _, err := s.Alert(ctx, u, c.AlertID); err != nil {
							t.Errorf("%s (%s) reads case %s %+v but not its alert %s: %v", u.Name, u.Agency, c.ID, c.Markings, c.AlertID, err)
						}
						checks++
					}
					got := false
					list, _ := s.Cases(ctx, u, c.Authority, 0)
					for _, x := range list {
						got = got || x.ID == c.ID
					}
					if got != want {
						t.Errorf("%s (%s) case list %s: %v, want %v", u.Name, u.Agency, c.ID, got, want)
					}
					checks += 2
				}
			}
			if len(seen) < 10 {
				t.Errorf("only %d cases were opened", len(seen))
			}
			t.Logf("%d alerts, %d users, %d cases, %d checks", len(vs), len(users), len(seen), checks)
		})
	}
}
