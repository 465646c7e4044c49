package jurisdiction

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
)

// WriteGeometryTSV writes the geometry the engine decides with, for comparison with other
// tools (bench/jurisdiction loads it into PostGIS): one feature a line, tab-separated kind,
// sovereign state (ISO alpha-3), place (territory or state) and WKT in longitude/latitude
// degrees. Kinds:
//
//   - land: land polygons with their holes (lakes: internal waters);
//   - sea: mapped territorial seas (land plus territorial sea polygons);
//   - coast: coastline baselines, one great-circle segment a line;
//   - limit: outer limits of mapped territorial seas, one segment a line (a baseline lies
//     TerritorialSeaNM inside them);
//   - treaty: treaty lines, oriented west to east, state = the state north of the line and
//     place = the state south of it.
//
// The first line is a comment with the limits in nm: "# ts=12 cz=24 eez=200".
func (e *Engine) WriteGeometryTSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "# ts=%g cz=%g eez=%g\n", e.cfg.TerritorialSeaNM, e.cfg.ContiguousNM, e.cfg.EEZNM)
	num := func(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'f', -1, 64) }
	var buf []byte
	coords := func(b []byte, r ring) []byte {
		for i, p := range r {
			if i > 0 {
				b = append(b, ',')
			}
			b = num(append(num(b, p.X), ' '), p.Y)
		}
		return b
	}
	writePolys := func(kind string, l *layer) {
		if l == nil {
			return
		}
		// The layer keeps each ring's edges in order: rebuild the rings, then the polygons
		// (an outer ring followed by its holes).
		var polys [][]ring
		var label []uint16
		for i := 0; i < len(l.edges); {
			s := i
			r := ring{l.edges[i].A}
			for {
				r = append(r, l.edges[i].B)
				i++
				if l.edges[i-1].B == l.edges[s].A || i == len(l.edges) || l.edges[i].A != l.edges[i-1].B {
					break
				}
			}
			if len(r) < 4 {
				continue
			}
			if !l.edges[s].Hole || len(polys) == 0 {
				polys = append(polys, []ring{r})
				label = append(label, l.edges[s].Label)
			} else {
				polys[len(polys)-1] = append(polys[len(polys)-1], r)
			}
		}
		for pi, p := range polys {
			pl := int(label[pi])
			buf = append(buf[:0], kind...)
			buf = append(append(append(append(buf, '\t'), e.states[e.placeState[pl]]...), '\t'), e.places[pl]...)
			buf = append(buf, "\tPOLYGON("...)
			for ri, r := range p {
				if ri > 0 {
					buf = append(buf, ',')
				}
				buf = append(coords(append(buf, '('), r), ')')
			}
			buf = append(buf, ")\n"...)
			bw.Write(buf)
		}
	}
	writePolys("land", e.land)
	writePolys("sea", e.ts)
	lonLat := func(v vec3) pt {
		return pt{math.Atan2(v[1], v[0]) * 180 / math.Pi, math.Atan2(v[2], math.Hypot(v[0], v[1])) * 180 / math.Pi}
	}
	writeArcs := func(kind string, t *arcTree) {
		for i := range t.arcs {
			a := &t.arcs[i]
			buf = append(append(buf[:0], kind...), '\t')
			buf = append(append(append(buf, e.states[a.Owner]...), '\t'), e.places[a.Place]...)
			buf = append(coords(append(buf, "\tLINESTRING("...), ring{lonLat(a.A), lonLat(a.B)}), ")\n"...)
			bw.Write(buf)
		}
	}
	writeArcs("coast", e.tree)
	writeArcs("limit", e.limits)
	for _, t := range e.treaties {
		for _, l := range t.lines {
			buf = append(append(buf[:0], "treaty\t"...), e.states[t.North]...)
			buf = append(append(append(buf, '\t'), e.states[t.South]...), "\tLINESTRING("...)
			buf = append(coords(buf, l), ")\n"...)
			bw.Write(buf)
		}
	}
	return bw.Flush()
}
