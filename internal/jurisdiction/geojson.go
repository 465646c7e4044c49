package jurisdiction

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// pt is a position in degrees: X longitude east, Y latitude north (GeoJSON order).
type pt struct{ X, Y float64 }

// ring is a closed or open sequence of positions. Rings read from GeoJSON keep their closing
// point (first == last).
type ring []pt

// polygon is an outer ring followed by zero or more holes.
type polygon []ring

// rawFeature is one GeoJSON feature as decoded from a file, before interpretation.
type rawFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// featureVisitor receives each feature of a FeatureCollection with its 0-based index. Returning
// an error stops the scan and is returned by scanFeatures wrapped with the feature index.
type featureVisitor func(i int, f *rawFeature) error

// scanFeatures streams the features of a GeoJSON FeatureCollection (or a single Feature) from r
// without holding the whole document, calling visit for each.
func scanFeatures(r io.Reader, visit featureVisitor) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("read geojson: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("read geojson: document is not a JSON object; want a FeatureCollection")
	}
	sawFeatures := false
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read geojson: %w", err)
		}
		key, _ := kt.(string)
		if key != "features" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("read geojson: member %q: %w", key, err)
			}
			continue
		}
		sawFeatures = true
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read geojson: features: %w", err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return errors.New("read geojson: \"features\" is not an array")
		}
		for i := 0; dec.More(); i++ {
			var f rawFeature
			if err := dec.Decode(&f); err != nil {
				return fmt.Errorf("read geojson: feature %d: %w", i, err)
			}
			if err := visit(i, &f); err != nil {
				return fmt.Errorf("feature %d: %w", i, err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("read geojson: features: %w", err)
		}
	}
	if !sawFeatures {
		return errors.New("read geojson: no \"features\" array; want a FeatureCollection")
	}
	return nil
}

// scanFile opens path and calls scanFeatures on it.
func scanFile(path string, visit featureVisitor) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := scanFeatures(f, visit); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// polygons interprets a Polygon or MultiPolygon geometry. Other types return an error naming
// the type. Positions must be finite [lon, lat] pairs with lon in [-180, 180] and lat in
// [-90, 90]; rings need at least 4 positions.
func (f *rawFeature) polygons() ([]polygon, error) {
	if f.Geometry == nil {
		return nil, errors.New("geometry is null; want a Polygon or MultiPolygon")
	}
	switch f.Geometry.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("polygon coordinates: %w", err)
		}
		p, err := toPolygon(c)
		if err != nil {
			return nil, err
		}
		return []polygon{p}, nil
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("MultiPolygon coordinates: %w", err)
		}
		out := make([]polygon, 0, len(c))
		for i, pc := range c {
			p, err := toPolygon(pc)
			if err != nil {
				return nil, fmt.Errorf("polygon %d: %w", i, err)
			}
			out = append(out, p)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("geometry type %q; want Polygon or MultiPolygon", f.Geometry.Type)
	}
}

// lines interprets a LineString or MultiLineString geometry.
func (f *rawFeature) lines() ([]ring, error) {
	if f.Geometry == nil {
		return nil, errors.New("geometry is null; want a LineString or MultiLineString")
	}
	switch f.Geometry.Type {
	case "LineString":
		var c [][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("LineString coordinates: %w", err)
		}
		r, err := toRing(c, 2)
		if err != nil {
			return nil, err
		}
		return []ring{r}, nil
	case "MultiLineString":
		var c [][][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("MultiLineString coordinates: %w", err)
		}
		out := make([]ring, 0, len(c))
		for i, lc := range c {
			r, err := toRing(lc, 2)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i, err)
			}
			out = append(out, r)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("geometry type %q; want LineString or MultiLineString", f.Geometry.Type)
	}
}

func toPolygon(c [][][]float64) (polygon, error) {
	if len(c) == 0 {
		return nil, errors.New("polygon has no rings")
	}
	p := make(polygon, 0, len(c))
	for i, rc := range c {
		r, err := toRing(rc, 4)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i, err)
		}
		if r[0] != r[len(r)-1] {
			return nil, fmt.Errorf("ring %d is not closed (first position %v, last %v); repeat the first position at the end", i, r[0], r[len(r)-1])
		}
		p = append(p, r)
	}
	return p, nil
}

func toRing(c [][]float64, min int) (ring, error) {
	if len(c) < min {
		return nil, fmt.Errorf("%d positions; want at least %d", len(c), min)
	}
	r := make(ring, len(c))
	for i, xy := range c {
		if len(xy) < 2 {
			return nil, fmt.Errorf("position %d has %d numbers; want [lon, lat]", i, len(xy))
		}
		x, y := xy[0], xy[1]
		if math.IsNaN(x) || math.IsNaN(y) || x < -180 || x > 180 || y < -90 || y > 90 {
			return nil, fmt.Errorf("position %d [%g, %g] is out of range; want [lon -180..180, lat -90..90]", i, x, y)
		}
		r[i] = pt{x, y}
	}
	return r, nil
}

// bbox is an axis-aligned box in degrees.
type bbox struct{ MinX, MinY, MaxX, MaxY float64 }

func emptyBox() bbox { return bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *bbox) add(p pt) {
	b.MinX = math.Min(b.MinX, p.X)
	b.MinY = math.Min(b.MinY, p.Y)
	b.MaxX = math.Max(b.MaxX, p.X)
	b.MaxY = math.Max(b.MaxY, p.Y)
}

func (b bbox) intersects(o bbox) bool {
	return b.MinX <= o.MaxX && o.MinX <= b.MaxX && b.MinY <= o.MaxY && o.MinY <= b.MaxY
}

func (b bbox) contains(p pt) bool {
	return p.X >= b.MinX && p.X <= b.MaxX && p.Y >= b.MinY && p.Y <= b.MaxY
}

func (r ring) box() bbox {
	b := emptyBox()
	for _, p := range r {
		b.add(p)
	}
	return b
}
