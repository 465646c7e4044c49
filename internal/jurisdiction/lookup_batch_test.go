package jurisdiction

import (
	"math"
	"reflect"
	"runtime"
	"testing"
)

// TestLookupBatchMatchesLookup checks that LookupBatch gives Lookup's answers, point by point,
// on random region points (every path), points outside the region, NaN coordinates, and batch
// lengths that are not a multiple of the group, including out shorter than the inputs.
func TestLookupBatchMatchesLookup(t *testing.T) {
	e := testEngine(t)
	pts := regionPoints(e, 200_003, 7)
	pts = append(pts, [2]float64{-10, -90}, [2]float64{40, -100}, [2]float64{math.NaN(), -90}, [2]float64{20, math.NaN()},
		[2]float64{0, -125}, [2]float64{35, -55}, [2]float64{25.7, -92.3})
	lat, lon := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lat[i], lon[i] = p[0], p[1]
	}
	paths := make([]int, len(pathNames))
	for _, n := range []int{len(pts), 1, batchGroup - 1, batchGroup + 1, 1000} {
		out := make([]Answer, n)
		e.LookupBatch(lat, lon, out)
		for i := range out {
			want := e.Lookup(lat[i], lon[i])
			if !sameAnswer(out[i], want) {
				t.Fatalf("n=%d point %d (%g, %g): batch %+v, Lookup %+v", n, i, lat[i], lon[i], out[i], want)
			}
			if n == len(pts) && out[i].Zone != ZoneUnknown {
				paths[e.pathOf(lat[i], lon[i])]++
			}
		}
	}
	for p, c := range paths {
		if c == 0 {
			t.Errorf("no test point took path %s", pathNames[p])
		}
	}
	// Shorter inputs than out: only the first len(lat) answers are written.
	out := make([]Answer, 3)
	e.LookupBatch(lat[:2], lon, out)
	if !sameAnswer(out[2], Answer{}) {
		t.Errorf("answer written past the inputs: %+v", out[2])
	}
	if allocs := testing.AllocsPerRun(10, func() { e.LookupBatch(lat[:1000], lon[:1000], make([]Answer, 1000)[:1000]) }); allocs > 1 {
		t.Errorf("LookupBatch allocates: %v allocations per call", allocs)
	}
}

// sameAnswer compares two answers, NaN coordinates equal to themselves.
func sameAnswer(a, b Answer) bool {
	if math.IsNaN(a.Lat) || math.IsNaN(a.Lon) {
		a.Lat, a.Lon, b.Lat, b.Lon = 0, 0, 0, 0
	}
	return reflect.DeepEqual(a, b)
}

// BenchmarkLookupBatch is BenchmarkLookup through LookupBatch, 1024 points per call (the
// batch Stream uses), over the same 4 194 304 points.
func BenchmarkLookupBatch(b *testing.B) {
	e := testEngine(b)
	pts := regionPoints(e, 1<<22, 42)
	lat, lon := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lat[i], lon[i] = p[0], p[1]
	}
	const per = 1024
	out := make([]Answer, per)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := threadCPU()
	n, i := 0, 0
	for b.Loop() {
		e.LookupBatch(lat[i:i+per], lon[i:i+per], out)
		i = (i + per) & (len(pts) - 1)
		n += per
	}
	cpu := threadCPU() - cpu0
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "Mlookups/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/lookup")
		b.ReportMetric(float64(n)/cpu.Seconds()/1e6, "Mlookups/cpu-s")
	}
}
