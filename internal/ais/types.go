package ais

// The structs below mirror ITU-R M.1371-5 annex 8 field by field. Integer fields hold the raw
// transmitted value; the comment gives the width in bits, the resolution and the "not
// available" value. Text fields hold every six-bit character as transmitted, '@' padding
// included; [Text] gives the trimmed form. Spare and reserved bits are kept so that a message
// re-encodes bit for bit.

// PositionReport is a class A position report: message types 1, 2 (scheduled, assigned) and
// 3 (special, interrogated). ITU-R M.1371-5 annex 8, 168 bits.
type PositionReport struct {
	Header
	NavStatus uint8  // 4 bits, navigational status 0..15; 15 = not defined
	ROT       int8   // 8 bits, rate of turn indicator ±126, ±127 turning > 5°/30 s, -128 = not available
	SOG       uint16 // 10 bits, speed over ground in 1/10 knot; 1022 = 102.2 knots or more, 1023 = not available
	Accuracy  bool   // position accuracy: true = high (< 10 m)
	Longitude int32  // 28 bits, 1/10,000 minute; 181° (108,600,000) = not available
	Latitude  int32  // 27 bits, 1/10,000 minute; 91° (54,600,000) = not available
	COG       uint16 // 12 bits, course over ground in 1/10 degree; 3600 = not available
	Heading   uint16 // 9 bits, true heading in degrees; 511 = not available
	Second    uint8  // 6 bits, UTC second of the report; 60 = not available, 61..63 = positioning mode
	Maneuver  uint8  // 2 bits, special manoeuvre indicator; 0 = not available
	Spare     uint8  // 3 bits
	RAIM      bool   // RAIM in use
	Radio     uint32 // 19 bits, SOTDMA/ITDMA communication state
}

func (m *PositionReport) code(c *coder) {
	c.u8(&m.NavStatus, 4)
	c.i8(&m.ROT, 8)
	c.u16(&m.SOG, 10)
	c.flag(&m.Accuracy)
	c.i32(&m.Longitude, 28)
	c.i32(&m.Latitude, 27)
	c.u16(&m.COG, 12)
	c.u16(&m.Heading, 9)
	c.u8(&m.Second, 6)
	c.u8(&m.Maneuver, 2)
	c.u8(&m.Spare, 3)
	c.flag(&m.RAIM)
	c.u32(&m.Radio, 19)
}

// BaseStationReport is message type 4 (base station report) or 11 (UTC/date response).
// ITU-R M.1371-5 annex 8, 168 bits.
type BaseStationReport struct {
	Header
	Year      uint16 // 14 bits, UTC year 1..9999; 0 = not available
	Month     uint8  // 4 bits, 1..12; 0 = not available
	Day       uint8  // 5 bits, 1..31; 0 = not available
	Hour      uint8  // 5 bits, 0..23; 24 = not available
	Minute    uint8  // 6 bits, 0..59; 60 = not available
	Second    uint8  // 6 bits, 0..59; 60 = not available
	Accuracy  bool   // position accuracy: true = high
	Longitude int32  // 28 bits, 1/10,000 minute; 181° = not available
	Latitude  int32  // 27 bits, 1/10,000 minute; 91° = not available
	EPFD      uint8  // 4 bits, type of electronic position fixing device; 0 = undefined
	Spare     uint16 // 10 bits (transmission control for long-range and spare)
	RAIM      bool
	Radio     uint32 // 19 bits, SOTDMA communication state
}

func (m *BaseStationReport) code(c *coder) {
	c.u16(&m.Year, 14)
	c.u8(&m.Month, 4)
	c.u8(&m.Day, 5)
	c.u8(&m.Hour, 5)
	c.u8(&m.Minute, 6)
	c.u8(&m.Second, 6)
	c.flag(&m.Accuracy)
	c.i32(&m.Longitude, 28)
	c.i32(&m.Latitude, 27)
	c.u8(&m.EPFD, 4)
	c.u16(&m.Spare, 10)
	c.flag(&m.RAIM)
	c.u32(&m.Radio, 19)
}

// StaticVoyageData is message type 5, class A static and voyage related data.
// ITU-R M.1371-5 annex 8, 424 bits.
type StaticVoyageData struct {
	Header
	AISVersion  uint8  // 2 bits, 0 = ITU-R M.1371-1 ... 3 = future editions
	IMO         uint32 // 30 bits, IMO number; 0 = not available
	CallSign    string // 7 characters
	Name        string // 20 characters
	ShipType    uint8  // 8 bits, type of ship and cargo; 0 = not available
	ToBow       uint16 // 9 bits, metres from the reference point; 0 = not available, 511 = 511 m or more
	ToStern     uint16 // 9 bits, metres
	ToPort      uint8  // 6 bits, metres; 63 = 63 m or more
	ToStarboard uint8  // 6 bits, metres
	EPFD        uint8  // 4 bits, type of electronic position fixing device
	ETAMonth    uint8  // 4 bits, 1..12; 0 = not available
	ETADay      uint8  // 5 bits, 1..31; 0 = not available
	ETAHour     uint8  // 5 bits, 0..23; 24 = not available
	ETAMinute   uint8  // 6 bits, 0..59; 60 = not available
	Draught     uint8  // 8 bits, maximum present static draught in 1/10 metre; 0 = not available
	Destination string // 20 characters
	DTE         bool   // data terminal equipment not ready (true = not available)
	Spare       uint8  // 1 bit
}

func (m *StaticVoyageData) code(c *coder) {
	c.u8(&m.AISVersion, 2)
	c.u32(&m.IMO, 30)
	c.text(&m.CallSign, 7)
	c.text(&m.Name, 20)
	c.u8(&m.ShipType, 8)
	c.u16(&m.ToBow, 9)
	c.u16(&m.ToStern, 9)
	c.u8(&m.ToPort, 6)
	c.u8(&m.ToStarboard, 6)
	c.u8(&m.EPFD, 4)
	c.u8(&m.ETAMonth, 4)
	c.u8(&m.ETADay, 5)
	c.u8(&m.ETAHour, 5)
	c.u8(&m.ETAMinute, 6)
	c.u8(&m.Draught, 8)
	c.text(&m.Destination, 20)
	c.flag(&m.DTE)
	c.u8(&m.Spare, 1)
}

// BinaryAddressed is message type 6, an addressed binary message. ITU-R M.1371-5 annex 8.
// Data holds the application data after the DAC and FID; App is its decoded form when the
// application is one this package knows (see [Application]), else nil.
type BinaryAddressed struct {
	Header
	Seq        uint8  // 2 bits, sequence number 0..3
	DestMMSI   uint32 // 30 bits, destination MMSI
	Retransmit bool   // retransmit flag
	Spare      uint8  // 1 bit
	DAC        uint16 // 10 bits, designated area code
	FID        uint8  // 6 bits, function identifier
	Data       []byte // application data, packed most significant bit first
	DataBits   int    // length of Data in bits
	App        Application
}

// BinaryAck is message type 7 (binary acknowledge) or 13 (safety related acknowledge).
// ITU-R M.1371-5 annex 8, 72 to 168 bits.
type BinaryAck struct {
	Header
	Spare uint8  // 2 bits
	Acks  [4]Ack // acknowledged stations; the first N are present
	N     int    // number of acknowledgements in the message, 1..4
}

// Ack is one acknowledged station of [BinaryAck].
type Ack struct {
	MMSI uint32 // 30 bits, destination MMSI
	Seq  uint8  // 2 bits, sequence number of the acknowledged message
}

// BinaryBroadcast is message type 8, a broadcast binary message. ITU-R M.1371-5 annex 8.
type BinaryBroadcast struct {
	Header
	Spare    uint8  // 2 bits
	DAC      uint16 // 10 bits, designated area code
	FID      uint8  // 6 bits, function identifier
	Data     []byte // application data after the FID, most significant bit first
	DataBits int    // length of Data in bits
	App      Application
}

// SARAircraftPosition is message type 9, the standard SAR aircraft position report.
// ITU-R M.1371-5 annex 8, 168 bits.
type SARAircraftPosition struct {
	Header
	Altitude  uint16 // 12 bits, metres (GNSS); 4094 = 4094 m or higher, 4095 = not available
	SOG       uint16 // 10 bits, knots; 1022 = 1022 knots or higher, 1023 = not available
	Accuracy  bool
	Longitude int32  // 28 bits, 1/10,000 minute; 181° = not available
	Latitude  int32  // 27 bits, 1/10,000 minute; 91° = not available
	COG       uint16 // 12 bits, 1/10 degree; 3600 = not available
	Second    uint8  // 6 bits; 60 = not available
	Regional  uint8  // 8 bits, altitude sensor (1 bit) and regional reserved (7 bits)
	DTE       bool   // data terminal not ready
	Spare     uint8  // 3 bits
	Assigned  bool   // assigned mode
	RAIM      bool
	Radio     uint32 // 20 bits: SOTDMA/ITDMA selector and communication state
}

func (m *SARAircraftPosition) code(c *coder) {
	c.u16(&m.Altitude, 12)
	c.u16(&m.SOG, 10)
	c.flag(&m.Accuracy)
	c.i32(&m.Longitude, 28)
	c.i32(&m.Latitude, 27)
	c.u16(&m.COG, 12)
	c.u8(&m.Second, 6)
	c.u8(&m.Regional, 8)
	c.flag(&m.DTE)
	c.u8(&m.Spare, 3)
	c.flag(&m.Assigned)
	c.flag(&m.RAIM)
	c.u32(&m.Radio, 20)
}

// UTCInquiry is message type 10, UTC and date inquiry. ITU-R M.1371-5 annex 8, 72 bits.
type UTCInquiry struct {
	Header
	Spare    uint8  // 2 bits
	DestMMSI uint32 // 30 bits
	Spare2   uint8  // 2 bits
}

func (m *UTCInquiry) code(c *coder) {
	c.u8(&m.Spare, 2)
	c.u32(&m.DestMMSI, 30)
	c.u8(&m.Spare2, 2)
}

// SafetyAddressed is message type 12, an addressed safety related message.
// ITU-R M.1371-5 annex 8, 72 to 1008 bits.
type SafetyAddressed struct {
	Header
	Seq        uint8  // 2 bits
	DestMMSI   uint32 // 30 bits
	Retransmit bool
	Spare      uint8  // 1 bit
	Text       string // six-bit text as transmitted, up to 156 characters
}

// SafetyBroadcast is message type 14, a broadcast safety related message.
// ITU-R M.1371-5 annex 8, 40 to 1008 bits.
type SafetyBroadcast struct {
	Header
	Spare uint8  // 2 bits
	Text  string // six-bit text as transmitted, up to 161 characters
}

// Interrogation is message type 15. ITU-R M.1371-5 annex 8, 88 to 160 bits. Parts tells
// which of its three forms was sent: 1 = one station, one message (88 bits); 2 = one station,
// two messages (112 bits); 3 = two stations (160 bits). Fields of absent parts are zero.
type Interrogation struct {
	Header
	Spare     uint8  // 2 bits
	MMSI1     uint32 // 30 bits, first interrogated station
	Type1_1   uint8  // 6 bits, first requested message type
	Offset1_1 uint16 // 12 bits, slot offset
	Spare2    uint8  // 2 bits
	Type1_2   uint8  // 6 bits, second requested message type
	Offset1_2 uint16 // 12 bits
	Spare3    uint8  // 2 bits
	MMSI2     uint32 // 30 bits, second interrogated station
	Type2_1   uint8  // 6 bits
	Offset2_1 uint16 // 12 bits
	Spare4    uint8  // 2 bits
	Parts     int    // 1, 2 or 3
}

// AssignedMode is message type 16, the assigned mode command. ITU-R M.1371-5 annex 8,
// 96 or 144 bits. Second is true when it addresses two stations.
type AssignedMode struct {
	Header
	Spare      uint8  // 2 bits
	MMSI1      uint32 // 30 bits
	Offset1    uint16 // 12 bits, slot offset
	Increment1 uint16 // 10 bits
	MMSI2      uint32 // 30 bits
	Offset2    uint16 // 12 bits
	Increment2 uint16 // 10 bits
	Second     bool
	Spare2     uint8 // 4 bits after the first station when only one is addressed
}

// GNSSBroadcast is message type 17, GNSS broadcast binary message (DGNSS corrections).
// ITU-R M.1371-5 annex 8, 80 to 816 bits.
type GNSSBroadcast struct {
	Header
	Spare     uint8  // 2 bits
	Longitude int32  // 18 bits, 1/10 minute; 181° (108,600) = not available
	Latitude  int32  // 17 bits, 1/10 minute; 91° (54,600) = not available
	Spare2    uint8  // 5 bits
	Data      []byte // correction data (ITU-R M.823 message)
	DataBits  int
}

// ClassBPosition is message type 18, the standard class B position report.
// ITU-R M.1371-5 annex 8, 168 bits.
type ClassBPosition struct {
	Header
	Reserved  uint8  // 8 bits, regional reserved
	SOG       uint16 // 10 bits, 1/10 knot; 1023 = not available
	Accuracy  bool
	Longitude int32  // 28 bits, 1/10,000 minute; 181° = not available
	Latitude  int32  // 27 bits, 1/10,000 minute; 91° = not available
	COG       uint16 // 12 bits, 1/10 degree; 3600 = not available
	Heading   uint16 // 9 bits, degrees; 511 = not available
	Second    uint8  // 6 bits; 60 = not available
	Regional  uint8  // 2 bits
	CS        bool   // class B unit flag: true = carrier-sense (CS) unit, false = SOTDMA
	Display   bool   // has a display
	DSC       bool   // has DSC
	Band      bool   // can use the whole marine band
	Msg22     bool   // accepts channel management by message 22
	Assigned  bool   // assigned mode
	RAIM      bool
	Radio     uint32 // 20 bits: selector and communication state
}

func (m *ClassBPosition) code(c *coder) {
	c.u8(&m.Reserved, 8)
	c.u16(&m.SOG, 10)
	c.flag(&m.Accuracy)
	c.i32(&m.Longitude, 28)
	c.i32(&m.Latitude, 27)
	c.u16(&m.COG, 12)
	c.u16(&m.Heading, 9)
	c.u8(&m.Second, 6)
	c.u8(&m.Regional, 2)
	c.flag(&m.CS)
	c.flag(&m.Display)
	c.flag(&m.DSC)
	c.flag(&m.Band)
	c.flag(&m.Msg22)
	c.flag(&m.Assigned)
	c.flag(&m.RAIM)
	c.u32(&m.Radio, 20)
}

// ClassBExtended is message type 19, the extended class B position report.
// ITU-R M.1371-5 annex 8, 312 bits.
type ClassBExtended struct {
	Header
	Reserved    uint8  // 8 bits
	SOG         uint16 // 10 bits, 1/10 knot; 1023 = not available
	Accuracy    bool
	Longitude   int32  // 28 bits, 1/10,000 minute
	Latitude    int32  // 27 bits, 1/10,000 minute
	COG         uint16 // 12 bits, 1/10 degree
	Heading     uint16 // 9 bits, degrees; 511 = not available
	Second      uint8  // 6 bits
	Regional    uint8  // 4 bits
	Name        string // 20 characters
	ShipType    uint8  // 8 bits
	ToBow       uint16 // 9 bits, metres
	ToStern     uint16 // 9 bits, metres
	ToPort      uint8  // 6 bits, metres
	ToStarboard uint8  // 6 bits, metres
	EPFD        uint8  // 4 bits
	RAIM        bool
	DTE         bool // data terminal not ready
	Assigned    bool
	Spare       uint8 // 4 bits
}

func (m *ClassBExtended) code(c *coder) {
	c.u8(&m.Reserved, 8)
	c.u16(&m.SOG, 10)
	c.flag(&m.Accuracy)
	c.i32(&m.Longitude, 28)
	c.i32(&m.Latitude, 27)
	c.u16(&m.COG, 12)
	c.u16(&m.Heading, 9)
	c.u8(&m.Second, 6)
	c.u8(&m.Regional, 4)
	c.text(&m.Name, 20)
	c.u8(&m.ShipType, 8)
	c.u16(&m.ToBow, 9)
	c.u16(&m.ToStern, 9)
	c.u8(&m.ToPort, 6)
	c.u8(&m.ToStarboard, 6)
	c.u8(&m.EPFD, 4)
	c.flag(&m.RAIM)
	c.flag(&m.DTE)
	c.flag(&m.Assigned)
	c.u8(&m.Spare, 4)
}

// DataLinkManagement is message type 20. ITU-R M.1371-5 annex 8, 72 to 160 bits.
// The first N of Slots were transmitted.
type DataLinkManagement struct {
	Header
	Spare uint8 // 2 bits
	Slots [4]SlotReservation
	N     int // 1..4
	// Tail holds the TailBits bits sent after the last whole reservation (spare padding, or a
	// truncated reservation that gpsd still shows in Slots[N]).
	Tail     uint32
	TailBits int
}

// SlotReservation is one reservation of [DataLinkManagement].
type SlotReservation struct {
	Offset    uint16 // 12 bits, reserved offset number; 0 = not available
	Number    uint8  // 4 bits, number of reserved consecutive slots
	Timeout   uint8  // 3 bits, minutes
	Increment uint16 // 11 bits
}

// AidToNavigation is message type 21, the aids-to-navigation report.
// ITU-R M.1371-5 annex 8, 272 to 360 bits.
type AidToNavigation struct {
	Header
	AidType     uint8  // 5 bits, type of aid to navigation; 0 = not specified
	Name        string // 20 characters
	Accuracy    bool
	Longitude   int32  // 28 bits, 1/10,000 minute; 181° = not available
	Latitude    int32  // 27 bits, 1/10,000 minute; 91° = not available
	ToBow       uint16 // 9 bits, metres
	ToStern     uint16 // 9 bits, metres
	ToPort      uint8  // 6 bits, metres
	ToStarboard uint8  // 6 bits, metres
	EPFD        uint8  // 4 bits
	Second      uint8  // 6 bits; 60 = not available
	OffPosition bool   // off-position indicator (valid for floating aids only)
	Regional    uint8  // 8 bits
	RAIM        bool
	Virtual     bool   // virtual aid to navigation
	Assigned    bool   // assigned mode
	Spare       uint8  // 1 bit
	NameExt     string // name extension, up to 14 characters
}

func (m *AidToNavigation) code(c *coder) {
	c.u8(&m.AidType, 5)
	c.text(&m.Name, 20)
	c.flag(&m.Accuracy)
	c.i32(&m.Longitude, 28)
	c.i32(&m.Latitude, 27)
	c.u16(&m.ToBow, 9)
	c.u16(&m.ToStern, 9)
	c.u8(&m.ToPort, 6)
	c.u8(&m.ToStarboard, 6)
	c.u8(&m.EPFD, 4)
	c.u8(&m.Second, 6)
	c.flag(&m.OffPosition)
	c.u8(&m.Regional, 8)
	c.flag(&m.RAIM)
	c.flag(&m.Virtual)
	c.flag(&m.Assigned)
	c.u8(&m.Spare, 1)
}

// ChannelManagement is message type 22. ITU-R M.1371-5 annex 8, 168 bits. When Addressed
// it names two stations (Dest1, Dest2); otherwise it names a region (NE/SW corners).
type ChannelManagement struct {
	Header
	Spare     uint8  // 2 bits
	ChannelA  uint16 // 12 bits, ITU-R M.1084 channel number
	ChannelB  uint16 // 12 bits
	TxRx      uint8  // 4 bits, transmit/receive mode
	Power     bool   // true = low power
	NELon     int32  // 18 bits, 1/10 minute (region form)
	NELat     int32  // 17 bits, 1/10 minute
	SWLon     int32  // 18 bits, 1/10 minute
	SWLat     int32  // 17 bits, 1/10 minute
	Dest1     uint32 // 30 bits (addressed form)
	Spare3    uint8  // 5 bits (addressed form)
	Dest2     uint32 // 30 bits (addressed form)
	Spare4    uint8  // 5 bits (addressed form)
	Addressed bool
	BandA     bool   // channel A bandwidth: true = 12.5 kHz
	BandB     bool   // channel B bandwidth
	ZoneSize  uint8  // 3 bits, transitional zone size in nautical miles minus 1
	Spare2    uint32 // 23 bits
}

func (m *ChannelManagement) code(c *coder) {
	c.u8(&m.Spare, 2)
	c.u16(&m.ChannelA, 12)
	c.u16(&m.ChannelB, 12)
	c.u8(&m.TxRx, 4)
	c.flag(&m.Power)
	if c.decoding() {
		m.Addressed = c.r.u(139, 1) != 0
	}
	if m.Addressed {
		c.u32(&m.Dest1, 30)
		c.u8(&m.Spare3, 5)
		c.u32(&m.Dest2, 30)
		c.u8(&m.Spare4, 5)
	} else {
		c.i32(&m.NELon, 18)
		c.i32(&m.NELat, 17)
		c.i32(&m.SWLon, 18)
		c.i32(&m.SWLat, 17)
	}
	c.flag(&m.Addressed)
	c.flag(&m.BandA)
	c.flag(&m.BandB)
	c.u8(&m.ZoneSize, 3)
	c.u32(&m.Spare2, 23)
}

// GroupAssignment is message type 23, the group assignment command.
// ITU-R M.1371-5 annex 8, 160 bits.
type GroupAssignment struct {
	Header
	Spare       uint8  // 2 bits
	NELon       int32  // 18 bits, 1/10 minute
	NELat       int32  // 17 bits, 1/10 minute
	SWLon       int32  // 18 bits, 1/10 minute
	SWLat       int32  // 17 bits, 1/10 minute
	StationType uint8  // 4 bits
	ShipType    uint8  // 8 bits, type of ship and cargo
	Spare2      uint32 // 22 bits
	TxRx        uint8  // 2 bits
	Interval    uint8  // 4 bits, reporting interval code
	Quiet       uint8  // 4 bits, quiet time in minutes; 0 = none
	Spare3      uint8  // 6 bits
}

func (m *GroupAssignment) code(c *coder) {
	c.u8(&m.Spare, 2)
	c.i32(&m.NELon, 18)
	c.i32(&m.NELat, 17)
	c.i32(&m.SWLon, 18)
	c.i32(&m.SWLat, 17)
	c.u8(&m.StationType, 4)
	c.u8(&m.ShipType, 8)
	c.u32(&m.Spare2, 22)
	c.u8(&m.TxRx, 2)
	c.u8(&m.Interval, 4)
	c.u8(&m.Quiet, 4)
	c.u8(&m.Spare3, 6)
}

// StaticDataReport is message type 24, the class B static data report, in one of two parts
// (ITU-R M.1371-5 annex 8). Part A (PartNum 0, 160 bits) carries the name; part B
// (PartNum 1, 168 bits) carries the ship type, vendor, call sign and dimensions. Fields of the
// other part are zero. See [StaticOf] for merging the two.
type StaticDataReport struct {
	Header
	PartNum uint8  // 2 bits, 0 = part A, 1 = part B
	Name    string // part A: 20 characters
	SpareA  uint8  // part A: 8 spare bits of 168-bit part A messages (ITU-R M.1371-4 and older)
	LongA   bool   // part A was sent with the 8 spare bits (168 bits)

	ShipType uint8  // part B: 8 bits
	VendorID string // part B: 7 characters: manufacturer (3), then model (4 bits) and serial (20 bits) as text
	CallSign string // part B: 7 characters
	// Part B dimensions in metres, or, for an auxiliary craft (MMSI 98MIDxxxx), the 30 bits
	// of the mother ship's MMSI: see MothershipMMSI.
	ToBow       uint16 // 9 bits
	ToStern     uint16 // 9 bits
	ToPort      uint8  // 6 bits
	ToStarboard uint8  // 6 bits
	SpareB      uint8  // part B: 6 bits (type of EPFD and spare in ITU-R M.1371-5)
}

// LongRangePosition is message type 27, the long-range AIS broadcast (satellite).
// ITU-R M.1371-5 annex 8, 96 bits.
type LongRangePosition struct {
	Header
	Accuracy  bool
	RAIM      bool
	NavStatus uint8  // 4 bits
	Longitude int32  // 18 bits, 1/10 minute; 181° (108,600) = not available
	Latitude  int32  // 17 bits, 1/10 minute; 91° (54,600) = not available
	SOG       uint8  // 6 bits, knots; 63 = not available
	COG       uint16 // 9 bits, degrees; 511 = not available
	GNSS      bool   // position latency: false = less than 5 s, true = more
	Spare     uint8  // 1 bit
}

func (m *LongRangePosition) code(c *coder) {
	c.flag(&m.Accuracy)
	c.flag(&m.RAIM)
	c.u8(&m.NavStatus, 4)
	c.i32(&m.Longitude, 18)
	c.i32(&m.Latitude, 17)
	c.u8(&m.SOG, 6)
	c.u16(&m.COG, 9)
	c.flag(&m.GNSS)
	c.u8(&m.Spare, 1)
}

// SingleSlotBinary is message type 25, a single slot binary message.
// ITU-R M.1371-5 annex 8, at most 168 bits.
type SingleSlotBinary struct {
	Header
	Addressed  bool
	Structured bool   // binary data starts with a 16-bit application identifier
	DestMMSI   uint32 // 30 bits, when Addressed
	AppID      uint16 // 16 bits (DAC 10, FID 6), when Structured
	Data       []byte
	DataBits   int
}

// MultiSlotBinary is message type 26, a multiple slot binary message with communication state.
// ITU-R M.1371-5 annex 8, 60 to 1064 bits.
type MultiSlotBinary struct {
	Header
	Addressed  bool
	Structured bool
	DestMMSI   uint32 // 30 bits, when Addressed
	AppID      uint16 // 16 bits, when Structured
	Data       []byte
	DataBits   int
	Radio      uint32 // 20 bits: selector and communication state, the last bits of the message
}
