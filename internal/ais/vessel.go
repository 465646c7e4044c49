package ais

import (
	"math"

	"accord/internal/vessel"
)

// PositionOf converts a position-bearing message (types 1, 2, 3, 9, 18, 19 and 27) to a
// vessel.Position. ok is false for other types and when the latitude or longitude is not
// available. Speed, course and heading that were not available are NaN; NavStatus is -1 for
// messages without one (class B, SAR aircraft). Time and Source are left zero for the caller,
// who knows the receive or tag-block time and the feed.
func PositionOf(m Message) (vessel.Position, bool) {
	p := vessel.Position{MMSI: m.MMSI(), MsgType: m.Type(), NavStatus: -1,
		SOG: math.NaN(), COG: math.NaN(), Heading: math.NaN()}
	var lat, lon float64
	var ok1, ok2 bool
	switch m := m.(type) {
	case *PositionReport:
		lat, ok1 = m.Lat()
		lon, ok2 = m.Lon()
		set2(m.SpeedKnots, &p.SOG)
		set2(m.CourseDeg, &p.COG)
		set2(m.HeadingDeg, &p.Heading)
		p.NavStatus = int(m.NavStatus)
	case *SARAircraftPosition:
		lat, ok1 = m.Lat()
		lon, ok2 = m.Lon()
		set2(m.SpeedKnots, &p.SOG)
		set2(m.CourseDeg, &p.COG)
	case *ClassBPosition:
		lat, ok1 = m.Lat()
		lon, ok2 = m.Lon()
		set2(m.SpeedKnots, &p.SOG)
		set2(m.CourseDeg, &p.COG)
		set2(m.HeadingDeg, &p.Heading)
	case *ClassBExtended:
		lat, ok1 = m.Lat()
		lon, ok2 = m.Lon()
		set2(m.SpeedKnots, &p.SOG)
		set2(m.CourseDeg, &p.COG)
		set2(m.HeadingDeg, &p.Heading)
	case *LongRangePosition:
		lat, ok1 = m.Lat()
		lon, ok2 = m.Lon()
		set2(m.SpeedKnots, &p.SOG)
		set2(m.CourseDeg, &p.COG)
		p.NavStatus = int(m.NavStatus)
	default:
		return vessel.Position{}, false
	}
	if !ok1 || !ok2 {
		return vessel.Position{}, false
	}
	p.Lat, p.Lon = lat, lon
	return p, true
}

func set2(f func() (float64, bool), dst *float64) {
	if v, ok := f(); ok {
		*dst = v
	}
}

// StaticOf converts a static report (type 5, 19, or either part of 24) to a partial
// vessel.Static: fields the message does not carry, or carries as "not available", are empty,
// zero or NaN. Flag comes from the MMSI's MID. Time and Source are left zero for the caller.
//
// Merge rule for the caller: a vessel's static data is the field-by-field merge of its reports,
// newest first, where a report sets a field only when it carries it (a non-empty string, a
// non-zero integer, a non-NaN float); see [MergeStatic]. A type 24 part A gives only Name; a
// part B gives ShipType, CallSign, Length and Beam; the two parts may arrive in either order
// and minutes apart, so neither clears what the other set.
func StaticOf(m Message) (vessel.Static, bool) {
	s := vessel.Static{MMSI: m.MMSI(), Flag: Flag(m.MMSI()),
		Length: math.NaN(), Beam: math.NaN(), Draught: math.NaN()}
	switch m := m.(type) {
	case *StaticVoyageData:
		s.IMO = m.IMO
		s.Name = Text(m.Name)
		s.CallSign = Text(m.CallSign)
		s.ShipType = int(m.ShipType)
		s.Destination = Text(m.Destination)
		if l, b, ok := m.Dimensions(); ok {
			s.Length, s.Beam = l, b
		}
		set2(m.DraughtMetres, &s.Draught)
	case *ClassBExtended:
		s.Name = Text(m.Name)
		s.ShipType = int(m.ShipType)
		s.ClassB = true
		if l, b, ok := m.Dimensions(); ok {
			s.Length, s.Beam = l, b
		}
	case *StaticDataReport:
		s.ClassB = true
		if m.PartNum == 0 {
			s.Name = Text(m.Name)
			break
		}
		s.ShipType = int(m.ShipType)
		s.CallSign = Text(m.CallSign)
		if l, b, ok := m.Dimensions(); ok {
			s.Length, s.Beam = l, b
		}
	default:
		return vessel.Static{}, false
	}
	if s.ShipType > 99 {
		s.ShipType = 0 // outside the ITU-R M.1371 ship and cargo types: not available
	}
	return s, true
}

// MergeStatic merges src, a newer partial report, into dst: each field src carries (non-empty,
// non-zero, not NaN) replaces dst's. MMSI, Flag, ClassB, Time and Source follow src when set.
func MergeStatic(dst *vessel.Static, src vessel.Static) {
	if src.MMSI != 0 {
		dst.MMSI = src.MMSI
	}
	if src.IMO != 0 {
		dst.IMO = src.IMO
	}
	str := func(d *string, s string) {
		if s != "" {
			*d = s
		}
	}
	str(&dst.Name, src.Name)
	str(&dst.CallSign, src.CallSign)
	str(&dst.Destination, src.Destination)
	str(&dst.Flag, src.Flag)
	str(&dst.Source, src.Source)
	if src.ShipType != 0 {
		dst.ShipType = src.ShipType
	}
	f := func(d *float64, s float64) {
		if !math.IsNaN(s) {
			*d = s
		}
	}
	f(&dst.Length, src.Length)
	f(&dst.Beam, src.Beam)
	f(&dst.Draught, src.Draught)
	dst.ClassB = dst.ClassB || src.ClassB
	if !src.Time.IsZero() {
		dst.Time = src.Time
	}
}
