package detect

import "math"

const (
	metresPerNM  = 1852.0
	earthRadiusM = 6371008.8
	deg          = math.Pi / 180
)

// distanceM is the great-circle distance in metres between two points given in degrees
// (haversine on the mean sphere; the detectors' thresholds are far coarser than its error).
func distanceM(lat1, lon1, lat2, lon2 float64) float64 {
	dlat := (lat2 - lat1) * deg
	dlon := (lon2 - lon1) * deg
	s1 := math.Sin(dlat / 2)
	s2 := math.Sin(dlon / 2)
	h := s1*s1 + math.Cos(lat1*deg)*math.Cos(lat2*deg)*s2*s2
	return 2 * earthRadiusM * math.Asin(math.Sqrt(min(h, 1)))
}

// fastDistanceM is an equirectangular approximation of distanceM for points less than a few
// kilometres apart (relative error well under 0.1 % there).
func fastDistanceM(lat1, lon1, lat2, lon2 float64) float64 {
	x := (lon2 - lon1) * deg * math.Cos((lat1+lat2)/2*deg)
	y := (lat2 - lat1) * deg
	return earthRadiusM * math.Sqrt(x*x+y*y)
}

// angleDiff is the absolute difference of two bearings in degrees, 0..180.
func angleDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 360)
	if d > 180 {
		d = 360 - d
	}
	return d
}

// deadReckon moves a point along course cog (degrees) at sog knots for dt seconds.
func deadReckon(lat, lon, sog, cog, dt float64) (float64, float64) {
	if math.IsNaN(sog) || math.IsNaN(cog) || sog <= 0 || dt == 0 {
		return lat, lon
	}
	d := sog * metresPerNM / 3600 * dt
	dlat := d * math.Cos(cog*deg) / earthRadiusM / deg
	c := math.Cos(lat * deg)
	if c < 1e-6 {
		return lat, lon
	}
	dlon := d * math.Sin(cog*deg) / (earthRadiusM * c) / deg
	return lat + dlat, lon + dlon
}
