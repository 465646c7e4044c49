package jurisdiction

import (
	"math"
	"math/rand/v2"
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

// TestFastPathMatchesExact checks that the index answers as exact geometry does, and measures
// the fast path's distance error.
func TestFastPathMatchesExact(t *testing.T) {
	e := testEngine(t)
	n := 20000
	if testing.Short() {
		n = 2000
	}
	var maxErr, sumErr float64
	var fast, zoneDiff int
	for _, p := range regionPoints(e, n, 7) {
		a := e.Lookup(p[0], p[1])
		i, j := e.g.cellOf(p[1], p[0])
		k := j*e.g.nx + i
		q := e.evalExact(k, pt{p[1], p[0]}, e.g.centre(i, j), math.Inf(1))
		x := e.answer(&q, k, p[0], p[1])
		if a.State != x.State || a.Zone != x.Zone || a.Territory != x.Territory {
			zoneDiff++
			if zoneDiff < 10 {
				t.Errorf("Lookup(%g, %g) = %s/%s %s; exact geometry says %s/%s %s", p[0], p[1], a.State, a.Territory, a.Zone, x.State, x.Territory, x.Zone)
			}
		}
		if e.cls[k] != cellMixed && e.cls[k]&flagExactDist == 0 {
			fast++
			d := math.Abs(a.BaselineNM - x.BaselineNM)
			maxErr = math.Max(maxErr, d)
			sumErr += d
		}
	}
	t.Logf("%d points: %.1f %% on the fast path; fast-path baseline distance error mean %.4f nm, max %.4f nm; %d zone differences",
		n, 100*float64(fast)/float64(n), sumErr/float64(max(fast, 1)), maxErr, zoneDiff)
	if maxErr > 0.1 {
		t.Errorf("fast-path distance error up to %.3f nm; want ≤ 0.1 nm", maxErr)
	}
}

func BenchmarkLookup(b *testing.B) {
	e := testEngine(b)
	pts := regionPoints(e, 1<<16, 42)
	i := 0
	var sink float64
	b.ReportAllocs()
	for b.Loop() {
		p := pts[i&(len(pts)-1)]
		a := e.Lookup(p[0], p[1])
		sink += a.BaselineNM
		i++
	}
	_ = sink
}

// BenchmarkLookupPaths measures each path of Lookup on random region points that take it.
func BenchmarkLookupPaths(b *testing.B) {
	e := testEngine(b)
	all := regionPoints(e, 1<<18, 43)
	for _, path := range []struct {
		name string
		keep func(c uint16) bool
	}{
		{"fast", func(c uint16) bool { return c&flagExactDist == 0 }},
		{"exact-distance", func(c uint16) bool { return c != cellMixed && c&flagExactDist != 0 }},
		{"mixed", func(c uint16) bool { return c == cellMixed }},
	} {
		var pts [][2]float64
		for _, p := range all {
			i, j := e.g.cellOf(p[1], p[0])
			if path.keep(e.cls[j*e.g.nx+i]) {
				pts = append(pts, p)
			}
		}
		b.Run(path.name, func(b *testing.B) {
			b.ReportMetric(100*float64(len(pts))/float64(len(all)), "%points")
			i := 0
			for b.Loop() {
				p := pts[i%len(pts)]
				e.Lookup(p[0], p[1])
				i++
			}
		})
	}
}
