package ais

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// AppendJSON appends m as one JSON object in Accord's own form: values in units (positions in
// degrees, speeds in knots, courses and headings in degrees true, distances in metres), fields
// whose value was transmitted as "not available" left out, text trimmed, plus the derived
// "mmsi_kind" (see [MMSIKind]) and "flag" (ISO 3166-1 alpha-3 from the MID, left out when
// unknown). Binary data is "data" in hexadecimal with its length in "data_bits"; a decoded
// application message is "app" with its raw fields. No line terminator is appended.
func AppendJSON(dst []byte, m Message) []byte {
	j := jw{b: append(dst, '{')}
	j.b = append(j.b, `"type":`...)
	j.b = strconv.AppendInt(j.b, int64(m.Type()), 10)
	h := headerOf(m)
	if h != nil {
		j.u("repeat", uint64(h.Repeat))
	}
	j.u("mmsi", uint64(m.MMSI()))
	kind, _ := KindOf(m.MMSI())
	j.str("mmsi_kind", kind.String())
	if f := Flag(m.MMSI()); f != "" {
		j.str("flag", f)
	}
	fl := func(k string, v float64, ok bool) {
		if ok {
			j.key(k)
			j.b = strconv.AppendFloat(j.b, v, 'f', -1, 64)
		}
	}
	txt := func(k, v string) {
		if s := Text(v); s != "" {
			j.str(k, s)
		}
	}
	pos := func(lat, lon func() (float64, bool)) {
		la, ok1 := lat()
		lo, ok2 := lon()
		if ok1 && ok2 {
			fl("lat", la, true)
			fl("lon", lo, true)
		}
	}
	dimsOut := func(bow, stern uint16, port, star uint8) {
		if l, b, ok := dims(bow, stern, port, star); ok {
			fl("length_m", l, true)
			fl("beam_m", b, true)
			j.u("to_bow_m", uint64(bow))
			j.u("to_stern_m", uint64(stern))
			j.u("to_port_m", uint64(port))
			j.u("to_starboard_m", uint64(star))
		}
	}
	status := func(s uint8) {
		if s != 15 {
			j.u("nav_status", uint64(s))
			j.str("nav_status_text", navStatusText[s&15])
		}
	}
	shipType := func(t uint8) {
		if t != 0 {
			j.u("ship_type", uint64(t))
			j.str("ship_type_text", shipTypeLegend(t))
		}
	}
	data := func(d []byte, bits int) {
		j.u("data_bits", uint64(bits))
		j.key("data")
		j.b = append(j.b, '"')
		j.b = hex.AppendEncode(j.b, d[:min(len(d), (bits+7)/8)])
		j.b = append(j.b, '"')
	}
	app := func(a Application) {
		if a == nil {
			return
		}
		if b, err := json.Marshal(a); err == nil {
			j.key("app")
			j.b = append(j.b, b...)
		}
	}
	switch m := m.(type) {
	case *PositionReport:
		status(m.NavStatus)
		pos(m.Lat, m.Lon)
		v, ok := m.SpeedKnots()
		fl("sog_kn", v, ok)
		v, ok = m.CourseDeg()
		fl("cog_deg", v, ok)
		v, ok = m.HeadingDeg()
		fl("heading_deg", v, ok)
		v, ok = m.TurnRate()
		fl("rot_deg_min", v, ok)
		j.bool("accuracy", m.Accuracy)
		if m.Second < 60 {
			j.u("second", uint64(m.Second))
		}
		j.bool("raim", m.RAIM)
	case *BaseStationReport:
		if m.Year != 0 && m.Month != 0 && m.Day != 0 && m.Hour < 24 && m.Minute < 60 && m.Second < 60 {
			j.key("time")
			j.b = append(j.b, '"')
			j.b = strconv.AppendUint(j.b, uint64(m.Year), 10)
			j.b = append(j.b, '-')
			j.b = dd(j.b, uint64(m.Month))
			j.b = append(j.b, '-')
			j.b = dd(j.b, uint64(m.Day))
			j.b = append(j.b, 'T')
			j.b = dd(j.b, uint64(m.Hour))
			j.b = append(j.b, ':')
			j.b = dd(j.b, uint64(m.Minute))
			j.b = append(j.b, ':')
			j.b = dd(j.b, uint64(m.Second))
			j.b = append(j.b, 'Z', '"')
		}
		pos(m.Lat, m.Lon)
		j.u("epfd", uint64(m.EPFD))
	case *StaticVoyageData:
		if m.IMO != 0 {
			j.u("imo", uint64(m.IMO))
		}
		txt("callsign", m.CallSign)
		txt("name", m.Name)
		shipType(m.ShipType)
		dimsOut(m.ToBow, m.ToStern, m.ToPort, m.ToStarboard)
		v, ok := m.DraughtMetres()
		fl("draught_m", v, ok)
		txt("destination", m.Destination)
		if m.ETAMonth != 0 && m.ETADay != 0 && m.ETAHour < 24 && m.ETAMinute < 60 {
			j.key("eta")
			j.b = appendMDHM(j.b, m.ETAMonth, m.ETADay, m.ETAHour, m.ETAMinute, true)
		}
		j.u("ais_version", uint64(m.AISVersion))
	case *BinaryAddressed:
		j.u("dest_mmsi", uint64(m.DestMMSI))
		j.u("dac", uint64(m.DAC))
		j.u("fid", uint64(m.FID))
		data(m.Data, m.DataBits)
		app(m.App)
	case *BinaryAck:
		j.key("acks")
		j.b = append(j.b, '[')
		for i := 0; i < m.N && i < 4; i++ {
			if i > 0 {
				j.b = append(j.b, ',')
			}
			j.b = append(j.b, `{"mmsi":`...)
			j.b = strconv.AppendUint(j.b, uint64(m.Acks[i].MMSI), 10)
			j.u("seq", uint64(m.Acks[i].Seq))
			j.b = append(j.b, '}')
		}
		j.b = append(j.b, ']')
	case *BinaryBroadcast:
		j.u("dac", uint64(m.DAC))
		j.u("fid", uint64(m.FID))
		data(m.Data, m.DataBits)
		app(m.App)
	case *SARAircraftPosition:
		pos(m.Lat, m.Lon)
		v, ok := m.AltitudeMetres()
		fl("altitude_m", v, ok)
		v, ok = m.SpeedKnots()
		fl("sog_kn", v, ok)
		v, ok = m.CourseDeg()
		fl("cog_deg", v, ok)
	case *UTCInquiry:
		j.u("dest_mmsi", uint64(m.DestMMSI))
	case *SafetyAddressed:
		j.u("dest_mmsi", uint64(m.DestMMSI))
		txt("text", m.Text)
	case *SafetyBroadcast:
		txt("text", m.Text)
	case *Interrogation:
		j.u("mmsi1", uint64(m.MMSI1))
		j.u("type1_1", uint64(m.Type1_1))
		if m.Parts >= 2 {
			j.u("type1_2", uint64(m.Type1_2))
		}
		if m.Parts == 3 {
			j.u("mmsi2", uint64(m.MMSI2))
			j.u("type2_1", uint64(m.Type2_1))
		}
	case *AssignedMode:
		j.u("mmsi1", uint64(m.MMSI1))
		j.u("offset1", uint64(m.Offset1))
		j.u("increment1", uint64(m.Increment1))
		if m.Second {
			j.u("mmsi2", uint64(m.MMSI2))
			j.u("offset2", uint64(m.Offset2))
			j.u("increment2", uint64(m.Increment2))
		}
	case *GNSSBroadcast:
		pos(m.Lat, m.Lon)
		data(m.Data, m.DataBits)
	case *ClassBPosition:
		pos(m.Lat, m.Lon)
		v, ok := m.SpeedKnots()
		fl("sog_kn", v, ok)
		v, ok = m.CourseDeg()
		fl("cog_deg", v, ok)
		v, ok = m.HeadingDeg()
		fl("heading_deg", v, ok)
		j.bool("accuracy", m.Accuracy)
		j.bool("cs", m.CS)
	case *ClassBExtended:
		pos(m.Lat, m.Lon)
		v, ok := m.SpeedKnots()
		fl("sog_kn", v, ok)
		v, ok = m.CourseDeg()
		fl("cog_deg", v, ok)
		v, ok = m.HeadingDeg()
		fl("heading_deg", v, ok)
		txt("name", m.Name)
		shipType(m.ShipType)
		dimsOut(m.ToBow, m.ToStern, m.ToPort, m.ToStarboard)
	case *DataLinkManagement:
		j.key("reservations")
		j.b = append(j.b, '[')
		for i := 0; i < m.N && i < 4; i++ {
			s := m.Slots[i]
			if i > 0 {
				j.b = append(j.b, ',')
			}
			j.b = append(j.b, `{"offset":`...)
			j.b = strconv.AppendUint(j.b, uint64(s.Offset), 10)
			j.u("number", uint64(s.Number))
			j.u("timeout_min", uint64(s.Timeout))
			j.u("increment", uint64(s.Increment))
			j.b = append(j.b, '}')
		}
		j.b = append(j.b, ']')
	case *AidToNavigation:
		j.u("aid_type", uint64(m.AidType))
		j.str("aid_type_text", aidTypeText[m.AidType&31])
		if n := m.FullName(); n != "" {
			j.str("name", n)
		}
		pos(m.Lat, m.Lon)
		dimsOut(m.ToBow, m.ToStern, m.ToPort, m.ToStarboard)
		j.bool("off_position", m.OffPosition)
		j.bool("virtual", m.Virtual)
	case *ChannelManagement:
		j.u("channel_a", uint64(m.ChannelA))
		j.u("channel_b", uint64(m.ChannelB))
		if m.Addressed {
			j.u("dest1", uint64(m.Dest1))
			j.u("dest2", uint64(m.Dest2))
		} else {
			areaJSON(&j, m.NELat, m.NELon, m.SWLat, m.SWLon)
		}
	case *GroupAssignment:
		areaJSON(&j, m.NELat, m.NELon, m.SWLat, m.SWLon)
		j.u("station_type", uint64(m.StationType))
		shipType(m.ShipType)
		j.u("interval", uint64(m.Interval))
		j.u("quiet_min", uint64(m.Quiet))
	case *StaticDataReport:
		if m.PartNum == 0 {
			j.str("part", "A")
			txt("name", m.Name)
			break
		}
		j.str("part", "B")
		shipType(m.ShipType)
		txt("vendor", m.Manufacturer())
		txt("callsign", m.CallSign)
		if mm, ok := m.MothershipMMSI(); ok {
			j.u("mothership_mmsi", uint64(mm))
		} else {
			dimsOut(m.ToBow, m.ToStern, m.ToPort, m.ToStarboard)
		}
	case *SingleSlotBinary:
		if m.Addressed {
			j.u("dest_mmsi", uint64(m.DestMMSI))
		}
		if m.Structured {
			j.u("app_id", uint64(m.AppID))
		}
		data(m.Data, m.DataBits)
	case *MultiSlotBinary:
		if m.Addressed {
			j.u("dest_mmsi", uint64(m.DestMMSI))
		}
		if m.Structured {
			j.u("app_id", uint64(m.AppID))
		}
		data(m.Data, m.DataBits)
		j.u("radio", uint64(m.Radio))
	case *LongRangePosition:
		status(m.NavStatus)
		pos(m.Lat, m.Lon)
		v, ok := m.SpeedKnots()
		fl("sog_kn", v, ok)
		v, ok = m.CourseDeg()
		fl("cog_deg", v, ok)
		j.bool("accuracy", m.Accuracy)
	}
	return append(j.b, '}')
}

// areaJSON writes a rectangle given in 1/10 minute as degrees.
func areaJSON(j *jw, neLat, neLon, swLat, swLon int32) {
	a, ok1 := lat1(neLat)
	b, ok2 := lon1(neLon)
	c, ok3 := lat1(swLat)
	d, ok4 := lon1(swLon)
	if ok1 && ok2 && ok3 && ok4 {
		for _, kv := range []struct {
			k string
			v float64
		}{{"ne_lat", a}, {"ne_lon", b}, {"sw_lat", c}, {"sw_lon", d}} {
			j.key(kv.k)
			j.b = strconv.AppendFloat(j.b, kv.v, 'f', -1, 64)
		}
	}
}
