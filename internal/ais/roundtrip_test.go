package ais

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func hdr(t uint8, mmsi uint32) Header { return Header{MsgType: t, Repeat: 1, UserID: mmsi} }

// roundTripTable holds one hand-built message of every type and of every decoded application.
var roundTripTable = []Message{
	&PositionReport{Header: hdr(1, 345070335), NavStatus: 0, ROT: -127, SOG: 123, Accuracy: true,
		Longitude: -60 * 600000, Latitude: 19 * 600000, COG: 2240, Heading: 215, Second: 33, RAIM: true, Radio: 34017},
	&PositionReport{Header: hdr(2, 366123456), NavStatus: 15, ROT: -128, SOG: 1023, Longitude: lonNA4,
		Latitude: latNA4, COG: 3600, Heading: 511, Second: 60, Maneuver: 2, Spare: 5},
	&PositionReport{Header: hdr(3, 636012345), NavStatus: 5, ROT: 20, SOG: 0, Longitude: 1, Latitude: -1},
	&BaseStationReport{Header: hdr(4, 3450001), Year: 2024, Month: 5, Day: 17, Hour: 23, Minute: 59,
		Second: 1, Accuracy: true, Longitude: -5_000_000, Latitude: 11_000_000, EPFD: 7, Radio: 67039},
	&BaseStationReport{Header: hdr(11, 345070335), Year: 2010, Month: 1, Day: 1, EPFD: 1},
	&StaticVoyageData{Header: hdr(5, 345070335), AISVersion: 2, IMO: 9134270, CallSign: "XCAB1@@",
		Name: "SANTA MARIA         ", ShipType: 70, ToBow: 225, ToStern: 70, ToPort: 1, ToStarboard: 31,
		EPFD: 1, ETAMonth: 5, ETADay: 15, ETAHour: 14, ETAMinute: 0, Draught: 122,
		Destination: "VERACRUZ@@@@@@@@@@@@", DTE: true},
	&BinaryAddressed{Header: hdr(6, 2655651), Seq: 3, DestMMSI: 313240222, Retransmit: true, DAC: 669, FID: 11,
		Data: []byte{0xeb, 0x2f, 0x11, 0x8f, 0x7f, 0xf1}, DataBits: 48},
	&BinaryAddressed{Header: hdr(6, 992509976), DestMMSI: 2500912, DAC: 235, FID: 10,
		App: &AtoNMonitoring{DAC: 235, AnaInt: 274, AnaExt1: 1, AnaExt2: 1, Racon: 2, Light: 2, StatExt: 3}},
	&BinaryAddressed{Header: hdr(6, 230986000), DestMMSI: 970110950, DAC: 1, FID: 12,
		App: &DangerousCargo{LastPort: "MXVER", LMonth: 5, LDay: 4, NextPort: "USHOU", NMonth: 5, NDay: 6,
			NHour: 12, Dangerous: "AMMONIUM NITRATE@@@@", IMDCat: "5.1@", UNID: 1942, Amount: 300, Unit: 2}},
	&BinaryAddressed{Header: hdr(6, 2443808), DestMMSI: 329176500, DAC: 1, FID: 32,
		App: &TidalWindow{Month: 6, Day: 11, Tides: []Tide{{Lon: -1000, Lat: 2000, FromHour: 1, FromMin: 5, ToHour: 3,
			ToMin: 0, CDir: 90, CSpeed: 25}, {Lon: 3, Lat: -4, CDir: 360, CSpeed: 255}}}},
	&BinaryAddressed{Header: hdr(6, 2443808), DestMMSI: 329176500, DAC: 1, FID: 14,
		App: &TidalWindow{Legacy: true, Month: 1, Day: 2, Tides: []Tide{{Lon: -100000, Lat: 200000, CSpeed: 100}}}},
	&BinaryAddressed{Header: hdr(6, 2442101), DestMMSI: 244615956, DAC: 1, FID: 18,
		App: &ClearanceTime{Linkage: 1, Month: 3, Day: 4, Hour: 5, Minute: 6, PortName: "ENSENADA@@@@@@@@@@@@",
			Destination: "MXESE", Lon: -116 * 60000, Lat: 31 * 60000}},
	&BinaryAddressed{Header: hdr(6, 2442101), DestMMSI: 244615956, DAC: 1, FID: 30,
		App: &TextDescription{Linkage: 7, Text: "PROCEED TO ANCHORAGE B"}},
	&BinaryAddressed{Header: hdr(6, 244700185), DestMMSI: 2268402, DAC: 200, FID: 55,
		App: &InlandPersons{Crew: 4, Passengers: 8191, Personnel: 254}},
	&BinaryAddressed{Header: hdr(6, 2442101), DestMMSI: 244615956, DAC: 1, FID: 15, App: &AirDraught{AirDraught: 35}},
	&BinaryAddressed{Header: hdr(6, 2442101), DestMMSI: 244615956, DAC: 1, FID: 16, App: &PersonsOnBoard{Persons: 1200}},
	&BinaryAddressed{Header: hdr(6, 2442101), DestMMSI: 244615956, DAC: 1, FID: 28, App: &RouteInfo{Linkage: 6,
		RType: 31, WayCount: 1, Waypoints: []Waypoint{{Lon: 108000000, Lat: -54000000}}}},
	&BinaryAddressed{Header: hdr(6, 211000001), DestMMSI: 2110001, DAC: 200, FID: 21, App: &InlandLockTime{Country: "DE",
		Locode: "DUI", Section: "00123", Terminal: "T0001", Hectometre: "07520", Month: 12, Day: 4, Hour: 9, Minute: 5,
		Tugs: 1, AirDraught: 850}},
	&BinaryAddressed{Header: hdr(6, 2110001), DestMMSI: 211000001, DAC: 200, FID: 22, App: &InlandLockTime{RTA: true,
		Country: "DE", Locode: "DUI", Section: "00123", Terminal: "T0001", Hectometre: "07520", Month: 12, Day: 4,
		Hour: 9, Minute: 30, Status: 1}},
	&BinaryAddressed{Header: hdr(6, 3450001), DestMMSI: 345070335, DAC: 1, FID: 20, App: &Berthing{Linkage: 9,
		BerthLength: 250, BerthDepth: 120, Position: 1, Month: 12, Day: 4, Hour: 14, Minute: 0, Availability: true,
		Services:  [26]uint8{1, 1, 2, 0, 1, 1, 1, 0, 2, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 2, 1, 0, 0, 0, 0, 3},
		BerthName: "MUELLE 5@@@@@@@@@@@@", BerthLon: -96 * 60000, BerthLat: 19 * 60000}},
	&BinaryAddressed{Header: hdr(6, 2442101), DestMMSI: 244615956, DAC: 1, FID: 25, App: &DangerousCargo289{Unit: 2,
		Amount: 500, Cargos: []Cargo{{Code: 1, Subtype: 1203}, {Code: 15, Subtype: 8191}}}},
	&BinaryAck{Header: hdr(7, 2655651), Acks: [4]Ack{{MMSI: 265538450, Seq: 1}}, N: 1},
	&BinaryAck{Header: hdr(13, 655901842), Acks: [4]Ack{{158483613, 0}, {321823389, 1}, {836359488, 2}, {1, 3}}, N: 4},
	&BinaryBroadcast{Header: hdr(8, 366999712), DAC: 366, FID: 56, Data: []byte{0x3a, 0x53, 0xdb, 0xb0}, DataBits: 28},
	&BinaryBroadcast{Header: hdr(8, 3669145), DAC: 1, FID: 11, App: &MetHydro11{Lat: 18000, Lon: -95000, Day: 3,
		Hour: 4, Minute: 5, WSpeed: 12, WGust: 20, WDir: 90, WGustDir: 100, AirTemp: 850, Humidity: 70,
		DewPoint: 400, Pressure: 213, PressureTend: 1, Visibility: 100, WaterLevel: 100, SeaState: 3,
		WaterTemp: 300, PrecipType: 7, Salinity: 350, Ice: 3}},
	&BinaryBroadcast{Header: hdr(8, 2300049), DAC: 1, FID: 31, App: &MetHydro31{Lon: -95000, Lat: 18000,
		Accuracy: true, AirTemp: -123, DewPoint: -40, WaterTemp: 250, Pressure: 511, WaterLevel: 4001, Ice: 3}},
	&BinaryBroadcast{Header: hdr(8, 211000001), DAC: 200, FID: 10, App: &InlandStatic{VIN: "04800001",
		Length: 1100, Beam: 114, ShipType: 8010, Hazard: 1, Draught: 250, Loaded: 2, SpeedQ: true}},
	&BinaryBroadcast{Header: hdr(8, 2385140), DAC: 200, FID: 24, App: &InlandWaterLevels{Country: "HR",
		Gauges: [4]Gauge{{ID: 4, Level: -8007}, {ID: 3, Level: 7845}, {ID: 2047, Level: -8192}, {ID: 1, Level: 8191}}}},
	&BinaryBroadcast{Header: hdr(8, 3669145), DAC: 1, FID: 15, App: &AirDraught{AirDraught: 2047, Spare: 31}},
	&BinaryBroadcast{Header: hdr(8, 3669145), DAC: 1, FID: 27, App: &RouteInfo{Broadcast: true, Linkage: 5, Sender: 1,
		RType: 2, Month: 12, Day: 4, Hour: 8, Minute: 15, Duration: 720, WayCount: 2,
		Waypoints: []Waypoint{{Lon: -5760000, Lat: 1140000}, {Lon: -5761000, Lat: 1141000}}}},
	&BinaryBroadcast{Header: hdr(8, 3669145), DAC: 1, FID: 17, App: &VTSTargets{Targets: []VTSTarget{
		{IDType: 0, ID: 345070335, Lat: 19 * 60000, Lon: -96 * 60000, COG: 90, Second: 12, SOG: 10},
		{IDType: 2, IDText: "XCAB1@@", Lat: -1, Lon: 1, COG: 360, Second: 60, SOG: 255}}}},
	&BinaryBroadcast{Header: hdr(8, 3669145), DAC: 1, FID: 13, App: &FairwayClosed{Reason: "DREDGING@@@@@@@@@@@@",
		CloseFrom: "PIER 3              ", CloseTo: "BUOY 12@@@@@@@@@@@@@", Radius: 500, ExtUnit: 1, FDay: 4, FMonth: 12,
		FHour: 6, TDay: 5, TMonth: 12, THour: 18, TMinute: 30}},
	&BinaryBroadcast{Header: hdr(8, 3669145), DAC: 1, FID: 29, App: &TextBroadcast{Linkage: 1023, Text: "BRIDGE CLOSED 0600-1800"}},
	&BinaryBroadcast{Header: hdr(8, 2113001), DAC: 200, FID: 40, App: &SignalStatus{Lon: -5000000, Lat: 3000000,
		Form: 3, Facing: 270, Direction: 2, Status: 123, Spare: 1}},
	&SARAircraftPosition{Header: hdr(9, 111345001), Altitude: 300, SOG: 140, Longitude: -97 * 600000,
		Latitude: 25 * 600000, COG: 1800, Second: 12, Regional: 1, Assigned: true, Radio: 0xfffff},
	&UTCInquiry{Header: hdr(10, 3669133), DestMMSI: 345070335},
	&SafetyAddressed{Header: hdr(12, 3450001), Seq: 1, DestMMSI: 345070335, Text: "REPORT TO SECTOR"},
	&SafetyBroadcast{Header: hdr(14, 970012345), Text: "SART ACTIVE"},
	&Interrogation{Header: hdr(15, 3669145), MMSI1: 345070335, Type1_1: 5, Parts: 1},
	&Interrogation{Header: hdr(15, 3669145), MMSI1: 345070335, Type1_1: 5, Type1_2: 24, Offset1_2: 3, Parts: 2},
	&Interrogation{Header: hdr(15, 3669145), MMSI1: 345070335, Type1_1: 3, Offset1_1: 1, Type1_2: 5,
		MMSI2: 366123456, Type2_1: 5, Offset2_1: 9, Parts: 3},
	&AssignedMode{Header: hdr(16, 2053501), MMSI1: 224251000, Offset1: 200, Increment1: 0},
	&AssignedMode{Header: hdr(16, 2053501), MMSI1: 224251000, Offset1: 200, Increment1: 3, MMSI2: 1,
		Offset2: 2, Increment2: 4, Second: true},
	&GNSSBroadcast{Header: hdr(17, 2734450), Longitude: 17478, Latitude: 35992, Data: []byte{0x7c, 0x05, 0x56, 0x0c}, DataBits: 32},
	&ClassBPosition{Header: hdr(18, 338087471), SOG: 1, Longitude: -74 * 600000, Latitude: 40 * 600000,
		COG: 794, Heading: 511, Second: 49, CS: true, Display: true, Band: true, Msg22: true, Radio: 917510},
	&ClassBExtended{Header: hdr(19, 367059850), SOG: 87, Longitude: -1, Latitude: 1, COG: 2610, Heading: 511,
		Second: 46, Name: "CAPT.J.RIMES@@@@@@@@", ShipType: 70, ToBow: 5, ToStern: 21, ToPort: 4, ToStarboard: 4,
		EPFD: 1, DTE: true},
	&DataLinkManagement{Header: hdr(20, 3669132), Slots: [4]SlotReservation{{2182, 5, 7, 225}}, N: 1, TailBits: 2},
	&DataLinkManagement{Header: hdr(20, 3669132), Slots: [4]SlotReservation{{1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}, N: 3, TailBits: 6},
	&AidToNavigation{Header: hdr(21, 993450001), AidType: 1, Name: "BOYA RECALADA VERACR", Accuracy: true,
		Longitude: -96 * 600000, Latitude: 19 * 600000, ToBow: 1, EPFD: 7, Second: 20, Virtual: true,
		NameExt: "UZ NORTE"},
	&ChannelManagement{Header: hdr(22, 3160048), ChannelA: 2087, ChannelB: 2088, NELon: -7710, NELat: 3040,
		SWLon: -8170, SWLat: 2790, ZoneSize: 4},
	&ChannelManagement{Header: hdr(22, 3160048), ChannelA: 2087, ChannelB: 2088, Addressed: true,
		Dest1: 345070335, Dest2: 366123456, BandA: true},
	&GroupAssignment{Header: hdr(23, 2268120), NELon: 157, NELat: 3069, SWLon: 109, SWLat: 3054,
		StationType: 6, ShipType: 0, Interval: 9, Quiet: 0},
	&StaticDataReport{Header: hdr(24, 345070335), PartNum: 0, Name: "LA PALOMA@@@@@@@@@@@"},
	&StaticDataReport{Header: hdr(24, 345070335), PartNum: 0, Name: "LA PALOMA@@@@@@@@@@@", LongA: true},
	&StaticDataReport{Header: hdr(24, 345070335), PartNum: 1, ShipType: 37, VendorID: "SRTH0S6",
		CallSign: "XC1234@", ToBow: 5, ToStern: 6, ToPort: 2, ToStarboard: 2},
	&StaticDataReport{Header: hdr(24, 983450001), PartNum: 1, ShipType: 36, VendorID: "@@@@@@@", CallSign: "@@@@@@@", ToBow: 345070335 >> 21,
		ToStern: 345070335 >> 12 & 511, ToPort: 345070335 >> 6 & 63, ToStarboard: 345070335 & 63},
	&SingleSlotBinary{Header: hdr(25, 440006460), Addressed: true, DestMMSI: 134218384,
		Data: []byte{0xe0, 0x6f, 0x85, 0x58}, DataBits: 30},
	&SingleSlotBinary{Header: hdr(25, 563648328), Structured: true, AppID: 134, Data: []byte{0x08, 0x29}, DataBits: 16},
	&MultiSlotBinary{Header: hdr(26, 137920605), Addressed: true, Structured: true, DestMMSI: 838351848,
		AppID: 23587, Data: []byte{0xcc, 0xbf, 0x00}, DataBits: 20, Radio: 12345},
	&LongRangePosition{Header: hdr(27, 206914217), NavStatus: 5, Longitude: 137, Latitude: 4084, SOG: 57,
		COG: 166, GNSS: true, RAIM: true},
}

func TestRoundTripTable(t *testing.T) {
	seen := map[int]bool{}
	for _, m := range roundTripTable {
		seen[m.Type()] = true
		p, fill, err := Encode(m)
		if err != nil {
			t.Errorf("Encode(%T type %d): %v", m, m.Type(), err)
			continue
		}
		got, err := Decode(p, fill)
		if err != nil {
			t.Errorf("Decode(Encode(%T type %d)) = %s,%d: %v", m, m.Type(), p, fill, err)
			continue
		}
		want := m
		if bin, ok := m.(*BinaryAddressed); ok && bin.Data == nil {
			g := got.(*BinaryAddressed)
			if !reflect.DeepEqual(g.App, bin.App) {
				t.Errorf("type 6 app round trip: got %+v, want %+v", g.App, bin.App)
			}
			continue
		}
		if bin, ok := m.(*BinaryBroadcast); ok && bin.Data == nil {
			g := got.(*BinaryBroadcast)
			if !reflect.DeepEqual(g.App, bin.App) {
				t.Errorf("type 8 app round trip: got %+v, want %+v", g.App, bin.App)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %T type %d:\n got %+v\nwant %+v", m, m.Type(), got, want)
		}
	}
	for typ := 1; typ <= 27; typ++ {
		if !seen[typ] {
			t.Errorf("no round-trip case for type %d", typ)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, c := range []struct {
		m    Message
		want error
	}{
		{&PositionReport{Header: hdr(5, 1)}, ErrEncode},
		{&PositionReport{Header: hdr(1, 1), Heading: 512}, ErrEncode},
		{&PositionReport{Header: hdr(1, 1), Longitude: 1 << 28}, ErrEncode},
		{&StaticVoyageData{Header: hdr(5, 1), Name: "ÑANDU"}, ErrBadText},
		{&BinaryAck{Header: hdr(7, 1)}, ErrEncode},
		{&BinaryBroadcast{Header: hdr(8, 1), Data: []byte{1}, DataBits: 9}, ErrEncode},
		{&SingleSlotBinary{Header: hdr(25, 1), Data: make([]byte, 40), DataBits: 300}, ErrEncode},
	} {
		if _, _, err := Encode(c.m); !errors.Is(err, c.want) {
			t.Errorf("Encode(%+v): got error %v, want %v", c.m, err, c.want)
		}
	}
}

func TestEncodeSentences(t *testing.T) {
	m := roundTripTable[5] // type 5, 424 bits, two sentences
	ss, err := EncodeSentences(m, "", 'B', 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 {
		t.Fatalf("got %d sentences, want 2: %q", len(ss), ss)
	}
	payload := ""
	fill := 0
	for i, s := range ss {
		if len(s)+2 > 82 {
			t.Errorf("sentence %d is %d characters with CR LF, want <= 82", i+1, len(s)+2)
		}
		body, sum, ok := strings.Cut(s[1:], "*")
		if !ok {
			t.Fatalf("no checksum in %q", s)
		}
		var x byte
		for j := 0; j < len(body); j++ {
			x ^= body[j]
		}
		if got := strings.ToUpper(sum); got != hex2(x) {
			t.Errorf("%q: checksum %s, want %s", s, got, hex2(x))
		}
		f := strings.Split(body, ",")
		if f[0] != "AIVDM" || f[3] != "3" || f[4] != "B" {
			t.Errorf("%q: got fields %q, want AIVDM, seq 3, channel B", s, f)
		}
		payload += f[5]
		fill = int(f[6][0] - '0')
	}
	got, err := Decode([]byte(payload), fill)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("sentences decode to %+v, want %+v", got, m)
	}
	one, err := EncodeSentences(roundTripTable[0], "AB", 'A', 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 1 || !strings.HasPrefix(one[0], "!ABVDM,1,1,,A,") {
		t.Errorf("got %q, want one !ABVDM,1,1,,A sentence", one)
	}
}

func hex2(x byte) string {
	const h = "0123456789ABCDEF"
	return string([]byte{h[x>>4], h[x&15]})
}

// TestRoundTripRealFiles decodes every message of the shared AIS files, re-encodes it and decodes
// it again: the two decodes must be equal. It also counts byte-identical payloads.
func TestRoundTripRealFiles(t *testing.T) {
	dir := sharedAIS(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	total, identical := 0, 0
	for _, path := range files {
		if strings.Contains(path, "expected") || strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".chk") {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s := NewStream(0)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			_, env, err := s.Feed(sc.Bytes(), time.Time{})
			if env == nil || err != nil {
				continue
			}
			payload := string(env.Payload)
			m1, err := Decode(env.Payload, env.Fill)
			if err != nil {
				t.Fatalf("%s: stream decoded %q but Decode failed: %v", path, payload, err)
			}
			p2, f2, err := Encode(m1)
			if err != nil {
				t.Errorf("%s: Encode(Decode(%q)): %v", path, payload, err)
				continue
			}
			m2, err := Decode(p2, f2)
			if err != nil {
				t.Errorf("%s: Decode(Encode(Decode(%q))) = %s: %v", path, payload, p2, err)
				continue
			}
			total++
			if string(p2) == payload && f2 == env.Fill {
				identical++
			}
			if !reflect.DeepEqual(m1, m2) {
				t.Errorf("%s: %q: re-encoded as %s,%d decodes differently:\n got %+v\nwant %+v", path, payload, p2, f2, m2, m1)
			}
		}
		f.Close()
	}
	if total < 5000 {
		t.Errorf("only %d messages round-tripped, want the whole shared corpus (> 5000)", total)
	}
	t.Logf("round trip: %d messages, %d re-encoded byte for byte", total, identical)
}
