package ais

import "strings"

// Text returns six-bit text as a person reads it: up to the first '@' (the ITU-R M.1371 padding
// character), without trailing spaces.
func Text(s string) string { return gpsdText(s) }

// headerOf returns the common header of a message of this package, or nil.
func headerOf(m Message) *Header {
	switch m := m.(type) {
	case *PositionReport:
		return &m.Header
	case *BaseStationReport:
		return &m.Header
	case *StaticVoyageData:
		return &m.Header
	case *BinaryAddressed:
		return &m.Header
	case *BinaryAck:
		return &m.Header
	case *BinaryBroadcast:
		return &m.Header
	case *SARAircraftPosition:
		return &m.Header
	case *UTCInquiry:
		return &m.Header
	case *SafetyAddressed:
		return &m.Header
	case *SafetyBroadcast:
		return &m.Header
	case *Interrogation:
		return &m.Header
	case *AssignedMode:
		return &m.Header
	case *GNSSBroadcast:
		return &m.Header
	case *ClassBPosition:
		return &m.Header
	case *ClassBExtended:
		return &m.Header
	case *DataLinkManagement:
		return &m.Header
	case *AidToNavigation:
		return &m.Header
	case *ChannelManagement:
		return &m.Header
	case *GroupAssignment:
		return &m.Header
	case *StaticDataReport:
		return &m.Header
	case *SingleSlotBinary:
		return &m.Header
	case *MultiSlotBinary:
		return &m.Header
	case *LongRangePosition:
		return &m.Header
	}
	return nil
}

// Raw position encodings (ITU-R M.1371-5): 1/10,000 minute for most reports, 1/10 minute for
// types 17, 22, 23 and 27, 1/1,000 minute in the IMO application messages.
const (
	lonNA4 = 181 * 600000 // 181° in 1/10,000 minute
	latNA4 = 91 * 600000
	lonNA1 = 181 * 600 // 181° in 1/10 minute
	latNA1 = 91 * 600
)

func lat4(v int32) (float64, bool) {
	if v == latNA4 || v > 90*600000 || v < -90*600000 {
		return 0, false
	}
	return float64(v) / 600000, true
}

func lon4(v int32) (float64, bool) {
	if v == lonNA4 || v > 180*600000 || v < -180*600000 {
		return 0, false
	}
	return float64(v) / 600000, true
}

func lat1(v int32) (float64, bool) {
	if v == latNA1 || v > 90*600 || v < -90*600 {
		return 0, false
	}
	return float64(v) / 600, true
}

func lon1(v int32) (float64, bool) {
	if v == lonNA1 || v > 180*600 || v < -180*600 {
		return 0, false
	}
	return float64(v) / 600, true
}

// sog10 converts a 10-bit speed in 1/10 knot; 1023 is not available.
func sog10(v uint16) (float64, bool) {
	if v >= 1023 {
		return 0, false
	}
	return float64(v) / 10, true
}

// cog10 converts a 12-bit course in 1/10 degree; 3600 and above are not available.
func cog10(v uint16) (float64, bool) {
	if v >= 3600 {
		return 0, false
	}
	return float64(v) / 10, true
}

// heading converts a 9-bit true heading in degrees; 511 (and anything above 359) is not available.
func heading(v uint16) (float64, bool) {
	if v > 359 {
		return 0, false
	}
	return float64(v), true
}

// Lat returns the latitude in degrees north, ok=false when not available or out of range.
func (m *PositionReport) Lat() (deg float64, ok bool) { return lat4(m.Latitude) }

// Lon returns the longitude in degrees east, ok=false when not available or out of range.
func (m *PositionReport) Lon() (deg float64, ok bool) { return lon4(m.Longitude) }

// SpeedKnots returns the speed over ground in knots (102.2 means 102.2 knots or more).
func (m *PositionReport) SpeedKnots() (float64, bool) { return sog10(m.SOG) }

// CourseDeg returns the course over ground in degrees true.
func (m *PositionReport) CourseDeg() (float64, bool) { return cog10(m.COG) }

// HeadingDeg returns the true heading in degrees.
func (m *PositionReport) HeadingDeg() (float64, bool) { return heading(m.Heading) }

// TurnRate returns the rate of turn in degrees per minute, from the ROT indicator
// (ROT_AIS = 4.733 × sqrt(ROT)). ok is false when not available (-128) or when the sensor only
// says "turning faster than 5° per 30 s" (±127); 0 is "not turning".
func (m *PositionReport) TurnRate() (degPerMin float64, ok bool) {
	if m.ROT == -128 || m.ROT == 127 || m.ROT == -127 {
		return 0, false
	}
	r := float64(m.ROT) / 4.733
	if m.ROT < 0 {
		return -r * r, true
	}
	return r * r, true
}

// Lat returns the latitude in degrees north.
func (m *BaseStationReport) Lat() (float64, bool) { return lat4(m.Latitude) }

// Lon returns the longitude in degrees east.
func (m *BaseStationReport) Lon() (float64, bool) { return lon4(m.Longitude) }

// Lat returns the latitude in degrees north.
func (m *SARAircraftPosition) Lat() (float64, bool) { return lat4(m.Latitude) }

// Lon returns the longitude in degrees east.
func (m *SARAircraftPosition) Lon() (float64, bool) { return lon4(m.Longitude) }

// SpeedKnots returns the speed over ground in knots (whole knots for SAR aircraft).
func (m *SARAircraftPosition) SpeedKnots() (float64, bool) {
	if m.SOG >= 1023 {
		return 0, false
	}
	return float64(m.SOG), true
}

// CourseDeg returns the course over ground in degrees true.
func (m *SARAircraftPosition) CourseDeg() (float64, bool) { return cog10(m.COG) }

// AltitudeMetres returns the altitude in metres (4094 means 4094 m or higher).
func (m *SARAircraftPosition) AltitudeMetres() (float64, bool) {
	if m.Altitude >= 4095 {
		return 0, false
	}
	return float64(m.Altitude), true
}

// Lat returns the latitude in degrees north.
func (m *ClassBPosition) Lat() (float64, bool) { return lat4(m.Latitude) }

// Lon returns the longitude in degrees east.
func (m *ClassBPosition) Lon() (float64, bool) { return lon4(m.Longitude) }

// SpeedKnots returns the speed over ground in knots.
func (m *ClassBPosition) SpeedKnots() (float64, bool) { return sog10(m.SOG) }

// CourseDeg returns the course over ground in degrees true.
func (m *ClassBPosition) CourseDeg() (float64, bool) { return cog10(m.COG) }

// HeadingDeg returns the true heading in degrees.
func (m *ClassBPosition) HeadingDeg() (float64, bool) { return heading(m.Heading) }

// Lat returns the latitude in degrees north.
func (m *ClassBExtended) Lat() (float64, bool) { return lat4(m.Latitude) }

// Lon returns the longitude in degrees east.
func (m *ClassBExtended) Lon() (float64, bool) { return lon4(m.Longitude) }

// SpeedKnots returns the speed over ground in knots.
func (m *ClassBExtended) SpeedKnots() (float64, bool) { return sog10(m.SOG) }

// CourseDeg returns the course over ground in degrees true.
func (m *ClassBExtended) CourseDeg() (float64, bool) { return cog10(m.COG) }

// HeadingDeg returns the true heading in degrees.
func (m *ClassBExtended) HeadingDeg() (float64, bool) { return heading(m.Heading) }

// Lat returns the latitude in degrees north.
func (m *AidToNavigation) Lat() (float64, bool) { return lat4(m.Latitude) }

// Lon returns the longitude in degrees east.
func (m *AidToNavigation) Lon() (float64, bool) { return lon4(m.Longitude) }

// FullName returns the name with its extension, trimmed.
func (m *AidToNavigation) FullName() string {
	return strings.TrimRight(Text(m.Name)+Text(m.NameExt), " ")
}

// Lat returns the latitude in degrees north (1/10 minute resolution).
func (m *LongRangePosition) Lat() (float64, bool) { return lat1(m.Latitude) }

// Lon returns the longitude in degrees east (1/10 minute resolution).
func (m *LongRangePosition) Lon() (float64, bool) { return lon1(m.Longitude) }

// SpeedKnots returns the speed over ground in whole knots.
func (m *LongRangePosition) SpeedKnots() (float64, bool) {
	if m.SOG >= 63 {
		return 0, false
	}
	return float64(m.SOG), true
}

// CourseDeg returns the course over ground in whole degrees.
func (m *LongRangePosition) CourseDeg() (float64, bool) {
	if m.COG >= 360 {
		return 0, false
	}
	return float64(m.COG), true
}

// Lat returns the reference station latitude in degrees north (1/10 minute resolution).
func (m *GNSSBroadcast) Lat() (float64, bool) { return lat1(m.Latitude) }

// Lon returns the reference station longitude in degrees east.
func (m *GNSSBroadcast) Lon() (float64, bool) { return lon1(m.Longitude) }

// dims converts the four reference-point distances to length and beam in metres; ok is false
// when the dimensions are not available (all zero, or either sum zero).
func dims(bow, stern uint16, port, star uint8) (length, beam float64, ok bool) {
	l, b := int(bow)+int(stern), int(port)+int(star)
	if l == 0 || b == 0 {
		return 0, 0, false
	}
	return float64(l), float64(b), true
}

// Dimensions returns the overall length and beam in metres.
func (m *StaticVoyageData) Dimensions() (length, beam float64, ok bool) {
	return dims(m.ToBow, m.ToStern, m.ToPort, m.ToStarboard)
}

// DraughtMetres returns the maximum present static draught in metres.
func (m *StaticVoyageData) DraughtMetres() (float64, bool) {
	if m.Draught == 0 {
		return 0, false
	}
	return float64(m.Draught) / 10, true
}

// Dimensions returns the overall length and beam in metres.
func (m *ClassBExtended) Dimensions() (length, beam float64, ok bool) {
	return dims(m.ToBow, m.ToStern, m.ToPort, m.ToStarboard)
}

// Dimensions returns the overall length and beam in metres of a part B report, ok=false for
// part A, for an auxiliary craft (whose dimension bits carry the mother ship's MMSI), or when
// not available.
func (m *StaticDataReport) Dimensions() (length, beam float64, ok bool) {
	if m.PartNum != 1 || IsAuxiliary(m.UserID) {
		return 0, 0, false
	}
	return dims(m.ToBow, m.ToStern, m.ToPort, m.ToStarboard)
}

// vendorBits returns the 42 bits of the vendor ID field.
func (m *StaticDataReport) vendorBits() uint64 {
	var v uint64
	for i := 0; i < 7; i++ {
		var c byte
		if i < len(m.VendorID) {
			c = textValue[m.VendorID[i]]
			if c == 0xff {
				c = 0
			}
		}
		v = v<<6 | uint64(c)
	}
	return v
}

// Manufacturer returns the three-character manufacturer ID of a part B report.
func (m *StaticDataReport) Manufacturer() string {
	s := m.VendorID
	if len(s) > 3 {
		s = s[:3]
	}
	return Text(s)
}

// Model returns the unit model code (4 bits) of a part B report (ITU-R M.1371-4 and later).
func (m *StaticDataReport) Model() uint8 { return uint8(m.vendorBits() >> 20 & 0xf) }

// Serial returns the unit serial number (20 bits) of a part B report.
func (m *StaticDataReport) Serial() uint32 { return uint32(m.vendorBits() & 0xfffff) }

// MothershipMMSI returns the mother ship's MMSI carried by an auxiliary craft's part B report
// (MMSI 98MIDxxxx) in place of its dimensions.
func (m *StaticDataReport) MothershipMMSI() (uint32, bool) {
	if m.PartNum != 1 || !IsAuxiliary(m.UserID) {
		return 0, false
	}
	return uint32(m.ToBow)<<21 | uint32(m.ToStern)<<12 | uint32(m.ToPort)<<6 | uint32(m.ToStarboard), true
}
