package detect

import (
	"fmt"
	"time"
)

// Config holds every threshold. Start from [DefaultConfig]; the JSON keys allow a
// configuration file to override single fields.
type Config struct {
	Gap       GapConfig       `json:"gap"`
	Encounter EncounterConfig `json:"encounter"`
	Loitering LoiteringConfig `json:"loitering"`
	Zone      ZoneConfig      `json:"zone_entry"`
	Speed     SpeedConfig     `json:"speed"`
	Identity  IdentityConfig  `json:"identity"`
	// MaxImpliedKn is the implied speed between two reports above which the second is an
	// impossible jump (default 60 kn).
	MaxImpliedKn float64 `json:"max_implied_kn"`
	// PositionSlackM is subtracted from the distance between two reports before the implied
	// speed is computed: GNSS noise (default 200 m).
	PositionSlackM float64 `json:"position_slack_m"`
	// TimeResolution is added to the time between two reports before the implied speed is
	// computed: the resolution of the feed's timestamps (default 1 s; 60 s for data stamped
	// to the minute).
	TimeResolution time.Duration `json:"time_resolution"`
	// LocateEveryNM and LocateEvery throttle jurisdiction look-ups per vessel: a vessel is
	// located again when it moved that far or that long passed (defaults 0.5 nm, 10 min).
	LocateEveryNM float64       `json:"locate_every_nm"`
	LocateEvery   time.Duration `json:"locate_every"`
	// EmitOpen makes the detector emit an alert as soon as its behaviour is confirmed (Open
	// true), before the final version (same ID) when it ends. Off for batch runs.
	EmitOpen bool `json:"emit_open"`
	// MaxEvidence caps the evidence positions of one alert (default 16).
	MaxEvidence int `json:"max_evidence"`
}

// GapConfig: AIS silences.
type GapConfig struct {
	Min              time.Duration `json:"min"`                  // default 6 h
	IntentionalMin   time.Duration `json:"intentional_min"`      // default 12 h
	IntentionalShore float64       `json:"intentional_shore_nm"` // default 50 nm
	// GoodReception is the number of positions in the 12 h before the gap that make
	// reception "good" (default 14).
	GoodReception int `json:"good_reception"`
}

// EncounterConfig: two vessels together at sea.
type EncounterConfig struct {
	MaxDistanceM float64       `json:"max_distance_m"` // default 500 m
	MinDuration  time.Duration `json:"min_duration"`   // default 2 h
	MaxMedianKn  float64       `json:"max_median_kn"`  // default 2 kn
	PortRadiusM  float64       `json:"port_radius_m"`  // default 10 km
	// Rendezvous: closer, shorter, under way together.
	RendezvousM       float64       `json:"rendezvous_m"`          // default 250 m
	RendezvousMin     time.Duration `json:"rendezvous_min"`        // default 30 min
	RendezvousSpeedKn float64       `json:"rendezvous_speed_kn"`   // speed difference, default 2 kn
	RendezvousCourse  float64       `json:"rendezvous_course_deg"` // course difference, default 30°
	// CheckEvery is how often each vessel looks for neighbours (default 1 min); MaxMiss ends a
	// pair that has not been seen together for that long (default 15 min).
	CheckEvery time.Duration `json:"check_every"`
	MaxMiss    time.Duration `json:"max_miss"`
	// MaxPairs bounds the pairs one vessel is followed in at once, and MaxNeighbours the
	// vessels one check looks at (defaults 16 and 64): in a crowd (a fishing fleet, an
	// anchorage not in the port lists) memory and time stay bounded per vessel; pairs not
	// followed are counted in Stats.PairsCapped.
	MaxPairs      int `json:"max_pairs"`
	MaxNeighbours int `json:"max_neighbours"`
}

// LoiteringConfig: a vessel lingering at sea.
type LoiteringConfig struct {
	MaxKn       float64       `json:"max_kn"`       // default 2 kn
	MinDuration time.Duration `json:"min_duration"` // default 4 h
	MinShoreNM  float64       `json:"min_shore_nm"` // default 20 nm
	// Anchorage reports waiting near a port or anchorage (within Encounter.PortRadiusM) as
	// loitering with Detail "anchorage" and severity low (default off).
	Anchorage bool `json:"anchorage"`
	// MaxGap ends a loitering run when two reports are further apart (default 2 h).
	MaxGap time.Duration `json:"max_gap"`
}

// ZoneConfig: entries into territorial seas and contiguous zones.
type ZoneConfig struct {
	WatchMMSI []uint32 `json:"watch_mmsi"` // vessels whose every entry is an alert
	// WatchZones are "STATE/zone" (e.g. "MEX/territorial_sea") or "STATE/*": every entry into
	// them is an alert.
	WatchZones []string `json:"watch_zones"`
	// WatchFor is how long a vessel flagged by another alert stays watched (default 12 h; 0
	// disables). Such a vessel is watched into territorial seas (and internal waters) only;
	// watch-listed vessels and watched zones also into contiguous zones.
	WatchFor time.Duration `json:"watch_for"`
}

// SpeedConfig: go-fast boats.
type SpeedConfig struct {
	MinKn        float64       `json:"min_kn"`         // default 30 kn
	SmallLengthM float64       `json:"small_length_m"` // default 15 m; class B counts as small too
	MinShoreNM   float64       `json:"min_shore_nm"`   // default 12 nm
	MinDuration  time.Duration `json:"min_duration"`   // default 2 min
	MinReports   int           `json:"min_reports"`    // default 3
}

// IdentityConfig: identity anomalies.
type IdentityConfig struct {
	// Confirm is the number of reports each of two interleaved tracks of one MMSI needs before
	// "two places at once" is raised (default 3).
	Confirm int `json:"confirm"`
}

// DefaultConfig returns the thresholds of the public definitions (see the package
// documentation).
func DefaultConfig() Config {
	return Config{
		Gap: GapConfig{Min: 6 * time.Hour, IntentionalMin: 12 * time.Hour, IntentionalShore: 50, GoodReception: 14},
		Encounter: EncounterConfig{MaxDistanceM: 500, MinDuration: 2 * time.Hour, MaxMedianKn: 2, PortRadiusM: 10000,
			RendezvousM: 250, RendezvousMin: 30 * time.Minute, RendezvousSpeedKn: 2, RendezvousCourse: 30,
			CheckEvery: time.Minute, MaxMiss: 15 * time.Minute, MaxPairs: 16, MaxNeighbours: 64},
		Loitering:      LoiteringConfig{MaxKn: 2, MinDuration: 4 * time.Hour, MinShoreNM: 20, MaxGap: 2 * time.Hour},
		Zone:           ZoneConfig{WatchFor: 12 * time.Hour},
		Speed:          SpeedConfig{MinKn: 30, SmallLengthM: 15, MinShoreNM: 12, MinDuration: 2 * time.Minute, MinReports: 3},
		Identity:       IdentityConfig{Confirm: 3},
		MaxImpliedKn:   60,
		PositionSlackM: 200,
		TimeResolution: time.Second,
		LocateEveryNM:  0.5,
		LocateEvery:    10 * time.Minute,
		MaxEvidence:    16,
	}
}

// Validate reports the first threshold that cannot work, naming its JSON key.
func (c Config) Validate() error {
	pos := func(name string, v float64) error {
		if !(v > 0) {
			return fmt.Errorf("detect config: %s = %g: want a positive number", name, v)
		}
		return nil
	}
	dur := func(name string, v time.Duration) error {
		if v <= 0 {
			return fmt.Errorf("detect config: %s = %s: want a positive duration", name, v)
		}
		return nil
	}
	for _, err := range []error{
		dur("gap.min", c.Gap.Min), dur("gap.intentional_min", c.Gap.IntentionalMin),
		pos("encounter.max_distance_m", c.Encounter.MaxDistanceM), dur("encounter.min_duration", c.Encounter.MinDuration),
		pos("encounter.max_median_kn", c.Encounter.MaxMedianKn), pos("encounter.rendezvous_m", c.Encounter.RendezvousM),
		dur("encounter.rendezvous_min", c.Encounter.RendezvousMin), dur("encounter.check_every", c.Encounter.CheckEvery),
		dur("encounter.max_miss", c.Encounter.MaxMiss),
		pos("loitering.max_kn", c.Loitering.MaxKn), dur("loitering.min_duration", c.Loitering.MinDuration),
		dur("loitering.max_gap", c.Loitering.MaxGap),
		pos("speed.min_kn", c.Speed.MinKn), pos("max_implied_kn", c.MaxImpliedKn),
		pos("locate_every_nm", c.LocateEveryNM), dur("locate_every", c.LocateEvery),
	} {
		if err != nil {
			return err
		}
	}
	if c.Encounter.MaxDistanceM > 2000 || c.Encounter.RendezvousM > 2000 {
		return fmt.Errorf("detect config: encounter distances above 2000 m are not supported (the pairing grid is sized for them)")
	}
	for _, z := range c.Zone.WatchZones {
		if _, _, err := parseWatchZone(z); err != nil {
			return err
		}
	}
	if c.Encounter.MaxPairs < 1 || c.Encounter.MaxNeighbours < 1 {
		return fmt.Errorf("detect config: encounter.max_pairs = %d, encounter.max_neighbours = %d: want at least 1", c.Encounter.MaxPairs, c.Encounter.MaxNeighbours)
	}
	if c.MaxEvidence < 2 {
		return fmt.Errorf("detect config: max_evidence = %d: want at least 2", c.MaxEvidence)
	}
	return nil
}

func parseWatchZone(s string) (state, zone string, err error) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			state, zone = s[:i], s[i+1:]
			break
		}
	}
	switch zone {
	case "territorial_sea", "contiguous_zone", "*":
	default:
		return "", "", fmt.Errorf("detect config: zone_entry.watch_zones %q: want STATE/territorial_sea, STATE/contiguous_zone or STATE/*", s)
	}
	if len(state) != 3 {
		return "", "", fmt.Errorf("detect config: zone_entry.watch_zones %q: want an ISO 3166 alpha-3 state such as MEX", s)
	}
	return state, zone, nil
}
