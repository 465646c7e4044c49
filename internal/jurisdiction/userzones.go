package jurisdiction

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// userZone is a user-supplied zone polygon that overrides the computed zones.
type userZone struct {
	Zone   Zone
	State  int // sovereign index, -1 for high seas
	Place  int // place index, -1 when the state has no land in the region
	Source string
	Polys  []polygon
}

// ZoneError reports a user-supplied zone that was rejected.
type ZoneError struct {
	File    string // the GeoJSON file
	Feature int    // 0-based index of the feature in the file; -1 for the whole file
	Name    string // the feature's "name" or "id" property, if any
	Err     error
}

func (e *ZoneError) Error() string {
	if e.Feature < 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	name := ""
	if e.Name != "" {
		name = fmt.Sprintf(" (%q)", e.Name)
	}
	return fmt.Sprintf("%s: feature %d%s: %v", e.File, e.Feature, name, e.Err)
}

func (e *ZoneError) Unwrap() error { return e.Err }

// UserZone is one validated user-supplied zone feature.
type UserZone struct {
	State string // ISO alpha-3; "" only for high_seas
	Zone  Zone
	Name  string
	Polys int // number of polygons
	geom  []polygon
}

// ReadUserZones parses a GeoJSON FeatureCollection of user zones from r (named file in
// errors). Each feature needs a Polygon or MultiPolygon geometry and the properties "state"
// (ISO 3166 alpha-3, upper case; may be empty only for "high_seas") and "zone" (a Zone name).
// Rings must be closed, have at least 4 positions, and not cross themselves. Valid features
// are returned; each invalid one yields a *ZoneError naming the file, feature and fault.
func ReadUserZones(r io.Reader, file string) ([]UserZone, []error) {
	var zones []UserZone
	var errs []error
	err := scanFeatures(r, func(i int, f *rawFeature) error {
		name := featureName(f)
		fail := func(err error) { errs = append(errs, &ZoneError{File: file, Feature: i, Name: name, Err: err}) }
		state, _ := f.Properties["state"].(string)
		zs, _ := f.Properties["zone"].(string)
		z, err := ParseZone(zs)
		if err != nil {
			fail(fmt.Errorf("property \"zone\": %w", err))
			return nil
		}
		if state == "" && z != ZoneHighSeas {
			fail(fmt.Errorf("property \"state\" is missing; want an ISO 3166 alpha-3 code such as \"MEX\""))
			return nil
		}
		if state != "" && (len(state) != 3 || strings.ToUpper(state) != state || strings.ContainsAny(state, "0123456789 ")) {
			fail(fmt.Errorf("property \"state\" %q is not an ISO 3166 alpha-3 code (three capital letters, e.g. \"MEX\")", state))
			return nil
		}
		polys, err := f.polygons()
		if err != nil {
			fail(err)
			return nil
		}
		for pi, p := range polys {
			for ri, rg := range p {
				if err := checkRing(rg); err != nil {
					fail(fmt.Errorf("polygon %d ring %d: %w", pi, ri, err))
					return nil
				}
			}
		}
		zones = append(zones, UserZone{State: state, Zone: z, Name: name, Polys: len(polys), geom: polys})
		return nil
	})
	if err != nil {
		errs = append(errs, &ZoneError{File: file, Feature: -1, Err: err})
	}
	return zones, errs
}

func featureName(f *rawFeature) string {
	for _, k := range []string{"name", "NAME", "id"} {
		if s, ok := f.Properties[k].(string); ok && s != "" {
			return s
		}
	}
	if len(f.ID) > 0 {
		return strings.Trim(string(f.ID), `"`)
	}
	return ""
}

// checkRing reports an error when ring r crosses or touches itself (other than adjacent
// edges sharing their vertex) or has zero area.
func checkRing(r ring) error {
	n := len(r) - 1 // edges
	if n < 3 {
		return fmt.Errorf("%d positions; want at least 4", len(r))
	}
	var area float64
	for i := 0; i < n; i++ {
		area += r[i].X*r[i+1].Y - r[i+1].X*r[i].Y
	}
	if math.Abs(area) < 1e-18 {
		return fmt.Errorf("ring has zero area")
	}
	// Bucket the edges into a grid over the ring's box and test pairs sharing a bucket.
	b := r.box()
	side := int(math.Max(1, math.Sqrt(float64(n))/2))
	w, h := (b.MaxX-b.MinX)/float64(side), (b.MaxY-b.MinY)/float64(side)
	if w == 0 {
		w = 1
	}
	if h == 0 {
		h = 1
	}
	cell := func(x, y float64) (int, int) {
		i, j := int((x-b.MinX)/w), int((y-b.MinY)/h)
		return min(max(i, 0), side-1), min(max(j, 0), side-1)
	}
	buckets := make([][]int32, side*side)
	for e := 0; e < n; e++ {
		a, c := r[e], r[e+1]
		i0, j0 := cell(math.Min(a.X, c.X), math.Min(a.Y, c.Y))
		i1, j1 := cell(math.Max(a.X, c.X), math.Max(a.Y, c.Y))
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				buckets[j*side+i] = append(buckets[j*side+i], int32(e))
			}
		}
	}
	for _, bk := range buckets {
		for x := 0; x < len(bk); x++ {
			for y := x + 1; y < len(bk); y++ {
				e1, e2 := int(bk[x]), int(bk[y])
				if e2-e1 == 1 || (e1 == 0 && e2 == n-1) {
					continue // adjacent edges share a vertex
				}
				if segsIntersect(r[e1], r[e1+1], r[e2], r[e2+1]) {
					return fmt.Errorf("ring crosses itself: edge %d (%g,%g)–(%g,%g) meets edge %d (%g,%g)–(%g,%g); fix the polygon (e.g. with ST_MakeValid or mapshaper -clean)",
						e1, r[e1].X, r[e1].Y, r[e1+1].X, r[e1+1].Y, e2, r[e2].X, r[e2].Y, r[e2+1].X, r[e2+1].Y)
				}
			}
		}
	}
	return nil
}

// segsIntersect reports whether closed segments ab and cd share a point.
func segsIntersect(a, b, c, d pt) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) {
		return true
	}
	on := func(p, q, r pt) bool { // r on segment pq, given collinear
		return math.Min(p.X, q.X) <= r.X && r.X <= math.Max(p.X, q.X) && math.Min(p.Y, q.Y) <= r.Y && r.Y <= math.Max(p.Y, q.Y)
	}
	return (o1 == 0 && on(a, b, c)) || (o2 == 0 && on(a, b, d)) || (o3 == 0 && on(c, d, a)) || (o4 == 0 && on(c, d, b))
}

// loadUserZones reads Config.UserZones into the user layer. Rejected zones are logged and kept
// in e.userErrs.
func (e *Engine) loadUserZones() {
	var lps []labeledPoly
	placeOf := map[string]int{}
	for i, p := range e.places {
		placeOf[p] = i
	}
	for _, path := range e.cfg.UserZones {
		f, err := os.Open(path)
		if err != nil {
			e.userErrs = append(e.userErrs, &ZoneError{File: path, Feature: -1, Err: err})
			continue
		}
		zones, errs := ReadUserZones(f, path)
		f.Close()
		e.userErrs = append(e.userErrs, errs...)
		for zi, z := range zones {
			st, pl := -1, -1
			if z.State != "" {
				sov := z.State
				if s, ok := e.cfg.Sovereigns[sov]; ok {
					sov = s
				}
				idx, ok := e.stateIdx[sov]
				if !ok {
					e.stateIdx[sov] = uint8(len(e.states))
					idx = uint8(len(e.states))
					e.states = append(e.states, sov)
				}
				st = int(idx)
				if p, ok := placeOf[z.State]; ok {
					pl = p
				}
			}
			label := uint16(len(e.userZ))
			name := z.Name
			if name == "" {
				name = fmt.Sprint(zi)
			}
			e.userZ = append(e.userZ, userZone{Zone: z.Zone, State: st, Place: pl, Source: path + "#" + name, Polys: z.geom})
			for _, p := range z.geom {
				lps = append(lps, labeledPoly{Label: label, Poly: p})
			}
		}
	}
	for _, err := range e.userErrs {
		e.log.Error("jurisdiction: user zone rejected", "err", err)
	}
	if len(e.userZ) > 0 {
		e.user = buildLayer(&e.g, lps, len(e.userZ))
	}
}
