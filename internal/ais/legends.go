package ais

// Descriptions of coded values as gpsd 3.22 prints them in its *_text JSON fields. The codes
// are those of ITU-R M.1371-5 (navigational status, type of electronic position fixing device,
// type of ship and cargo, type of aid to navigation, station type of message 23) and of the IMO
// and Inland AIS application messages; the wording is gpsd's, kept for output compatibility.

var navStatusText = [16]string{
	"Under way using engine", "At anchor", "Not under command", "Restricted manoeuverability",
	"Constrained by her draught", "Moored", "Aground", "Engaged in fishing",
	"Under way sailing", "Reserved for HSC", "Reserved for WIG", "Reserved",
	"Reserved", "Reserved", "Reserved", "Not defined",
}

var epfdText = [...]string{
	"Undefined", "GPS", "GLONASS", "Combined GPS/GLONASS", "Loran-C", "Chayka",
	"Integrated navigation system", "Surveyed", "Galileo",
}

func epfdLegend(v uint8) string {
	if int(v) < len(epfdText) {
		return epfdText[v]
	}
	return "INVALID EPFD"
}

func shipTypeLegend(v uint8) string {
	const rffu = "Reserved for future use"
	hazard := [...]string{"all ships of this type", "Hazardous category A", "Hazardous category B",
		"Hazardous category C", "Hazardous category D", rffu, rffu, rffu, rffu, "No additional information"}
	switch {
	case v == 0:
		return "Not available"
	case v < 20:
		return rffu
	case v < 30:
		if v < 25 {
			return "Wing in ground (WIG) - " + hazard[v-20]
		}
		return "Wing in ground (WIG) - " + rffu
	case v < 40:
		return [...]string{"Fishing", "Towing", "Towing: length exceeds 200m or breadth exceeds 25m",
			"Dredging or underwater ops", "Diving ops", "Military ops", "Sailing", "Pleasure Craft",
			"Reserved", "Reserved"}[v-30]
	case v < 50:
		return "High speed craft (HSC) - " + hazard[v-40]
	case v < 60:
		return [...]string{"Pilot Vessel", "Search and Rescue vessel", "Tug", "Port Tender",
			"Anti-pollution equipment", "Law Enforcement", "Spare - Local Vessel",
			"Spare - Local Vessel", "Medical Transport", "Ship according to RR Resolution No. 18"}[v-50]
	case v < 70:
		return "Passenger - " + hazard[v-60]
	case v < 80:
		return "Cargo - " + hazard[v-70]
	case v < 90:
		return "Tanker - " + hazard[v-80]
	case v < 99:
		return "Other Type - " + hazard[v-90]
	case v == 99:
		return "Other Type - no additional information"
	}
	return "INVALID SHIP TYPE"
}

var stationTypeText = [16]string{
	"All types of mobiles", "Reserved for future use", "All types of Class B mobile stations",
	"SAR airborne mobile station", "Aid to Navigation station", "Class B shipborne mobile station",
	"Regional use and inland waterways", "Regional use and inland waterways",
	"Regional use and inland waterways", "Regional use and inland waterways",
	"Reserved for future use", "Reserved for future use", "Reserved for future use",
	"Reserved for future use", "Reserved for future use", "Reserved for future use",
}

var aidTypeText = [32]string{
	"Unspecified", "Reference point", "RACON", "Fixed offshore structure",
	"Spare, Reserved for future use.", "Light, without sectors", "Light, with sectors",
	"Leading Light Front", "Leading Light Rear", "Beacon, Cardinal N", "Beacon, Cardinal E",
	"Beacon, Cardinal S", "Beacon, Cardinal W", "Beacon, Port hand", "Beacon, Starboard hand",
	"Beacon, Preferred Channel port hand", "Beacon, Preferred Channel starboard hand",
	"Beacon, Isolated danger", "Beacon, Safe water", "Beacon, Special mark", "Cardinal Mark N",
	"Cardinal Mark E", "Cardinal Mark S", "Cardinal Mark W", "Port hand Mark",
	"Starboard hand Mark", "Preferred Channel Port hand", "Preferred Channel Starboard hand",
	"Isolated danger", "Safe Water", "Special Mark", "Light Vessel / LANBY / Rigs",
}

var raconText = [4]string{"No RACON installed", "RACON not monitored", "RACON operational", "RACON ERROR"}

var lightText = [4]string{"No light or no monitoring", "Light ON", "Light OFF", "Light ERROR"}

var precipText = [8]string{"reserved", "rain", "thunderstorm", "freezing rain", "mixed/ice", "snow", "reserved", "N/A"}

var iceText = [4]string{"no", "yes", "reserved", "N/A"}

var hazardText = [...]string{"0 blue cones/lights", "1 blue cone/light", "2 blue cones/lights",
	"3 blue cones/lights", "4 B-Flag", "Unknown"}

var loadedText = [...]string{"N/A (default)", "Unloaded", "Loaded"}

// inlandShipTypes are the ERI ship types of Inland AIS with the ITU-R M.1371 type they map to.
var inlandShipTypes = [...]struct {
	code, ais uint16
	text      string
}{
	{8000, 99, "Vessel, type unknown"}, {8010, 79, "Motor freighter"}, {8020, 89, "Motor tanker"},
	{8021, 80, "Motor tanker, liquid cargo, type N"}, {8022, 80, "Motor tanker, liquid cargo, type C"},
	{8023, 89, "Motor tanker, dry cargo as if liquid (e.g. cement)"}, {8030, 79, "Container vessel"},
	{8040, 80, "Gas tanker"}, {8050, 79, "Motor freighter, tug"}, {8060, 89, "Motor tanker, tug"},
	{8070, 79, "Motor freighter with one or more ships alongside"}, {8080, 89, "Motor freighter with tanker"},
	{8090, 79, "Motor freighter pushing one or more freighters"},
	{8100, 89, "Motor freighter pushing at least one tank-ship"}, {8110, 79, "Tug, freighter"},
	{8120, 89, "Tug, tanker"}, {8130, 31, "Tug freighter, coupled"},
	{8140, 31, "Tug, freighter/tanker, coupled"}, {8150, 99, "Freightbarge"}, {8160, 99, "Tankbarge"},
	{8161, 90, "Tankbarge, liquid cargo, type N"}, {8162, 90, "Tankbarge, liquid cargo, type C"},
	{8163, 99, "Tankbarge, dry cargo as if liquid (e.g. cement)"}, {8170, 99, "Freightbarge with containers"},
	{8180, 90, "Tankbarge, gas"}, {8210, 79, "Pushtow, one cargo barge"}, {8220, 79, "Pushtow, two cargo barges"},
	{8230, 79, "Pushtow, three cargo barges"}, {8240, 79, "Pushtow, four cargo barges"},
	{8250, 79, "Pushtow, five cargo barges"}, {8260, 79, "Pushtow, six cargo barges"},
	{8270, 79, "Pushtow, seven cargo barges"}, {8280, 79, "Pushtow, eigth cargo barges"},
	{8290, 79, "Pushtow, nine or more barges"}, {8310, 80, "Pushtow, one tank/gas barge"},
	{8320, 80, "Pushtow, two barges at least one tanker or gas barge"},
	{8330, 80, "Pushtow, three barges at least one tanker or gas barge"},
	{8340, 80, "Pushtow, four barges at least one tanker or gas barge"},
	{8350, 80, "Pushtow, five barges at least one tanker or gas barge"},
	{8360, 80, "Pushtow, six barges at least one tanker or gas barge"},
	{8370, 80, "Pushtow, seven barges at least one tanker or gas barg"},
}

func inlandShipTypeLegend(v uint16) string {
	for _, t := range inlandShipTypes {
		if t.code == v || t.ais == v {
			return t.text
		}
	}
	return "Illegal ship type value."
}
