package ais

// Application is the decoded application data of a binary message (types 6 and 8), identified
// by its designated area code (DAC) and function identifier (FID). Decoded: the IMO SN.1/Circ.236
// and SN.1/Circ.289 messages met in real feeds (DAC 1: FID 11 and 31 meteorological and
// hydrographic data, FID 12 dangerous cargo, FID 14 and 32 tidal window, FID 15 air draught,
// FID 13 fairway closed, FID 16 persons on board, FID 17 VTS-generated targets, FID 18 clearance time to enter port, FID 20
// berthing data, FID 25
// dangerous cargo, FID 27 and 28 route information, FID 29 and 30 text description),
// the UK/Ireland AtoN monitoring message (DAC 235 and 250, FID 10) and the Inland AIS messages
// (DAC 200: FID 10 ship static data, FID 21 and 22 ETA and RTA at a lock, bridge or terminal,
// FID 24 water levels, FID 40 signal status, FID 55 number of persons on board). The decision to decode
// follows gpsd 3.22, including its length conditions, so that both agree on what is structured.
type Application interface {
	// AppID returns the designated area code and function identifier.
	AppID() (dac uint16, fid uint8)
}

// decodeApp decodes the application data of a type 6 or 8 message, or returns nil.
func decodeApp(msgType int, dac uint16, fid uint8, data []byte, bits int, alloc bool) Application {
	var buf [bufBytes]byte
	copy(buf[:], data)
	r := bitbuf{b: buf[:], n: bits}
	c := coder{r: &r}
	if msgType == 6 {
		switch {
		case (dac == 235 || dac == 250) && fid == 10:
			if bits != 48 {
				return nil
			}
			a := &AtoNMonitoring{DAC: dac}
			a.code(&c)
			return a
		case dac == 1 && fid == 12:
			a := new(DangerousCargo)
			a.code(&c)
			return a
		case dac == 1 && (fid == 14 || fid == 32):
			a := &TidalWindow{Legacy: fid == 14}
			a.code(&c, bits)
			return a
		case dac == 1 && fid == 15:
			a := new(AirDraught)
			a.code(&c)
			return a
		case dac == 1 && fid == 16:
			a := new(PersonsOnBoard)
			a.code(&c)
			return a
		case dac == 1 && fid == 25:
			a := new(DangerousCargo289)
			a.code(&c, bits)
			return a
		case dac == 1 && fid == 20:
			a := new(Berthing)
			a.code(&c)
			return a
		case dac == 1 && fid == 28:
			a := new(RouteInfo)
			a.code(&c)
			return a
		case dac == 1 && fid == 18:
			a := new(ClearanceTime)
			a.code(&c)
			return a
		case dac == 200 && (fid == 21 && bits == 160 || fid == 22 && bits == 144): // 248, 232-bit messages
			a := &InlandLockTime{RTA: fid == 22}
			a.code(&c)
			return a
		case dac == 200 && fid == 55:
			if bits != 80 { // a 168-bit message
				return nil
			}
			a := new(InlandPersons)
			a.code(&c)
			return a
		case dac == 1 && fid == 30:
			a := new(TextDescription)
			c.u16(&a.Linkage, 10)
			if bits > 10 {
				a.Text = r.text(10, (bits-10)/6)
			}
			return a
		}
		return nil
	}
	switch {
	case dac == 1 && fid == 11:
		a := new(MetHydro11)
		a.code(&c)
		return a
	case dac == 1 && fid == 31:
		a := new(MetHydro31)
		a.code(&c)
		return a
	case dac == 200 && fid == 10:
		if bits != 112 {
			return nil
		}
		a := new(InlandStatic)
		a.code(&c)
		if a.Hazard > 5 {
			return nil
		}
		return a
	case dac == 1 && fid == 15:
		a := new(AirDraught)
		a.code(&c)
		return a
	case dac == 1 && fid == 13:
		a := new(FairwayClosed)
		a.code(&c)
		return a
	case dac == 1 && fid == 17:
		a := new(VTSTargets)
		a.code(&c, bits)
		return a
	case dac == 1 && fid == 27:
		a := &RouteInfo{Broadcast: true}
		a.code(&c)
		return a
	case dac == 1 && fid == 29:
		a := new(TextBroadcast)
		c.u16(&a.Linkage, 10)
		if bits > 10 {
			a.Text = r.text(10, (bits-10)/6)
		}
		return a
	case dac == 200 && fid == 40:
		if bits != 112 { // a 168-bit message
			return nil
		}
		a := new(SignalStatus)
		a.code(&c)
		return a
	case dac == 200 && fid == 24:
		if bits != 112 { // a 168-bit message
			return nil
		}
		a := new(InlandWaterLevels)
		a.code(&c)
		return a
	}
	return nil
}

// AtoNMonitoring is the GLA aid-to-navigation monitoring message (type 6, DAC 235 or 250,
// FID 10), 48 bits of data.
type AtoNMonitoring struct {
	DAC     uint16 // 235 (UK) or 250 (Ireland)
	AnaInt  uint16 // 10 bits, internal supply voltage in 0.05 V
	AnaExt1 uint16 // 10 bits, external analogue 1 in 0.05 V
	AnaExt2 uint16 // 10 bits, external analogue 2 in 0.05 V
	Racon   uint8  // 2 bits: 0 none, 1 not monitored, 2 operational, 3 error
	Light   uint8  // 2 bits: 0 none, 1 on, 2 off, 3 error
	Alarm   bool
	StatExt uint8 // 8 bits, external digital inputs
	OffPos  bool  // off position
	Spare   uint8 // 4 bits
}

// AppID implements Application.
func (a *AtoNMonitoring) AppID() (uint16, uint8) { return a.DAC, 10 }

func (a *AtoNMonitoring) code(c *coder) {
	c.u16(&a.AnaInt, 10)
	c.u16(&a.AnaExt1, 10)
	c.u16(&a.AnaExt2, 10)
	c.u8(&a.Racon, 2)
	c.u8(&a.Light, 2)
	c.flag(&a.Alarm)
	c.u8(&a.StatExt, 8)
	c.flag(&a.OffPos)
	c.u8(&a.Spare, 4)
}

// DangerousCargo is IMO SN.1/Circ.236 dangerous cargo indication (type 6, DAC 1, FID 12).
type DangerousCargo struct {
	LastPort                     string // 5 characters, UN/LOCODE
	LMonth, LDay, LHour, LMinute uint8  // departure: 4, 5, 5, 6 bits
	NextPort                     string // 5 characters
	NMonth, NDay, NHour, NMinute uint8  // estimated arrival
	Dangerous                    string // 20 characters, main dangerous good
	IMDCat                       string // 4 characters, IMD category
	UNID                         uint16 // 13 bits, UN number
	Amount                       uint16 // 10 bits
	Unit                         uint8  // 2 bits
	Spare                        uint8  // 3 bits
}

// AppID implements Application.
func (a *DangerousCargo) AppID() (uint16, uint8) { return 1, 12 }

func (a *DangerousCargo) code(c *coder) {
	c.text(&a.LastPort, 5)
	c.u8(&a.LMonth, 4)
	c.u8(&a.LDay, 5)
	c.u8(&a.LHour, 5)
	c.u8(&a.LMinute, 6)
	c.text(&a.NextPort, 5)
	c.u8(&a.NMonth, 4)
	c.u8(&a.NDay, 5)
	c.u8(&a.NHour, 5)
	c.u8(&a.NMinute, 6)
	c.text(&a.Dangerous, 20)
	c.text(&a.IMDCat, 4)
	c.u16(&a.UNID, 13)
	c.u16(&a.Amount, 10)
	c.u8(&a.Unit, 2)
	c.u8(&a.Spare, 3)
}

// TidalWindow is the tidal window message (type 6, DAC 1): FID 32 of IMO SN.1/Circ.289, or the
// older FID 14 of SN.1/Circ.236 (Legacy), whose positions are in 1/10,000 minute, latitude first.
type TidalWindow struct {
	Legacy     bool  // FID 14 layout
	Month, Day uint8 // 4 and 5 bits, UTC
	Tides      []Tide
}

// Tide is one point of a [TidalWindow].
type Tide struct {
	Lon, Lat          int32 // FID 32: 25/24 bits in 1/1,000 minute; FID 14: 28/27 bits in 1/10,000 minute
	FromHour, FromMin uint8
	ToHour, ToMin     uint8
	CDir              uint16 // 9 bits, current direction in degrees; 360 = not available
	CSpeed            uint8  // FID 32: 8 bits, FID 14: 7 bits, 1/10 knot
}

// AppID implements Application.
func (a *TidalWindow) AppID() (uint16, uint8) {
	if a.Legacy {
		return 1, 14
	}
	return 1, 32
}

func (a *TidalWindow) elemBits() int {
	if a.Legacy {
		return 93
	}
	return 88
}

func (a *TidalWindow) code(c *coder, bits int) {
	c.u8(&a.Month, 4)
	c.u8(&a.Day, 5)
	size := a.elemBits()
	if c.decoding() {
		a.Tides = a.Tides[:0]
		for p := 9; p+size <= bits; p += size {
			a.Tides = append(a.Tides, Tide{})
		}
	}
	for i := range a.Tides {
		a.Tides[i].code(c, a.Legacy)
	}
}

func (t *Tide) code(c *coder, legacy bool) {
	if legacy {
		c.i32(&t.Lat, 27)
		c.i32(&t.Lon, 28)
	} else {
		c.i32(&t.Lon, 25)
		c.i32(&t.Lat, 24)
	}
	c.u8(&t.FromHour, 5)
	c.u8(&t.FromMin, 6)
	c.u8(&t.ToHour, 5)
	c.u8(&t.ToMin, 6)
	c.u16(&t.CDir, 9)
	if legacy {
		c.u8(&t.CSpeed, 7)
	} else {
		c.u8(&t.CSpeed, 8)
	}
}

// ClearanceTime is IMO SN.1/Circ.289 clearance time to enter port (type 6, DAC 1, FID 18).
type ClearanceTime struct {
	Linkage                  uint16 // 10 bits, message linkage ID
	Month, Day, Hour, Minute uint8
	PortName                 string // 20 characters
	Destination              string // 5 characters, UN/LOCODE
	Lon                      int32  // 25 bits, 1/1,000 minute
	Lat                      int32  // 24 bits, 1/1,000 minute
	Spare                    uint64 // 43 bits
}

// AppID implements Application.
func (a *ClearanceTime) AppID() (uint16, uint8) { return 1, 18 }

func (a *ClearanceTime) code(c *coder) {
	c.u16(&a.Linkage, 10)
	c.u8(&a.Month, 4)
	c.u8(&a.Day, 5)
	c.u8(&a.Hour, 5)
	c.u8(&a.Minute, 6)
	c.text(&a.PortName, 20)
	c.text(&a.Destination, 5)
	c.i32(&a.Lon, 25)
	c.i32(&a.Lat, 24)
	a.Spare = c.uv(a.Spare, 43)
}

// TextDescription is IMO SN.1/Circ.289 addressed text description (type 6, DAC 1, FID 30).
type TextDescription struct {
	Linkage uint16 // 10 bits
	Text    string // six-bit text as transmitted
}

// AppID implements Application.
func (a *TextDescription) AppID() (uint16, uint8) { return 1, 30 }

// MetHydro11 is the IMO SN.1/Circ.236 meteorological and hydrographic data message (type 8,
// DAC 1, FID 11). Raw values: see the circular for offsets and "not available" codes.
type MetHydro11 struct {
	Lat, Lon          int32 // 24/25 bits, 1/1,000 minute
	Day, Hour, Minute uint8
	WSpeed, WGust     uint8  // 7 bits, knots; 127 = not available
	WDir, WGustDir    uint16 // 9 bits, degrees; 360 = not available
	AirTemp           uint16 // 11 bits, 0.1 °C offset by -60.0 °C; 2047 = not available
	Humidity          uint8  // 7 bits, %; 127 = not available
	DewPoint          uint16 // 10 bits, 0.1 °C offset by -20.0 °C; 1023 = not available
	Pressure          uint16 // 9 bits, hPa offset by 800; 511 = not available
	PressureTend      uint8  // 2 bits
	Visibility        uint8  // 8 bits, 0.1 nautical mile; 255 = not available
	WaterLevel        uint16 // 9 bits, 0.1 m offset by -10.0 m; 511 = not available
	LevelTrend        uint8
	CSpeed            uint8 // 8 bits, 0.1 knot; 255 = not available
	CDir              uint16
	CSpeed2           uint8
	CDir2             uint16
	CDepth2           uint8 // 5 bits, metres
	CSpeed3           uint8
	CDir3             uint16
	CDepth3           uint8
	WaveHeight        uint8 // 8 bits, 0.1 m
	WavePeriod        uint8 // 6 bits, seconds
	WaveDir           uint16
	SwellHeight       uint8
	SwellPeriod       uint8
	SwellDir          uint16
	SeaState          uint8  // 4 bits, Beaufort
	WaterTemp         uint16 // 10 bits, 0.1 °C offset by -10.0 °C
	PrecipType        uint8  // 3 bits
	Salinity          uint16 // 9 bits, 0.1 ‰
	Ice               uint8  // 2 bits
	Spare             uint8  // 6 bits
}

// AppID implements Application.
func (a *MetHydro11) AppID() (uint16, uint8) { return 1, 11 }

func (a *MetHydro11) code(c *coder) {
	c.i32(&a.Lat, 24)
	c.i32(&a.Lon, 25)
	c.u8(&a.Day, 5)
	c.u8(&a.Hour, 5)
	c.u8(&a.Minute, 6)
	c.u8(&a.WSpeed, 7)
	c.u8(&a.WGust, 7)
	c.u16(&a.WDir, 9)
	c.u16(&a.WGustDir, 9)
	c.u16(&a.AirTemp, 11)
	c.u8(&a.Humidity, 7)
	c.u16(&a.DewPoint, 10)
	c.u16(&a.Pressure, 9)
	c.u8(&a.PressureTend, 2)
	c.u8(&a.Visibility, 8)
	c.u16(&a.WaterLevel, 9)
	c.u8(&a.LevelTrend, 2)
	c.u8(&a.CSpeed, 8)
	c.u16(&a.CDir, 9)
	c.u8(&a.CSpeed2, 8)
	c.u16(&a.CDir2, 9)
	c.u8(&a.CDepth2, 5)
	c.u8(&a.CSpeed3, 8)
	c.u16(&a.CDir3, 9)
	c.u8(&a.CDepth3, 5)
	c.u8(&a.WaveHeight, 8)
	c.u8(&a.WavePeriod, 6)
	c.u16(&a.WaveDir, 9)
	c.u8(&a.SwellHeight, 8)
	c.u8(&a.SwellPeriod, 6)
	c.u16(&a.SwellDir, 9)
	c.u8(&a.SeaState, 4)
	c.u16(&a.WaterTemp, 10)
	c.u8(&a.PrecipType, 3)
	c.u16(&a.Salinity, 9)
	c.u8(&a.Ice, 2)
	c.u8(&a.Spare, 6)
}

// MetHydro31 is the IMO SN.1/Circ.289 meteorological and hydrographic data message (type 8,
// DAC 1, FID 31). Temperatures are signed in 0.1 °C; see the circular for the other codes.
type MetHydro31 struct {
	Lon, Lat          int32 // 25/24 bits, 1/1,000 minute
	Accuracy          bool
	Day, Hour, Minute uint8
	WSpeed, WGust     uint8
	WDir, WGustDir    uint16
	AirTemp           int32 // 11 bits signed, 0.1 °C; -1024 = not available
	Humidity          uint8
	DewPoint          int32  // 10 bits signed, 0.1 °C; 501 = not available
	Pressure          uint16 // 9 bits, hPa offset by 799; 511 = not available
	PressureTend      uint8
	VisGreater        bool
	Visibility        uint8  // 7 bits, 0.1 nautical mile
	WaterLevel        uint16 // 12 bits, 0.01 m offset by -10.0 m; 4001 = not available
	LevelTrend        uint8
	CSpeed            uint8
	CDir              uint16
	CSpeed2           uint8
	CDir2             uint16
	CDepth2           uint8
	CSpeed3           uint8
	CDir3             uint16
	CDepth3           uint8
	WaveHeight        uint8
	WavePeriod        uint8
	WaveDir           uint16
	SwellHeight       uint8
	SwellPeriod       uint8
	SwellDir          uint16
	SeaState          uint8
	WaterTemp         int32 // 10 bits signed, 0.1 °C; 501 = not available
	PrecipType        uint8
	Salinity          uint16
	Ice               uint8
	Spare             uint16 // 10 bits
}

// AppID implements Application.
func (a *MetHydro31) AppID() (uint16, uint8) { return 1, 31 }

func (a *MetHydro31) code(c *coder) {
	c.i32(&a.Lon, 25)
	c.i32(&a.Lat, 24)
	c.flag(&a.Accuracy)
	c.u8(&a.Day, 5)
	c.u8(&a.Hour, 5)
	c.u8(&a.Minute, 6)
	c.u8(&a.WSpeed, 7)
	c.u8(&a.WGust, 7)
	c.u16(&a.WDir, 9)
	c.u16(&a.WGustDir, 9)
	c.i32(&a.AirTemp, 11)
	c.u8(&a.Humidity, 7)
	c.i32(&a.DewPoint, 10)
	c.u16(&a.Pressure, 9)
	c.u8(&a.PressureTend, 2)
	c.flag(&a.VisGreater)
	c.u8(&a.Visibility, 7)
	c.u16(&a.WaterLevel, 12)
	c.u8(&a.LevelTrend, 2)
	c.u8(&a.CSpeed, 8)
	c.u16(&a.CDir, 9)
	c.u8(&a.CSpeed2, 8)
	c.u16(&a.CDir2, 9)
	c.u8(&a.CDepth2, 5)
	c.u8(&a.CSpeed3, 8)
	c.u16(&a.CDir3, 9)
	c.u8(&a.CDepth3, 5)
	c.u8(&a.WaveHeight, 8)
	c.u8(&a.WavePeriod, 6)
	c.u16(&a.WaveDir, 9)
	c.u8(&a.SwellHeight, 8)
	c.u8(&a.SwellPeriod, 6)
	c.u16(&a.SwellDir, 9)
	c.u8(&a.SeaState, 4)
	c.i32(&a.WaterTemp, 10)
	c.u8(&a.PrecipType, 3)
	c.u16(&a.Salinity, 9)
	c.u8(&a.Ice, 2)
	c.u16(&a.Spare, 10)
}

// InlandStatic is the Inland AIS ship static and voyage related data (type 8, DAC 200, FID 10),
// 112 bits of data.
type InlandStatic struct {
	VIN      string // 8 characters, European vessel identification number (ENI)
	Length   uint16 // 13 bits, 0.1 m
	Beam     uint16 // 10 bits, 0.1 m
	ShipType uint16 // 14 bits, ERI ship type
	Hazard   uint8  // 3 bits, number of blue cones; 5 = unknown
	Draught  uint16 // 11 bits, 0.01 m
	Loaded   uint8  // 2 bits: 1 unloaded, 2 loaded
	SpeedQ   bool   // speed quality: true = high
	CourseQ  bool
	HeadingQ bool
	Spare    uint8 // 8 bits
}

// AppID implements Application.
func (a *InlandStatic) AppID() (uint16, uint8) { return 200, 10 }

func (a *InlandStatic) code(c *coder) {
	c.text(&a.VIN, 8)
	c.u16(&a.Length, 13)
	c.u16(&a.Beam, 10)
	c.u16(&a.ShipType, 14)
	c.u8(&a.Hazard, 3)
	c.u16(&a.Draught, 11)
	c.u8(&a.Loaded, 2)
	c.flag(&a.SpeedQ)
	c.flag(&a.CourseQ)
	c.flag(&a.HeadingQ)
	c.u8(&a.Spare, 8)
}

// InlandPersons is the Inland AIS number of persons on board (type 6, DAC 200, FID 55),
// 80 bits of data in a 168-bit message. A count of 255 (8191 for passengers) is "not
// available", 254 (8190) means that many or more.
type InlandPersons struct {
	Crew       uint8  // 8 bits, crew members on board
	Passengers uint16 // 13 bits, passengers on board
	Personnel  uint8  // 8 bits, shipboard personnel on board
	Spare      uint64 // 51 bits
}

// AppID implements Application.
func (a *InlandPersons) AppID() (uint16, uint8) { return 200, 55 }

func (a *InlandPersons) code(c *coder) {
	c.u8(&a.Crew, 8)
	c.u16(&a.Passengers, 13)
	c.u8(&a.Personnel, 8)
	a.Spare = c.uv(a.Spare, 51)
}

// InlandWaterLevels is the Inland AIS water levels message (type 8, DAC 200, FID 24), 112 bits
// of data in a 168-bit message: a country and four gauge readings.
type InlandWaterLevels struct {
	Country string   // 2 characters, UN country code
	Gauges  [4]Gauge // gauge readings; ID 0 is an unused slot
}

// Gauge is one water level reading of InlandWaterLevels.
type Gauge struct {
	ID    uint16 // 11 bits, gauge identifier; 0 = unknown
	Level int16  // 14 bits signed, centimetres relative to the local reference level; 0 = unknown
}

// AppID implements Application.
func (a *InlandWaterLevels) AppID() (uint16, uint8) { return 200, 24 }

func (a *InlandWaterLevels) code(c *coder) {
	c.text(&a.Country, 2)
	for i := range a.Gauges {
		g := &a.Gauges[i]
		c.u16(&g.ID, 11)
		lv := int32(g.Level)
		c.i32(&lv, 14)
		g.Level = int16(lv)
	}
}

// AirDraught is IMO SN.1/Circ.236 extended ship static and voyage related data (DAC 1, FID 15,
// type 6 or 8): the air draught.
type AirDraught struct {
	AirDraught uint16 // 11 bits, metres; 0 = not available
	Spare      uint8  // 5 bits
}

// AppID implements Application.
func (a *AirDraught) AppID() (uint16, uint8) { return 1, 15 }

func (a *AirDraught) code(c *coder) {
	c.u16(&a.AirDraught, 11)
	c.u8(&a.Spare, 5)
}

// PersonsOnBoard is IMO SN.1/Circ.289 number of persons on board (type 6, DAC 1, FID 16).
type PersonsOnBoard struct {
	Persons uint16 // 13 bits; 0 = not available, 8191 = 8191 or more
	Spare   uint8  // 3 bits
}

// AppID implements Application.
func (a *PersonsOnBoard) AppID() (uint16, uint8) { return 1, 16 }

func (a *PersonsOnBoard) code(c *coder) {
	c.u16(&a.Persons, 13)
	c.u8(&a.Spare, 3)
}

// TextBroadcast is IMO SN.1/Circ.289 broadcast text description (type 8, DAC 1, FID 29).
type TextBroadcast struct {
	Linkage uint16 // 10 bits
	Text    string // six-bit text as transmitted
}

// AppID implements Application.
func (a *TextBroadcast) AppID() (uint16, uint8) { return 1, 29 }

// SignalStatus is the Inland AIS signal status message (type 8, DAC 200, FID 40), 112 bits of
// data in a 168-bit message: the state of a light signal for Inland ECDIS.
type SignalStatus struct {
	Lon       int32  // 28 bits, 1/10000 minute
	Lat       int32  // 27 bits, 1/10000 minute
	Form      uint8  // 4 bits, signal form code
	Facing    uint16 // 9 bits, orientation in degrees
	Direction uint8  // 3 bits: 0 unknown, 1 upstream, 2 downstream, 3 to left bank, 4 to right bank
	Status    uint32 // 30 bits, light status, one digit per light (0 unknown, 1 no light, 2 white, ...)
	Spare     uint16 // 11 bits
}

// AppID implements Application.
func (a *SignalStatus) AppID() (uint16, uint8) { return 200, 40 }

func (a *SignalStatus) code(c *coder) {
	c.i32(&a.Lon, 28)
	c.i32(&a.Lat, 27)
	c.u8(&a.Form, 4)
	c.u16(&a.Facing, 9)
	c.u8(&a.Direction, 3)
	c.u32(&a.Status, 30)
	c.u16(&a.Spare, 11)
}

// DangerousCargo289 is IMO SN.1/Circ.289 dangerous cargo indication (type 6, DAC 1, FID 25):
// the amount and unit, then one 17-bit element per cargo for as many as the data holds (gpsd
// 3.22 counts an element whenever its first bit is within the message; bits past the end read
// as zero).
type DangerousCargo289 struct {
	Unit   uint8   // 2 bits: 0 not available, 1 kg, 2 tonnes, 3 1000 tonnes
	Amount uint16  // 10 bits
	Cargos []Cargo // up to 54 elements
}

// Cargo is one element of DangerousCargo289.
type Cargo struct {
	Code    uint8  // 4 bits, cargo code (IMDG class, IBC, BC, ...)
	Subtype uint16 // 13 bits, UN number or class detail
}

// AppID implements Application.
func (a *DangerousCargo289) AppID() (uint16, uint8) { return 1, 25 }

func (a *DangerousCargo289) code(c *coder, bits int) {
	c.u8(&a.Unit, 2)
	c.u16(&a.Amount, 10)
	if c.decoding() {
		a.Cargos = nil
		for 12+17*len(a.Cargos) < bits {
			var e Cargo
			c.u8(&e.Code, 4)
			c.u16(&e.Subtype, 13)
			a.Cargos = append(a.Cargos, e)
		}
		return
	}
	for i := range a.Cargos {
		c.u8(&a.Cargos[i].Code, 4)
		c.u16(&a.Cargos[i].Subtype, 13)
	}
}

// FairwayClosed is IMO SN.1/Circ.236 fairway closed (type 8, DAC 1, FID 13), 416 bits of data.
// Times are UTC; month, day, hour and minute 0 mean not available.
type FairwayClosed struct {
	Reason    string // 20 characters, reason for closing
	CloseFrom string // 20 characters, location of closing from
	CloseTo   string // 20 characters, location of closing to
	Radius    uint16 // 10 bits, radius extension; 1001 = not available
	ExtUnit   uint8  // 2 bits: 0 m, 1 km, 2 nautical miles, 3 cables
	FDay      uint8  // 5 bits, closing from: day
	FMonth    uint8  // 4 bits
	FHour     uint8  // 5 bits
	FMinute   uint8  // 6 bits
	TDay      uint8  // 5 bits, closing to: day
	TMonth    uint8  // 4 bits
	THour     uint8  // 5 bits
	TMinute   uint8  // 6 bits
	Spare     uint8  // 4 bits
}

// AppID implements Application.
func (a *FairwayClosed) AppID() (uint16, uint8) { return 1, 13 }

func (a *FairwayClosed) code(c *coder) {
	c.text(&a.Reason, 20)
	c.text(&a.CloseFrom, 20)
	c.text(&a.CloseTo, 20)
	c.u16(&a.Radius, 10)
	c.u8(&a.ExtUnit, 2)
	c.u8(&a.FDay, 5)
	c.u8(&a.FMonth, 4)
	c.u8(&a.FHour, 5)
	c.u8(&a.FMinute, 6)
	c.u8(&a.TDay, 5)
	c.u8(&a.TMonth, 4)
	c.u8(&a.THour, 5)
	c.u8(&a.TMinute, 6)
	c.u8(&a.Spare, 4)
}

// RouteInfo is IMO SN.1/Circ.289 route information, broadcast (type 8, DAC 1, FID 27) or
// addressed (type 6, DAC 1, FID 28). WayCount waypoints follow; those past the end of the
// message read as zero, as gpsd 3.22 reads them.
type RouteInfo struct {
	Broadcast bool   // FID 27 (type 8) rather than FID 28 (type 6)
	Linkage   uint16 // 10 bits
	Sender    uint8  // 3 bits, sender classification: 0 ship, 1 authority, 2-7 reserved
	RType     uint8  // 5 bits, route type: 1 mandatory, 2 recommended, 3 alternative, ...
	Month     uint8  // 4 bits, start time (UTC); 0 = not available
	Day       uint8  // 5 bits
	Hour      uint8  // 5 bits; 24 = not available
	Minute    uint8  // 6 bits; 60 = not available
	Duration  uint32 // 18 bits, minutes until the end of validity; 0 = cancel route
	WayCount  uint8  // 5 bits, number of waypoints (1-16 in use)
	Waypoints []Waypoint
}

// Waypoint is one point of RouteInfo, in 1/10000 minute.
type Waypoint struct {
	Lon int32 // 28 bits
	Lat int32 // 27 bits
}

// AppID implements Application.
func (a *RouteInfo) AppID() (uint16, uint8) {
	if a.Broadcast {
		return 1, 27
	}
	return 1, 28
}

func (a *RouteInfo) code(c *coder) {
	c.u16(&a.Linkage, 10)
	c.u8(&a.Sender, 3)
	c.u8(&a.RType, 5)
	c.u8(&a.Month, 4)
	c.u8(&a.Day, 5)
	c.u8(&a.Hour, 5)
	c.u8(&a.Minute, 6)
	c.u32(&a.Duration, 18)
	c.u8(&a.WayCount, 5)
	if c.decoding() {
		a.Waypoints = make([]Waypoint, a.WayCount)
	}
	for i := range a.Waypoints {
		c.i32(&a.Waypoints[i].Lon, 28)
		c.i32(&a.Waypoints[i].Lat, 27)
	}
}

// InlandLockTime is the Inland AIS ETA at a lock, bridge or terminal (type 6, DAC 200, FID 21,
// 160 bits of data, sent by the vessel) or the RTA answering it (FID 22, 144 bits, sent by the
// authority). Time is UTC; month, day 0, hour 24 and minute 60 mean not available.
type InlandLockTime struct {
	RTA        bool   // FID 22 (requested time of arrival) rather than FID 21 (ETA)
	Country    string // 2 characters, UN country code
	Locode     string // 3 characters, UN/LOCODE location
	Section    string // 5 characters, fairway section number
	Terminal   string // 5 characters, terminal code
	Hectometre string // 5 characters, fairway hectometre
	Month      uint8  // 4 bits
	Day        uint8  // 5 bits
	Hour       uint8  // 5 bits
	Minute     uint8  // 6 bits
	Tugs       uint8  // 3 bits, ETA only: assisting tugboats; 7 = not available
	AirDraught uint16 // 12 bits, ETA only: 0.01 m; 0 = not available
	Status     uint8  // 2 bits, RTA only: 0 operational, 1 limited operation, 2 out of order, 3 n/a
	Spare      uint8  // 5 bits (ETA) or 2 bits (RTA)
}

// AppID implements Application.
func (a *InlandLockTime) AppID() (uint16, uint8) {
	if a.RTA {
		return 200, 22
	}
	return 200, 21
}

func (a *InlandLockTime) code(c *coder) {
	c.text(&a.Country, 2)
	c.text(&a.Locode, 3)
	c.text(&a.Section, 5)
	c.text(&a.Terminal, 5)
	c.text(&a.Hectometre, 5)
	c.u8(&a.Month, 4)
	c.u8(&a.Day, 5)
	c.u8(&a.Hour, 5)
	c.u8(&a.Minute, 6)
	if a.RTA {
		c.u8(&a.Status, 2)
		c.u8(&a.Spare, 2)
		return
	}
	c.u8(&a.Tugs, 3)
	c.u16(&a.AirDraught, 12)
	c.u8(&a.Spare, 5)
}

// BerthingServices names the 26 two-bit service fields of Berthing, in transmission order, as
// gpsd names them.
var BerthingServices = [26]string{"agent", "fuel", "chandler", "stevedore", "electrical", "water",
	"customs", "cartage", "crane", "lift", "medical", "navrepair", "provisions", "shiprepair",
	"surveyor", "steam", "tugs", "solidwaste", "liquidwaste", "hazardouswaste", "ballast",
	"additional", "regional1", "regional2", "future1", "future2"}

// Berthing is IMO SN.1/Circ.289 berthing data (type 6, DAC 1, FID 20), 272 bits of data.
type Berthing struct {
	Linkage      uint16    // 10 bits
	BerthLength  uint16    // 9 bits, metres; 0 = not available
	BerthDepth   uint8     // 8 bits, water depth at berth in 0.1 m; 0 = not available
	Position     uint8     // 3 bits, mooring position: 1 port-side to, 2 starboard-side to, ...
	Month        uint8     // 4 bits, arrival time (UTC); 0 = not available
	Day          uint8     // 5 bits
	Hour         uint8     // 5 bits; 24 = not available
	Minute       uint8     // 6 bits; 60 = not available
	Availability bool      // services availability known
	Services     [26]uint8 // 2 bits each, named by BerthingServices: 0 n/a, 1 available, 2 no, 3 reserved
	BerthName    string    // 20 characters
	BerthLon     int32     // 25 bits, 1/1000 minute
	BerthLat     int32     // 24 bits, 1/1000 minute
}

// AppID implements Application.
func (a *Berthing) AppID() (uint16, uint8) { return 1, 20 }

func (a *Berthing) code(c *coder) {
	c.u16(&a.Linkage, 10)
	c.u16(&a.BerthLength, 9)
	c.u8(&a.BerthDepth, 8)
	c.u8(&a.Position, 3)
	c.u8(&a.Month, 4)
	c.u8(&a.Day, 5)
	c.u8(&a.Hour, 5)
	c.u8(&a.Minute, 6)
	c.flag(&a.Availability)
	for i := range a.Services {
		c.u8(&a.Services[i], 2)
	}
	c.text(&a.BerthName, 20)
	c.i32(&a.BerthLon, 25)
	c.i32(&a.BerthLat, 24)
}

// VTSTargets is IMO SN.1/Circ.289 VTS-generated or synthetic targets (type 8, DAC 1, FID 17):
// one 122-bit element per target (IMO 289 foresees up to 4; longer messages are decoded in full,
// as gpsd 3.22 does). An element cut short by the end of the message is kept, its missing bits
// read as zero.
type VTSTargets struct {
	Targets []VTSTarget
}

// VTSTarget is one target of VTSTargets.
type VTSTarget struct {
	IDType uint8  // 2 bits: 0 MMSI, 1 IMO number, 2 call sign, 3 other
	ID     uint64 // 42 bits, the MMSI or IMO number (IDType 0 or 1)
	IDText string // 7 characters, the call sign or other identifier (IDType 2 or 3)
	Spare  uint8  // 4 bits
	Lat    int32  // 24 bits, 1/1000 minute
	Lon    int32  // 25 bits, 1/1000 minute
	COG    uint16 // 9 bits, degrees; 360 = not available
	Second uint8  // 6 bits, UTC second; 60 = not available
	SOG    uint16 // 10 bits, knots; 255 = not available
}

// AppID implements Application.
func (a *VTSTargets) AppID() (uint16, uint8) { return 1, 17 }

func (a *VTSTargets) code(c *coder, bits int) {
	if c.decoding() {
		a.Targets = nil
		for n := 0; 122*n < bits; n++ {
			a.Targets = append(a.Targets, VTSTarget{})
		}
	}
	for i := range a.Targets {
		t := &a.Targets[i]
		c.u8(&t.IDType, 2)
		if t.IDType < 2 {
			t.ID = c.uv(t.ID, 42)
		} else {
			c.text(&t.IDText, 7)
		}
		c.u8(&t.Spare, 4)
		c.i32(&t.Lat, 24)
		c.i32(&t.Lon, 25)
		c.u16(&t.COG, 9)
		c.u8(&t.Second, 6)
		c.u16(&t.SOG, 10)
	}
}
