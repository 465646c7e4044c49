package jurisdiction

import (
	"math"
	"path/filepath"
)

// Feature is a GeoJSON Feature for the map, beside the zones of WriteZonesGeoJSON.
type Feature struct {
	Type       string            `json:"type"` // always "Feature"
	Properties map[string]string `json:"properties"`
	Geometry   Geometry          `json:"geometry"`
}

// Geometry is a GeoJSON geometry; Coordinates are longitude, latitude in degrees.
type Geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// Map feature kinds (the "kind" property).
const (
	KindTreatyLine = "treaty_line"
	KindWesternGap = "western_gap"
)

// MapFeatures returns the boundary features the map draws over the zones:
//
//   - one "treaty_line" MultiLineString per treaty (the US–Mexico maritime boundary of the
//     1970 and 1978 treaties, as the engine uses it: pieces joined, oriented west to east),
//     with properties kind, name, source (the data file), north and south (the states on each
//     side);
//   - one "western_gap" MultiPolygon for each stretch between two consecutive lines of a
//     treaty whose middle lies on the high seas (the Gulf of Mexico's Western Gap between the
//     1978 lines; the stretch across Mexico's land is not one): the high-seas area connected
//     to that middle, on a raster of cellDeg degrees (default 1/16°, as the zones), as
//     rectangles, with properties kind, name and source ("computed": beyond both states'
//     200 nm).
//
// It evaluates Lookup on the raster cells it floods, so it takes milliseconds.
func (e *Engine) MapFeatures(cellDeg float64) []Feature {
	if cellDeg <= 0 {
		cellDeg = 1.0 / 16
	}
	cellDeg = math.Max(cellDeg, e.g.cs)
	source := "NOAA Office of Coast Survey"
	if e.cfg.TreatyPath != "" {
		source += " (" + filepath.Base(e.cfg.TreatyPath) + ")"
	}
	var out []Feature
	for _, t := range e.treaties {
		lines := make([][][2]float64, len(t.lines))
		for i, l := range t.lines {
			lines[i] = make([][2]float64, len(l))
			for j, p := range l {
				lines[i][j] = [2]float64{round6(p.X), round6(p.Y)}
			}
		}
		out = append(out, Feature{Type: "Feature",
			Properties: map[string]string{"kind": KindTreatyLine, "name": t.Name, "source": source,
				"north": e.states[t.North], "south": e.states[t.South]},
			Geometry: Geometry{Type: "MultiLineString", Coordinates: lines}})
		for i := 0; i+1 < len(t.lines); i++ {
			a, b := t.lines[i][len(t.lines[i])-1], t.lines[i+1][0]
			rects := e.highSeasAround(pt{(a.X + b.X) / 2, (a.Y + b.Y) / 2}, cellDeg)
			if len(rects) == 0 {
				continue
			}
			out = append(out, Feature{Type: "Feature",
				Properties: map[string]string{"kind": KindWesternGap, "name": "Western Gap (high seas between the " + t.Name + ")",
					"source": "computed: beyond " + e.states[t.North] + "'s and " + e.states[t.South] + "'s 200 nm; " + Attribution},
				Geometry: Geometry{Type: "MultiPolygon", Coordinates: rects}})
		}
	}
	return out
}

// highSeasAround returns the high-seas area 4-connected to seed on a raster of cellDeg degrees
// over the region, as rectangles (runs of cells along rows), or nil when seed is not on the
// high seas. The flood stops at 200 000 cells (a gap is far smaller).
func (e *Engine) highSeasAround(seed pt, cellDeg float64) [][][][2]float64 {
	rg := e.cfg.Region
	nx := int(math.Ceil((rg.MaxLon - rg.MinLon) / cellDeg))
	ny := int(math.Ceil((rg.MaxLat - rg.MinLat) / cellDeg))
	i0, j0 := int((seed.X-rg.MinLon)/cellDeg), int((seed.Y-rg.MinLat)/cellDeg)
	if i0 < 0 || j0 < 0 || i0 >= nx || j0 >= ny {
		return nil
	}
	high := func(i, j int) bool {
		lat := math.Min(rg.MinLat+(float64(j)+0.5)*cellDeg, rg.MaxLat-1e-9)
		lon := math.Min(rg.MinLon+(float64(i)+0.5)*cellDeg, rg.MaxLon-1e-9)
		return e.Lookup(lat, lon).Zone == ZoneHighSeas
	}
	if !high(i0, j0) {
		return nil
	}
	in := map[[2]int]bool{{i0, j0}: true}
	queue := [][2]int{{i0, j0}}
	for len(queue) > 0 && len(in) < 200000 {
		c := queue[0]
		queue = queue[1:]
		for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			n := [2]int{c[0] + d[0], c[1] + d[1]}
			if n[0] < 0 || n[1] < 0 || n[0] >= nx || n[1] >= ny || in[n] {
				continue
			}
			if high(n[0], n[1]) {
				in[n] = true
				queue = append(queue, n)
			}
		}
	}
	var rects [][][][2]float64
	for j := range ny {
		for i := 0; i < nx; i++ {
			if !in[[2]int{i, j}] {
				continue
			}
			i1 := i
			for in[[2]int{i1 + 1, j}] {
				i1++
			}
			x0, x1 := round6(rg.MinLon+float64(i)*cellDeg), round6(math.Min(rg.MinLon+float64(i1+1)*cellDeg, rg.MaxLon))
			y0, y1 := round6(rg.MinLat+float64(j)*cellDeg), round6(math.Min(rg.MinLat+float64(j+1)*cellDeg, rg.MaxLat))
			rects = append(rects, [][][2]float64{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}})
			i = i1
		}
	}
	return rects
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
