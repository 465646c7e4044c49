package ops

// Planar geometry in longitude/latitude degrees, enough for the scope checks of consents
// (an operation's place inside a consent's area). Areas are assumed not to cross the
// antimeridian.

// ringArea is twice the signed planar area of a closed ring (degrees²).
func ringArea(r []Point) float64 {
	a := 0.0
	for i := 0; i+1 < len(r); i++ {
		a += r[i].Lon*r[i+1].Lat - r[i+1].Lon*r[i].Lat
	}
	return a
}

// inRing reports whether p is inside the closed ring r (even-odd rule; points on an edge count
// as inside).
func inRing(r []Point, p Point) bool {
	in := false
	for i, j := 0, len(r)-2; i < len(r)-1; j, i = i, i+1 {
		a, b := r[i], r[j]
		if onSegment(a, b, p) {
			return true
		}
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) {
			x := a.Lon + (p.Lat-a.Lat)*(b.Lon-a.Lon)/(b.Lat-a.Lat)
			if p.Lon < x {
				in = !in
			}
		}
	}
	return in
}

func onSegment(a, b, p Point) bool {
	cross := (b.Lon-a.Lon)*(p.Lat-a.Lat) - (b.Lat-a.Lat)*(p.Lon-a.Lon)
	if cross > 1e-12 || cross < -1e-12 {
		return false
	}
	return p.Lon >= min(a.Lon, b.Lon) && p.Lon <= max(a.Lon, b.Lon) && p.Lat >= min(a.Lat, b.Lat) && p.Lat <= max(a.Lat, b.Lat)
}

// Contains reports whether p lies inside the polygon (inside the outer ring and outside every
// hole; the boundary counts as inside).
func (pg *Polygon) Contains(p Point) bool {
	if len(pg.Rings) == 0 || !inRing(pg.Rings[0], p) {
		return false
	}
	for _, h := range pg.Rings[1:] {
		if inRing(h, p) && !onRing(h, p) {
			return false
		}
	}
	return true
}

func onRing(r []Point, p Point) bool {
	for i := 0; i+1 < len(r); i++ {
		if onSegment(r[i], r[i+1], p) {
			return true
		}
	}
	return false
}

// ContainsPolygon reports whether the polygon q lies inside pg: every vertex of q's outer ring
// inside pg, no edge of q properly crossing an edge of pg, and no hole of pg inside q.
func (pg *Polygon) ContainsPolygon(q *Polygon) bool {
	if len(q.Rings) == 0 || len(pg.Rings) == 0 {
		return false
	}
	outer := q.Rings[0]
	for _, p := range outer {
		if !pg.Contains(p) {
			return false
		}
	}
	for _, r := range pg.Rings {
		for i := 0; i+1 < len(outer); i++ {
			for j := 0; j+1 < len(r); j++ {
				if properCross(outer[i], outer[i+1], r[j], r[j+1]) {
					return false
				}
			}
		}
	}
	for _, h := range pg.Rings[1:] {
		if inRing(outer, h[0]) {
			return false
		}
	}
	return true
}

func orient(a, b, c Point) float64 {
	return (b.Lon-a.Lon)*(c.Lat-a.Lat) - (b.Lat-a.Lat)*(c.Lon-a.Lon)
}

// properCross reports whether segments ab and cd cross at a point interior to both.
func properCross(a, b, c, d Point) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))
}

// Samples returns points that represent the polygon for jurisdiction look-ups: the outer
// ring's vertices (at most maxVertices of them, evenly spaced), the midpoints of its edges
// between them, and the points of an n×n grid over its bounding box that fall inside it. The
// result is appended to dst.
func (pg *Polygon) Samples(dst []Point, maxVertices, n int) []Point {
	if len(pg.Rings) == 0 {
		return dst
	}
	r := pg.Rings[0]
	m := len(r) - 1 // distinct vertices
	step := 1
	if maxVertices > 0 && m > maxVertices {
		step = (m + maxVertices - 1) / maxVertices
	}
	for i := 0; i < m; i += step {
		j := min(i+step, m)
		dst = append(dst, r[i], Point{Lat: (r[i].Lat + r[j].Lat) / 2, Lon: (r[i].Lon + r[j].Lon) / 2})
	}
	minLat, maxLat, minLon, maxLon := r[0].Lat, r[0].Lat, r[0].Lon, r[0].Lon
	for _, p := range r {
		minLat, maxLat = min(minLat, p.Lat), max(maxLat, p.Lat)
		minLon, maxLon = min(minLon, p.Lon), max(maxLon, p.Lon)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p := Point{Lat: minLat + (maxLat-minLat)*(float64(i)+0.5)/float64(n), Lon: minLon + (maxLon-minLon)*(float64(j)+0.5)/float64(n)}
			if pg.Contains(p) {
				dst = append(dst, p)
			}
		}
	}
	return dst
}
