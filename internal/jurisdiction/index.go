package jurisdiction

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"
)

// interpTolNM is the largest difference between the bilinear interpolation of the vertex
// distances and the exact distance at a cell's centre for the cell to use interpolation.
const interpTolNM = 0.02

// indexVersion changes whenever the index layout or the classification rule changes.
const indexVersion = "accord-jurisdiction-index-v10"

// halfDiagNM is the half-diagonal of a cell of row j in nautical miles, padded by 2 %.
func (e *Engine) halfDiagNM(j int) float64 {
	g := &e.g
	y0, y1 := g.minY+float64(j)*g.cs, g.minY+float64(j+1)*g.cs
	near := math.Min(math.Abs(y0), math.Abs(y1))
	if y0 < 0 && y1 > 0 {
		near = 0
	}
	r := gaussRadiusNM(near) * 1.005
	dy := g.cs * math.Pi / 180 * r
	dx := dy * math.Cos(near*math.Pi/180)
	return 0.51 * math.Hypot(dx, dy)
}

func (e *Engine) indexKey() (string, error) {
	h := sha256.New()
	c := &e.cfg
	fmt.Fprintf(h, "%s|%+v|%g|%g|%g|%g", indexVersion, c.Region, c.CellDeg, c.TerritorialSeaNM, c.ContiguousNM, c.EEZNM)
	keys := make([]string, 0, len(c.Sovereigns))
	for k := range c.Sovereigns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "|%s=%s", k, c.Sovereigns[k])
	}
	for _, p := range append([]string{c.LandPath, c.TreatyPath}, c.UserZones...) {
		if p == "" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			fmt.Fprintf(h, "|%s:missing", p)
			continue
		}
		abs, _ := filepath.Abs(p)
		fmt.Fprintf(h, "|%s:%d:%d", abs, st.Size(), st.ModTime().UnixNano())
	}
	fmt.Fprintf(h, "|user:%d", len(e.userZ))
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// buildIndex fills the per-cell index, from the cache when possible.
func (e *Engine) buildIndex(ctx context.Context) (bool, error) {
	var path string
	if e.cfg.CacheDir != "" {
		key, err := e.indexKey()
		if err != nil {
			return false, err
		}
		path = filepath.Join(e.cfg.CacheDir, "jurisdiction-index-"+key+".bin")
		if err := e.readIndex(path); err == nil {
			e.countCells()
			return true, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			e.log.Warn("jurisdiction: ignoring unreadable index cache; rebuilding", "path", path, "err", err)
		}
	}
	start := time.Now()
	if err := e.computeIndex(ctx); err != nil {
		return false, err
	}
	e.countCells()
	e.log.Info("jurisdiction: built index", "cells", e.Stats.Cells, "took", time.Since(start).Round(time.Millisecond))
	if path != "" {
		if err := e.writeIndex(path); err != nil {
			e.log.Warn("jurisdiction: cannot write index cache", "path", path, "err", err)
		}
	}
	return false, nil
}

func (e *Engine) countCells() {
	e.Stats.FastCells, e.Stats.ExactDist, e.Stats.MixedCells = 0, 0, 0
	e.Stats.SubCells, e.Stats.SubFast, e.Stats.SubExactDist, e.Stats.SubMixed = len(e.subCls), 0, 0, 0
	for _, c := range e.cls {
		switch {
		case c == cellMixed:
			e.Stats.MixedCells++
		case c&flagExactDist != 0:
			e.Stats.ExactDist++
		default:
			e.Stats.FastCells++
		}
	}
	for _, c := range e.subCls {
		switch {
		case c == cellMixed:
			e.Stats.SubMixed++
		case c&flagExactDist != 0:
			e.Stats.SubExactDist++
		default:
			e.Stats.SubFast++
		}
	}
	e.Stats.CoarseBlocks, e.Stats.CoarseLeaves = len(e.top), len(e.leaves)
	e.Stats.L4Cells, e.Stats.L4Mixed = len(e.l4Cls), 0
	for _, c := range e.l4Cls {
		if c == cellMixed {
			e.Stats.L4Mixed++
		}
	}
	e.Stats.L3Cells, e.Stats.L3Fast, e.Stats.L3ExactDist, e.Stats.L3Mixed = len(e.l3Cls), 0, 0, 0
	for _, c := range e.l3Cls {
		switch {
		case c == cellMixed:
			e.Stats.L3Mixed++
		case c&flagExactDist != 0:
			e.Stats.L3ExactDist++
		default:
			e.Stats.L3Fast++
		}
	}
	for i := range e.classes {
		e.template(&e.classes[i])
	}
}

// parallelRows runs f over rows [0, n) on the configured number of workers.
func (e *Engine) parallelRows(ctx context.Context, n int, f func(j int)) error {
	var wg sync.WaitGroup
	var next int64
	var mu sync.Mutex
	for range e.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				j := int(next)
				next++
				mu.Unlock()
				if j >= n {
					return
				}
				f(j)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func (e *Engine) computeIndex(ctx context.Context) error {
	g := &e.g
	nv := (g.nx + 1) * (g.ny + 1)
	e.vdist = make([]float32, nv)
	vinfo := make([]vertexInfo, nv)
	err := e.parallelRows(ctx, g.ny+1, func(j int) {
		y := g.minY + float64(j)*g.cs
		for i := 0; i <= g.nx; i++ {
			x := g.minX + float64(i)*g.cs
			d, vi := e.vertexDist(min(i, g.nx-1), min(j, g.ny-1), pt{x, y})
			e.vdist[j*(g.nx+1)+i] = float32(d)
			vinfo[j*(g.nx+1)+i] = vi
		}
	})
	if err != nil {
		return err
	}
	n := g.nx * g.ny
	e.cls = make([]uint16, n)
	labels := make([]uint8, n)    // owner state + 1 at the centre
	centreD := make([]float32, n) // baseline distance at the centre, as the answer reports it
	var mu sync.Mutex
	seen := map[classKey]int{}
	err = e.parallelRows(ctx, g.ny, func(j int) {
		h := e.halfDiagNM(j)
		for i := 0; i < g.nx; i++ {
			k := j*g.nx + i
			c := g.centre(i, j)
			q := e.evalExact(k, c, c, math.Inf(1), true)
			if q.state >= 0 {
				labels[k] = uint8(q.state + 1)
			}
			centreD[k] = float32(q.dBase)
			if q.zone == ZoneHighSeas {
				centreD[k] = float32(q.d1)
			}
			edges := e.land.hasEdges(k) || (e.user != nil && e.user.hasEdges(k)) || (e.ts != nil && e.ts.hasEdges(k))
			v0 := j*(g.nx+1) + i
			v1 := v0 + g.nx + 1
			corners := [4]*vertexInfo{&vinfo[v0], &vinfo[v0+1], &vinfo[v1], &vinfo[v1+1]}
			vd := e.corners(v0, g.nx+1)
			e.cls[k] = e.refine(e.classify(&q, h, edges, corners, vd, c.Y, &mu, seen), &q, vd, g.cellBox(i, j), h)
		}
	})
	if err != nil {
		return err
	}
	if err := e.computeSub(ctx, &mu, seen); err != nil {
		return err
	}
	if err := e.computeOther(ctx, labels); err != nil {
		return err
	}
	e.computeCoarse(centreD)
	return nil
}

// classify returns the index entry of a cell or sub-cell: its class when every point of it
// has the answer q (evaluated at its centre, whose latitude is cy) up to the distances, with
// flagExactDist when the baseline distance cannot be interpolated from the corners; cellMixed
// otherwise. h is the cell's half-diagonal in nm, edges whether a land, mapped-sea or
// user-zone edge touches it, vi and vd its corners' vertex information and distances (SW, SE,
// NW, NE).
func (e *Engine) classify(q *point, h float64, edges bool, vi [4]*vertexInfo, vd [4]float32, cy float64, mu *sync.Mutex, seen map[classKey]int) uint16 {
	lim := e.cfg
	uniform := !edges
	if uniform {
		switch {
		case q.basis == "user":
			uniform = q.state == q.s1 && q.d2-q.d1 > 2*h
		case q.zone == ZoneLand || q.basis == "land":
		case q.basis == "mapped":
			uniform = math.Abs(q.limD-lim.TerritorialSeaNM) > h
		case q.zone == ZoneHighSeas:
			uniform = q.d1-h > lim.EEZNM
		default:
			uniform = q.state == q.s1 && q.d2-q.d1 > 2*h && math.Abs(q.d2-lim.EEZNM) > h &&
				math.Abs(q.d1-lim.TerritorialSeaNM) > h && math.Abs(q.d1-lim.ContiguousNM) > h &&
				math.Abs(q.d1-lim.EEZNM) > h && q.treatyD > h
		}
	}
	if uniform && q.zone != ZoneLand && q.basis != "land" && q.basis != "mapped" && q.zone != ZoneHighSeas {
		// The territory is the place of the nearest baseline: all corners must agree.
		for _, c := range vi {
			if int(c.place) != q.place {
				uniform = false
			}
		}
	}
	if !uniform {
		return cellMixed
	}
	ci := e.classOf(q, mu, seen)
	if ci >= flagExactDist-1 {
		return cellMixed
	}
	interp := (float64(vd[0]) + float64(vd[1]) + float64(vd[2]) + float64(vd[3])) / 4
	want := q.dBase
	if q.zone == ZoneHighSeas {
		want = q.d1
	}
	if math.Abs(interp-want) > interpTolNM || !smooth(vi, 2*h, gaussRadiusNM(cy)) {
		ci |= flagExactDist
	}
	return uint16(ci)
}

// refine clears flagExactDist from the entry c that classify gave a cell or sub-cell (box,
// corner distances vd SW, SE, NW, NE, half-diagonal h, centre evaluation q) when the
// interpolation passed the centre test but not the smoothness test, and the bilinear
// interpolation also reproduces the exact distance at the midpoints of the four sides within
// interpTolNM. Across a ridge of the distance field (slopes ±1) crossing a side at a fraction
// t of its length L, the interpolation is off by t·L at that side's midpoint and by at most
// 2·t·(1−t)·L at the ridge: the midpoint test bounds the error to about 2·interpTolNM.
func (e *Engine) refine(c uint16, q *point, vd [4]float32, box bbox, h float64) uint16 {
	if c == cellMixed || c&flagExactDist == 0 {
		return c
	}
	want := q.dBase
	if q.zone == ZoneHighSeas {
		want = q.d1
	}
	d0, d1, d2, d3 := float64(vd[0]), float64(vd[1]), float64(vd[2]), float64(vd[3])
	if math.Abs((d0+d1+d2+d3)/4-want) > interpTolNM {
		return c
	}
	k := classKey{Zone: q.zone, State: q.state, Place: q.place, Basis: q.basis}
	bound := math.Min(math.Min(d0, d1), math.Min(d2, d3)) + 2*h + 0.01
	mx, my := (box.MinX+box.MaxX)/2, (box.MinY+box.MaxY)/2
	mids := [4][3]float64{{mx, box.MinY, (d0 + d1) / 2}, {box.MinX, my, (d0 + d2) / 2}, {box.MaxX, my, (d1 + d3) / 2}, {mx, box.MaxY, (d2 + d3) / 2}}
	for _, m := range mids {
		if math.Abs(e.exactDist(&k, m[1], m[0], bound)-m[2]) > interpTolNM {
			return c
		}
	}
	return c &^ flagExactDist
}

// subN is the number of level-2 sub-cells along each side of a cell that is not answered by
// interpolation alone (1/128° ≈ 0.47 nm by default); noSub marks a cell without them.
const (
	subN  = 4
	noSub = ^uint32(0)
)

// computeSub builds levels 2 and 3: every cell whose entry has flagExactDist (mixed, or not
// interpolable) is split into subN×subN sub-cells classified by the same rule, with their own
// corner distances, and every such sub-cell again into l3N×l3N.
func (e *Engine) computeSub(ctx context.Context, mu *sync.Mutex, seen map[classKey]int) error {
	g := &e.g
	e.sub = make([]uint32, len(e.cls))
	m := 0
	for k, c := range e.cls {
		e.sub[k] = noSub
		if c&flagExactDist != 0 {
			e.sub[k] = uint32(m)
			m++
		}
	}
	const nv = (subN + 1) * (subN + 1)
	e.subCls = make([]uint16, m*subN*subN)
	e.subV = make([]float32, m*nv)
	sc := g.cs / subN
	l3, l4 := make([][]l3Block, m), make([][]l3Block, m)
	if err := e.parallelRows(ctx, g.ny, func(j int) {
		h := e.halfDiagNM(j) / subN
		var vi [nv]vertexInfo
		for i := 0; i < g.nx; i++ {
			k := j*g.nx + i
			off := e.sub[k]
			if off == noSub {
				continue
			}
			x0, y0 := g.minX+float64(i)*g.cs, g.minY+float64(j)*g.cs
			c := g.centre(i, j)
			vd := e.subV[int(off)*nv : int(off+1)*nv]
			for b := 0; b <= subN; b++ {
				for a := 0; a <= subN; a++ {
					d, inf := e.vertexDist(i, j, pt{x0 + float64(a)*sc, y0 + float64(b)*sc})
					vd[b*(subN+1)+a], vi[b*(subN+1)+a] = float32(d), inf
				}
			}
			for b := 0; b < subN; b++ {
				for a := 0; a < subN; a++ {
					box := bbox{x0 + float64(a)*sc, y0 + float64(b)*sc, x0 + float64(a+1)*sc, y0 + float64(b+1)*sc}
					p := pt{(box.MinX + box.MaxX) / 2, (box.MinY + box.MaxY) / 2}
					v0 := b*(subN+1) + a
					v1 := v0 + subN + 1
					cd := [4]float32{vd[v0], vd[v0+1], vd[v1], vd[v1+1]}
					q := e.evalExact(k, p, c, float64(min(cd[0], cd[1], cd[2], cd[3]))+2*h+0.01, true)
					edges := e.land.edgesIn(k, box) || (e.user != nil && e.user.edgesIn(k, box)) || (e.ts != nil && e.ts.edgesIn(k, box))
					e.subCls[int(off)*subN*subN+b*subN+a] = e.refine(e.classify(&q, h, edges,
						[4]*vertexInfo{&vi[v0], &vi[v0+1], &vi[v1], &vi[v1+1]}, cd, p.Y, mu, seen), &q, cd, box, h)
				}
			}
			l3[off], l4[off] = e.computeL3(k, i, j, e.subCls[int(off)*subN*subN:int(off+1)*subN*subN], vd, &vi, mu, seen)
		}
	}); err != nil {
		return err
	}
	// Level 3, in block order: each block's flagged sub-cells, row-major.
	n3 := 0
	for _, bs := range l3 {
		n3 += len(bs)
	}
	e.l3Cls = make([]uint16, 0, n3*l3N*l3N)
	e.l3V = make([]float32, 0, n3*l3V)
	for _, bs := range l3 {
		for bi := range bs {
			e.l3Cls = append(e.l3Cls, bs[bi].cls[:]...)
			e.l3V = append(e.l3V, bs[bi].v[:]...)
		}
	}
	e.l4Cls, e.l4V = nil, nil
	for _, bs := range l4 {
		for bi := range bs {
			e.l4Cls = append(e.l4Cls, bs[bi].cls[:]...)
			e.l4V = append(e.l4V, bs[bi].v[:]...)
		}
	}
	return nil
}

// l3N is the number of level-3 sub-cells along each side of a level-2 sub-cell that is not
// answered by interpolation alone (1/256° ≈ 0.23 nm by default); l3V is the number of level-3
// vertices of a level-2 sub-cell.
const (
	l3N = 2
	l3V = (l3N + 1) * (l3N + 1)
)

// computeL3 builds the level-3 blocks of level-2 block cls (of cell k = i, j, whose sub-vertex
// distances and information are vd and vi): one block per flagged sub-cell, row-major, each
// split into l3N×l3N sub-cells classified by the same rule; and the level-4 blocks: one per
// level-3 sub-cell not answered by interpolation (mixed, or a distance field not smooth
// enough), in the order of the level-3 blocks and their sub-cells.
func (e *Engine) computeL3(k, i, j int, cls []uint16, vd []float32, vi *[(subN + 1) * (subN + 1)]vertexInfo, mu *sync.Mutex, seen map[classKey]int) (l3, l4 []l3Block) {
	g := &e.g
	sc := g.cs / subN
	x0, y0 := g.minX+float64(i)*g.cs, g.minY+float64(j)*g.cs
	h := e.halfDiagNM(j) / subN
	for s, cl := range cls {
		if cl&flagExactDist == 0 {
			continue
		}
		a, b := s%subN, s/subN
		v := b*(subN+1) + a
		cv := [4]int{v, v + 1, v + subN + 1, v + subN + 2}
		xs, ys := x0+float64(a)*sc, y0+float64(b)*sc
		blk, wi := e.split(k, i, j, xs, ys, sc, h/l3N,
			[4]float32{vd[cv[0]], vd[cv[1]], vd[cv[2]], vd[cv[3]]}, [4]vertexInfo{vi[cv[0]], vi[cv[1]], vi[cv[2]], vi[cv[3]]}, mu, seen)
		l3 = append(l3, blk)
		for t, c3 := range blk.cls {
			if c3&flagExactDist == 0 {
				continue
			}
			x, y := t%l3N, t/l3N
			w := y*(l3N+1) + x
			cw := [4]int{w, w + 1, w + l3N + 1, w + l3N + 2}
			b4, _ := e.split(k, i, j, xs+float64(x)*sc/l3N, ys+float64(y)*sc/l3N, sc/l3N, h/(l3N*l3N),
				[4]float32{blk.v[cw[0]], blk.v[cw[1]], blk.v[cw[2]], blk.v[cw[3]]}, [4]vertexInfo{wi[cw[0]], wi[cw[1]], wi[cw[2]], wi[cw[3]]}, mu, seen)
			l4 = append(l4, b4)
		}
	}
	return l3, l4
}

// split divides the square of side size degrees at xs, ys (in cell k = i, j), whose corner
// distances and information are cd and ci (SW, SE, NW, NE), into l3N×l3N sub-cells of
// half-diagonal h nm, classified by the same rule as cells.
func (e *Engine) split(k, i, j int, xs, ys, size, h float64, cd [4]float32, ci [4]vertexInfo, mu *sync.Mutex, seen map[classKey]int) (l3Block, [l3V]vertexInfo) {
	g := &e.g
	c := g.centre(i, j)
	st := size / l3N
	var blk l3Block
	var wi [l3V]vertexInfo
	for y := 0; y <= l3N; y++ {
		for x := 0; x <= l3N; x++ {
			n := y*(l3N+1) + x
			if x%l3N == 0 && y%l3N == 0 {
				m := (y/l3N)*2 + x/l3N
				blk.v[n], wi[n] = cd[m], ci[m]
				continue
			}
			d, inf := e.vertexDist(i, j, pt{xs + float64(x)*st, ys + float64(y)*st})
			blk.v[n], wi[n] = float32(d), inf
		}
	}
	for y := 0; y < l3N; y++ {
		for x := 0; x < l3N; x++ {
			box := bbox{xs + float64(x)*st, ys + float64(y)*st, xs + float64(x+1)*st, ys + float64(y+1)*st}
			p := pt{(box.MinX + box.MaxX) / 2, (box.MinY + box.MaxY) / 2}
			v0 := y*(l3N+1) + x
			v1 := v0 + l3N + 1
			cd := [4]float32{blk.v[v0], blk.v[v0+1], blk.v[v1], blk.v[v1+1]}
			q := e.evalExact(k, p, c, float64(min(cd[0], cd[1], cd[2], cd[3]))+2*h+0.01, true)
			edges := e.land.edgesIn(k, box) || (e.user != nil && e.user.edgesIn(k, box)) || (e.ts != nil && e.ts.edgesIn(k, box))
			blk.cls[y*l3N+x] = e.refine(e.classify(&q, h, edges,
				[4]*vertexInfo{&wi[v0], &wi[v0+1], &wi[v1], &wi[v1+1]}, cd, p.Y, mu, seen), &q, cd, box, h)
		}
	}
	return blk, wi
}

// vertexDist is the baseline distance at vertex p (lower-left corner of cell i, j, or its
// upper/right edge at the grid's border), as the answer of a uniform cell there would report
// it: inside a mapped territorial sea that state's insideBase, elsewhere the nearest baseline.
func (e *Engine) vertexDist(i, j int, p pt) (float64, vertexInfo) {
	v := unit(p.Y, p.X)
	k := j*e.g.nx + i
	if e.ts != nil {
		if land, _ := e.land.at(k, p, e.g.centre(i, j)); land == 0 {
			if s, _ := e.ts.at(k, p, e.g.centre(i, j)); s != 0 {
				d, _, f := e.insideBaseFoot(v, p.Y, int(e.placeState[s-1]), math.Inf(1))
				return d, vertexInfo{foot: f, place: int16(s - 1)}
			}
		}
	}
	d, _, place, f := e.nearestBaseFoot(v, p.Y, ^uint64(0), math.Inf(1))
	return d, vertexInfo{foot: f, place: int16(place)}
}

// vertexInfo is what the index build remembers of a vertex to decide whether interpolation
// is safe in the cells around it.
type vertexInfo struct {
	foot  baseFoot
	place int16
}

// smooth reports whether the baseline distance is smooth across a cell whose corners are
// vs: the corners measure to the same kind of baseline, at feet no farther apart than
// maxNM (a jump of the foot marks a ridge of the distance field, where interpolation fails).
func smooth(vs [4]*vertexInfo, maxNM, r float64) bool {
	for a := range 4 {
		for b := a + 1; b < 4; b++ {
			if vs[a].foot.Kind != vs[b].foot.Kind {
				return false
			}
			d := vec3{vs[a].foot.P[0] - vs[b].foot.P[0], vs[a].foot.P[1] - vs[b].foot.P[1], vs[a].foot.P[2] - vs[b].foot.P[2]}
			if math.Sqrt(dot(d, d))*r > maxNM {
				return false
			}
		}
	}
	return true
}

// computeOther fills e.other and e.otherSt: for each cell, the distance from its centre to the
// nearest cell centre owned by another state (any state for unowned cells), with a Euclidean
// distance transform per state (Felzenszwalb–Huttenlocher) in nautical miles, the east–west
// spacing of each row taken at that row's latitude.
func (e *Engine) computeOther(ctx context.Context, labels []uint8) error {
	g := &e.g
	n := g.nx * g.ny
	e.other = make([]float32, n)
	e.otherSt = make([]uint8, n)
	for k := range e.other {
		e.other[k] = float32(math.Inf(1))
	}
	present := map[uint8]bool{}
	for _, l := range labels {
		if l != 0 {
			present[l] = true
		}
	}
	var list []uint8
	for l := range present {
		list = append(list, l)
	}
	slices.Sort(list)
	var mu sync.Mutex
	dy := g.cs * math.Pi / 180 * gaussRadiusNM((g.minY+g.minY+float64(g.ny)*g.cs)/2)
	return e.parallelRows(ctx, len(list), func(li int) {
		lab := list[li]
		d := make([]float64, n)
		const inf = 1e20
		for k, l := range labels {
			if l == lab {
				d[k] = 0
			} else {
				d[k] = inf
			}
		}
		m := max(g.nx, g.ny)
		f := make([]float64, m)
		out := make([]float64, m)
		v := make([]int, m)
		z := make([]float64, m+1)
		for i := 0; i < g.nx; i++ { // columns
			for j := 0; j < g.ny; j++ {
				f[j] = d[j*g.nx+i]
			}
			edt1d(f[:g.ny], out[:g.ny], v, z, dy)
			for j := 0; j < g.ny; j++ {
				d[j*g.nx+i] = out[j]
			}
		}
		for j := 0; j < g.ny; j++ { // rows
			lat := g.minY + (float64(j)+0.5)*g.cs
			dx := dy * math.Cos(lat*math.Pi/180)
			row := d[j*g.nx : (j+1)*g.nx]
			copy(f, row)
			edt1d(f[:g.nx], out[:g.nx], v, z, dx)
			copy(row, out[:g.nx])
		}
		mu.Lock()
		defer mu.Unlock()
		for k := range d {
			if labels[k] == lab || d[k] >= inf/2 {
				continue
			}
			if s := float32(math.Sqrt(d[k])); s < e.other[k] {
				e.other[k], e.otherSt[k] = s, lab
			}
		}
	})
}

// edt1d is the 1-D squared Euclidean distance transform of f with samples spacing apart
// (Felzenszwalb and Huttenlocher's lower envelope of parabolas). v and z are scratch space of
// at least len(f) and len(f)+1 elements.
func edt1d(f, d []float64, v []int, z []float64, spacing float64) {
	n := len(f)
	x := func(q int) float64 { return float64(q) * spacing }
	meet := func(q, p int) float64 {
		return ((f[q] + x(q)*x(q)) - (f[p] + x(p)*x(p))) / (2 * (x(q) - x(p)))
	}
	k := 0
	v[0] = 0
	z[0], z[1] = math.Inf(-1), math.Inf(1)
	for q := 1; q < n; q++ {
		s := meet(q, v[k])
		for s <= z[k] {
			k--
			s = meet(q, v[k])
		}
		k++
		v[k] = q
		z[k], z[k+1] = s, math.Inf(1)
	}
	k = 0
	for q := 0; q < n; q++ {
		for z[k+1] < x(q) {
			k++
		}
		dq := x(q) - x(v[k])
		d[q] = dq*dq + f[v[k]]
	}
}

// Index cache file: magic, state and place names (to check they match the data), the classes,
// then cls, vdist, other, otherSt.
const indexMagic = "ACCORD-JURISDICTION-INDEX\n"

func (e *Engine) writeIndex(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".jurisdiction-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	w.WriteString(indexMagic)
	str := func(s string) {
		binary.Write(w, binary.LittleEndian, uint32(len(s)))
		w.WriteString(s)
	}
	strs := func(ss []string) {
		binary.Write(w, binary.LittleEndian, uint32(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	strs(e.states)
	strs(e.places)
	binary.Write(w, binary.LittleEndian, uint32(len(e.classes)))
	for _, c := range e.classes {
		str(string(c.Zone))
		binary.Write(w, binary.LittleEndian, int32(c.State))
		binary.Write(w, binary.LittleEndian, int32(c.Place))
		str(c.Basis)
	}
	for _, s := range []any{e.cls, e.vdist, e.other, e.otherSt, uint32(len(e.subCls) / (subN * subN)), e.sub, e.subCls, e.subV,
		uint32(len(e.l3Cls) / (l3N * l3N)), e.l3Cls, e.l3V,
		uint32(len(e.l4Cls) / (l3N * l3N)), e.l4Cls, e.l4V, uint32(len(e.leaves)), e.top, encodeLeaves(e.leaves)} {
		if err := binary.Write(w, binary.LittleEndian, s); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	pruneCache(filepath.Dir(path), "jurisdiction-index-", 4)
	return nil
}

func (e *Engine) readIndex(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	magic := make([]byte, len(indexMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != indexMagic {
		return errors.New("not an index cache file")
	}
	var rerr error
	u32 := func() uint32 {
		var v uint32
		if rerr == nil {
			rerr = binary.Read(r, binary.LittleEndian, &v)
		}
		return v
	}
	str := func() string {
		n := u32()
		if rerr != nil || n > 1<<10 {
			rerr = errors.Join(rerr, errors.New("corrupt index cache"))
			return ""
		}
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		rerr = errors.Join(rerr, err)
		return string(b)
	}
	strs := func() []string {
		n := u32()
		if n > 1<<16 {
			rerr = errors.Join(rerr, errors.New("corrupt index cache"))
			return nil
		}
		var out []string
		for range n {
			out = append(out, str())
		}
		return out
	}
	if st := strs(); !slices.Equal(st, e.states) {
		return errors.New("index cache states differ from the data")
	}
	if pl := strs(); !slices.Equal(pl, e.places) {
		return errors.New("index cache places differ from the data")
	}
	nc := u32()
	if rerr != nil || nc >= flagExactDist {
		return fmt.Errorf("corrupt index cache: %v", rerr)
	}
	classes := make([]class, nc)
	for i := range classes {
		classes[i].Zone = Zone(str())
		var s, p int32
		rerr = errors.Join(rerr, binary.Read(r, binary.LittleEndian, &s), binary.Read(r, binary.LittleEndian, &p))
		if int(s) >= len(e.states) || int(p) >= len(e.places) {
			return errors.New("corrupt index cache: class out of range")
		}
		classes[i].State, classes[i].Place = int(s), int(p)
		classes[i].Basis = str()
	}
	if rerr != nil {
		return fmt.Errorf("corrupt index cache: %w", rerr)
	}
	g := &e.g
	n, nv := g.nx*g.ny, (g.nx+1)*(g.ny+1)
	cls, vdist, other, otherSt := make([]uint16, n), make([]float32, nv), make([]float32, n), make([]uint8, n)
	for _, s := range []any{cls, vdist, other, otherSt} {
		if err := binary.Read(r, binary.LittleEndian, s); err != nil {
			return fmt.Errorf("corrupt index cache: %w", err)
		}
	}
	nb := int(u32())
	if rerr != nil || nb > n {
		return errors.New("corrupt index cache: level-2 block count")
	}
	sub, subCls, subV := make([]uint32, n), make([]uint16, nb*subN*subN), make([]float32, nb*(subN+1)*(subN+1))
	for _, s := range []any{sub, subCls, subV} {
		if err := binary.Read(r, binary.LittleEndian, s); err != nil {
			return fmt.Errorf("corrupt index cache: %w", err)
		}
	}
	flagged := 0
	for _, c := range subCls {
		if c&flagExactDist != 0 {
			flagged++
		}
	}
	n3 := int(u32())
	if rerr != nil || n3 != flagged {
		return errors.New("corrupt index cache: level-3 block count")
	}
	l3Cls, l3V := make([]uint16, n3*l3N*l3N), make([]float32, n3*l3V)
	for _, s := range []any{l3Cls, l3V} {
		if err := binary.Read(r, binary.LittleEndian, s); err != nil {
			return fmt.Errorf("corrupt index cache: %w", err)
		}
	}
	mixed3 := 0 // level-3 sub-cells split into level 4: those not answered by interpolation
	for _, c := range l3Cls {
		if c&flagExactDist != 0 {
			mixed3++
		}
	}
	n4 := int(u32())
	if rerr != nil || n4 != mixed3 {
		return errors.New("corrupt index cache: level-4 block count")
	}
	l4Cls, l4V := make([]uint16, n4*l3N*l3N), make([]float32, n4*(l3N+1)*(l3N+1))
	for _, s := range []any{l4Cls, l4V} {
		if err := binary.Read(r, binary.LittleEndian, s); err != nil {
			return fmt.Errorf("corrupt index cache: %w", err)
		}
	}
	nl := int(u32())
	tnx, tny := g.coarseDims()
	if rerr != nil || nl > tnx*tny {
		return errors.New("corrupt index cache: level-0 leaf count")
	}
	top, raw := make([]uint32, tnx*tny), make([]byte, nl*coarseLeafSize)
	if err := binary.Read(r, binary.LittleEndian, top); err != nil {
		return fmt.Errorf("corrupt index cache: %w", err)
	}
	if _, err := io.ReadFull(r, raw); err != nil {
		return fmt.Errorf("corrupt index cache: %w", err)
	}
	leaves := decodeLeaves(raw)
	for _, t := range top {
		if t != noSub && int(t) >= nl {
			return errors.New("corrupt index cache: level-0 leaf out of range")
		}
	}
	for _, l := range leaves {
		if l.cls&flagExactDist != 0 || int(l.cls) >= len(classes) || int(l.otherSt) > len(e.states) {
			return errors.New("corrupt index cache: level-0 leaf class or state out of range")
		}
	}
	for _, cs := range [][]uint16{cls, subCls, l3Cls, l4Cls} {
		for _, c := range cs {
			if c != cellMixed && int(c&^flagExactDist) >= len(classes) {
				return errors.New("corrupt index cache: cell class out of range")
			}
		}
	}
	for k, o := range sub {
		if (o == noSub) != (cls[k]&flagExactDist == 0) || (o != noSub && int(o) >= nb) {
			return errors.New("corrupt index cache: level-2 block out of range")
		}
	}
	for _, s := range otherSt {
		if int(s) > len(e.states) {
			return errors.New("corrupt index cache: state out of range")
		}
	}
	e.classes, e.cls, e.vdist, e.other, e.otherSt = classes, cls, vdist, other, otherSt
	e.sub, e.subCls, e.subV = sub, subCls, subV
	e.l3Cls, e.l3V = l3Cls, l3V
	e.l4Cls, e.l4V = l4Cls, l4V
	e.top, e.leaves = top, leaves
	return nil
}
