package sim

import "math"

// Geodesy on a sphere of the mean Earth radius: good to about 0.5 % in distance, which is far
// below the noise the simulator adds on purpose.

const (
	earthRadius = 6371008.8          // metres (IUGG mean radius)
	metresPerNM = 1852.0             // metres per nautical mile
	knot        = metresPerNM / 3600 // metres per second in one knot
	deg         = math.Pi / 180
)

// ll is a point in degrees (WGS 84 latitude and longitude).
type ll struct{ lat, lon float64 }

// distance is the great-circle distance from a to b in metres (haversine).
func distance(a, b ll) float64 {
	dLat := (b.lat - a.lat) * deg
	dLon := (b.lon - a.lon) * deg
	s1, s2 := math.Sin(dLat/2), math.Sin(dLon/2)
	h := s1*s1 + math.Cos(a.lat*deg)*math.Cos(b.lat*deg)*s2*s2
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// bearing is the initial great-circle bearing from a to b, in degrees true [0, 360).
func bearing(a, b ll) float64 {
	φ1, φ2 := a.lat*deg, b.lat*deg
	dλ := (b.lon - a.lon) * deg
	y := math.Sin(dλ) * math.Cos(φ2)
	x := math.Cos(φ1)*math.Sin(φ2) - math.Sin(φ1)*math.Cos(φ2)*math.Cos(dλ)
	return norm360(math.Atan2(y, x) / deg)
}

// destination is the point reached from a after dist metres on the initial bearing brg (degrees).
func destination(a ll, brg, dist float64) ll {
	δ := dist / earthRadius
	θ := brg * deg
	φ1, λ1 := a.lat*deg, a.lon*deg
	sinφ2 := math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ)
	φ2 := math.Asin(sinφ2)
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*sinφ2)
	return ll{φ2 / deg, norm180(λ2 / deg)}
}

// interpolate is the point at fraction f (0..1) of the great circle from a to b.
func interpolate(a, b ll, f float64) ll {
	φ1, λ1, φ2, λ2 := a.lat*deg, a.lon*deg, b.lat*deg, b.lon*deg
	x1, y1, z1 := math.Cos(φ1)*math.Cos(λ1), math.Cos(φ1)*math.Sin(λ1), math.Sin(φ1)
	x2, y2, z2 := math.Cos(φ2)*math.Cos(λ2), math.Cos(φ2)*math.Sin(λ2), math.Sin(φ2)
	dot := math.Max(-1, math.Min(1, x1*x2+y1*y2+z1*z2))
	ω := math.Acos(dot)
	if ω < 1e-12 {
		return a
	}
	s := math.Sin(ω)
	ka, kb := math.Sin((1-f)*ω)/s, math.Sin(f*ω)/s
	x, y, z := ka*x1+kb*x2, ka*y1+kb*y2, ka*z1+kb*z2
	return ll{math.Atan2(z, math.Hypot(x, y)) / deg, math.Atan2(y, x) / deg}
}

// offset moves p by east and north metres (a local flat approximation, for distances of a few km).
func offset(p ll, east, north float64) ll {
	return ll{p.lat + north/earthRadius/deg, p.lon + east/(earthRadius*math.Cos(p.lat*deg))/deg}
}

func norm360(a float64) float64 {
	a = math.Mod(a, 360)
	if a < 0 {
		a += 360
	}
	return a
}

func norm180(a float64) float64 {
	a = norm360(a + 180)
	return a - 180
}

// angleDiff is b − a folded into (−180, 180].
func angleDiff(a, b float64) float64 {
	d := norm360(b - a)
	if d > 180 {
		d -= 360
	}
	return d
}

// distanceToSegment is the shortest distance in metres from p to the segment ab (local flat
// approximation around p; good for segments up to a few hundred kilometres at these latitudes).
func distanceToSegment(p, a, b ll) float64 {
	kx := earthRadius * deg * math.Cos(p.lat*deg)
	ky := earthRadius * deg
	ax, ay := (a.lon-p.lon)*kx, (a.lat-p.lat)*ky
	bx, by := (b.lon-p.lon)*kx, (b.lat-p.lat)*ky
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// distanceToPolyline is the shortest distance in metres from p to the polyline pts.
func distanceToPolyline(p ll, pts []ll) float64 {
	best := math.Inf(1)
	for i := 1; i < len(pts); i++ {
		best = math.Min(best, distanceToSegment(p, pts[i-1], pts[i]))
	}
	return best
}

// localDelta returns the distance in metres and the bearing in degrees from a to b on a local
// flat approximation: exact to a few parts per million for the short hops between two reports.
func localDelta(a, b ll) (float64, float64) {
	kx := earthRadius * deg * math.Cos((a.lat+b.lat)/2*deg)
	dx := norm180(b.lon-a.lon) * kx
	dy := (b.lat - a.lat) * earthRadius * deg
	return math.Hypot(dx, dy), norm360(math.Atan2(dx, dy) / deg)
}

// path is a polyline of great-circle segments with cumulative lengths, walked by along-track
// distance.
type path struct {
	pts []ll
	cum []float64    // cum[i] is the distance in metres from pts[0] to pts[i]
	vec [][3]float64 // unit vectors of pts
	ang []float64    // central angle of segment i (pts[i] to pts[i+1]), radians
}

func unitVector(p ll) [3]float64 {
	φ, λ := p.lat*deg, p.lon*deg
	return [3]float64{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
}

func newPath(pts []ll) *path {
	p := &path{pts: pts, cum: make([]float64, len(pts)), vec: make([][3]float64, len(pts)), ang: make([]float64, len(pts))}
	for i := range pts {
		p.vec[i] = unitVector(pts[i])
		if i > 0 {
			d := distance(pts[i-1], pts[i])
			p.cum[i] = p.cum[i-1] + d
			p.ang[i-1] = d / earthRadius
		}
	}
	return p
}

// length is the total length in metres.
func (p *path) length() float64 { return p.cum[len(p.cum)-1] }

// segment returns the index of the segment holding along-track distance s (clamped); seg is a
// hint, usually the answer of the previous call.
func (p *path) segment(s float64, seg int) int {
	k := seg
	if k < 0 || k >= len(p.pts)-1 || s < p.cum[k] {
		k = 0
	}
	for k < len(p.pts)-2 && s > p.cum[k+1] {
		k++
	}
	return k
}

// at returns the point at along-track distance s (clamped to the path) and the track bearing
// there. seg caches the segment index between calls with non-decreasing s.
func (p *path) at(s float64, seg *int) (ll, float64) {
	if len(p.pts) == 1 {
		return p.pts[0], 0
	}
	s = math.Max(0, math.Min(s, p.length()))
	k := p.segment(s, *seg)
	*seg = k
	a, b := p.vec[k], p.vec[k+1]
	ω := p.ang[k]
	if ω < 1e-12 {
		return p.pts[k+1], 0
	}
	f := (s - p.cum[k]) / (p.cum[k+1] - p.cum[k])
	sinω := math.Sin(ω)
	ka, kb := math.Sin((1-f)*ω)/sinω, math.Sin(f*ω)/sinω
	x, y, z := ka*a[0]+kb*b[0], ka*a[1]+kb*b[1], ka*a[2]+kb*b[2]
	q := ll{math.Atan2(z, math.Hypot(x, y)) / deg, math.Atan2(y, x) / deg}
	// The track direction is the derivative of the point along the arc: d = b·cos(fω) − a·cos((1−f)ω)
	// scaled, projected on the local east and north.
	ca, cb := math.Cos((1-f)*ω)/sinω, math.Cos(f*ω)/sinω
	dx, dy, dz := cb*b[0]-ca*a[0], cb*b[1]-ca*a[1], cb*b[2]-ca*a[2]
	sinφ, cosφ := z, math.Hypot(x, y)
	sinλ, cosλ := y/cosφ, x/cosφ
	east := -sinλ*dx + cosλ*dy
	north := -sinφ*cosλ*dx - sinφ*sinλ*dy + cosφ*dz
	return q, norm360(math.Atan2(east, north) / deg)
}
