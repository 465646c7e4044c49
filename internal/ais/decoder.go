package ais

import "fmt"

// Decoder decodes payloads into structs it owns and reuses: the message returned by Decode,
// and every slice in it, stays valid only until the next call to Decode. Decoding a position
// report (types 1, 2, 3, 18, 27) makes no allocation. A Decoder is not safe for concurrent use;
// its zero value is ready to use.
type Decoder struct {
	alloc bool // allocate a fresh message per call (used by the package-level Decode)
	buf   [bufBytes]byte
	data  [bufBytes]byte

	pos  PositionReport
	base BaseStationReport
	stat StaticVoyageData
	bin6 BinaryAddressed
	ack  BinaryAck
	bin8 BinaryBroadcast
	sar  SARAircraftPosition
	utc  UTCInquiry
	saf  SafetyAddressed
	safb SafetyBroadcast
	intr Interrogation
	asg  AssignedMode
	gnss GNSSBroadcast
	clb  ClassBPosition
	clbx ClassBExtended
	dlm  DataLinkManagement
	aton AidToNavigation
	chm  ChannelManagement
	grp  GroupAssignment
	s24  StaticDataReport
	ss   SingleSlotBinary
	ms   MultiSlotBinary
	lr   LongRangePosition
}

// lengthRange gives, per message type, the lengths in bits Decode accepts: those of
// ITU-R M.1371-5, widened as gpsd 3.22 widens them for transmitters seen in the wild (a class A
// report of 163 bits, a type 5 of 420 or 422 bits). max 0 means no upper bound.
var lengthRange = [28]struct{ min, max int }{
	1: {163, 0}, 2: {163, 0}, 3: {163, 0},
	4: {168, 0}, 5: {420, 0}, 6: {88, 1008}, 7: {72, 168}, 8: {56, 1008}, 9: {168, 0},
	10: {72, 0}, 11: {168, 0}, 12: {72, 1008}, 13: {72, 168}, 14: {40, 1008},
	15: {88, 168}, 16: {96, 168}, 17: {80, 816}, 18: {168, 0}, 19: {312, 0},
	20: {72, 186}, 21: {272, 368}, 22: {168, 0}, 23: {160, 0}, 24: {160, 0},
	25: {40, 168}, 26: {60, 1004}, 27: {96, 168},
}

// Decode decodes one complete armored payload with fill fill bits (0..5). The result is valid
// until the next call. Errors wrap ErrEmpty, ErrTooLong, ErrBadFill, ErrBadChar, ErrLength (as
// a *LengthError) or ErrUnknownType.
func (d *Decoder) Decode(payload []byte, fill int) (Message, error) {
	r, err := unarmor(&d.buf, payload, fill)
	if err != nil {
		return nil, err
	}
	if r.n < 38 {
		return nil, &LengthError{MsgType: int(r.u(0, 6)), Got: r.n, Min: 38}
	}
	h := Header{MsgType: uint8(r.u(0, 6)), Repeat: uint8(r.u(6, 2)), UserID: uint32(r.u(8, 30))}
	t := int(h.MsgType)
	if t < 1 || t > 27 {
		return nil, fmt.Errorf("%w: %d (%d bits)", ErrUnknownType, t, r.n)
	}
	if lr := lengthRange[t]; r.n < lr.min || (lr.max != 0 && r.n > lr.max) {
		return nil, &LengthError{MsgType: t, Got: r.n, Min: lr.min, Max: lr.max}
	}
	c := coder{r: &r, pos: 38}
	switch t {
	case 1, 2, 3:
		m := &d.pos
		if d.alloc {
			m = new(PositionReport)
		}
		m.Header = h
		m.code(&c)
		if r.n < 168 { // gpsd 3.22 takes the communication state from the bits that were sent
			m.Radio = uint32(r.u(149, r.n-149))
		}
		return m, nil
	case 18:
		m := &d.clb
		if d.alloc {
			m = new(ClassBPosition)
		}
		m.Header = h
		m.code(&c)
		return m, nil
	case 27:
		if r.n != 96 && r.n != 168 {
			return nil, &LengthError{MsgType: t, Got: r.n, Min: 96, Max: 96}
		}
		m := &d.lr
		if d.alloc {
			m = new(LongRangePosition)
		}
		m.Header = h
		m.code(&c)
		return m, nil
	case 4, 11:
		m := &d.base
		if d.alloc {
			m = new(BaseStationReport)
		}
		m.Header = h
		m.code(&c)
		return m, nil
	case 5:
		m := &d.stat
		if d.alloc {
			m = new(StaticVoyageData)
		}
		m.Header = h
		m.code(&c)
		if r.n < 423 { // gpsd 3.22 reads the DTE flag only when it was sent
			m.DTE, m.Spare = false, 0
		}
		return m, nil
	case 6:
		m := &d.bin6
		if d.alloc {
			m = new(BinaryAddressed)
		}
		m.Header = h
		c.u8(&m.Seq, 2)
		c.u32(&m.DestMMSI, 30)
		c.flag(&m.Retransmit)
		c.u8(&m.Spare, 1)
		c.u16(&m.DAC, 10)
		c.u8(&m.FID, 6)
		m.DataBits = r.n - 88
		m.Data = d.binary(&r, 88, m.DataBits, 88+roundUp8(m.DataBits))
		m.App = decodeApp(6, m.DAC, m.FID, m.Data, m.DataBits, d.alloc)
		return m, nil
	case 7, 13:
		m := &d.ack
		if d.alloc {
			m = new(BinaryAck)
		}
		m.Header = h
		c.u8(&m.Spare, 2)
		m.N = 0
		for i := range m.Acks {
			m.Acks[i] = Ack{}
			if 40+32*i < r.n {
				c.u32(&m.Acks[i].MMSI, 30)
				c.u8(&m.Acks[i].Seq, 2)
				m.N = i + 1
			}
		}
		return m, nil
	case 8:
		m := &d.bin8
		if d.alloc {
			m = new(BinaryBroadcast)
		}
		m.Header = h
		c.u8(&m.Spare, 2)
		c.u16(&m.DAC, 10)
		c.u8(&m.FID, 6)
		m.DataBits = r.n - 56
		// Unlike type 6, gpsd 3.22 clears the bits past the data in the last byte of type 8.
		m.Data = d.binary(&r, 56, m.DataBits, r.n)
		m.App = decodeApp(8, m.DAC, m.FID, m.Data, m.DataBits, d.alloc)
		return m, nil
	case 9:
		m := &d.sar
		if d.alloc {
			m = new(SARAircraftPosition)
		}
		m.Header = h
		m.code(&c)
		return m, nil
	case 10:
		m := &d.utc
		if d.alloc {
			m = new(UTCInquiry)
		}
		m.Header = h
		m.code(&c)
		return m, nil
	case 12:
		m := &d.saf
		if d.alloc {
			m = new(SafetyAddressed)
		}
		m.Header = h
		c.u8(&m.Seq, 2)
		c.u32(&m.DestMMSI, 30)
		c.flag(&m.Retransmit)
		c.u8(&m.Spare, 1)
		m.Text = r.text(72, (r.n-72)/6)
		return m, nil
	case 14:
		m := &d.safb
		if d.alloc {
			m = new(SafetyBroadcast)
		}
		m.Header = h
		c.u8(&m.Spare, 2)
		m.Text = r.text(40, (r.n-40)/6)
		return m, nil
	case 15:
		m := &d.intr
		if d.alloc {
			m = new(Interrogation)
		}
		*m = Interrogation{Header: h, Parts: 1}
		c.u8(&m.Spare, 2)
		c.u32(&m.MMSI1, 30)
		c.u8(&m.Type1_1, 6)
		c.u16(&m.Offset1_1, 12)
		if r.n > 90 {
			c.u8(&m.Spare2, 2)
			c.u8(&m.Type1_2, 6)
			c.u16(&m.Offset1_2, 12)
			m.Parts = 2
			if r.n > 110 {
				c.u8(&m.Spare3, 2)
				c.u32(&m.MMSI2, 30)
				c.u8(&m.Type2_1, 6)
				c.u16(&m.Offset2_1, 12)
				c.u8(&m.Spare4, 2)
				m.Parts = 3
			}
		}
		return m, nil
	case 16:
		m := &d.asg
		if d.alloc {
			m = new(AssignedMode)
		}
		*m = AssignedMode{Header: h}
		c.u8(&m.Spare, 2)
		c.u32(&m.MMSI1, 30)
		c.u16(&m.Offset1, 12)
		c.u16(&m.Increment1, 10)
		if r.n >= 144 {
			m.Second = true
			c.u32(&m.MMSI2, 30)
			c.u16(&m.Offset2, 12)
			c.u16(&m.Increment2, 10)
		} else {
			c.u8(&m.Spare2, 4)
		}
		return m, nil
	case 17:
		m := &d.gnss
		if d.alloc {
			m = new(GNSSBroadcast)
		}
		m.Header = h
		c.u8(&m.Spare, 2)
		c.i32(&m.Longitude, 18)
		c.i32(&m.Latitude, 17)
		c.u8(&m.Spare2, 5)
		m.DataBits = r.n - 80
		m.Data = d.binary(&r, 80, m.DataBits, 80+roundUp8(m.DataBits))
		return m, nil
	case 19:
		m := &d.clbx
		if d.alloc {
			m = new(ClassBExtended)
		}
		m.Header = h
		m.code(&c)
		return m, nil
	case 20:
		m := &d.dlm
		if d.alloc {
			m = new(DataLinkManagement)
		}
		m.Header = h
		c.u8(&m.Spare, 2)
		for i := range m.Slots {
			s := &m.Slots[i]
			c.u16(&s.Offset, 12)
			c.u8(&s.Number, 4)
			c.u8(&s.Timeout, 3)
			c.u16(&s.Increment, 11)
		}
		m.N = min(4, (r.n-40)/30)
		m.TailBits = min(r.n-40-30*m.N, 30)
		m.Tail = uint32(r.u(40+30*m.N, m.TailBits))
		return m, nil
	case 21:
		m := &d.aton
		if d.alloc {
			m = new(AidToNavigation)
		}
		m.Header = h
		m.code(&c)
		m.NameExt = ""
		if r.n > 272 {
			m.NameExt = r.text(272, (r.n-272)/6)
		}
		return m, nil
	case 22:
		m := &d.chm
		if d.alloc {
			m = new(ChannelManagement)
		}
		*m = ChannelManagement{Header: h}
		m.code(&c)
		return m, nil
	case 23:
		m := &d.grp
		if d.alloc {
			m = new(GroupAssignment)
		}
		m.Header = h
		m.code(&c)
		return m, nil
	case 24:
		m := &d.s24
		if d.alloc {
			m = new(StaticDataReport)
		}
		*m = StaticDataReport{Header: h}
		c.u8(&m.PartNum, 2)
		switch m.PartNum {
		case 0:
			if r.n > 168 {
				return nil, &LengthError{MsgType: t, Got: r.n, Min: 160, Max: 168}
			}
			c.text(&m.Name, 20)
			if r.n >= 168 {
				m.LongA = true
				c.u8(&m.SpareA, 8)
			}
		case 1:
			if r.n < 168 {
				return nil, &LengthError{MsgType: t, Got: r.n, Min: 168}
			}
			c.u8(&m.ShipType, 8)
			c.text(&m.VendorID, 7)
			c.text(&m.CallSign, 7)
			c.u16(&m.ToBow, 9)
			c.u16(&m.ToStern, 9)
			c.u8(&m.ToPort, 6)
			c.u8(&m.ToStarboard, 6)
			c.u8(&m.SpareB, 6)
		default:
			return nil, fmt.Errorf("%w: type 24 part number %d, want 0 (A) or 1 (B)", ErrUnknownType, m.PartNum)
		}
		return m, nil
	case 25:
		m := &d.ss
		if d.alloc {
			m = new(SingleSlotBinary)
		}
		*m = SingleSlotBinary{Header: h}
		c.flag(&m.Addressed)
		c.flag(&m.Structured)
		need := 40 + 16*b2i(m.Structured) + 30*b2i(m.Addressed)
		if r.n < need {
			return nil, &LengthError{MsgType: t, Got: r.n, Min: need, Max: 168}
		}
		if m.Addressed {
			c.u32(&m.DestMMSI, 30)
		}
		if m.Structured {
			c.u16(&m.AppID, 16)
		}
		// gpsd copies whole bytes from bit 40 (+16 when structured), then drops the address.
		base := 40 + 16*b2i(m.Structured)
		limit := base + roundUp8(r.n-base)
		m.DataBits = r.n - need
		m.Data = d.binary(&r, need, m.DataBits, limit)
		return m, nil
	case 26:
		m := &d.ms
		if d.alloc {
			m = new(MultiSlotBinary)
		}
		*m = MultiSlotBinary{Header: h}
		c.flag(&m.Addressed)
		c.flag(&m.Structured)
		need := 40 + 16*b2i(m.Structured) + 30*b2i(m.Addressed) + 20
		if r.n < need {
			return nil, &LengthError{MsgType: t, Got: r.n, Min: need, Max: 1004}
		}
		if m.Addressed {
			c.u32(&m.DestMMSI, 30)
		}
		if m.Structured {
			c.u16(&m.AppID, 16)
		}
		base := 40 + 16*b2i(m.Structured)
		limit := base + roundUp8(r.n-20-base)
		m.DataBits = r.n - need
		m.Data = d.binary(&r, need-20, m.DataBits, limit)
		m.Radio = uint32(r.u(r.n-20, 20))
		return m, nil
	}
	return nil, fmt.Errorf("%w: %d", ErrUnknownType, t)
}

// binary extracts a binary data field into the decoder's data buffer (or a new slice).
func (d *Decoder) binary(r *bitbuf, start, nbits, limit int) []byte {
	var dst []byte
	if d.alloc {
		dst = make([]byte, 0, (nbits+7)/8)
	} else {
		dst = d.data[:0]
	}
	return r.extract(dst, start, nbits, limit)
}

func roundUp8(n int) int { return (n + 7) &^ 7 }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
