package cases

import (
	"errors"
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
