// Package detect builds per-vessel tracks from AIS reports and runs streaming behaviour
// detectors over them: AIS gaps, encounters (transshipment) and rendezvous, loitering, zone
// entries, speed anomalies (go-fast boats and impossible implied speeds) and identity anomalies
// (invalid MMSIs, one MMSI in two places at once, changes of name and flag). It is domain only:
// no HTTP, no SQL.
//
// A [Detector] consumes positions and static reports in time order ([Detector.Position],
// [Detector.Static]) and calls its emit function with each [Alert]. Memory is bounded per
// vessel (a fixed-size state, a ring of recent positions and hourly reception counts) and per
// pair of nearby vessels; pairs are found through a grid of cells (about 555 m × 0.02° of
// longitude), so the cost grows with the number of vessels, not its square.
//
// Units: positions in degrees (WGS 84), speeds in knots, distances in nautical miles (nm,
// 1852 m) unless a name says metres, times in UTC.
//
// # Definitions (defaults of [DefaultConfig])
//
// The defaults follow the public definitions used by Global Fishing Watch and Skylight:
//
//   - gap: no position for at least 6 h. Severity high ("likely intentional") when it lasted at
//     least 12 h, began more than 50 nm from shore, and the vessel had at least 14 positions in
//     the 12 h before it; otherwise low.
//   - encounter: two vessels at most 500 m apart for at least 2 h, both with a median speed
//     under 2 kn during it, at least 10 km from any port or anchorage; or (rendezvous) at most
//     250 m apart for at least 30 min at similar speed (±2 kn) and course (±30°) while under way.
//   - loitering: speed under 2 kn for at least 4 h, at least 20 nm from shore. A vessel that
//     loiters within 10 km of a port or anchorage is waiting, not loitering: with
//     Loitering.Anchorage it is reported with Detail "anchorage".
//   - zone_entry: a vessel passes from beyond into a state's territorial sea or contiguous zone
//     and is watched: on the configured watch list, or the zone is on the configured zone watch
//     list; or, for territorial seas only, it was flagged by another alert in the last 12 h
//     (Zone.WatchFor). One alert per entry: if the vessel goes on from the contiguous zone into
//     the territorial sea, the alert (same ID) reports the deepest zone entered.
//   - speed: a small craft (under 15 m, or a class B transponder) at 30 kn or more for at
//     least 2 min, starting at least 12 nm from shore (the go-fast pattern); or an impossible
//     jump (implied speed over 60 kn between reports) after which the vessel stays at the new
//     place (the old track falls silent).
//   - identity: an MMSI that is not a valid ship station (bad length, kind or MID); one MMSI
//     heard at two places at once (two interleaved tracks whose jumps between them imply more
//     than 60 kn); a change of name under one MMSI; one IMO number under a new MMSI and flag
//     (flag hopping).
//
// Impossible jumps are never dropped: the report goes to a second track of the same MMSI, is
// counted in [Stats].Jumps, and is evidence in the alert it leads to.
//
// Place, state, zone, competent authority and the distance to shore (the baseline distance)
// come from a [Locator], in practice the jurisdiction engine; ports and anchorages from
// [Ports] (../shared/data/ports, read at run time).
package detect
