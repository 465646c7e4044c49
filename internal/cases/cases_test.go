package cases

import (
	"errors"
	"slices"
	"testing"
	"time"

	"accord/internal/detect"
)

var t0 = time.Date(2026, 1, 15, 3, 0, 0, 0, time.UTC)

func alert(state, zone string) detect.Alert {
	return detect.Alert{ID: "a1", Kind: detect.KindSpeed, MMSI: []uint32{334000001}, Lat: 19.6, Lon: -87.2, State: state, Zone: zone}
}

func TestRouting(t *testing.T) {
	for _, c := range []struct {
		state, zone, acting, auth, status string
	}{
		{"MEX", "territorial_sea", "MEX", "SEMAR", StatusOpen},
		{"MEX", "eez", "USA", "SEMAR", StatusHandedOver},
		{"USA", "contiguous_zone", "USA", "USCG", StatusOpen},
		{"USA", "territorial_sea", "MEX", "USCG", StatusHandedOver},
		{"", "high_seas", "USA", "USCG", StatusOpen},
		{"", "high_seas", "MEX", "SEMAR", StatusOpen},
	} {
		cs, err := Open("c1", alert(c.state, c.zone), "HND", c.acting, t0)
		if err != nil {
			t.Fatal(err)
		}
		if cs.Authority != c.auth || cs.Status != c.status || len(cs.Events) != 1 {
			t.Errorf("%s %s by %s: %s %s %v, want %s %s", c.state, c.zone, c.acting, cs.Authority, cs.Status, cs.Events, c.auth, c.status)
		}
	}
	if _, err := Open("c1", alert("CUB", "eez"), "HND", "MEX", t0); !errors.Is(err, ErrNoAuthority) {
		t.Errorf("Cuban waters: %v", err)
	}
}

func TestHighSeasConsentBeforeBoarding(t *testing.T) {
	cs, _ := Open("c1", alert("", "high_seas"), "PAN", "USA", t0)
	if err := cs.Board(t0); !errors.Is(err, ErrNeedsConsent) {
		t.Fatalf("boarding without consent: %v", err)
	}
	if err := cs.AnswerConsent(true, t0); !errors.Is(err, ErrWrongState) {
		t.Fatalf("answer without request: %v", err)
	}
	if err := cs.RequestConsent(t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := cs.Board(t0.Add(2 * time.Minute)); !errors.Is(err, ErrNeedsConsent) {
		t.Fatalf("boarding while awaiting consent: %v", err)
	}
	if err := cs.AnswerConsent(true, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := cs.Board(t0.Add(2 * time.Hour)); err != nil || cs.Status != StatusBoarded {
		t.Fatalf("boarding with consent: %v %s", err, cs.Status)
	}
	refused, _ := Open("c2", alert("", "high_seas"), "PAN", "USA", t0)
	refused.RequestConsent(t0)
	refused.AnswerConsent(false, t0)
	if err := refused.Board(t0); !errors.Is(err, ErrNeedsConsent) {
		t.Errorf("boarding after refusal: %v", err)
	}
	stateless, _ := Open("c3", alert("", "high_seas"), "", "USA", t0)
	if err := stateless.Board(t0); err != nil {
		t.Errorf("right of visit of a stateless vessel: %v", err)
	}
}

func TestHotPursuit(t *testing.T) {
	cs, _ := Open("c1", alert("MEX", "eez"), "HND", "MEX", t0)
	if err := cs.StartPursuit(t0); err != nil {
		t.Fatal(err)
	}
	if err := cs.UpdatePursuit(Place{State: "", Zone: "high_seas"}, t0.Add(time.Hour)); err != nil {
		t.Fatalf("pursuit onto the high seas continues: %v", err)
	}
	err := cs.UpdatePursuit(Place{State: "BLZ", Zone: "territorial_sea"}, t0.Add(2*time.Hour))
	if !errors.Is(err, ErrPursuitEnded) || cs.Status != StatusPursuitMustStop {
		t.Fatalf("entering Belize's territorial sea: %v %s", err, cs.Status)
	}
	if err := cs.Board(t0.Add(3 * time.Hour)); !errors.Is(err, ErrNotCompetent) {
		t.Errorf("boarding in a third state's territorial sea: %v", err)
	}
	foreign, _ := Open("c2", alert("USA", "eez"), "HND", "MEX", t0)
	if err := foreign.StartPursuit(t0); !errors.Is(err, ErrPursuitStart) {
		t.Errorf("pursuit from another state's waters: %v", err)
	}
	hs, _ := Open("c3", alert("", "high_seas"), "HND", "MEX", t0)
	if err := hs.StartPursuit(t0); !errors.Is(err, ErrPursuitStart) {
		t.Errorf("pursuit from the high seas: %v", err)
	}
}

func TestHandOverAndAccept(t *testing.T) {
	cs, _ := Open("c1", alert("MEX", "eez"), "HND", "MEX", t0)
	if err := cs.HandOver(t0); !errors.Is(err, ErrWrongState) {
		t.Fatalf("hand-over of an open case: %v", err)
	}
	cs.StartPursuit(t0)
	if err := cs.UpdatePursuit(Place{State: "USA", Zone: "territorial_sea"}, t0.Add(time.Hour)); !errors.Is(err, ErrPursuitEnded) {
		t.Fatalf("entering US territorial sea: %v", err)
	}
	if cs.Actor() != "MEX" {
		t.Errorf("actor of a pursuit that must stop: %s", cs.Actor())
	}
	if err := cs.HandOver(t0.Add(time.Hour)); err != nil || cs.Status != StatusHandedOver || cs.Authority != "USCG" || cs.Actor() != "USA" {
		t.Fatalf("hand-over: %v %s %s %s", err, cs.Status, cs.Authority, cs.Actor())
	}
	if err := cs.Accept("MEX", t0.Add(2*time.Hour)); !errors.Is(err, ErrNotCompetent) {
		t.Fatalf("accepted by the state that handed it over: %v", err)
	}
	if err := cs.Accept("USA", t0.Add(2*time.Hour)); err != nil || cs.Status != StatusOpen || cs.ActingState != "USA" {
		t.Fatalf("accept: %v %s %s", err, cs.Status, cs.ActingState)
	}
	if err := cs.Board(t0.Add(3 * time.Hour)); err != nil {
		t.Fatalf("boarding by the authority that accepted the case: %v", err)
	}
	want := []string{"case.open", "pursuit.start", "pursuit.update", "case.hand_over", "case.accept", "case.board"}
	if len(cs.Events) != len(want) {
		t.Fatalf("events %+v", cs.Events)
	}
	for i, e := range cs.Events {
		if e.Action != want[i] {
			t.Errorf("event %d: %s, want %s", i, e.Action, want[i])
		}
	}
	third, _ := Open("c2", alert("MEX", "eez"), "HND", "MEX", t0)
	third.StartPursuit(t0)
	third.UpdatePursuit(Place{State: "BLZ", Zone: "territorial_sea"}, t0)
	if err := third.HandOver(t0); !errors.Is(err, ErrNoAuthority) || third.Status != StatusPursuitMustStop {
		t.Errorf("hand-over to a state without a configured authority: %v %s", err, third.Status)
	}
	// a case opened in foreign waters is handed over at once and accepted by the coastal state
	foreign, _ := Open("c3", alert("USA", "territorial_sea"), "HND", "MEX", t0)
	if foreign.Actor() != "USA" {
		t.Errorf("actor of a case opened in US waters by MEX: %s", foreign.Actor())
	}
	if err := foreign.Accept("USA", t0); err != nil {
		t.Error(err)
	}
}

func TestMarkingsFor(t *testing.T) {
	green := Markings{Originator: "SEMAR", TLP: "GREEN"}
	for _, c := range []struct {
		state, zone, acting, agency string
		alert                       Markings
		want                        Markings
		err                         error
	}{
		{"MEX", "eez", "MEX", "SEMAR", green, Markings{"SEMAR", "AMBER", []string{"state:MEX"}}, nil},
		{"USA", "territorial_sea", "MEX", "SEMAR", Markings{Originator: "SEMAR", TLP: "CLEAR"}, Markings{"SEMAR", "AMBER", []string{"state:MEX", "state:USA"}}, nil},
		{"", "high_seas", "USA", "CBP", Markings{Originator: "CBP", TLP: "AMBER"}, Markings{"CBP", "AMBER", []string{}}, ErrNotReleasable},
		{"", "high_seas", "USA", "CBP", Markings{Originator: "CBP", TLP: "AMBER", RelTo: []string{"state:USA"}}, Markings{"CBP", "AMBER", []string{"state:USA"}}, nil},
		// released to Mexico only: not routed to USCG; released to USCG by name: the case goes to USCG only
		{"USA", "eez", "MEX", "SEMAR", Markings{Originator: "SEMAR", TLP: "AMBER", RelTo: []string{"state:MEX"}}, Markings{}, ErrNotReleasable},
		{"USA", "eez", "MEX", "SEMAR", Markings{Originator: "SEMAR", TLP: "GREEN", RelTo: []string{"state:MEX", "agency:USCG"}}, Markings{"SEMAR", "AMBER", []string{"agency:USCG", "state:MEX"}}, nil},
		// an alert of SEMAR's released to nobody: SEMAR's own case in Mexican waters, no REL TO
		{"MEX", "eez", "MEX", "SEMAR", Markings{Originator: "SEMAR", TLP: "AMBER"}, Markings{"SEMAR", "AMBER", []string{"agency:SEMAR"}}, nil},
		{"MEX", "eez", "MEX", "SEMAR", Markings{Originator: "SEMAR", TLP: "AMBER+STRICT"}, Markings{"SEMAR", "AMBER+STRICT", []string{}}, nil},
		{"MEX", "eez", "MEX", "SEMAR", Markings{Originator: "SEMAR", TLP: "RED", RelTo: []string{"user:7"}}, Markings{"SEMAR", "RED", []string{"user:7"}}, nil},
		{"USA", "eez", "MEX", "SEMAR", Markings{Originator: "SEMAR", TLP: "AMBER+STRICT"}, Markings{}, ErrNotReleasable},
		{"MEX", "eez", "MEX", "FGR", Markings{Originator: "SEMAR", TLP: "RED", RelTo: []string{"user:7"}}, Markings{}, ErrNotReleasable},
		// a RED alert of USCG's naming a SEMAR officer: a SEMAR case would reach all of SEMAR
		{"MEX", "eez", "MEX", "SEMAR", Markings{Originator: "USCG", TLP: "RED", RelTo: []string{"user:7"}}, Markings{}, ErrNotReleasable},
	} {
		cs, err := Open("c", alert(c.state, c.zone), "HND", c.acting, t0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := MarkingsFor(cs, c.agency, 7, c.alert)
		if !errors.Is(err, c.err) || c.err == nil && (got.Originator != c.want.Originator || got.TLP != c.want.TLP || !slices.Equal(got.RelTo, c.want.RelTo)) {
			t.Errorf("%s %s by %s/%s, alert %+v: %+v %v, want %+v %v", c.state, c.zone, c.acting, c.agency, c.alert, got, err, c.want, c.err)
		}
	}
}

func TestRelease(t *testing.T) {
	cs, _ := Open("c1", alert("MEX", "eez"), "HND", "MEX", t0)
	cs.AlertMarkings = Markings{Originator: "SEMAR", TLP: "GREEN"}
	cs.Markings, _ = MarkingsFor(cs, "SEMAR", 1, cs.AlertMarkings)
	cs.StartPursuit(t0)
	cs.UpdatePursuit(Place{State: "USA", Zone: "territorial_sea"}, t0)
	if ch, err := cs.Release(); ch || err != nil {
		t.Fatalf("release before the hand-over: %v %v", ch, err)
	}
	cs.HandOver(t0)
	if ch, err := cs.Release(); !ch || err != nil || !slices.Equal(cs.Markings.RelTo, []string{"state:MEX", "state:USA"}) {
		t.Fatalf("release after the hand-over: %v %v %v", ch, err, cs.Markings.RelTo)
	}
	strict, _ := Open("c2", alert("MEX", "eez"), "HND", "MEX", t0)
	strict.Markings, _ = MarkingsFor(strict, "SEMAR", 1, Markings{Originator: "SEMAR", TLP: "AMBER+STRICT"})
	strict.StartPursuit(t0)
	strict.UpdatePursuit(Place{State: "USA", Zone: "territorial_sea"}, t0)
	strict.HandOver(t0)
	if _, err := strict.Release(); !errors.Is(err, ErrNotReleasable) {
		t.Errorf("AMBER+STRICT case handed to USCG: %v", err)
	}
	// an alert released to Mexico only: the case cannot go to USCG
	mex, _ := Open("c3", alert("MEX", "eez"), "HND", "MEX", t0)
	mex.AlertMarkings = Markings{Originator: "SEMAR", TLP: "AMBER", RelTo: []string{"state:MEX"}}
	mex.Markings, _ = MarkingsFor(mex, "SEMAR", 1, mex.AlertMarkings)
	mex.StartPursuit(t0)
	mex.UpdatePursuit(Place{State: "USA", Zone: "territorial_sea"}, t0)
	mex.HandOver(t0)
	if _, err := mex.Release(); !errors.Is(err, ErrNotReleasable) {
		t.Errorf("case from an alert released to Mexico only, handed to USCG: %v", err)
	}
}

// TestClose checks closing: valid outcomes and notes only, not while handed over, and no step
// after it.
func TestClose(t *testing.T) {
	open := func(state, zone, acting string) *Case {
		cs, err := Open("c1", alert(state, zone), "HND", acting, t0)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	for _, tc := range []struct {
		name          string
		cs            *Case
		outcome, note string
		want          error
	}{
		{"unknown outcome", open("MEX", "territorial_sea", "MEX"), "sunk", "", ErrInvalid},
		{"empty outcome", open("MEX", "territorial_sea", "MEX"), "", "", ErrInvalid},
		{"note too long", open("MEX", "territorial_sea", "MEX"), OutcomeSeizure, string(make([]byte, MaxCloseNote+1)), ErrInvalid},
		{"control character", open("MEX", "territorial_sea", "MEX"), OutcomeSeizure, "a\x00b", ErrInvalid},
		{"invalid UTF-8", open("MEX", "territorial_sea", "MEX"), OutcomeSeizure, "a\xffb", ErrInvalid},
		{"handed over", open("MEX", "eez", "USA"), OutcomeFalseAlarm, "", ErrWrongState},
		{"open", open("MEX", "territorial_sea", "MEX"), OutcomeSeizure, " 2 t of cocaine\nvessel held at Progreso ", nil},
		{"high seas, no consent asked", open("", "high_seas", "USA"), OutcomeLostContact, "", nil},
	} {
		n := len(tc.cs.Events)
		err := tc.cs.Close(tc.outcome, tc.note, t0.Add(time.Hour))
		if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			continue
		}
		if err != nil {
			if tc.cs.Status == StatusClosed || len(tc.cs.Events) != n {
				t.Errorf("%s: refused close changed the case: %s, %d events", tc.name, tc.cs.Status, len(tc.cs.Events))
			}
			continue
		}
		last := tc.cs.Events[len(tc.cs.Events)-1]
		if tc.cs.Status != StatusClosed || tc.cs.Outcome != tc.outcome || !tc.cs.Closed.Equal(t0.Add(time.Hour)) || last.Action != "case.close" {
			t.Errorf("%s: %s %s %v %s", tc.name, tc.cs.Status, tc.cs.Outcome, tc.cs.Closed, last.Action)
		}
		if tc.cs.CloseNote != "" && tc.cs.CloseNote != "2 t of cocaine\nvessel held at Progreso" {
			t.Errorf("%s: note %q not trimmed", tc.name, tc.cs.CloseNote)
		}
		// Nothing happens to a closed case.
		steps := map[string]error{
			"close again":     tc.cs.Close(OutcomeReferred, "", t0.Add(2*time.Hour)),
			"board":           tc.cs.Board(t0.Add(2 * time.Hour)),
			"pursuit":         tc.cs.StartPursuit(t0.Add(2 * time.Hour)),
			"consent request": tc.cs.RequestConsent(t0.Add(2 * time.Hour)),
			"hand over":       tc.cs.HandOver(t0.Add(2 * time.Hour)),
			"accept":          tc.cs.Accept("MEX", t0.Add(2*time.Hour)),
		}
		for step, err := range steps {
			if !errors.Is(err, ErrWrongState) {
				t.Errorf("%s: %s after close: %v, want ErrWrongState", tc.name, step, err)
			}
		}
		if tc.cs.Status != StatusClosed || tc.cs.Events[len(tc.cs.Events)-1].Action != "case.close" {
			t.Errorf("%s: a step changed the closed case: %s", tc.name, tc.cs.Status)
		}
	}
}
