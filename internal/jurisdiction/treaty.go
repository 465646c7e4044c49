package jurisdiction

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// treaty is a maritime boundary agreed between two states: where both states' zones overlap
// and the point's longitude lies within a line's extent, the line decides instead of
// equidistance. North owns the side north of the line (left when walking east).
type treaty struct {
	North, South uint8 // state indices
	Name         string
	lines        []ring // each oriented west to east
}

// loadTreaty reads a GeoJSON file of LineString/MultiLineString features and joins the pieces
// that share end points into continuous lines.
func loadTreaty(path string) ([]ring, error) {
	var pieces []ring
	err := scanFile(path, func(i int, f *rawFeature) error {
		ls, err := f.lines()
		if err != nil {
			return err
		}
		pieces = append(pieces, ls...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(pieces) == 0 {
		return nil, fmt.Errorf("%s: no lines", path)
	}
	return joinLines(pieces), nil
}

// joinLines chains pieces whose end points coincide (within 1e-6°) and orients each result
// west to east.
func joinLines(pieces []ring) []ring {
	near := func(a, b pt) bool { return math.Abs(a.X-b.X) < 1e-6 && math.Abs(a.Y-b.Y) < 1e-6 }
	rev := func(r ring) ring {
		o := make(ring, len(r))
		for i := range r {
			o[i] = r[len(r)-1-i]
		}
		return o
	}
	used := make([]bool, len(pieces))
	var out []ring
	for i := range pieces {
		if used[i] {
			continue
		}
		used[i] = true
		cur := append(ring(nil), pieces[i]...)
		for grown := true; grown; {
			grown = false
			for j := range pieces {
				if used[j] {
					continue
				}
				p := pieces[j]
				switch {
				case near(cur[len(cur)-1], p[0]):
					cur = append(cur, p[1:]...)
				case near(cur[len(cur)-1], p[len(p)-1]):
					cur = append(cur, rev(p)[1:]...)
				case near(cur[0], p[len(p)-1]):
					cur = append(append(ring(nil), p[:len(p)-1]...), cur...)
				case near(cur[0], p[0]):
					cur = append(rev(p)[:len(p)-1], cur...)
				default:
					continue
				}
				used[j], grown = true, true
			}
		}
		if cur[0].X > cur[len(cur)-1].X {
			cur = rev(cur)
		}
		out = append(out, cur)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0].X < out[j][0].X })
	return out
}

// side reports which state the treaty gives p to, and the distance from p to the line in
// nautical miles (approximate, planar with the cosine of p's latitude); ok is false when p's
// longitude lies outside every line's extent.
func (t *treaty) side(p pt) (owner uint8, distNM float64, ok bool) {
	k := math.Cos(p.Y * math.Pi / 180)
	best := math.Inf(1)
	var bestCross float64
	for _, l := range t.lines {
		if p.X < l[0].X || p.X > l[len(l)-1].X {
			continue
		}
		for i := 0; i+1 < len(l); i++ {
			a, b := l[i], l[i+1]
			ax, ay := (a.X-p.X)*k, a.Y-p.Y
			bx, by := (b.X-p.X)*k, b.Y-p.Y
			dx, dy := bx-ax, by-ay
			l2 := dx*dx + dy*dy
			u := 0.0
			if l2 > 0 {
				u = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
			}
			cx, cy := ax+u*dx, ay+u*dy
			d := math.Hypot(cx, cy)
			if d < best {
				best = d
				// cross of (b-a) with (p-a): p - a = (-ax, -ay)
				bestCross = dx*(-ay) - dy*(-ax)
			}
		}
	}
	if math.IsInf(best, 1) {
		return 0, 0, false
	}
	if bestCross > 0 { // p is left of the eastward line: north
		return t.North, best * 60, true
	}
	return t.South, best * 60, true
}

var errNoTreatyState = errors.New("treaty names a state without boundary data")
