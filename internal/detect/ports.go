package detect

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Ports answers whether a point is near a port or anchorage.
type Ports interface {
	// Near returns the name of a port or anchorage within radiusM metres of the point, if any.
	Near(lat, lon, radiusM float64) (string, bool)
}

// PortIndex is a set of port and anchorage points in a grid of 0.1° cells. The zero value is
// empty; fill it with [PortIndex.Read] or [LoadPorts]. It is safe for concurrent reads.
type PortIndex struct {
	cells map[int64][]port
	n     int
	// Skipped counts rows left out because of a bad coordinate; Problems names the first ten
	// (file, line, field and value), for the caller to report.
	Skipped  int
	Problems []error
}

type port struct {
	lat, lon float32
	name     string
}

const portCell = 0.1 // degrees

func portKey(i, j int) int64 { return int64(i)<<32 | int64(uint32(j)) }

// Len is the number of points.
func (x *PortIndex) Len() int { return x.n }

// Add adds one point.
func (x *PortIndex) Add(lat, lon float64, name string) {
	if x.cells == nil {
		x.cells = make(map[int64][]port)
	}
	k := portKey(int(math.Floor(lat/portCell)), int(math.Floor(lon/portCell)))
	x.cells[k] = append(x.cells[k], port{float32(lat), float32(lon), name})
	x.n++
}

// Near implements [Ports] for radii up to about 50 km.
func (x *PortIndex) Near(lat, lon, radiusM float64) (string, bool) {
	if x == nil || x.n == 0 {
		return "", false
	}
	ri := int(math.Ceil(radiusM/111000/portCell)) + 0
	c := math.Max(math.Cos(lat*deg), 0.05)
	rj := int(math.Ceil(radiusM/(111000*c)/portCell)) + 0
	i0, j0 := int(math.Floor(lat/portCell)), int(math.Floor(lon/portCell))
	for i := i0 - ri; i <= i0+ri; i++ {
		for j := j0 - rj; j <= j0+rj; j++ {
			for _, p := range x.cells[portKey(i, j)] {
				if distanceM(lat, lon, float64(p.lat), float64(p.lon)) <= radiusM {
					return p.name, true
				}
			}
		}
	}
	return "", false
}

// Read adds the points of a CSV file with a header naming the columns latitude and longitude
// (any order; label, sublabel and iso3 are used for the name when present): the layout of the
// World Port Index and Global Fishing Watch anchorage files in ../shared/data/ports. name is
// used in errors. A missing header or an unreadable file is an error; a row with a bad
// coordinate is left out and counted in Skipped, with its file, line and field in Problems
// (the published anchorage list has such a row: longitude 1001).
func (x *PortIndex) Read(r io.Reader, name string) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty file: want a CSV header with latitude and longitude columns", name)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	li, ok1 := col["latitude"]
	lo, ok2 := col["longitude"]
	if !ok1 || !ok2 {
		return fmt.Errorf("%s:1: header %q: want columns named latitude and longitude", name, strings.Join(head, ","))
	}
	lab, hasLab := col["label"]
	iso, hasISO := col["iso3"]
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line := 0
		if err == nil && len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) <= max(li, lo) {
			x.skip(fmt.Errorf("%s:%d: %d fields, want at least %d (latitude, longitude)", name, line, len(rec), max(li, lo)+1))
			continue
		}
		lat, err := strconv.ParseFloat(strings.TrimSpace(rec[li]), 64)
		if err != nil || !(lat >= -90 && lat <= 90) {
			x.skip(fmt.Errorf("%s:%d: latitude %q: want degrees in -90..90; row left out", name, line, rec[li]))
			continue
		}
		lon, err := strconv.ParseFloat(strings.TrimSpace(rec[lo]), 64)
		if err != nil || !(lon >= -180 && lon <= 180) {
			x.skip(fmt.Errorf("%s:%d: longitude %q: want degrees in -180..180; row left out", name, line, rec[lo]))
			continue
		}
		n := ""
		if hasLab && lab < len(rec) {
			n = rec[lab]
		}
		if hasISO && iso < len(rec) && rec[iso] != "" {
			n += " (" + rec[iso] + ")"
		}
		x.Add(lat, lon, strings.TrimSpace(n))
	}
}

func (x *PortIndex) skip(err error) {
	x.Skipped++
	if len(x.Problems) < 10 {
		x.Problems = append(x.Problems, err)
	}
}

// LoadPorts reads port and anchorage CSV files (see [PortIndex.Read]).
func LoadPorts(paths ...string) (*PortIndex, error) {
	x := &PortIndex{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("ports: %w", err)
		}
		err = x.Read(f, p)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("ports: %w", err)
		}
	}
	return x, nil
}
