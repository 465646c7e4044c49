// Package vessel holds the AIS-derived picture of vessels: their reported positions and their
// static (voyage and identity) data. It is domain only: it knows nothing of HTTP or SQL.
//
// Units everywhere in this package: positions in degrees (WGS 84), speed over ground in knots,
// course and heading in degrees true (0–360), lengths in metres, times in UTC. A value that the
// transmitter reported as "not available" is NaN for floats, and absent (omitted) in JSON.
package vessel

import (
	"math"
	"time"
)

// NA is the value of a float field that was not available. Test it with [IsNA].
var NA = math.NaN()

// IsNA reports whether a float field is "not available".
func IsNA(v float64) bool { return math.IsNaN(v) }

// Position is one reported position of one vessel.
type Position struct {
	MMSI      uint32    // Maritime Mobile Service Identity, 9 digits
	Time      time.Time // UTC; the receive time, or the tag-block time when the feed carries one
	Lat       float64   // degrees north, -90..90
	Lon       float64   // degrees east, -180..180
	SOG       float64   // speed over ground, knots; NaN when not available
	COG       float64   // course over ground, degrees true; NaN when not available
	Heading   float64   // true heading, degrees; NaN when not available
	NavStatus int       // ITU-R M.1371 navigational status 0..15; -1 when the message has none (class B)
	MsgType   int       // AIS message type it came from (1, 2, 3, 18, 19, 27, ...)
	Source    string    // the feed that delivered it
}

// Static is the identity and voyage data of a vessel, merged from AIS types 5, 19 and 24.
// Empty strings and zero integers mean "not reported".
type Static struct {
	MMSI        uint32
	IMO         uint32
	Name        string
	CallSign    string
	ShipType    int     // ITU-R M.1371 ship and cargo type 0..99; 0 when not available
	Length      float64 // metres; NaN when not available
	Beam        float64 // metres; NaN when not available
	Draught     float64 // metres; NaN when not available
	Destination string
	Flag        string    // ISO 3166 alpha-3 derived from the MMSI's MID; "" when unknown
	ClassB      bool      // true for class B transponders (types 18, 19, 24)
	Time        time.Time // UTC time of the last static report merged in
	Source      string    // feed of the last static report
}

// RawSentence is one received NMEA line, kept verbatim as evidence.
type RawSentence struct {
	Source   string    // feed name
	Received time.Time // UTC receive time
	Line     string    // the line as received, without the line terminator
}

// Snapshot is the latest known state of one vessel: its last position and, when one has been
// received, its static data (Static.MMSI is 0 when none has been).
type Snapshot struct {
	Position Position
	Static   Static
}
