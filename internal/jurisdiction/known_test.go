package jurisdiction

import (
	"math"
	"testing"
)

// knownPoints are places whose jurisdiction is known independently of the data: capitals and
// ports on land, offshore points placed well inside one zone (their distances to the nearest
// coasts checked on a chart), the Gulf of Mexico's Western Gap, Mexico's and the United
// States' islands, and both sides of the US–Mexico treaty lines.
var knownPoints = []struct {
	name      string
	lat, lon  float64
	state     string
	territory string
	zone      Zone
}{
	{"Mexico City", 19.4326, -99.1332, "MEX", "", ZoneLand},
	{"Tijuana", 32.50, -117.03, "MEX", "", ZoneLand},
	{"San Diego", 32.72, -117.15, "USA", "", ZoneLand},
	{"Houston", 29.76, -95.37, "USA", "", ZoneLand},
	{"Key West", 24.555, -81.795, "USA", "", ZoneLand},
	{"Cozumel island", 20.42, -86.92, "MEX", "", ZoneLand},
	{"Isla Guadalupe", 29.00, -118.28, "MEX", "", ZoneLand},
	{"Socorro (Revillagigedo)", 18.78, -110.95, "MEX", "", ZoneLand},
	{"Havana", 23.13, -82.38, "CUB", "", ZoneLand},
	{"Kingston", 18.00, -76.79, "JAM", "", ZoneLand},
	{"Port-au-Prince", 18.54, -72.33, "HTI", "", ZoneLand},
	{"Santo Domingo", 18.49, -69.93, "DOM", "", ZoneLand},
	{"San Juan", 18.42, -66.06, "USA", "PRI", ZoneLand},
	{"Nassau", 25.05, -77.35, "BHS", "", ZoneLand},
	{"Guatemala City", 14.63, -90.51, "GTM", "", ZoneLand},
	{"Belmopan", 17.25, -88.77, "BLZ", "", ZoneLand},
	{"Tegucigalpa", 14.07, -87.19, "HND", "", ZoneLand},
	{"San Salvador", 13.69, -89.19, "SLV", "", ZoneLand},
	{"Managua", 12.13, -86.25, "NIC", "", ZoneLand},
	{"San José", 9.93, -84.08, "CRI", "", ZoneLand},
	{"Penonomé", 8.52, -80.36, "PAN", "", ZoneLand},
	{"Bogotá", 4.71, -74.07, "COL", "", ZoneLand},
	{"Caracas", 10.49, -66.88, "VEN", "", ZoneLand},
	{"Hamilton, Bermuda", 32.30, -64.78, "GBR", "BMU", ZoneLand},
	{"San Andrés", 12.55, -81.71, "COL", "", ZoneLand},

	{"Western Gap, centre", 25.70, -92.30, "", "", ZoneHighSeas},
	{"Western Gap, east part", 25.60, -91.60, "", "", ZoneHighSeas},
	{"North Atlantic east of the Bahamas", 30.00, -60.00, "", "", ZoneHighSeas},
	{"Pacific west of Revillagigedo", 15.00, -120.00, "", "", ZoneHighSeas},

	{"off Cozumel, 6 nm east", 20.40, -86.62, "MEX", "", ZoneTerritorialSea},
	{"off Miami, 7 nm", 25.77, -80.00, "USA", "", ZoneTerritorialSea},
	{"Dry Tortugas, 5 nm NE of Garden Key", 24.68, -82.80, "USA", "", ZoneTerritorialSea},
	{"Dry Tortugas, 17 nm W", 24.60, -83.25, "USA", "", ZoneContiguous},
	{"Isla Guadalupe, 20 nm E", 29.00, -117.85, "MEX", "", ZoneContiguous},
	{"off Isla Guadalupe, 66 nm E", 29.00, -117.00, "MEX", "", ZoneEEZ},
	{"off Socorro, 30 nm SW", 18.50, -111.50, "MEX", "", ZoneEEZ},
	{"off Clarión, 43 nm W", 18.36, -115.50, "MEX", "", ZoneEEZ},
	{"Gulf of Mexico, off Louisiana", 27.50, -90.00, "USA", "", ZoneEEZ},
	{"Gulf of Mexico, off Tamaulipas", 22.00, -95.00, "MEX", "", ZoneEEZ},
	{"Bay of Campeche", 20.00, -94.00, "MEX", "", ZoneEEZ},
	{"off Veracruz, 35 nm", 19.20, -95.50, "MEX", "", ZoneEEZ},
	{"Florida Straits, US side", 24.00, -81.50, "USA", "", ZoneEEZ},
	{"Florida Straits, Cuban side", 23.70, -81.50, "CUB", "", ZoneEEZ},
	{"Yucatán Channel, Mexican side", 21.90, -86.40, "MEX", "", ZoneEEZ},
	{"Yucatán Channel, Cuban side", 21.90, -85.50, "CUB", "", ZoneEEZ},
	{"Pacific, north of the 1978 line", 32.00, -119.50, "USA", "", ZoneEEZ},
	{"Pacific, south of the 1978 line", 31.00, -118.50, "MEX", "", ZoneEEZ},
	{"Gulf, north of the 1978 line", 26.30, -95.00, "USA", "", ZoneEEZ},
	{"Gulf, south of the 1978 line", 25.60, -95.00, "MEX", "", ZoneEEZ},
	{"Gulf, eastern 1978 line, north", 26.00, -89.50, "USA", "", ZoneEEZ},
	{"Gulf, eastern 1978 line, south", 25.40, -89.50, "MEX", "", ZoneEEZ},
	{"north of Galápagos", 2.50, -91.00, "ECU", "", ZoneEEZ},
	{"south of Cocos Island", 4.50, -87.00, "CRI", "", ZoneEEZ},
	{"south of Malpelo", 3.50, -81.60, "COL", "", ZoneEEZ},
	{"off Clipperton", 10.30, -110.50, "FRA", "", ZoneEEZ},
}

func TestKnownPoints(t *testing.T) {
	e := testEngine(t)
	for _, tc := range knownPoints {
		t.Run(tc.name, func(t *testing.T) {
			a := e.Lookup(tc.lat, tc.lon)
			if a.State != tc.state || a.Zone != tc.zone || a.Territory != tc.territory {
				t.Errorf("Lookup(%g, %g) = %s/%s %s (%.1f nm, basis %s); want %s/%s %s",
					tc.lat, tc.lon, a.State, a.Territory, a.Zone, a.BaselineNM, a.Basis, tc.state, tc.territory, tc.zone)
			}
			if math.IsNaN(a.BaselineNM) || a.BaselineNM < 0 {
				t.Errorf("BaselineNM = %g; want a non-negative distance", a.BaselineNM)
			}
			if tc.zone == ZoneHighSeas && a.BaselineNM <= e.cfg.EEZNM {
				t.Errorf("high seas at %.1f nm from a baseline; want > %g", a.BaselineNM, e.cfg.EEZNM)
			}
		})
	}
}
