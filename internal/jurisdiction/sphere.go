package jurisdiction

import (
	"math"
	"sort"
)

// Geodesy. Distances are great-circle distances on a sphere whose radius is the Gaussian mean
// radius of curvature of the WGS 84 ellipsoid at the query latitude, R(φ) = √(M·N). Against the
// WGS 84 geodesic this is within ±0.35 % in the region for distances up to a few hundred
// nautical miles (the test TestSphereVsVincenty measures it). One nautical mile is 1852 m.

const (
	wgs84A      = 6378137.0             // semi-major axis, metres
	wgs84F      = 1 / 298.257223563     // flattening
	wgs84E2     = wgs84F * (2 - wgs84F) // first eccentricity squared
	metresPerNM = 1852.0
)

// gaussRadiusNM is √(M·N) at latitude lat (degrees), in nautical miles.
func gaussRadiusNM(lat float64) float64 {
	s := math.Sin(lat * math.Pi / 180)
	return wgs84A * math.Sqrt(1-wgs84E2) / (1 - wgs84E2*s*s) / metresPerNM
}

type vec3 [3]float64

func unit(lat, lon float64) vec3 {
	la, lo := lat*math.Pi/180, lon*math.Pi/180
	sla, cla := math.Sincos(la)
	slo, clo := math.Sincos(lo)
	return vec3{cla * clo, cla * slo, sla}
}

func dot(a, b vec3) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func cross(a, b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func norm(a vec3) vec3 {
	l := math.Sqrt(dot(a, a))
	if l == 0 {
		return a
	}
	return vec3{a[0] / l, a[1] / l, a[2] / l}
}

// arc is a great-circle arc between two unit vectors, prepared for distance queries.
type arc struct {
	A, B   vec3
	N      vec3  // unit normal of the arc's plane; zero for a degenerate arc
	EA, EB vec3  // N×A and B×N: p lies beside the arc iff p·EA ≥ 0 and p·EB ≥ 0
	Owner  uint8 // index into the engine's state table (sovereign state)
	Place  uint8 // index into the engine's place table (territory, or the state itself)
}

func newArc(a, b vec3) arc {
	n := norm(cross(a, b))
	return arc{A: a, B: b, N: n, EA: cross(n, a), EB: cross(b, n)}
}

// cosTo returns the cosine of the angle from p to the nearest point of the arc.
func (s *arc) cosTo(p vec3) float64 {
	if dot(p, s.EA) >= 0 && dot(p, s.EB) >= 0 && s.N != (vec3{}) {
		t := dot(p, s.N)
		return math.Sqrt(1 - t*t)
	}
	return math.Max(dot(p, s.A), dot(p, s.B))
}

// foot returns the point of the arc nearest to p.
func (s *arc) foot(p vec3) vec3 {
	if dot(p, s.EA) >= 0 && dot(p, s.EB) >= 0 && s.N != (vec3{}) {
		t := dot(p, s.N)
		return norm(vec3{p[0] - t*s.N[0], p[1] - t*s.N[1], p[2] - t*s.N[2]})
	}
	if dot(p, s.A) >= dot(p, s.B) {
		return s.A
	}
	return s.B
}

// arcTree is a bounding-volume hierarchy over arcs in 3-D (unit-sphere) space, answering
// nearest-arc queries restricted to a set of states.
type arcTree struct {
	arcs  []arc
	nodes []arcNode
}

// arcNode is a node of an arcTree, 40 bytes: the tree is read at random by every exact
// search, so its nodes are kept small. Nodes are in depth-first order: an inner node's left
// child is the next node.
type arcNode struct {
	Min, Max [3]float32 // box of the arcs below, rounded outward
	Mask     uint64     // states (bit = Owner) present below
	Lo, Hi   int32      // leaf: arcs[Lo:Hi]; inner: Lo -1 and Hi the right child
}

const leafSize = 6

func buildArcTree(arcs []arc) *arcTree {
	t := &arcTree{arcs: arcs}
	if len(arcs) > 0 {
		t.build(0, len(arcs))
	}
	return t
}

func arcBox(a *arc) (mn, mx vec3) {
	// The arc bulges outward from its chord by at most the sagitta 1-cos(θ/2) ≈ θ²/8 ≤ |AB|²/8
	// (for short arcs); pad the box by that, plus a rounding margin.
	d := vec3{a.A[0] - a.B[0], a.A[1] - a.B[1], a.A[2] - a.B[2]}
	pad := dot(d, d)/4 + 1e-12
	for k := range 3 {
		mn[k] = math.Min(a.A[k], a.B[k]) - pad
		mx[k] = math.Max(a.A[k], a.B[k]) + pad
	}
	return
}

// down32 and up32 round x to a float32 no greater (no less) than x.
func down32(x float64) float32 {
	f := float32(x)
	if float64(f) > x {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up32(x float64) float32 {
	f := float32(x)
	if float64(f) < x {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

func (t *arcTree) build(lo, hi int) int32 {
	idx := int32(len(t.nodes))
	t.nodes = append(t.nodes, arcNode{})
	var n arcNode
	mn := vec3{math.Inf(1), math.Inf(1), math.Inf(1)}
	mx := vec3{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for i := lo; i < hi; i++ {
		amn, amx := arcBox(&t.arcs[i])
		for k := range 3 {
			mn[k] = math.Min(mn[k], amn[k])
			mx[k] = math.Max(mx[k], amx[k])
		}
		n.Mask |= 1 << t.arcs[i].Owner
	}
	for k := range 3 {
		n.Min[k], n.Max[k] = down32(mn[k]), up32(mx[k])
	}
	if hi-lo <= leafSize {
		n.Lo, n.Hi = int32(lo), int32(hi)
		t.nodes[idx] = n
		return idx
	}
	axis := 0
	for k := 1; k < 3; k++ {
		if mx[k]-mn[k] > mx[axis]-mn[axis] {
			axis = k
		}
	}
	sub := t.arcs[lo:hi]
	sort.Slice(sub, func(i, j int) bool {
		return sub[i].A[axis]+sub[i].B[axis] < sub[j].A[axis]+sub[j].B[axis]
	})
	mid := (lo + hi) / 2
	t.build(lo, mid) // idx+1
	n.Lo = -1
	n.Hi = t.build(mid, hi)
	t.nodes[idx] = n
	return idx
}

// boxCosBound is an upper bound of the cosine of the angle from p to any point of the box.
func boxCosBound(p vec3, n *arcNode) float64 {
	var d2 float64
	for k := range 3 {
		if lo := float64(n.Min[k]); p[k] < lo {
			d := lo - p[k]
			d2 += d * d
		} else if hi := float64(n.Max[k]); p[k] > hi {
			d := p[k] - hi
			d2 += d * d
		}
	}
	return 1 - d2/2 // chord² = 2 - 2cos
}

// nearest returns the index of the arc nearest to p among arcs whose owner is in mask, and the
// cosine of the angle to it; -1 and -2 when there is none. Arcs farther than the angle whose
// cosine is minCos are not searched.
func (t *arcTree) nearest(p vec3, mask uint64, minCos float64) (int, float64) {
	best, bestCos := -1, minCos
	if len(t.nodes) == 0 || t.nodes[0].Mask&mask == 0 {
		return -1, -2
	}
	// Depth-first, nearer child first; each entry keeps its box's bound, so that a node is
	// skipped without reading it once a nearer arc has been found.
	type entry struct {
		n     int32
		bound float64
	}
	var stack [64]entry
	stack[0] = entry{0, boxCosBound(p, &t.nodes[0])}
	sp := 1
	for sp > 0 {
		sp--
		it := stack[sp]
		if it.bound <= bestCos {
			continue
		}
		n := &t.nodes[it.n]
		if n.Lo >= 0 {
			for i := n.Lo; i < n.Hi; i++ {
				a := &t.arcs[i]
				if mask&(1<<a.Owner) == 0 {
					continue
				}
				if c := a.cosTo(p); c > bestCos {
					best, bestCos = int(i), c
				}
			}
			continue
		}
		l, h := it.n+1, n.Hi
		ln, hn := &t.nodes[l], &t.nodes[h]
		lb, hb := -3.0, -3.0
		if ln.Mask&mask != 0 {
			lb = boxCosBound(p, ln)
		}
		if hn.Mask&mask != 0 {
			hb = boxCosBound(p, hn)
		}
		// Push the farther child first, so that the nearer is visited next.
		if lb > hb {
			l, h, lb, hb = h, l, hb, lb
		}
		if lb > bestCos {
			stack[sp] = entry{l, lb}
			sp++
		}
		if hb > bestCos {
			stack[sp] = entry{h, hb}
			sp++
		}
	}
	if best < 0 {
		return -1, -2
	}
	return best, bestCos
}

// angleNM converts the cosine of a central angle to nautical miles at latitude lat.
func angleNM(cos, lat float64) float64 {
	if cos >= 1 {
		return 0
	}
	if cos < -1 {
		cos = -1
	}
	return math.Acos(cos) * gaussRadiusNM(lat)
}

// distNM is the spherical distance between two positions in nautical miles (radius at the
// mean latitude).
func distNM(lat1, lon1, lat2, lon2 float64) float64 {
	a, b := unit(lat1, lon1), unit(lat2, lon2)
	c := cross(a, b)
	return math.Atan2(math.Sqrt(dot(c, c)), dot(a, b)) * gaussRadiusNM((lat1+lat2)/2)
}
