package sim

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Scenario is a named set of simulated vessels. Get one from [Scenarios] or [Lookup]; the zero
// value is not usable.
type Scenario struct {
	Name          string        // short name, e.g. "demo"
	Description   string        // one line, English
	DescriptionES string        // the same line in Spanish
	Duration      time.Duration // default simulated duration: long enough for every planted behaviour
	Planted       bool          // whether it contains planted behaviours (see Truth)

	lanes   []string
	ferries []string
	fishing []string
}

// build adds the scenario's agents: the planted ones first (so that their identities and slots
// never depend on the benign traffic), then the benign ones when benign is true.
func (sc Scenario) build(b *builder, scale float64, benign bool) []plantedTruth {
	var truths []plantedTruth
	if sc.Planted {
		truths = b.planted(sc.Name)
	}
	if !benign {
		return truths
	}
	for i := range lanes {
		if contains(sc.lanes, lanes[i].key) {
			b.addLane(&lanes[i], count(laneBase[lanes[i].key], scale))
		}
	}
	for i := range ferryRoutes {
		if contains(sc.ferries, ferryRoutes[i].key) {
			b.addFerries(&ferryRoutes[i], count(2, scale))
		}
	}
	for i := range fishingGrounds {
		if g := &fishingGrounds[i]; contains(sc.fishing, g.key) {
			b.addFishing(g, count(g.base, scale))
		}
	}
	return truths
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// laneBase is the number of ships on each lane at scale 1.
var laneBase = map[string]int{
	"caribbean-houston":        5,
	"caribbean-veracruz":       4,
	"houston-veracruz":         3,
	"dosbocas-houston":         3,
	"progreso-houston":         2,
	"florida-cozumel":          3,
	"pacific-north-manzanillo": 3,
	"pacific-south-manzanillo": 3,
	"pacific-south-lazaro":     3,
	"pacific-north-lazaro":     2,
}

var (
	gulfLanes      = []string{"caribbean-houston", "caribbean-veracruz", "houston-veracruz", "dosbocas-houston", "progreso-houston"}
	gulfFishing    = []string{"fishing-campeche", "fishing-progreso", "fishing-alvarado"}
	caribLanes     = []string{"caribbean-houston", "florida-cozumel"}
	caribFerries   = []string{"ferry-cancun-isla-mujeres", "ferry-playa-cozumel"}
	caribFishing   = []string{"fishing-mahahual", "fishing-contoy"}
	pacificLanes   = []string{"pacific-north-manzanillo", "pacific-south-manzanillo", "pacific-south-lazaro", "pacific-north-lazaro"}
	pacificFerries = []string{"ferry-la-paz-mazatlan"}
	pacificFishing = []string{"fishing-mazatlan", "fishing-tehuantepec"}
)

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

var scenarios = []Scenario{
	{
		Name:          "demo",
		Description:   "All three regions with every planted behaviour: go-fast at night, meeting at sea, 14 h AIS silence, shared MMSI, change of name and flag",
		DescriptionES: "Las tres regiones con todas las conductas sembradas: lancha rápida de noche, encuentro en el mar, silencio AIS de 14 h, MMSI compartido, cambio de nombre y bandera",
		Duration:      24 * time.Hour,
		Planted:       true,
		lanes:         join(gulfLanes, caribLanes, pacificLanes),
		ferries:       join(caribFerries, pacificFerries),
		fishing:       join(gulfFishing, caribFishing, pacificFishing),
	},
	{
		Name:          "gulf",
		Description:   "Gulf of Mexico: cargo and tanker lanes into Houston, Veracruz, Dos Bocas and Progreso; fishing off Campeche, Yucatán and Veracruz",
		DescriptionES: "Golfo de México: rutas de carga y de buques tanque a Houston, Veracruz, Dos Bocas y Progreso; pesca frente a Campeche, Yucatán y Veracruz",
		Duration:      24 * time.Hour,
		lanes:         gulfLanes,
		fishing:       gulfFishing,
	},
	{
		Name:          "caribbean",
		Description:   "Mexican Caribbean: Cancún–Isla Mujeres and Playa del Carmen–Cozumel ferries, cruise ships to Cozumel, the Yucatán Channel, artisanal fishing",
		DescriptionES: "Caribe mexicano: transbordadores Cancún–Isla Mujeres y Playa del Carmen–Cozumel, cruceros a Cozumel, el canal de Yucatán, pesca ribereña",
		Duration:      24 * time.Hour,
		lanes:         caribLanes,
		ferries:       caribFerries,
		fishing:       caribFishing,
	},
	{
		Name:          "pacific",
		Description:   "Mexican Pacific: container and bulk lanes into Manzanillo and Lázaro Cárdenas, the La Paz–Mazatlán ferry, fishing off Mazatlán and Salina Cruz",
		DescriptionES: "Pacífico mexicano: rutas de contenedores y graneleros a Manzanillo y Lázaro Cárdenas, el transbordador La Paz–Mazatlán, pesca frente a Mazatlán y Salina Cruz",
		Duration:      24 * time.Hour,
		lanes:         pacificLanes,
		ferries:       pacificFerries,
		fishing:       pacificFishing,
	},
	{
		Name:          "planted",
		Description:   "Only the planted behaviours, without benign traffic: a small file for detector tests",
		DescriptionES: "Solo las conductas sembradas, sin tráfico benigno: un archivo pequeño para probar los detectores",
		Duration:      24 * time.Hour,
		Planted:       true,
	},
}

// Scenarios returns every scenario, in a fixed order (the demonstration first).
func Scenarios() []Scenario {
	out := make([]Scenario, len(scenarios))
	copy(out, scenarios)
	return out
}

// Lookup returns the scenario of the given name. The error wraps ErrUnknownScenario and lists
// the valid names.
func Lookup(name string) (Scenario, error) {
	var names []string
	for _, sc := range scenarios {
		if sc.Name == name {
			return sc, nil
		}
		names = append(names, sc.Name)
	}
	sort.Strings(names)
	return Scenario{}, fmt.Errorf("%w %q: want one of %s", ErrUnknownScenario, name, strings.Join(names, ", "))
}
