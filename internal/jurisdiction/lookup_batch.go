package jurisdiction

import "math/bits"

// batchGroup is the number of points LookupBatch starts reading the index for before it
// answers any of them: enough outstanding memory reads to cover the latency of main memory
// (≈ 100–300 ns per random read of the 80 MB level-1 array) with the reads of the others.
const batchGroup = 32

// LookupBatch answers the points lat[n], lon[n] (degrees, WGS 84) into out[n] for every n below
// the shortest of the three lengths. The answers are those Lookup gives, point by point; the
// batch is faster because the index records of a group of points are read from main memory
// together instead of one after another. It is safe for concurrent use (on distinct out) and
// does not allocate.
func (e *Engine) LookupBatch(lat, lon []float64, out []Answer) {
	n := min(len(lat), len(lon), len(out))
	lat, lon, out = lat[:n], lon[:n], out[:n]
	g := &e.g
	var (
		// The points of the group below level 0 (indexes in lat, lon, out), their level-1
		// cells, grid coordinates, and the entry read for each (a level-1, then level-2 or
		// level-3 entry: only the reads matter).
		pend [batchGroup]int
		cell [batchGroup]int
		fxy  [batchGroup][2]float64
		cls  [batchGroup]uint16
		// The other points, and their level-0 leaves (nil outside the region).
		lq [batchGroup]int
		lv [batchGroup]*leaf0
	)
	for s := 0; s < n; s += batchGroup {
		end := min(s+batchGroup, n)
		np, nl := 0, 0
		// Pass 1: find each point's level-0 leaf (the leaves stay in the caches) or its level-1
		// cell.
		for q := s; q < end; q++ {
			fx, fy := (lon[q]-g.minX)*g.inv, (lat[q]-g.minY)*g.inv
			if !(fx >= 0 && fy >= 0 && fx < float64(g.nx) && fy < float64(g.ny)) {
				lv[nl], lq[nl] = nil, q
				nl++
				continue
			}
			i, j := int(fx), int(fy)
			if l := e.leaf((j/coarseN)*e.tnx + i/coarseN); l != nil {
				lv[nl], lq[nl] = l, q
				nl++
				continue
			}
			k := j*g.nx + i
			pend[np], cell[np], fxy[np] = q, k, [2]float64{fx, fy}
			np++
		}
		// Start reading the level-1 records, in a loop of a few instructions per record, so
		// that all the reads are under way together (a longer loop body fills the processor's
		// reorder window before the later reads are issued).
		for p := range np {
			cls[p] = e.recs[cell[p]].cls
		}
		// Pass 2: while those reads are under way, answer the points outside the region and
		// those of level-0 blocks.
		for p := range nl {
			q := lq[p]
			a := &out[q]
			if lv[p] == nil {
				*a = unknownAnswer(lat[q], lon[q])
				continue
			}
			fx, fy := (lon[q]-g.minX)*g.inv, (lat[q]-g.minY)*g.inv
			e.fromLeaf(a, lv[p], lat[q], lon[q], fx, fy, int(fx), int(fy))
		}
		// Pass 3: for the cells split into level-2 blocks, start reading the sub-cell's entry,
		// and its level-3 block where there is one.
		for p := range np {
			if cls[p]&flagExactDist == 0 {
				continue
			}
			r := &e.recs[cell[p]]
			if r.sub == noSub {
				continue
			}
			fx, fy := fxy[p][0], fxy[p][1]
			u, w := (fx-float64(int(fx)))*subN, (fy-float64(int(fy)))*subN
			si, sj := min(int(u), subN-1), min(int(w), subN-1)
			b := &e.blocks[r.sub]
			s2 := sj*subN + si
			cls[p] = b.cls[s2]
			if cls[p]&flagExactDist != 0 {
				cls[p] = e.l3[b.base3+uint32(bits.OnesCount16(b.mask3&(1<<s2-1)))].cls[0] | flagExactDist
			}
		}
		// Pass 4: answer them, their records now in the caches.
		for p := range np {
			q := pend[p]
			fx, fy := fxy[p][0], fxy[p][1]
			e.lookupCell(&out[q], lat[q], lon[q], fx, fy, int(fx), int(fy))
		}
	}
}
