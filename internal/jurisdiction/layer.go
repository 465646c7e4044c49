package jurisdiction

import (
	"math"
	"sort"
)

// layer is a set of labelled polygons rasterised onto the engine grid for fast exact
// point-in-polygon tests: for each cell it knows which label's polygon contains the cell's
// centre, and which polygon edges cross the cell. A point in the cell is then located by
// counting the edges that cross the segment from the point to the centre.
//
// Polygons of one label are combined with the even-odd rule over all their rings; a point is
// "solid" in label L when that parity is odd, and "hollow" in L when the parity of L's outer
// rings alone is odd but the parity of all rings is even (inside a hole: a lake).
type layer struct {
	edges  []layerEdge
	start  []uint32 // cell k's edges are idx[start[k]:start[k+1]]
	idx    []uint32
	solid  []uint16 // per cell: label+1 of the solid polygon at the centre, 0 none
	outer  []uint16 // per cell: label+1 whose outer rings contain the centre (odd parity), 0 none
	labels int
}

type layerEdge struct {
	A, B  pt
	Label uint16
	Hole  bool
}

type labeledPoly struct {
	Label uint16
	Poly  polygon
}

// buildLayer rasterises polys onto grid g. Labels must be < nLabels.
func buildLayer(g *grid, polys []labeledPoly, nLabels int) *layer {
	l := &layer{labels: nLabels}
	for _, lp := range polys {
		for ri, r := range lp.Poly {
			for i := 0; i+1 < len(r); i++ {
				if r[i] == r[i+1] {
					continue
				}
				l.edges = append(l.edges, layerEdge{A: r[i], B: r[i+1], Label: lp.Label, Hole: ri > 0})
			}
		}
	}
	n := g.nx * g.ny
	l.solid = make([]uint16, n)
	l.outer = make([]uint16, n)

	// Centre labels: one horizontal scan line per row of cell centres.
	type crossing struct {
		x     float64
		label uint16
		hole  bool
	}
	rows := make([][]crossing, g.ny)
	for _, e := range l.edges {
		y0, y1 := math.Min(e.A.Y, e.B.Y), math.Max(e.A.Y, e.B.Y)
		// rows j with centre yc in [y0, y1) and (A.Y > yc) != (B.Y > yc)
		j0 := int(math.Floor((y0-g.minY)/g.cs - 0.5))
		j1 := int(math.Ceil((y1-g.minY)/g.cs - 0.5))
		j0 = max(j0, 0)
		j1 = min(j1, g.ny-1)
		for j := j0; j <= j1; j++ {
			yc := g.minY + (float64(j)+0.5)*g.cs
			if (e.A.Y > yc) == (e.B.Y > yc) {
				continue
			}
			x := e.A.X + (yc-e.A.Y)*(e.B.X-e.A.X)/(e.B.Y-e.A.Y)
			rows[j] = append(rows[j], crossing{x, e.Label, e.Hole})
		}
	}
	all := make([]bool, nLabels)
	out := make([]bool, nLabels)
	for j, cs := range rows {
		sort.Slice(cs, func(a, b int) bool { return cs[a].x < cs[b].x })
		clear(all)
		clear(out)
		var oddAll, oddOut []uint16
		toggle := func(set []bool, odd []uint16, lab uint16) []uint16 {
			set[lab] = !set[lab]
			if set[lab] {
				return append(odd, lab)
			}
			for i, v := range odd {
				if v == lab {
					return append(odd[:i], odd[i+1:]...)
				}
			}
			return odd
		}
		ci := 0
		for i := 0; i < g.nx; i++ {
			xc := g.minX + (float64(i)+0.5)*g.cs
			for ci < len(cs) && cs[ci].x < xc {
				c := cs[ci]
				oddAll = toggle(all, oddAll, c.label)
				if !c.hole {
					oddOut = toggle(out, oddOut, c.label)
				}
				ci++
			}
			k := j*g.nx + i
			if len(oddAll) > 0 {
				l.solid[k] = oddAll[0] + 1
			}
			if len(oddOut) > 0 {
				l.outer[k] = oddOut[0] + 1
			}
		}
		rows[j] = nil
	}

	// Edges per cell.
	counts := make([]uint32, n+1)
	forCells := func(e *layerEdge, f func(k int)) {
		b := emptyBox()
		b.add(e.A)
		b.add(e.B)
		i0, j0 := g.cellOf(b.MinX, b.MinY)
		i1, j1 := g.cellOf(b.MaxX, b.MaxY)
		i0, j0 = max(i0, 0), max(j0, 0)
		i1, j1 = min(i1, g.nx-1), min(j1, g.ny-1)
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				if i1 > i0+1 || j1 > j0+1 {
					// long edge: keep only the cells it really crosses
					cb := g.cellBox(i, j)
					if !segHitsBox(e.A, e.B, cb) {
						continue
					}
				}
				f(j*g.nx + i)
			}
		}
	}
	for ei := range l.edges {
		forCells(&l.edges[ei], func(k int) { counts[k+1]++ })
	}
	for k := 1; k <= n; k++ {
		counts[k] += counts[k-1]
	}
	l.start = counts
	l.idx = make([]uint32, counts[n])
	fill := make([]uint32, n)
	for ei := range l.edges {
		forCells(&l.edges[ei], func(k int) {
			l.idx[l.start[k]+fill[k]] = uint32(ei)
			fill[k]++
		})
	}
	return l
}

// hasEdges reports whether any polygon edge touches cell k.
func (l *layer) hasEdges(k int) bool { return l.start[k+1] > l.start[k] }

// edgesIn reports whether any polygon edge of cell k touches box b (a part of the cell).
func (l *layer) edgesIn(k int, b bbox) bool {
	for _, ei := range l.idx[l.start[k]:l.start[k+1]] {
		if segHitsBox(l.edges[ei].A, l.edges[ei].B, b) {
			return true
		}
	}
	return false
}

// at locates p in cell k whose centre is c: the label+1 of the solid polygon containing p and
// the label+1 of the polygon whose hole contains p (0 for none).
func (l *layer) at(k int, p, c pt) (solid, hollow uint16) {
	s0, o0 := l.solid[k], l.outer[k]
	if !l.hasEdges(k) {
		if s0 == 0 && o0 != 0 {
			return 0, o0
		}
		return s0, 0
	}
	// toggles per label crossing the segment p–c
	var labs [16]uint16
	var tAll, tOut [16]bool
	n := 0
	for _, ei := range l.idx[l.start[k]:l.start[k+1]] {
		e := &l.edges[ei]
		if !segCross(e.A, e.B, p, c) {
			continue
		}
		j := 0
		for j < n && labs[j] != e.Label+1 {
			j++
		}
		if j == n {
			if n == len(labs) {
				continue
			}
			labs[n] = e.Label + 1
			n++
		}
		tAll[j] = !tAll[j]
		if !e.Hole {
			tOut[j] = !tOut[j]
		}
	}
	in := func(lab uint16) (all, outer bool) {
		all, outer = s0 == lab, o0 == lab
		for j := range n {
			if labs[j] == lab {
				all = all != tAll[j]
				outer = outer != tOut[j]
			}
		}
		return
	}
	check := func(lab uint16) {
		if lab == 0 {
			return
		}
		a, o := in(lab)
		if a && solid == 0 {
			solid = lab
		}
		if o && !a && hollow == 0 {
			hollow = lab
		}
	}
	check(s0)
	check(o0)
	for j := range n {
		check(labs[j])
	}
	return solid, hollow
}

func orient(a, b, c pt) float64 { return (b.X-a.X)*(c.Y-a.Y) - (b.Y-a.Y)*(c.X-a.X) }

// segCross reports whether segment ab crosses segment pq, with a half-open rule at end points
// that keeps crossing parities consistent along a ring.
func segCross(a, b, p, q pt) bool {
	if (orient(a, b, p) > 0) == (orient(a, b, q) > 0) {
		return false
	}
	return (orient(p, q, a) > 0) != (orient(p, q, b) > 0)
}

// segHitsBox reports whether segment ab touches box b (conservatively).
func segHitsBox(a, b pt, bx bbox) bool {
	if bx.contains(a) || bx.contains(b) {
		return true
	}
	c := [4]pt{{bx.MinX, bx.MinY}, {bx.MaxX, bx.MinY}, {bx.MaxX, bx.MaxY}, {bx.MinX, bx.MaxY}}
	for i := range 4 {
		p, q := c[i], c[(i+1)%4]
		o1, o2 := orient(a, b, p), orient(a, b, q)
		o3, o4 := orient(p, q, a), orient(p, q, b)
		if (o1 >= 0) != (o2 >= 0) && (o3 >= 0) != (o4 >= 0) {
			return true
		}
		if o1 == 0 || o2 == 0 {
			return true
		}
	}
	return false
}
