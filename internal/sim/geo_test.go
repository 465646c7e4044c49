package sim

import (
	"math"
	"testing"
)

func TestGeodesy(t *testing.T) {
	// Veracruz to Houston: about 1,060 km (great circle).
	vera, hou := ll{19.2, -96.133333}, ll{29.75, -95.283333}
	if d := distance(vera, hou); math.Abs(d-1176e3) > 5e3 {
		t.Errorf("distance Veracruz–Houston %.0f km, want about 1,176 km", d/1000)
	}
	if b := bearing(ll{20, -90}, ll{21, -90}); math.Abs(b) > 1e-9 {
		t.Errorf("bearing due north %.6f, want 0", b)
	}
	if b := bearing(ll{0, -90}, ll{0, -89}); math.Abs(b-90) > 1e-9 {
		t.Errorf("bearing due east on the equator %.6f, want 90", b)
	}
	p := destination(vera, 37, 250e3)
	if d, b := distance(vera, p), bearing(vera, p); math.Abs(d-250e3) > 1 || math.Abs(b-37) > 1e-6 {
		t.Errorf("destination: %.1f m at %.6f°, want 250 km at 37°", d, b)
	}
	q := offset(vera, 300, -400)
	if d, b := localDelta(vera, q); math.Abs(d-500) > 0.01 || math.Abs(b-(180-math.Atan2(300, 400)/deg)) > 0.01 {
		t.Errorf("localDelta after offset(300 m E, 400 m S): %.3f m at %.3f°", d, b)
	}
	if d := distanceToSegment(ll{20, -90}, ll{19, -90.5}, ll{21, -90.5}); math.Abs(d-0.5*deg*earthRadius*math.Cos(20*deg)) > 50 {
		t.Errorf("distance to a meridian segment %.0f m", d)
	}
}

// The path walks great circles: its points lie on them at the right distances, and its track
// bearing is the bearing towards the segment's end.
func TestPath(t *testing.T) {
	pts := []ll{{18.5, -84.8}, {20.5, -85.9}, {21.9, -86.0}, {23.5, -87.5}, {29.0, -94.3}}
	p := newPath(pts)
	seg := 0
	for s := 0.0; s <= p.length(); s += p.length() / 97 {
		q, brg := p.at(s, &seg)
		a, b := pts[seg], pts[seg+1]
		if d := distance(a, q) + distance(q, b) - distance(a, b); math.Abs(d) > 0.01 {
			t.Fatalf("s=%.0f: point %v is %.3f m off the great circle", s, q, d)
		}
		if d := distance(a, q) - (s - p.cum[seg]); math.Abs(d) > 0.01 {
			t.Fatalf("s=%.0f: %.3f m from the expected along-track distance", s, d)
		}
		if distance(q, b) > 1 {
			if want := bearing(q, b); math.Abs(angleDiff(want, brg)) > 1e-6 {
				t.Fatalf("s=%.0f: track bearing %.6f, want %.6f", s, brg, want)
			}
		}
	}
	if q, _ := p.at(p.length()+10, &seg); distance(q, pts[len(pts)-1]) > 1e-6 {
		t.Fatalf("beyond the end: %v, want the last point", q)
	}
}
