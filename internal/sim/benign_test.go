package sim

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Rough boxes that are land through and through (a few inland lakes aside): no vessel may ever
// report from inside one.
var landBoxes = []struct {
	name                           string
	latMin, latMax, lonMin, lonMax float64
}{
	{"Yucatán interior", 19.0, 21.0, -90.0, -88.0},
	{"central Mexico", 19.5, 25.0, -103.5, -98.5},
	{"Texas interior", 30.2, 33.0, -100.0, -95.5},
	{"Baja California Sur interior", 26.6, 27.2, -113.3, -112.3},
	{"Chiapas and Guatemala", 15.8, 17.0, -93.0, -90.5},
}

// benign returns the demonstration day's reports of benign vessels, by MMSI, in a fixed order.
func benign(t *testing.T) (map[uint32][]pos, []uint32) {
	c := demoDay(t)
	planted := plantedMMSIs(t)
	out := make(map[uint32][]pos)
	var keys []uint32
	for m, ps := range c.byMMSI {
		if !planted[m] {
			out[m] = ps
			keys = append(keys, m)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	if len(keys) < 60 {
		t.Fatalf("%d benign vessels in the demonstration, want at least 60", len(keys))
	}
	return out, keys
}

func TestBenignStaysAtSea(t *testing.T) {
	byMMSI, keys := benign(t)
	for _, m := range keys {
		for _, p := range byMMSI[m] {
			for _, b := range landBoxes {
				if p.lat >= b.latMin && p.lat <= b.latMax && p.lon >= b.lonMin && p.lon <= b.lonMax {
					t.Fatalf("MMSI %d at %d: %.4f, %.4f is inside %s", m, p.t, p.lat, p.lon, b.name)
				}
			}
		}
	}
}

// TestBenignAgainstLand checks the positions against Natural Earth's 1:10m land (npm world-atlas,
// read from node_modules at the module root). Berths lie within a few hundred metres of the quay,
// closer than that map's resolution, so positions within 1.5 km of a berth are not checked.
func TestBenignAgainstLand(t *testing.T) {
	path := filepath.Join(moduleRoot(t), "node_modules", "world-atlas", "land-10m.json")
	needData(t, path, "Natural Earth land polygons")
	land := loadLand(t, path, 5, 35)
	var berths []ll
	for _, p := range allPorts {
		berths = append(berths, p.slots()...)
		berths = append(berths, p.approach[len(p.approach)-1])
	}
	for _, fr := range ferryRoutes {
		berths = append(berths, fr.a.p, fr.b.p)
	}
	byMMSI, keys := benign(t)
	checked := 0
	for _, m := range keys {
		last := int64(-1 << 40)
		for _, p := range byMMSI[m] {
			if p.t-last < 120 {
				continue
			}
			last = p.t
			near := false
			for _, b := range berths {
				if haversine(p.lat, p.lon, b.lat, b.lon) < 1500 {
					near = true
					break
				}
			}
			if near {
				continue
			}
			checked++
			if land.contains(p.lon, p.lat) {
				t.Errorf("MMSI %d at %d: %.4f, %.4f is on land", m, p.t, p.lat, p.lon)
			}
		}
	}
	if checked < 20000 {
		t.Fatalf("checked %d positions against land, want more", checked)
	}
}

func TestBenignLooksBenign(t *testing.T) {
	byMMSI, keys := benign(t)
	c := demoDay(t)
	// Identities: one name, IMO and call sign per MMSI; valid MIDs and IMO numbers.
	ident := make(map[uint32]stat)
	for _, s := range c.statics {
		if _, ok := byMMSI[s.mmsi]; !ok {
			continue
		}
		if flagOf(s.mmsi/1000000) == "" || s.mmsi < 100000000 || s.mmsi > 999999999 {
			t.Errorf("MMSI %d: want 9 digits with a known MID", s.mmsi)
		}
		if !s.classB && !validIMO(s.imo) || s.classB && s.imo != 0 {
			t.Errorf("MMSI %d (class B %t): IMO %d", s.mmsi, s.classB, s.imo)
		}
		if s.name == "" || len(s.name) > 20 || s.shipType == 0 || s.length <= 0 {
			t.Errorf("MMSI %d: static %+v", s.mmsi, s)
		}
		if prev, ok := ident[s.mmsi]; ok && (prev.name != s.name || prev.imo != s.imo || prev.callSign != s.callSign) {
			t.Errorf("MMSI %d: identity %q/%d/%s then %q/%d/%s: benign vessels keep theirs",
				s.mmsi, prev.name, prev.imo, prev.callSign, s.name, s.imo, s.callSign)
		}
		ident[s.mmsi] = s
	}
	var ports []ll
	for _, p := range allPorts {
		ports = append(ports, p.ref)
	}
	for _, fr := range ferryRoutes {
		ports = append(ports, fr.a.p, fr.b.p)
	}
	nearPort := func(p pos, metres float64) bool {
		for _, q := range ports {
			if haversine(p.lat, p.lon, q.lat, q.lon) < metres {
				return true
			}
		}
		return false
	}
	var speedErr, speedN float64
	for _, m := range keys {
		ps := byMMSI[m]
		if _, ok := ident[m]; !ok {
			t.Errorf("MMSI %d never sent static data", m)
		}
		slowSince := int64(-1)
		for i, p := range ps {
			if p.sog > 30 {
				t.Errorf("MMSI %d at %d: %.1f kn, want benign traffic below 30 kn", m, p.t, p.sog)
			}
			if !p.classB && p.sog > 5 && math.Abs(angleDiff(p.cog, p.heading)) > 12 {
				t.Errorf("MMSI %d at %d: heading %.0f, course %.1f: want heading ≈ course", m, p.t, p.heading, p.cog)
			}
			// No loitering: below 2 kn for 4 h only in or near a port (20 nm).
			if p.sog < 2 {
				if slowSince < 0 {
					slowSince = p.t
				}
				if p.t-slowSince > 4*3600 && !nearPort(p, 20*1852) {
					t.Fatalf("MMSI %d: below 2 kn since %d at %.3f, %.3f, far from port: looks like loitering", m, slowSince, p.lat, p.lon)
				}
			} else {
				slowSince = -1
			}
			if i == 0 {
				continue
			}
			q := ps[i-1]
			dt := p.t - q.t
			if dt > 6*3600 {
				t.Fatalf("MMSI %d silent from %d to %d: benign vessels have no gaps", m, q.t, p.t)
			}
			v := haversine(q.lat, q.lon, p.lat, p.lon) / float64(dt) * 3600 / 1852
			if v > 40 {
				t.Fatalf("MMSI %d: %.0f kn between %d and %d: impossible jump", m, v, q.t, p.t)
			}
			speedErr += math.Abs(v - q.sog)
			speedN++
		}
	}
	if mean := speedErr / speedN; mean > 0.3 {
		t.Errorf("reported speed and the speed implied by the positions differ by %.2f kn on average, want < 0.3", mean)
	}

	// No encounters: two vessels both below 2 kn, within 500 m of each other, for 2 h or more.
	type pair struct{ a, b uint32 }
	const window = 600
	run := map[pair]int{}
	first := c.positions[0].t
	last := c.positions[len(c.positions)-1].t
	for w := first; w < last; w += window {
		type slow struct {
			m uint32
			p pos
		}
		var s []slow
		for _, m := range keys {
			ps := byMMSI[m]
			i := sort.Search(len(ps), func(i int) bool { return ps[i].t >= w+window })
			if i == 0 || ps[i-1].t < w-180 || ps[i-1].sog >= 2 {
				continue
			}
			s = append(s, slow{m, ps[i-1]})
		}
		seen := map[pair]bool{}
		for i := range s {
			for j := i + 1; j < len(s); j++ {
				if math.Abs(s[i].p.lat-s[j].p.lat) > 0.01 || haversine(s[i].p.lat, s[i].p.lon, s[j].p.lat, s[j].p.lon) >= 500 {
					continue
				}
				k := pair{s[i].m, s[j].m}
				seen[k] = true
				run[k]++
				if run[k]*window >= 2*3600 {
					t.Fatalf("MMSIs %d and %d within 500 m and below 2 kn for 2 h at %.4f, %.4f", k.a, k.b, s[i].p.lat, s[i].p.lon)
				}
			}
		}
		for k := range run {
			if !seen[k] {
				delete(run, k)
			}
		}
	}
}

// land answers point-in-land queries by counting the crossings of a ray to the east with every
// ring (even-odd rule: lakes are holes), using the ring edges indexed by latitude band.
type land struct {
	minY, band float64
	bands      [][][4]float64 // edges x1, y1, x2, y2 of each band
}

func newLand(rings [][][2]float64, minY, maxY float64) *land {
	l := &land{minY: minY, band: 0.05}
	l.bands = make([][][4]float64, int((maxY-minY)/l.band)+1)
	for _, r := range rings {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			lo, hi := math.Min(a[1], b[1]), math.Max(a[1], b[1])
			if hi < minY || lo > maxY {
				continue
			}
			for k := max(0, int((lo-minY)/l.band)); k <= min(len(l.bands)-1, int((hi-minY)/l.band)); k++ {
				l.bands[k] = append(l.bands[k], [4]float64{a[0], a[1], b[0], b[1]})
			}
		}
	}
	return l
}

func (l *land) contains(x, y float64) bool {
	k := int((y - l.minY) / l.band)
	if k < 0 || k >= len(l.bands) {
		return false
	}
	in := false
	for _, e := range l.bands[k] {
		if (e[1] > y) != (e[3] > y) && x < (e[2]-e[0])*(y-e[1])/(e[3]-e[1])+e[0] {
			in = !in
		}
	}
	return in
}

// loadLand decodes the "land" object of a TopoJSON topology (quantized, delta-encoded arcs) and
// indexes the rings between the given latitudes.
func loadLand(t *testing.T, path string, minY, maxY float64) *land {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var topo struct {
		Arcs      [][][2]float64 `json:"arcs"`
		Transform *struct {
			Scale     [2]float64 `json:"scale"`
			Translate [2]float64 `json:"translate"`
		} `json:"transform"`
		Objects map[string]struct {
			Geometries []struct {
				Type string          `json:"type"`
				Arcs json.RawMessage `json:"arcs"`
			} `json:"geometries"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(raw, &topo); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	arcs := make([][][2]float64, len(topo.Arcs))
	for i, a := range topo.Arcs {
		var x, y float64
		out := make([][2]float64, len(a))
		for k, p := range a {
			if topo.Transform != nil {
				x, y = x+p[0], y+p[1]
				out[k] = [2]float64{x*topo.Transform.Scale[0] + topo.Transform.Translate[0], y*topo.Transform.Scale[1] + topo.Transform.Translate[1]}
			} else {
				out[k] = p
			}
		}
		arcs[i] = out
	}
	ring := func(idx []int) [][2]float64 {
		var r [][2]float64
		for _, i := range idx {
			a := arcs[max(i, ^i)]
			if i < 0 {
				for k := len(a) - 1; k >= 0; k-- {
					if len(r) == 0 || k != len(a)-1 {
						r = append(r, a[k])
					}
				}
				continue
			}
			for k, p := range a {
				if len(r) == 0 || k != 0 {
					r = append(r, p)
				}
			}
		}
		return r
	}
	obj, ok := topo.Objects["land"]
	if !ok {
		t.Fatalf("%s: no land object", path)
	}
	var rings [][][2]float64
	for _, g := range obj.Geometries {
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				t.Fatal(err)
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range polys {
			for _, idx := range p {
				rings = append(rings, ring(idx))
			}
		}
	}
	l := newLand(rings, minY, maxY)
	// A sanity check of the decoding: Mexico City is on land, the middle of the Gulf is not.
	if !l.contains(-99.13, 19.43) || l.contains(-91.0, 25.0) {
		t.Fatalf("%s: land decoding is wrong", path)
	}
	return l
}
