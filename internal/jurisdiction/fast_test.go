package jurisdiction

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"testing"
)

// regionPoints returns n reproducible random points of the engine's region.
func regionPoints(e *Engine, n int, seed uint64) [][2]float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	rg := e.cfg.Region
	pts := make([][2]float64, n)
	for i := range pts {
		pts[i] = [2]float64{rg.MinLat + r.Float64()*(rg.MaxLat-rg.MinLat), rg.MinLon + r.Float64()*(rg.MaxLon-rg.MinLon)}
	}
	return pts
}

// Lookup paths, from the cheapest.
const (
	pathFast0     = iota // level-0 block, interpolated
	pathFast1            // level-1 cell, interpolated
	pathFast2            // level-2 sub-cell, interpolated
	pathFast3            // level-3 or level-4 sub-cell, interpolated
	pathExactDist        // uniform (sub-)cell, exact distance
	pathMixed            // exact geometry
)

var pathNames = []string{"fast-L0", "fast-L1", "fast-L2", "fast-L3/4", "exact-distance", "mixed"}

// pathOf returns the path Lookup takes for lat, lon (inside the region).
func (e *Engine) pathOf(lat, lon float64) int {
	g := &e.g
	fx, fy := (lon-g.minX)*g.inv, (lat-g.minY)*g.inv
	i, j := int(fx), int(fy)
	if e.leaf((j/coarseN)*e.tnx+i/coarseN) != nil {
		return pathFast0
	}
	r := &e.recs[j*g.nx+i]
	c := r.cls
	if c&flagExactDist == 0 {
		return pathFast1
	}
	if r.sub != noSub {
		u, w := (fx-float64(i))*subN, (fy-float64(j))*subN
		si, sj := min(int(u), subN-1), min(int(w), subN-1)
		b := &e.blocks[r.sub]
		s := sj*subN + si
		c = b.cls[s]
		if c&flagExactDist == 0 {
			return pathFast2
		}
		u, w = (u-float64(si))*l3N, (w-float64(sj))*l3N
		t := &e.l3[b.base3+uint32(bits.OnesCount16(b.mask3&(1<<s-1)))]
		ti, tj := min(int(u), l3N-1), min(int(w), l3N-1)
		s3 := tj*l3N + ti
		c = t.cls[s3]
		if c&flagExactDist == 0 {
			return pathFast3
		}
		if c&flagExactDist != 0 {
			u, w = (u-float64(ti))*l3N, (w-float64(tj))*l3N
			t4 := &e.l4[t.base4+uint32(bits.OnesCount8(t.mask4&(1<<s3-1)))]
			c = t4.cls[min(int(w), l3N-1)*l3N+min(int(u), l3N-1)]
			if c&flagExactDist == 0 {
				return pathFast3
			}
		}
	}
	if c == cellMixed {
		return pathMixed
	}
	return pathExactDist
}

// TestFastPathMatchesExact is the property test of the index: on random points of the region,
// Lookup (whatever path it takes) gives the state, territory and zone that exact geometry gives,
// and the interpolated baseline distance stays within 0.1 nm of the exact one.
func TestFastPathMatchesExact(t *testing.T) {
	e := testEngine(t)
	n := 50000
	if testing.Short() {
		n = 5000
	}
	var maxErr, sumErr float64
	var nInterp, zoneDiff int
	var paths [6]int
	for _, p := range regionPoints(e, n, 7) {
		a := e.Lookup(p[0], p[1])
		i, j := e.g.cellOf(p[1], p[0])
		k := j*e.g.nx + i
		q := e.evalExact(k, pt{p[1], p[0]}, e.g.centre(i, j), math.Inf(1), true)
		x := e.answer(&q, &e.recs[k], p[0], p[1])
		path := e.pathOf(p[0], p[1])
		paths[path]++
		if a.State != x.State || a.Zone != x.Zone || a.Territory != x.Territory {
			zoneDiff++
			if zoneDiff < 10 {
				t.Errorf("Lookup(%g, %g) = %s/%s %s (path %s); exact geometry says %s/%s %s", p[0], p[1], a.State, a.Territory, a.Zone, pathNames[path], x.State, x.Territory, x.Zone)
			}
		}
		if path <= pathFast3 {
			nInterp++
			d := math.Abs(a.BaselineNM - x.BaselineNM)
			maxErr = math.Max(maxErr, d)
			sumErr += d
		} else if d := math.Abs(a.BaselineNM - x.BaselineNM); d > 1e-6 {
			t.Errorf("Lookup(%g, %g) path %s: baseline %.6f nm; exact %.6f nm", p[0], p[1], pathNames[path], a.BaselineNM, x.BaselineNM)
		}
	}
	var share string
	for i, c := range paths {
		share += fmt.Sprintf(" %s %.2f %%", pathNames[i], 100*float64(c)/float64(n))
	}
	t.Logf("%d points:%s; interpolated baseline distance error mean %.4f nm, max %.4f nm; %d zone differences",
		n, share, sumErr/float64(max(nInterp, 1)), maxErr, zoneDiff)
	if maxErr > 0.1 {
		t.Errorf("interpolated distance error up to %.3f nm; want ≤ 0.1 nm", maxErr)
	}
}

// BenchmarkLookup is the speed target: Lookup on random points of the region 0–35°N,
// 125–55°W, one goroutine. It cycles through 4 194 304 points, so that the index data the
// points touch does not stay in the caches from one round to the next (with 65 536 points it
// did, and the figure came out up to twice as fast as on a million distinct points).
//
// Besides wall time it reports the thread's CPU time per lookup (cpu-ns/op, and Mlookups/cpu-s
// from it): on a shared machine the wall time includes the time other processes hold the core.
func BenchmarkLookup(b *testing.B) {
	e := testEngine(b)
	pts := regionPoints(e, 1<<22, 42)
	i := 0
	var sink float64
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := threadCPU()
	for b.Loop() {
		p := pts[i&(len(pts)-1)]
		a := e.Lookup(p[0], p[1])
		sink += a.BaselineNM
		i++
	}
	cpu := threadCPU() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mlookups/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(b.N)/cpu.Seconds()/1e6, "Mlookups/cpu-s")
	}
	_ = sink
}

// BenchmarkLookupPaths measures each path of Lookup on random region points that take it.
func BenchmarkLookupPaths(b *testing.B) {
	e := testEngine(b)
	all := regionPoints(e, 1<<18, 43)
	for path, name := range pathNames {
		var pts [][2]float64
		for _, p := range all {
			if e.pathOf(p[0], p[1]) == path {
				pts = append(pts, p)
			}
		}
		if len(pts) == 0 {
			continue
		}
		b.Run(name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			i := 0
			cpu0 := threadCPU()
			for b.Loop() {
				p := pts[i%len(pts)]
				e.Lookup(p[0], p[1])
				i++
			}
			if cpu := threadCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
			b.ReportMetric(100*float64(len(pts))/float64(len(all)), "%points")
		})
	}
}
