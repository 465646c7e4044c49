package jurisdiction

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
)

// Attribution is the credit the boundary data requires wherever zones derived from it are
// shown or shipped.
const Attribution = "Boundaries © OpenStreetMap contributors (ODbL), via @geo-maps; US–Mexico maritime boundary: NOAA Office of Coast Survey"

// WriteZonesGeoJSON writes the zones of the region as a GeoJSON FeatureCollection for a map:
// one MultiPolygon feature per (state, zone) with properties "state" (ISO alpha-3, "" for the
// high seas), "zone" and "territory", sampled on a raster of cellDeg degrees (default 1/16°,
// values below the index cell size are raised to it) and made of axis-aligned rectangles
// (runs of equal cells merged along rows, then identical runs merged down columns). It is a
// display simplification: edges are accurate to one raster cell. Land is included as zone
// "land". The collection carries the data attribution in its "attribution" member.
func (e *Engine) WriteZonesGeoJSON(w io.Writer, cellDeg float64) error {
	if cellDeg <= 0 {
		cellDeg = 1.0 / 16
	}
	cellDeg = math.Max(cellDeg, e.g.cs)
	rg := e.cfg.Region
	nx := int(math.Ceil((rg.MaxLon - rg.MinLon) / cellDeg))
	ny := int(math.Ceil((rg.MaxLat - rg.MinLat) / cellDeg))
	type key struct{ state, territory, zone string }
	ids := map[key]int{}
	var keys []key
	lab := make([]int, nx*ny)
	for j := range ny {
		lat := math.Min(rg.MinLat+(float64(j)+0.5)*cellDeg, rg.MaxLat-1e-9)
		for i := range nx {
			lon := math.Min(rg.MinLon+(float64(i)+0.5)*cellDeg, rg.MaxLon-1e-9)
			a := e.Lookup(lat, lon)
			k := key{a.State, a.Territory, string(a.Zone)}
			id, ok := ids[k]
			if !ok {
				id = len(keys)
				ids[k] = id
				keys = append(keys, k)
			}
			lab[j*nx+i] = id
		}
	}
	// Runs per row, then merge a run with the identical run of the row below.
	type run struct{ i0, i1, j0, j1, id int }
	var done []run
	open := map[[3]int]*run{} // (i0, i1, id) → run still growing
	for j := range ny {
		next := map[[3]int]*run{}
		for i := 0; i < nx; {
			id := lab[j*nx+i]
			i1 := i
			for i1+1 < nx && lab[j*nx+i1+1] == id {
				i1++
			}
			k := [3]int{i, i1, id}
			if r, ok := open[k]; ok {
				r.j1 = j
				next[k] = r
				delete(open, k)
			} else {
				next[k] = &run{i, i1, j, j, id}
			}
			i = i1 + 1
		}
		for _, r := range open {
			done = append(done, *r)
		}
		open = next
	}
	for _, r := range open {
		done = append(done, *r)
	}
	byID := make([][]run, len(keys))
	for _, r := range done {
		byID[r.id] = append(byID[r.id], r)
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		ka, kb := keys[order[a]], keys[order[b]]
		if ka.state != kb.state {
			return ka.state < kb.state
		}
		if ka.territory != kb.territory {
			return ka.territory < kb.territory
		}
		return ka.zone < kb.zone
	})

	bw := bufio.NewWriter(w)
	attr, _ := json.Marshal(Attribution)
	fmt.Fprintf(bw, `{"type":"FeatureCollection","attribution":%s,"features":[`, attr)
	first := true
	for _, id := range order {
		k := keys[id]
		if k.zone == string(ZoneUnknown) {
			continue
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		props, _ := json.Marshal(map[string]string{"state": k.state, "territory": k.territory, "zone": k.zone})
		fmt.Fprintf(bw, `{"type":"Feature","properties":%s,"geometry":{"type":"MultiPolygon","coordinates":[`, props)
		rs := byID[id]
		sort.Slice(rs, func(a, b int) bool {
			if rs[a].j0 != rs[b].j0 {
				return rs[a].j0 < rs[b].j0
			}
			return rs[a].i0 < rs[b].i0
		})
		for n, r := range rs {
			if n > 0 {
				bw.WriteString(",")
			}
			x0 := rg.MinLon + float64(r.i0)*cellDeg
			x1 := math.Min(rg.MinLon+float64(r.i1+1)*cellDeg, rg.MaxLon)
			y0 := rg.MinLat + float64(r.j0)*cellDeg
			y1 := math.Min(rg.MinLat+float64(r.j1+1)*cellDeg, rg.MaxLat)
			fmt.Fprintf(bw, "[[[%.5f,%.5f],[%.5f,%.5f],[%.5f,%.5f],[%.5f,%.5f],[%.5f,%.5f]]]",
				x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
		}
		bw.WriteString("]}}")
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}
