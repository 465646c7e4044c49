package ais

import (
	"fmt"
	"strconv"
)

// Encode turns m back into an armored payload and its fill-bit count, the inverse of Decode:
// Decode(Encode(m)) equals m for every message Decode returns. Each field is written with the
// width ITU-R M.1371-5 gives it; a value that does not fit, text outside the six-bit alphabet,
// or a header type that does not match the struct (types 1-3 for a PositionReport, 4 or 11 for
// a BaseStationReport, 7 or 13 for a BinaryAck; 0 means the first) is an error wrapping
// ErrEncode or ErrBadText. Binary messages (6, 8) with nil Data and a non-nil App are encoded
// from the App. Fill bits are zero; bits of Data past DataBits are not sent.
func Encode(m Message) (payload []byte, fill int, err error) {
	var w bitwriter
	c := coder{w: &w}
	h := headerOf(m)
	if h == nil {
		return nil, 0, fmt.Errorf("%w: unknown message %T", ErrEncode, m)
	}
	t := int(h.MsgType)
	allowed := map[int]bool{}
	def := 0
	switch m.(type) {
	case *PositionReport:
		def, allowed[1], allowed[2], allowed[3] = 1, true, true, true
	case *BaseStationReport:
		def, allowed[4], allowed[11] = 4, true, true
	case *BinaryAck:
		def, allowed[7], allowed[13] = 7, true, true
	default:
		def = defaultType(m)
		allowed[def] = true
	}
	if t == 0 {
		t = def
	}
	if !allowed[t] {
		return nil, 0, fmt.Errorf("%w: header type %d for a %T", ErrEncode, t, m)
	}
	c.uv(uint64(t), 6)
	c.uv(uint64(h.Repeat), 2)
	c.uv(uint64(h.UserID), 30)
	switch m := m.(type) {
	case *PositionReport:
		m.code(&c)
	case *BaseStationReport:
		m.code(&c)
	case *StaticVoyageData:
		m.code(&c)
	case *BinaryAddressed:
		c.u8(&m.Seq, 2)
		c.u32(&m.DestMMSI, 30)
		c.flag(&m.Retransmit)
		c.u8(&m.Spare, 1)
		c.u16(&m.DAC, 10)
		c.u8(&m.FID, 6)
		data, bits, err := appData(m.Data, m.DataBits, m.App, 6)
		if err != nil {
			return nil, 0, err
		}
		c.data(data, bits)
	case *BinaryAck:
		c.u8(&m.Spare, 2)
		if m.N < 1 || m.N > 4 {
			return nil, 0, fmt.Errorf("%w: type %d with %d acknowledgements, want 1 to 4", ErrEncode, t, m.N)
		}
		for i := 0; i < m.N; i++ {
			c.u32(&m.Acks[i].MMSI, 30)
			c.u8(&m.Acks[i].Seq, 2)
		}
	case *BinaryBroadcast:
		c.u8(&m.Spare, 2)
		c.u16(&m.DAC, 10)
		c.u8(&m.FID, 6)
		data, bits, err := appData(m.Data, m.DataBits, m.App, 8)
		if err != nil {
			return nil, 0, err
		}
		c.data(data, bits)
	case *SARAircraftPosition:
		m.code(&c)
	case *UTCInquiry:
		m.code(&c)
	case *SafetyAddressed:
		c.u8(&m.Seq, 2)
		c.u32(&m.DestMMSI, 30)
		c.flag(&m.Retransmit)
		c.u8(&m.Spare, 1)
		c.text(&m.Text, len(m.Text))
	case *SafetyBroadcast:
		c.u8(&m.Spare, 2)
		c.text(&m.Text, len(m.Text))
	case *Interrogation:
		c.u8(&m.Spare, 2)
		c.u32(&m.MMSI1, 30)
		c.u8(&m.Type1_1, 6)
		c.u16(&m.Offset1_1, 12)
		switch m.Parts {
		case 1:
		case 2, 3:
			c.u8(&m.Spare2, 2)
			c.u8(&m.Type1_2, 6)
			c.u16(&m.Offset1_2, 12)
			if m.Parts == 2 {
				c.uv(0, 2)
				break
			}
			c.u8(&m.Spare3, 2)
			c.u32(&m.MMSI2, 30)
			c.u8(&m.Type2_1, 6)
			c.u16(&m.Offset2_1, 12)
			c.u8(&m.Spare4, 2)
		default:
			return nil, 0, fmt.Errorf("%w: type 15 with Parts %d, want 1 to 3", ErrEncode, m.Parts)
		}
	case *AssignedMode:
		c.u8(&m.Spare, 2)
		c.u32(&m.MMSI1, 30)
		c.u16(&m.Offset1, 12)
		c.u16(&m.Increment1, 10)
		if m.Second {
			c.u32(&m.MMSI2, 30)
			c.u16(&m.Offset2, 12)
			c.u16(&m.Increment2, 10)
		} else {
			c.u8(&m.Spare2, 4)
		}
	case *GNSSBroadcast:
		c.u8(&m.Spare, 2)
		c.i32(&m.Longitude, 18)
		c.i32(&m.Latitude, 17)
		c.u8(&m.Spare2, 5)
		c.data(m.Data, m.DataBits)
	case *ClassBPosition:
		m.code(&c)
	case *ClassBExtended:
		m.code(&c)
	case *DataLinkManagement:
		c.u8(&m.Spare, 2)
		if m.N < 1 || m.N > 4 {
			return nil, 0, fmt.Errorf("%w: type 20 with %d reservations, want 1 to 4", ErrEncode, m.N)
		}
		for i := 0; i < m.N; i++ {
			s := &m.Slots[i]
			c.u16(&s.Offset, 12)
			c.u8(&s.Number, 4)
			c.u8(&s.Timeout, 3)
			c.u16(&s.Increment, 11)
		}
		if m.TailBits < 0 || m.TailBits > 30 {
			return nil, 0, fmt.Errorf("%w: type 20 TailBits %d, want 0 to 30", ErrEncode, m.TailBits)
		}
		c.uv(uint64(m.Tail), m.TailBits)
		if w.n < 72 { // the shortest message 20 (one reservation) has 2 spare bits
			c.uv(0, 72-w.n)
		}
	case *AidToNavigation:
		m.code(&c)
		c.text(&m.NameExt, len(m.NameExt))
		if pad := roundUp8(w.n) - w.n; pad < 6 { // 6 spare bits would read as one more character
			c.uv(0, pad)
		}
	case *ChannelManagement:
		m.code(&c)
	case *GroupAssignment:
		m.code(&c)
	case *StaticDataReport:
		c.u8(&m.PartNum, 2)
		switch m.PartNum {
		case 0:
			c.text(&m.Name, 20)
			if m.LongA {
				c.u8(&m.SpareA, 8)
			}
		case 1:
			c.u8(&m.ShipType, 8)
			c.text(&m.VendorID, 7)
			c.text(&m.CallSign, 7)
			c.u16(&m.ToBow, 9)
			c.u16(&m.ToStern, 9)
			c.u8(&m.ToPort, 6)
			c.u8(&m.ToStarboard, 6)
			c.u8(&m.SpareB, 6)
		default:
			return nil, 0, fmt.Errorf("%w: type 24 part number %d, want 0 or 1", ErrEncode, m.PartNum)
		}
	case *SingleSlotBinary:
		c.flag(&m.Addressed)
		c.flag(&m.Structured)
		if m.Addressed {
			c.u32(&m.DestMMSI, 30)
		}
		if m.Structured {
			c.u16(&m.AppID, 16)
		}
		c.data(m.Data, m.DataBits)
	case *MultiSlotBinary:
		c.flag(&m.Addressed)
		c.flag(&m.Structured)
		if m.Addressed {
			c.u32(&m.DestMMSI, 30)
		}
		if m.Structured {
			c.u16(&m.AppID, 16)
		}
		c.data(m.Data, m.DataBits)
		c.u32(&m.Radio, 20)
	case *LongRangePosition:
		m.code(&c)
	}
	if c.err != nil {
		return nil, 0, fmt.Errorf("type %d: %w", t, c.err)
	}
	lr := lengthRange[t]
	if w.n < lr.min || (lr.max != 0 && w.n > lr.max) {
		return nil, 0, fmt.Errorf("%w: %w", ErrEncode, &LengthError{MsgType: t, Got: w.n, Min: lr.min, Max: lr.max})
	}
	payload, fill = w.armor()
	return payload, fill, nil
}

// data writes nbits of binary data.
func (c *coder) data(d []byte, nbits int) {
	if nbits < 0 || nbits > 8*len(d) {
		if c.err == nil {
			c.err = fmt.Errorf("%w: DataBits %d with %d bytes of Data", ErrEncode, nbits, len(d))
		}
		return
	}
	c.w.putBits(d, nbits)
	c.pos += nbits
}

// appData returns the binary data of a type 6 or 8 message, encoding app when data is nil.
func appData(data []byte, bits int, app Application, msgType int) ([]byte, int, error) {
	if data != nil || app == nil {
		return data, bits, nil
	}
	var w bitwriter
	c := coder{w: &w}
	switch a := app.(type) {
	case *AtoNMonitoring:
		a.code(&c)
	case *DangerousCargo:
		a.code(&c)
	case *TidalWindow:
		a.code(&c, 0)
	case *ClearanceTime:
		a.code(&c)
	case *TextDescription:
		c.u16(&a.Linkage, 10)
		c.text(&a.Text, len(a.Text))
	case *MetHydro11:
		a.code(&c)
	case *MetHydro31:
		a.code(&c)
	case *InlandStatic:
		a.code(&c)
	case *InlandPersons:
		a.code(&c)
	case *AirDraught:
		a.code(&c)
	case *DangerousCargo289:
		a.code(&c, 0)
	case *FairwayClosed:
		a.code(&c)
	case *RouteInfo:
		a.code(&c)
	case *Berthing:
		a.code(&c)
	case *VTSTargets:
		a.code(&c, 0)
	case *InlandLockTime:
		a.code(&c)
	case *PersonsOnBoard:
		a.code(&c)
	case *TextBroadcast:
		c.u16(&a.Linkage, 10)
		c.text(&a.Text, len(a.Text))
	case *SignalStatus:
		a.code(&c)
	case *InlandWaterLevels:
		a.code(&c)
	default:
		return nil, 0, fmt.Errorf("%w: application %T", ErrEncode, app)
	}
	if c.err != nil {
		return nil, 0, c.err
	}
	return w.b, w.n, nil
}

func defaultType(m Message) int {
	switch m.(type) {
	case *StaticVoyageData:
		return 5
	case *BinaryAddressed:
		return 6
	case *BinaryBroadcast:
		return 8
	case *SARAircraftPosition:
		return 9
	case *UTCInquiry:
		return 10
	case *SafetyAddressed:
		return 12
	case *SafetyBroadcast:
		return 14
	case *Interrogation:
		return 15
	case *AssignedMode:
		return 16
	case *GNSSBroadcast:
		return 17
	case *ClassBPosition:
		return 18
	case *ClassBExtended:
		return 19
	case *DataLinkManagement:
		return 20
	case *AidToNavigation:
		return 21
	case *ChannelManagement:
		return 22
	case *GroupAssignment:
		return 23
	case *StaticDataReport:
		return 24
	case *SingleSlotBinary:
		return 25
	case *MultiSlotBinary:
		return 26
	case *LongRangePosition:
		return 27
	}
	return 0
}

// MaxSentencePayload is the number of payload characters EncodeSentences puts in one sentence,
// which keeps every sentence within the 82 characters of IEC 61162-1 (line end included).
const MaxSentencePayload = 60

// EncodeSentences encodes m and splits it into !xxVDM sentences with checksums, without line
// terminators. talker is the two-character talker ID ("" means "AI"); channel is 'A', 'B', or 0
// for none; seqID (0..9) is the sequential message identifier of a multi-sentence message (a
// single sentence leaves the field empty).
func EncodeSentences(m Message, talker string, channel byte, seqID int) ([]string, error) {
	if talker == "" {
		talker = "AI"
	}
	if len(talker) != 2 {
		return nil, fmt.Errorf("%w: talker %q, want two characters", ErrEncode, talker)
	}
	if seqID < 0 || seqID > 9 {
		return nil, fmt.Errorf("%w: sequence identifier %d, want 0 to 9", ErrEncode, seqID)
	}
	payload, fill, err := Encode(m)
	if err != nil {
		return nil, err
	}
	n := (len(payload) + MaxSentencePayload - 1) / MaxSentencePayload
	if n > 9 {
		return nil, fmt.Errorf("%w: %d sentences needed, at most 9", ErrEncode, n)
	}
	out := make([]string, 0, n)
	for k := 0; k < n; k++ {
		part := payload[k*MaxSentencePayload : min(len(payload), (k+1)*MaxSentencePayload)]
		b := make([]byte, 0, 82)
		b = append(b, '!')
		b = append(b, talker...)
		b = append(b, "VDM,"...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(k+1), 10)
		b = append(b, ',')
		if n > 1 {
			b = strconv.AppendInt(b, int64(seqID), 10)
		}
		b = append(b, ',')
		if channel != 0 {
			b = append(b, channel)
		}
		b = append(b, ',')
		b = append(b, part...)
		b = append(b, ',')
		if k == n-1 {
			b = strconv.AppendInt(b, int64(fill), 10)
		} else {
			b = append(b, '0')
		}
		var sum byte
		for _, ch := range b[1:] {
			sum ^= ch
		}
		const hex = "0123456789ABCDEF"
		b = append(b, '*', hex[sum>>4], hex[sum&15])
		out = append(out, string(b))
	}
	return out, nil
}
