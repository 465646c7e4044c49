package ais

import (
	"strconv"
	"strings"

	"accord/internal/ais/nmea"
)

// AppendGPSD appends m as one JSON object in the unscaled AIS form of gpsd 3.22
// (`gpsdecode -u -j`): the same keys in the same order, the same raw integers, the *_text
// descriptions, text fields trimmed as gpsd trims them, binary data as "bits:hex". It appends
// no line terminator. Device is "stdin", as gpsdecode prints it.
//
// Two gpsd behaviours need state and are left to [GPSDWriter]: gpsd prints a type 24 report
// only once both parts arrived, merged. AppendGPSD prints each part on its own with a "part"
// key ("A" or "B"), the form later gpsd releases use.
//
// gpsd quirks reproduced on purpose (see docs/ais-conformance.md): type 26 "radio" is always 0
// (gpsd 3.22 never decodes it); binary "data" of type 26 shows, in its last byte, the first bits of
// the communication state that follows the data; a type 6 tidal window
// lists one more, partly empty, element than the data holds whole. A type 15 field that runs past
// the end of a short message reads the sentence's fill bits, which gpsd does not clear; only
// [GPSDWriter.AppendMessage], which has the sentence, can reproduce that.
func AppendGPSD(dst []byte, m Message) []byte {
	return appendGPSD(dst, m, nil, fillBits{})
}

// fillBits are the fill bits of a message as transmitted: n message bits are followed by count
// fill bits whose value is value (most significant first). They carry no information (ITU-R
// M.1371-5 annex 8) and the decoder clears them, but gpsd 3.22 does not: a type 15 field that
// runs past the end of a short message reads them as data. The zero value means "none known".
type fillBits struct {
	n, count int
	value    uint64
}

// fillOf returns the fill bits of env's payload.
func fillOf(env *nmea.Message) fillBits {
	if env == nil || env.Fill <= 0 || env.Fill > 5 || len(env.Payload) == 0 {
		return fillBits{}
	}
	c := sixbit[env.Payload[len(env.Payload)-1]]
	if c == 0xff {
		return fillBits{}
	}
	return fillBits{n: len(env.Payload)*6 - env.Fill, count: env.Fill, value: uint64(c) & (1<<env.Fill - 1)}
}

// in returns what the fill bits add to the field of width bits at bit offset off.
func (f fillBits) in(off, width int) uint64 {
	var v uint64
	for i := 0; i < f.count; i++ {
		if pos := f.n + i; pos >= off && pos < off+width {
			v |= (f.value >> (f.count - 1 - i) & 1) << (off + width - 1 - pos)
		}
	}
	return v
}

// GPSDWriter prints messages exactly as gpsdecode 3.22 does, line for line: each object from
// [AppendGPSD] followed by "\r\n", except for type 24, where a part A is held and printed merged
// with the first part B of the same MMSI that follows on the same radio channel; a part A
// without its part B, and a part B without a held part A, print nothing. Like gpsd, it holds
// the last 8 part A reports per channel (channel A, '1' or none; channel B or '2'; any other).
// The zero value is ready to use; it is not safe for concurrent use.
type GPSDWriter struct {
	rings [3]type24Ring
}

type type24Ring struct {
	slot [8]struct {
		mmsi uint32
		name string
	}
	next int
}

// Append appends the gpsdecode output line for m (possibly nothing) to dst. channel is the
// radio channel of the sentence ('A', 'B', ...; 0 when the sentence had none).
func (w *GPSDWriter) Append(dst []byte, m Message, channel byte) []byte {
	return w.append(dst, m, channel, fillBits{})
}

// AppendMessage is [GPSDWriter.Append] for a message decoded from env. It also reproduces what
// gpsd prints when a type 15 field runs into the fill bits of env's payload.
func (w *GPSDWriter) AppendMessage(dst []byte, m Message, env *nmea.Message) []byte {
	if env == nil {
		return w.append(dst, m, 0, fillBits{})
	}
	var fb fillBits
	if m.Type() == 15 {
		fb = fillOf(env)
	}
	return w.append(dst, m, env.Channel, fb)
}

func (w *GPSDWriter) append(dst []byte, m Message, channel byte, fb fillBits) []byte {
	if s, ok := m.(*StaticDataReport); ok {
		ring := &w.rings[2]
		switch channel {
		case 'A', '1', 0:
			ring = &w.rings[0]
		case 'B', '2':
			ring = &w.rings[1]
		}
		switch s.PartNum {
		case 0:
			e := &ring.slot[ring.next]
			e.mmsi, e.name = s.UserID, gpsdText(s.Name)
			ring.next = (ring.next + 1) % len(ring.slot)
			return dst
		case 1:
			for i := range ring.slot {
				if ring.slot[i].mmsi == s.UserID {
					ring.slot[i].mmsi = 0
					name := ring.slot[i].name
					dst = appendGPSD(dst, m, &name, fb)
					return append(dst, '\r', '\n')
				}
			}
		}
		return dst
	}
	dst = appendGPSD(dst, m, nil, fb)
	return append(dst, '\r', '\n')
}

// gpsdText trims six-bit text as gpsd does: it stops at the first '@' and drops trailing
// spaces.
func gpsdText(s string) string {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, " @")
}

type jw struct{ b []byte }

func (j *jw) key(k string) {
	j.b = append(j.b, ',', '"')
	j.b = append(j.b, k...)
	j.b = append(j.b, '"', ':')
}
func (j *jw) u(k string, v uint64)    { j.key(k); j.b = strconv.AppendUint(j.b, v, 10) }
func (j *jw) i(k string, v int64)     { j.key(k); j.b = strconv.AppendInt(j.b, v, 10) }
func (j *jw) bool(k string, v bool)   { j.key(k); j.b = strconv.AppendBool(j.b, v) }
func (j *jw) str(k string, v string)  { j.key(k); j.b = appendGPSDString(j.b, v) }
func (j *jw) text(k string, v string) { j.str(k, gpsdText(v)) }
func (j *jw) hex(k string, data []byte, bits int) {
	j.key(k)
	j.b = append(j.b, '"')
	j.b = strconv.AppendInt(j.b, int64(bits), 10)
	j.b = append(j.b, ':')
	n := (bits + 7) / 8
	const digits = "0123456789abcdef"
	for i := 0; i < n && i < len(data); i++ {
		j.b = append(j.b, digits[data[i]>>4], digits[data[i]&15])
	}
	j.b = append(j.b, '"')
}

// dd appends a two-digit zero-padded number (wider when the value is wider, like %02u).
func dd(b []byte, v uint64) []byte {
	if v < 10 {
		b = append(b, '0')
	}
	return strconv.AppendUint(b, v, 10)
}

// appendGPSDString quotes s as gpsd's json_stringify does.
func appendGPSDString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20 && c < 0x7f:
			b = append(b, c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		default:
			const digits = "0123456789abcdef"
			b = append(b, '\\', 'u', '0', '0', digits[c>>4], digits[c&15])
		}
	}
	return append(b, '"')
}

func appendGPSD(dst []byte, m Message, merged24 *string, fb fillBits) []byte {
	j := jw{b: dst}
	j.b = append(j.b, `{"class":"AIS","device":"stdin"`...)
	var repeat uint8
	if h := headerOf(m); h != nil {
		repeat = h.Repeat
	}
	j.u("type", uint64(m.Type()))
	j.u("repeat", uint64(repeat))
	j.u("mmsi", uint64(m.MMSI()))
	j.b = append(j.b, `,"scaled":false`...)
	switch m := m.(type) {
	case *PositionReport:
		j.u("status", uint64(m.NavStatus))
		j.str("status_text", navStatusText[m.NavStatus&15])
		j.i("turn", int64(m.ROT))
		j.u("speed", uint64(m.SOG))
		j.bool("accuracy", m.Accuracy)
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.u("course", uint64(m.COG))
		j.u("heading", uint64(m.Heading))
		j.u("second", uint64(m.Second))
		j.u("maneuver", uint64(m.Maneuver))
		j.bool("raim", m.RAIM)
		j.u("radio", uint64(m.Radio))
	case *BaseStationReport:
		j.key("timestamp")
		b := append(j.b, '"')
		for v := uint64(1000); v > 1 && uint64(m.Year) < v; v /= 10 { // %04u
			b = append(b, '0')
		}
		b = strconv.AppendUint(b, uint64(m.Year), 10)
		b = append(b, '-')
		b = dd(b, uint64(m.Month))
		b = append(b, '-')
		b = dd(b, uint64(m.Day))
		b = append(b, 'T')
		b = dd(b, uint64(m.Hour))
		b = append(b, ':')
		b = dd(b, uint64(m.Minute))
		b = append(b, ':')
		b = dd(b, uint64(m.Second))
		j.b = append(b, 'Z', '"')
		j.bool("accuracy", m.Accuracy)
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.u("epfd", uint64(m.EPFD))
		j.str("epfd_text", epfdLegend(m.EPFD))
		j.bool("raim", m.RAIM)
		j.u("radio", uint64(m.Radio))
	case *StaticVoyageData:
		j.u("imo", uint64(m.IMO))
		j.u("ais_version", uint64(m.AISVersion))
		j.text("callsign", m.CallSign)
		j.text("shipname", m.Name)
		j.u("shiptype", uint64(m.ShipType))
		j.str("shiptype_text", shipTypeLegend(m.ShipType))
		j.u("to_bow", uint64(m.ToBow))
		j.u("to_stern", uint64(m.ToStern))
		j.u("to_port", uint64(m.ToPort))
		j.u("to_starboard", uint64(m.ToStarboard))
		j.u("epfd", uint64(m.EPFD))
		j.str("epfd_text", epfdLegend(m.EPFD))
		j.key("eta")
		j.b = appendMDHM(j.b, m.ETAMonth, m.ETADay, m.ETAHour, m.ETAMinute, true)
		j.u("draught", uint64(m.Draught))
		j.text("destination", m.Destination)
		j.u("dte", uint64(b2i(m.DTE)))
	case *BinaryAddressed:
		j.u("seqno", uint64(m.Seq))
		j.u("dest_mmsi", uint64(m.DestMMSI))
		j.bool("retransmit", m.Retransmit)
		j.u("dac", uint64(m.DAC))
		j.u("fid", uint64(m.FID))
		if m.App == nil {
			j.hex("data", m.Data, m.DataBits)
			break
		}
		gpsdApp6(&j, m)
	case *BinaryAck:
		for i := 0; i < 4; i++ {
			j.u("mmsi"+strconv.Itoa(i+1), uint64(m.Acks[i].MMSI))
		}
	case *BinaryBroadcast:
		j.u("dac", uint64(m.DAC))
		j.u("fid", uint64(m.FID))
		if m.App == nil {
			j.hex("data", m.Data, m.DataBits)
			break
		}
		gpsdApp8(&j, m)
	case *SARAircraftPosition:
		j.u("alt", uint64(m.Altitude))
		j.u("speed", uint64(m.SOG))
		j.bool("accuracy", m.Accuracy)
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.u("course", uint64(m.COG))
		j.u("second", uint64(m.Second))
		j.u("regional", uint64(m.Regional))
		j.u("dte", uint64(b2i(m.DTE)))
		j.bool("raim", m.RAIM)
		j.u("radio", uint64(m.Radio))
	case *UTCInquiry:
		j.u("dest_mmsi", uint64(m.DestMMSI))
	case *SafetyAddressed:
		j.u("seqno", uint64(m.Seq))
		j.u("dest_mmsi", uint64(m.DestMMSI))
		j.bool("retransmit", m.Retransmit)
		j.text("text", m.Text)
	case *SafetyBroadcast:
		j.text("text", m.Text)
	case *Interrogation: // bit offsets of ITU-R M.1371-5 annex 8 message 15, for fb.in
		j.u("mmsi1", uint64(m.MMSI1)|fb.in(40, 30))
		j.u("type1_1", uint64(m.Type1_1)|fb.in(70, 6))
		j.u("offset1_1", uint64(m.Offset1_1)|fb.in(76, 12))
		j.u("type1_2", uint64(m.Type1_2)|fb.in(90, 6))
		j.u("offset1_2", uint64(m.Offset1_2)|fb.in(96, 12))
		j.u("mmsi2", uint64(m.MMSI2)|fb.in(110, 30))
		j.u("type2_1", uint64(m.Type2_1)|fb.in(140, 6))
		j.u("offset2_1", uint64(m.Offset2_1)|fb.in(146, 12))
	case *AssignedMode:
		j.u("mmsi1", uint64(m.MMSI1))
		j.u("offset1", uint64(m.Offset1))
		j.u("increment1", uint64(m.Increment1))
		j.u("mmsi2", uint64(m.MMSI2))
		j.u("offset2", uint64(m.Offset2))
		j.u("increment2", uint64(m.Increment2))
	case *GNSSBroadcast:
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.hex("data", m.Data, m.DataBits)
	case *ClassBPosition:
		j.u("reserved", uint64(m.Reserved))
		j.u("speed", uint64(m.SOG))
		j.bool("accuracy", m.Accuracy)
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.u("course", uint64(m.COG))
		j.u("heading", uint64(m.Heading))
		j.u("second", uint64(m.Second))
		j.u("regional", uint64(m.Regional))
		j.bool("cs", m.CS)
		j.bool("display", m.Display)
		j.bool("dsc", m.DSC)
		j.bool("band", m.Band)
		j.bool("msg22", m.Msg22)
		j.bool("raim", m.RAIM)
		j.u("radio", uint64(m.Radio))
	case *ClassBExtended:
		j.u("reserved", uint64(m.Reserved))
		j.u("speed", uint64(m.SOG))
		j.bool("accuracy", m.Accuracy)
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.u("course", uint64(m.COG))
		j.u("heading", uint64(m.Heading))
		j.u("second", uint64(m.Second))
		j.u("regional", uint64(m.Regional))
		j.text("shipname", m.Name)
		j.u("shiptype", uint64(m.ShipType))
		j.str("shiptype_text", shipTypeLegend(m.ShipType))
		j.u("to_bow", uint64(m.ToBow))
		j.u("to_stern", uint64(m.ToStern))
		j.u("to_port", uint64(m.ToPort))
		j.u("to_starboard", uint64(m.ToStarboard))
		j.u("epfd", uint64(m.EPFD))
		j.str("epfd_text", epfdLegend(m.EPFD))
		j.bool("raim", m.RAIM)
		j.u("dte", uint64(b2i(m.DTE)))
		j.bool("assigned", m.Assigned)
	case *DataLinkManagement:
		for i := 0; i < 4; i++ {
			s := &m.Slots[i]
			n := strconv.Itoa(i + 1)
			j.u("offset"+n, uint64(s.Offset))
			j.u("number"+n, uint64(s.Number))
			j.u("timeout"+n, uint64(s.Timeout))
			j.u("increment"+n, uint64(s.Increment))
		}
	case *AidToNavigation:
		j.u("aid_type", uint64(m.AidType))
		j.str("aid_type_text", aidTypeText[m.AidType&31])
		j.str("name", m.gpsdName())
		j.bool("accuracy", m.Accuracy)
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.u("to_bow", uint64(m.ToBow))
		j.u("to_stern", uint64(m.ToStern))
		j.u("to_port", uint64(m.ToPort))
		j.u("to_starboard", uint64(m.ToStarboard))
		j.u("epfd", uint64(m.EPFD))
		j.str("epfd_text", epfdLegend(m.EPFD))
		j.u("second", uint64(m.Second))
		j.u("regional", uint64(m.Regional))
		j.bool("off_position", m.OffPosition)
		j.bool("raim", m.RAIM)
		j.bool("virtual_aid", m.Virtual)
	case *ChannelManagement:
		j.u("channel_a", uint64(m.ChannelA))
		j.u("channel_b", uint64(m.ChannelB))
		j.u("txrx", uint64(m.TxRx))
		j.bool("power", m.Power)
		if m.Addressed {
			j.u("dest1", uint64(m.Dest1))
			j.u("dest2", uint64(m.Dest2))
		} else {
			j.i("ne_lon", int64(m.NELon))
			j.i("ne_lat", int64(m.NELat))
			j.i("sw_lon", int64(m.SWLon))
			j.i("sw_lat", int64(m.SWLat))
		}
		j.bool("addressed", m.Addressed)
		j.bool("band_a", m.BandA)
		j.bool("band_b", m.BandB)
		j.u("zonesize", uint64(m.ZoneSize))
	case *GroupAssignment:
		j.i("ne_lon", int64(m.NELon))
		j.i("ne_lat", int64(m.NELat))
		j.i("sw_lon", int64(m.SWLon))
		j.i("sw_lat", int64(m.SWLat))
		j.u("stationtype", uint64(m.StationType))
		j.str("stationtype_text", stationTypeText[m.StationType&15])
		j.u("shiptype", uint64(m.ShipType))
		j.str("shiptype_text", shipTypeLegend(m.ShipType))
		j.u("interval", uint64(m.Interval))
		j.u("quiet", uint64(m.Quiet))
	case *StaticDataReport:
		if merged24 != nil {
			j.str("shipname", *merged24)
		} else if m.PartNum == 0 {
			j.str("part", "A")
			j.text("shipname", m.Name)
			break
		} else {
			j.str("part", "B")
		}
		j.u("shiptype", uint64(m.ShipType))
		j.str("shiptype_text", shipTypeLegend(m.ShipType))
		j.text("vendorid", m.VendorID)
		j.u("model", uint64(m.Model()))
		j.u("serial", uint64(m.Serial()))
		j.text("callsign", m.CallSign)
		if mm, ok := m.MothershipMMSI(); ok {
			j.u("mothership_mmsi", uint64(mm))
		} else {
			j.u("to_bow", uint64(m.ToBow))
			j.u("to_stern", uint64(m.ToStern))
			j.u("to_port", uint64(m.ToPort))
			j.u("to_starboard", uint64(m.ToStarboard))
		}
	case *SingleSlotBinary:
		j.bool("addressed", m.Addressed)
		j.bool("structured", m.Structured)
		j.u("dest_mmsi", uint64(m.DestMMSI))
		j.u("app_id", uint64(m.AppID))
		j.hex("data", m.Data, m.DataBits)
	case *MultiSlotBinary:
		j.bool("addressed", m.Addressed)
		j.bool("structured", m.Structured)
		j.u("dest_mmsi", uint64(m.DestMMSI))
		j.u("app_id", uint64(m.AppID))
		j.hex("data", m.Data, m.DataBits)
		j.u("radio", 0) // gpsd 3.22 never decodes the type 26 communication state
	case *LongRangePosition:
		j.u("status", uint64(m.NavStatus))
		j.bool("accuracy", m.Accuracy)
		j.i("lon", int64(m.Longitude))
		j.i("lat", int64(m.Latitude))
		j.u("speed", uint64(m.SOG))
		j.u("course", uint64(m.COG))
		j.bool("raim", m.RAIM)
		j.bool("gnss", m.GNSS)
	}
	return append(j.b, '}')
}

// appendMDHM appends a quoted "MM-DDTHH:MMZ" partial date as gpsd prints ETAs.
func appendMDHM(b []byte, mo, day, h, mi uint8, z bool) []byte {
	b = append(b, '"')
	b = dd(b, uint64(mo))
	b = append(b, '-')
	b = dd(b, uint64(day))
	b = append(b, 'T')
	b = dd(b, uint64(h))
	b = append(b, ':')
	b = dd(b, uint64(mi))
	if z {
		b = append(b, 'Z')
	}
	return append(b, '"')
}

// gpsdName is the aid-to-navigation name as gpsd 3.22 prints it: the 20 characters up to the
// first '@', then, when all 20 were used, the extension up to its first '@', trailing spaces
// removed.
func (m *AidToNavigation) gpsdName() string {
	name := m.Name
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	if len(name) == 20 && m.NameExt != "" {
		ext := m.NameExt
		if i := strings.IndexByte(ext, '@'); i >= 0 {
			ext = ext[:i]
		}
		name += ext
	}
	return strings.TrimRight(name, " @")
}

func gpsdApp6(j *jw, m *BinaryAddressed) {
	switch a := m.App.(type) {
	case *AtoNMonitoring:
		j.bool("off_pos", a.OffPos)
		j.bool("alarm", a.Alarm)
		j.u("stat_ext", uint64(a.StatExt))
		j.u("ana_int", uint64(a.AnaInt))
		j.u("ana_ext1", uint64(a.AnaExt1))
		j.u("ana_ext2", uint64(a.AnaExt2))
		j.u("racon", uint64(a.Racon))
		j.str("racon_text", raconText[a.Racon&3])
		j.u("light", uint64(a.Light))
		j.str("light_text", lightText[a.Light&3])
	case *DangerousCargo:
		j.text("lastport", a.LastPort)
		j.key("departure")
		j.b = appendMDHM(j.b, a.LMonth, a.LDay, a.LHour, a.LMinute, true)
		j.text("nextport", a.NextPort)
		j.key("eta")
		j.b = appendMDHM(j.b, a.NMonth, a.NDay, a.NHour, a.NMinute, true)
		j.text("dangerous", a.Dangerous)
		j.text("imdcat", a.IMDCat)
		j.u("unid", uint64(a.UNID))
		j.u("amount", uint64(a.Amount))
		j.u("unit", uint64(a.Unit))
	case *TidalWindow:
		j.u("month", uint64(a.Month))
		j.u("day", uint64(a.Day))
		j.key("tidals")
		j.b = append(j.b, '[')
		// gpsd counts an element whenever its first bit is within the message.
		size := a.elemBits()
		var buf [bufBytes]byte
		copy(buf[:], m.Data)
		r := bitbuf{b: buf[:], n: m.DataBits}
		c := coder{r: &r, pos: 9}
		for k := 0; 9+size*k <= m.DataBits; k++ {
			var t Tide
			t.code(&c, a.Legacy)
			if k > 0 {
				j.b = append(j.b, ',')
			}
			j.b = append(j.b, `{"lon":`...)
			j.b = strconv.AppendInt(j.b, int64(t.Lon), 10)
			j.i("lat", int64(t.Lat))
			j.u("from_hour", uint64(t.FromHour))
			j.u("from_min", uint64(t.FromMin))
			j.u("to_hour", uint64(t.ToHour))
			j.u("to_min", uint64(t.ToMin))
			j.u("cdir", uint64(t.CDir))
			j.u("cspeed", uint64(t.CSpeed))
			j.b = append(j.b, '}')
		}
		j.b = append(j.b, ']')
	case *ClearanceTime:
		j.u("linkage", uint64(a.Linkage))
		j.key("arrival")
		j.b = appendMDHM(j.b, a.Month, a.Day, a.Hour, a.Minute, true)
		j.text("portname", a.PortName)
		j.text("destination", a.Destination)
		j.i("lon", int64(a.Lon))
		j.i("lat", int64(a.Lat))
	case *TextDescription:
		j.u("linkage", uint64(a.Linkage))
		j.text("text", a.Text)
	case *AirDraught:
		// gpsd 3.22 reads bits 56-66 of the message, as for type 8: in a type 6 they are part of
		// the destination MMSI.
		j.u("airdraught", uint64(m.DestMMSI>>3&0x7ff))
	case *PersonsOnBoard:
		// gpsd 3.22 reads the count after the FID only when the data is 136 bits long, and
		// otherwise bits 55-67 of the message, inside the destination MMSI.
		if m.DataBits == 136 {
			j.u("persons", uint64(a.Persons))
		} else {
			j.u("persons", uint64(m.DestMMSI>>2&0x1fff))
		}
	case *DangerousCargo289:
		j.u("unit", uint64(a.Unit))
		j.u("amount", uint64(a.Amount))
		j.key("cargos")
		j.b = append(j.b, '[')
		for i, e := range a.Cargos {
			if i > 0 {
				j.b = append(j.b, ',')
			}
			j.b = append(j.b, `{"code":`...)
			j.b = strconv.AppendUint(j.b, uint64(e.Code), 10)
			j.u("subtype", uint64(e.Subtype))
			j.b = append(j.b, '}')
		}
		j.b = append(j.b, ']')
	case *RouteInfo:
		gpsdRoute(j, a)
	case *Berthing:
		j.u("linkage", uint64(a.Linkage))
		j.u("berth_length", uint64(a.BerthLength))
		j.u("position", uint64(a.Position))
		j.str("position_text", berthPositionText[a.Position&7])
		j.key("arrival") // gpsd prints this time without zero padding
		j.b = append(j.b, '"')
		j.b = strconv.AppendUint(j.b, uint64(a.Month), 10)
		j.b = append(j.b, '-')
		j.b = strconv.AppendUint(j.b, uint64(a.Day), 10)
		j.b = append(j.b, 'T')
		j.b = strconv.AppendUint(j.b, uint64(a.Hour), 10)
		j.b = append(j.b, ':')
		j.b = strconv.AppendUint(j.b, uint64(a.Minute), 10)
		j.b = append(j.b, '"')
		j.u("availability", uint64(b2i(a.Availability)))
		for i, name := range BerthingServices {
			j.u(name, uint64(a.Services[i]))
		}
		j.text("berth_name", a.BerthName)
		j.i("berth_lon", int64(a.BerthLon))
		j.i("berth_lat", int64(a.BerthLat))
		j.u("berth_depth", uint64(a.BerthDepth))
	case *InlandLockTime:
		j.text("country", a.Country)
		j.text("locode", a.Locode)
		j.text("section", a.Section)
		j.text("terminal", a.Terminal)
		j.text("hectometre", a.Hectometre)
		// gpsd prints this time without zero padding.
		j.key("eta")
		j.b = append(j.b, '"')
		j.b = strconv.AppendUint(j.b, uint64(a.Month), 10)
		j.b = append(j.b, '-')
		j.b = strconv.AppendUint(j.b, uint64(a.Day), 10)
		j.b = append(j.b, 'T')
		j.b = strconv.AppendUint(j.b, uint64(a.Hour), 10)
		j.b = append(j.b, ':')
		j.b = strconv.AppendUint(j.b, uint64(a.Minute), 10)
		j.b = append(j.b, '"')
		if a.RTA {
			j.u("status", uint64(a.Status))
			j.str("status_text", rtaStatusText[a.Status&3])
		} else {
			j.u("tugs", uint64(a.Tugs))
			j.u("airdraught", uint64(a.AirDraught))
		}
	case *InlandPersons:
		j.u("crew", uint64(a.Crew))
		j.u("passengers", uint64(a.Passengers))
		j.u("personnel", uint64(a.Personnel))
	}
}

func gpsdApp8(j *jw, m *BinaryBroadcast) {
	switch a := m.App.(type) {
	case *MetHydro11:
		j.i("lat", int64(a.Lat))
		j.i("lon", int64(a.Lon))
		j.key("timestamp")
		j.b = appendDHM(j.b, a.Day, a.Hour, a.Minute)
		j.u("wspeed", uint64(a.WSpeed))
		j.u("wgust", uint64(a.WGust))
		j.u("wdir", uint64(a.WDir))
		j.u("wgustdir", uint64(a.WGustDir))
		j.u("humidity", uint64(a.Humidity))
		j.u("airtemp", uint64(a.AirTemp))
		j.u("dewpoint", uint64(a.DewPoint))
		j.u("pressure", uint64(a.Pressure))
		j.u("pressuretend", uint64(a.PressureTend))
		j.u("visibility", uint64(a.Visibility))
		j.u("waterlevel", uint64(a.WaterLevel))
		j.u("leveltrend", uint64(a.LevelTrend))
		j.u("cspeed", uint64(a.CSpeed))
		j.u("cdir", uint64(a.CDir))
		j.u("cspeed2", uint64(a.CSpeed2))
		j.u("cdir2", uint64(a.CDir2))
		j.u("cdepth2", uint64(a.CDepth2))
		j.u("cspeed3", uint64(a.CSpeed3))
		j.u("cdir3", uint64(a.CDir3))
		j.u("cdepth3", uint64(a.CDepth3))
		j.u("waveheight", uint64(a.WaveHeight))
		j.u("waveperiod", uint64(a.WavePeriod))
		j.u("wavedir", uint64(a.WaveDir))
		j.u("swellheight", uint64(a.SwellHeight))
		j.u("swellperiod", uint64(a.SwellPeriod))
		j.u("swelldir", uint64(a.SwellDir))
		j.u("seastate", uint64(a.SeaState))
		j.u("watertemp", uint64(a.WaterTemp))
		j.u("preciptype", uint64(a.PrecipType))
		j.str("preciptype_text", precipText[a.PrecipType&7])
		j.u("salinity", uint64(a.Salinity))
		j.u("ice", uint64(a.Ice))
		j.str("ice_text", iceText[a.Ice&3])
	case *MetHydro31:
		j.i("lat", int64(a.Lat))
		j.i("lon", int64(a.Lon))
		j.bool("accuracy", a.Accuracy)
		j.key("timestamp")
		j.b = appendDHM(j.b, a.Day, a.Hour, a.Minute)
		j.u("wspeed", uint64(a.WSpeed))
		j.u("wgust", uint64(a.WGust))
		j.u("wdir", uint64(a.WDir))
		j.u("wgustdir", uint64(a.WGustDir))
		j.u("humidity", uint64(a.Humidity))
		j.i("airtemp", int64(a.AirTemp))
		j.i("dewpoint", int64(a.DewPoint))
		j.u("pressure", uint64(a.Pressure))
		j.u("pressuretend", uint64(a.PressureTend))
		j.bool("visgreater", a.VisGreater)
		j.u("visibility", uint64(a.Visibility))
		j.u("waterlevel", uint64(a.WaterLevel))
		j.u("leveltrend", uint64(a.LevelTrend))
		j.u("cspeed", uint64(a.CSpeed))
		j.u("cdir", uint64(a.CDir))
		j.u("cspeed2", uint64(a.CSpeed2))
		j.u("cdir2", uint64(a.CDir2))
		j.u("cdepth2", uint64(a.CDepth2))
		j.u("cspeed3", uint64(a.CSpeed3))
		j.u("cdir3", uint64(a.CDir3))
		j.u("cdepth3", uint64(a.CDepth3))
		j.u("waveheight", uint64(a.WaveHeight))
		j.u("waveperiod", uint64(a.WavePeriod))
		j.u("wavedir", uint64(a.WaveDir))
		j.u("swellheight", uint64(a.SwellHeight))
		j.u("swellperiod", uint64(a.SwellPeriod))
		j.u("swelldir", uint64(a.SwellDir))
		j.u("seastate", uint64(a.SeaState))
		j.i("watertemp", int64(a.WaterTemp))
		j.u("preciptype", uint64(a.PrecipType))
		j.u("salinity", uint64(a.Salinity))
		j.u("ice", uint64(a.Ice))
	case *InlandStatic:
		j.text("vin", a.VIN)
		j.u("length", uint64(a.Length))
		j.u("beam", uint64(a.Beam))
		j.u("shiptype", uint64(a.ShipType))
		j.str("shiptype_text", inlandShipTypeLegend(a.ShipType))
		j.u("hazard", uint64(a.Hazard))
		j.str("hazard_text", hazardText[min(int(a.Hazard), len(hazardText)-1)])
		j.u("draught", uint64(a.Draught))
		j.u("loaded", uint64(a.Loaded))
		if int(a.Loaded) < len(loadedText) {
			j.str("loaded_text", loadedText[a.Loaded])
		} else {
			j.str("loaded_text", "INVALID LOAD STATUS")
		}
		j.bool("speed_q", a.SpeedQ)
		j.bool("course_q", a.CourseQ)
		j.bool("heading_q", a.HeadingQ)
	case *AirDraught:
		j.u("airdraught", uint64(a.AirDraught))
	case *RouteInfo:
		gpsdRoute(j, a)
	case *VTSTargets:
		j.key("targets")
		j.b = append(j.b, '[')
		targets := a.Targets
		if n := len(targets); 122*n == m.DataBits {
			// gpsd 3.22 also counts an element starting exactly at the end of the message.
			targets = append(targets[:n:n], VTSTarget{})
		}
		for i, t := range targets {
			if i > 0 {
				j.b = append(j.b, ',')
			}
			name := vtsIDTypeText[t.IDType&3]
			j.b = append(j.b, `{"idtype":`...)
			j.b = strconv.AppendUint(j.b, uint64(t.IDType), 10)
			j.str("idtype_text", name)
			if t.IDType < 2 {
				// gpsd keeps the 42-bit number in a 32-bit field and prints it as a string.
				j.str(name, strconv.FormatUint(t.ID&0xffffffff, 10))
			} else {
				j.text(name, t.IDText)
			}
			j.i("lat", int64(t.Lat))
			j.i("lon", int64(t.Lon))
			j.u("course", uint64(t.COG))
			j.u("second", uint64(t.Second))
			j.u("speed", uint64(t.SOG))
			j.b = append(j.b, '}')
		}
		j.b = append(j.b, ']')
	case *FairwayClosed:
		j.text("reason", a.Reason)
		j.text("closefrom", a.CloseFrom)
		j.text("closeto", a.CloseTo)
		j.u("radius", uint64(a.Radius))
		j.u("extunit", uint64(a.ExtUnit))
		j.key("from")
		j.b = appendMDHM(j.b, a.FMonth, a.FDay, a.FHour, a.FMinute, false)
		j.key("to")
		j.b = appendMDHM(j.b, a.TMonth, a.TDay, a.THour, a.TMinute, false)
	case *TextBroadcast:
		j.u("linkage", uint64(a.Linkage))
		j.text("text", a.Text)
	case *SignalStatus:
		j.i("lon", int64(a.Lon))
		j.i("lat", int64(a.Lat))
		j.u("form", uint64(a.Form))
		j.u("facing", uint64(a.Facing))
		j.u("direction", uint64(a.Direction))
		if int(a.Direction) < len(signalDirectionText) {
			j.str("direction_text", signalDirectionText[a.Direction])
		} else {
			j.str("direction_text", "INVALID DIRECTION")
		}
		j.u("status", uint64(a.Status))
		if int(a.Status) < len(signalStatusText) {
			j.str("status_text", signalStatusText[a.Status])
		} else {
			j.str("status_text", "INVALID STATUS")
		}
	case *InlandWaterLevels:
		j.text("country", a.Country)
		j.key("gauges")
		j.b = append(j.b, '[')
		for i, g := range a.Gauges {
			if i > 0 {
				j.b = append(j.b, ',')
			}
			j.b = append(j.b, `{"id":`...)
			j.b = strconv.AppendUint(j.b, uint64(g.ID), 10)
			j.i("level", int64(g.Level))
			j.b = append(j.b, '}')
		}
		j.b = append(j.b, ']')
	}
}

// appendDHM appends a quoted "DDTHH:MMZ" as gpsd prints met/hydro timestamps.
func appendDHM(b []byte, day, h, mi uint8) []byte {
	b = append(b, '"')
	b = dd(b, uint64(day))
	b = append(b, 'T')
	b = dd(b, uint64(h))
	b = append(b, ':')
	b = dd(b, uint64(mi))
	return append(b, 'Z', '"')
}

// signalDirectionText and signalStatusText are gpsd 3.22's legends for DAC 200 FID 40.
var signalDirectionText = [...]string{"Unknown", "Upstream", "Downstream", "To left bank", "To right bank"}

var signalStatusText = [...]string{"Unknown", "No light", "White", "Yellow", "Green", "Red",
	"White flashing", "Yellow flashing."}

func gpsdRoute(j *jw, a *RouteInfo) {
	j.u("linkage", uint64(a.Linkage))
	j.u("sender", uint64(a.Sender))
	j.u("rtype", uint64(a.RType))
	j.str("rtype_text", routeTypeText(a.RType))
	j.key("start")
	j.b = appendMDHM(j.b, a.Month, a.Day, a.Hour, a.Minute, true)
	j.u("duration", uint64(a.Duration))
	j.key("waypoints")
	j.b = append(j.b, '[')
	for i, w := range a.Waypoints {
		if i > 0 {
			j.b = append(j.b, ',')
		}
		j.b = append(j.b, `{"lon":`...)
		j.b = strconv.AppendInt(j.b, int64(w.Lon), 10)
		j.i("lat", int64(w.Lat))
		j.b = append(j.b, '}')
	}
	j.b = append(j.b, ']')
}

// routeTypeText is gpsd 3.22's legend for the IMO 289 route type.
func routeTypeText(t uint8) string {
	switch t {
	case 0:
		return "Undefined (default)"
	case 1:
		return "Mandatory"
	case 2:
		return "Recommended"
	case 3:
		return "Alternative"
	case 4:
		return "Recommended route through ice"
	case 5:
		return "Ship route plan"
	case 31:
		return "Cancel route identified by message linkage"
	}
	return "Reserved for future use."
}

// rtaStatusText is gpsd 3.22's legend for the DAC 200 FID 22 lock status.
var rtaStatusText = [4]string{"Operational", "Limited operation", "Out of order", "N/A"}

// berthPositionText is gpsd 3.22's legend for the IMO 289 mooring position.
var berthPositionText = [8]string{"Not available", "Port-side to", "Starboard-side to",
	"Mediterranean (end-on) mooring", "Mooring buoy", "Anchorage", "Reserved for future use",
	"Reserved for future use"}

// vtsIDTypeText is gpsd 3.22's legend (and key) for the DAC 1 FID 17 target identifier type.
var vtsIDTypeText = [4]string{"mmsi", "imo", "callsign", "other"}
