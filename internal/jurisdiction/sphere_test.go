package jurisdiction

import (
	"math"
	"math/rand/v2"
	"testing"
)

// vincentyNM is the WGS 84 geodesic distance by Vincenty's inverse formula, in nautical miles.
func vincentyNM(lat1, lon1, lat2, lon2 float64) float64 {
	const a, f = wgs84A, wgs84F
	b := a * (1 - f)
	rad := math.Pi / 180
	L := (lon2 - lon1) * rad
	U1 := math.Atan((1 - f) * math.Tan(lat1*rad))
	U2 := math.Atan((1 - f) * math.Tan(lat2*rad))
	sU1, cU1 := math.Sincos(U1)
	sU2, cU2 := math.Sincos(U2)
	lam := L
	var sS, cS, sig, c2a, c2sm float64
	for range 200 {
		sl, cl := math.Sincos(lam)
		sS = math.Hypot(cU2*sl, cU1*sU2-sU1*cU2*cl)
		if sS == 0 {
			return 0
		}
		cS = sU1*sU2 + cU1*cU2*cl
		sig = math.Atan2(sS, cS)
		sa := cU1 * cU2 * sl / sS
		c2a = 1 - sa*sa
		c2sm = cS - 2*sU1*sU2/c2a
		C := f / 16 * c2a * (4 + f*(4-3*c2a))
		prev := lam
		lam = L + (1-C)*f*sa*(sig+C*sS*(c2sm+C*cS*(-1+2*c2sm*c2sm)))
		if math.Abs(lam-prev) < 1e-13 {
			break
		}
	}
	u2 := c2a * (a*a - b*b) / (b * b)
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	ds := B * sS * (c2sm + B/4*(cS*(-1+2*c2sm*c2sm)-B/6*c2sm*(-3+4*sS*sS)*(-3+4*c2sm*c2sm)))
	return b * A * (sig - ds) / metresPerNM
}

// TestSphereVsVincenty measures the spherical approximation against the WGS 84 geodesic for
// distances of 1 to 400 nm in every direction across the region's latitudes.
func TestSphereVsVincenty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var worst float64
	for range 20000 {
		lat1 := r.Float64() * 35
		lon1 := -125 + r.Float64()*70
		dist := 1 + r.Float64()*399
		brg := r.Float64() * 2 * math.Pi
		// an end point roughly dist away in direction brg
		lat2 := lat1 + dist/60*math.Cos(brg)
		lon2 := lon1 + dist/60*math.Sin(brg)/math.Cos(lat1*math.Pi/180)
		v := vincentyNM(lat1, lon1, lat2, lon2)
		s := distNM(lat1, lon1, lat2, lon2)
		worst = math.Max(worst, math.Abs(s-v)/v)
	}
	t.Logf("worst relative error of the spherical distance: %.3f %%", 100*worst)
	if worst > 0.005 {
		t.Errorf("spherical distance off by up to %.3f %%; want < 0.5 %%", 100*worst)
	}
}
