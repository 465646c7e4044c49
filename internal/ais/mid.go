package ais

// MMSIKind is the kind of station an MMSI identifies, from its digit pattern (ITU-R M.585-9
// annexes 1 to 3).
type MMSIKind uint8

// MMSI kinds.
const (
	KindInvalid     MMSIKind = iota // not a valid 9-digit MMSI pattern
	KindShip                        // MIDxxxxxx, ship station
	KindGroup                       // 0MIDxxxxx, group of ship stations
	KindCoast                       // 00MIDxxxx, coast (base) station
	KindSARAircraft                 // 111MIDxxx, search and rescue aircraft
	KindAtoN                        // 99MIDxxxx, aid to navigation
	KindAuxiliary                   // 98MIDxxxx, craft associated with a parent ship
	KindHandheld                    // 8MIDxxxxx, handheld VHF with DSC and GNSS
	KindSART                        // 970yyzzzz, AIS search and rescue transmitter
	KindMOB                         // 972yyzzzz, man-overboard device
	KindEPIRB                       // 974yyzzzz, EPIRB-AIS
)

var kindNames = [...]string{"invalid", "ship", "group", "base_station", "sar_aircraft", "aton",
	"auxiliary", "handheld", "sart", "mob", "epirb"}

// String returns the kind's name as Accord's JSON prints it ("ship", "base_station", ...).
func (k MMSIKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// KindOf classifies an MMSI and returns its maritime identification digits (MID), or 0 when
// the kind carries none (SART, MOB, EPIRB) or the MMSI is invalid.
func KindOf(mmsi uint32) (kind MMSIKind, mid int) {
	if mmsi == 0 || mmsi > 999_999_999 {
		return KindInvalid, 0
	}
	d := func(from, n int) int { // n digits starting at digit from (0 = most significant of 9)
		v := int(mmsi)
		for i := 0; i < 9-from-n; i++ {
			v /= 10
		}
		p := 1
		for i := 0; i < n; i++ {
			p *= 10
		}
		return v % p
	}
	first := d(0, 1)
	switch {
	case d(0, 3) == 111:
		return KindSARAircraft, d(3, 3)
	case d(0, 3) == 970:
		return KindSART, 0
	case d(0, 3) == 972:
		return KindMOB, 0
	case d(0, 3) == 974:
		return KindEPIRB, 0
	case d(0, 2) == 99:
		return KindAtoN, d(2, 3)
	case d(0, 2) == 98:
		return KindAuxiliary, d(2, 3)
	case d(0, 2) == 0:
		return KindCoast, d(2, 3)
	case first == 0:
		return KindGroup, d(1, 3)
	case first == 8:
		return KindHandheld, d(1, 3)
	case first >= 2 && first <= 7:
		return KindShip, d(0, 3)
	}
	return KindInvalid, 0
}

// IsAuxiliary reports whether mmsi is that of a craft associated with a parent ship (98MIDxxxx),
// whose type 24 part B carries the parent's MMSI instead of dimensions.
func IsAuxiliary(mmsi uint32) bool { return mmsi/10_000_000 == 98 }

// Flag returns the ISO 3166-1 alpha-3 code of the state whose MID the MMSI carries, or "" when
// it carries none or the MID is not allocated.
func Flag(mmsi uint32) string {
	_, mid := KindOf(mmsi)
	if mid < 200 || mid >= 800 {
		return ""
	}
	return midFlag[mid-200]
}

// FlagOfMID returns the ISO 3166-1 alpha-3 code allocated the maritime identification digits
// mid (201..775) in ITU's table of MIDs, or "".
func FlagOfMID(mid int) string {
	if mid < 200 || mid >= 800 {
		return ""
	}
	return midFlag[mid-200]
}

// midFlag maps MID-200 to the ISO 3166-1 alpha-3 code of the administration it is allocated to
// (ITU Table of Maritime Identification Digits). Territories with their own ISO code get it
// (Greenland GRL, Faroe Islands FRO, Hong Kong HKG, ...); Azores and Madeira are PRT, Alaska USA.
var midFlag = func() (t [600]string) {
	for code, mids := range map[string][]int{
		"ALB": {201}, "AND": {202}, "AUT": {203}, "PRT": {204, 255, 263}, "BEL": {205},
		"BLR": {206}, "BGR": {207}, "VAT": {208}, "CYP": {209, 210, 212}, "DEU": {211, 218},
		"GEO": {213}, "MDA": {214}, "MLT": {215, 229, 248, 249, 256}, "ARM": {216},
		"DNK": {219, 220}, "ESP": {224, 225}, "FRA": {226, 227, 228}, "FIN": {230},
		"FRO": {231}, "GBR": {232, 233, 234, 235}, "GIB": {236}, "GRC": {237, 239, 240, 241},
		"HRV": {238}, "MAR": {242}, "HUN": {243}, "NLD": {244, 245, 246}, "ITA": {247},
		"IRL": {250}, "ISL": {251}, "LIE": {252}, "LUX": {253}, "MCO": {254},
		"NOR": {257, 258, 259}, "POL": {261}, "MNE": {262}, "ROU": {264}, "SWE": {265, 266},
		"SVK": {267}, "SMR": {268}, "CHE": {269}, "CZE": {270}, "TUR": {271}, "UKR": {272},
		"RUS": {273}, "MKD": {274}, "LVA": {275}, "EST": {276}, "LTU": {277}, "SVN": {278},
		"SRB": {279},
		"AIA": {301}, "USA": {303, 338, 366, 367, 368, 369}, "ATG": {304, 305}, "CUW": {306},
		"ABW": {307}, "BHS": {308, 309, 311}, "BMU": {310}, "BLZ": {312}, "BRB": {314},
		"CAN": {316}, "CYM": {319}, "CRI": {321}, "CUB": {323}, "DMA": {325}, "DOM": {327},
		"GLP": {329}, "GRD": {330}, "GRL": {331}, "GTM": {332}, "HND": {334}, "HTI": {336},
		"JAM": {339}, "KNA": {341}, "LCA": {343}, "MEX": {345}, "MTQ": {347}, "MSR": {348},
		"NIC": {350}, "PAN": {351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373, 374},
		"PRI": {358}, "SLV": {359}, "SPM": {361}, "TTO": {362}, "TCA": {364},
		"VCT": {375, 376, 377}, "VGB": {378}, "VIR": {379},
		"AFG": {401}, "SAU": {403}, "BGD": {405}, "BHR": {408}, "BTN": {410},
		"CHN": {412, 413, 414}, "TWN": {416}, "LKA": {417}, "IND": {419}, "IRN": {422},
		"AZE": {423}, "IRQ": {425}, "ISR": {428}, "JPN": {431, 432}, "TKM": {434},
		"KAZ": {436}, "UZB": {437}, "JOR": {438}, "KOR": {440, 441}, "PSE": {443},
		"PRK": {445}, "KWT": {447}, "LBN": {450}, "KGZ": {451}, "MAC": {453}, "MDV": {455},
		"MNG": {457}, "NPL": {459}, "OMN": {461}, "PAK": {463}, "QAT": {466}, "SYR": {468},
		"ARE": {470, 471}, "TJK": {472}, "YEM": {473, 475}, "HKG": {477}, "BIH": {478},
		"ATF": {501, 607, 618, 635}, "AUS": {503}, "MMR": {506}, "BRN": {508}, "FSM": {510},
		"PLW": {511}, "NZL": {512}, "KHM": {514, 515}, "CXR": {516}, "COK": {518},
		"FJI": {520}, "CCK": {523}, "IDN": {525}, "KIR": {529}, "LAO": {531}, "MYS": {533},
		"MNP": {536}, "MHL": {538}, "NCL": {540}, "NIU": {542}, "NRU": {544}, "PYF": {546},
		"PHL": {548}, "TLS": {550}, "PNG": {553}, "PCN": {555}, "SLB": {557}, "ASM": {559},
		"WSM": {561}, "SGP": {563, 564, 565, 566}, "THA": {567}, "TON": {570}, "TUV": {572},
		"VNM": {574}, "VUT": {576, 577}, "WLF": {578},
		"ZAF": {601}, "AGO": {603}, "DZA": {605}, "SHN": {608, 665}, "BDI": {609},
		"BEN": {610}, "BWA": {611}, "CAF": {612}, "CMR": {613}, "COG": {615},
		"COM": {616, 620}, "CPV": {617}, "CIV": {619}, "DJI": {621}, "EGY": {622},
		"ETH": {624}, "ERI": {625}, "GAB": {626}, "GHA": {627}, "GMB": {629}, "GNB": {630},
		"GNQ": {631}, "GIN": {632}, "BFA": {633}, "KEN": {634}, "LBR": {636, 637},
		"SSD": {638}, "LBY": {642}, "LSO": {644}, "MUS": {645}, "MDG": {647}, "MLI": {649},
		"MOZ": {650}, "MRT": {654}, "MWI": {655}, "NER": {656}, "NGA": {657}, "NAM": {659},
		"REU": {660}, "RWA": {661}, "SDN": {662}, "SEN": {663}, "SYC": {664}, "SOM": {666},
		"SLE": {667}, "STP": {668}, "SWZ": {669}, "TCD": {670}, "TGO": {671}, "TUN": {672},
		"TZA": {674, 677}, "UGA": {675}, "COD": {676}, "ZMB": {678}, "ZWE": {679},
		"ARG": {701}, "BRA": {710}, "BOL": {720}, "CHL": {725}, "COL": {730}, "ECU": {735},
		"FLK": {740}, "GUF": {745}, "GUY": {750}, "PRY": {755}, "PER": {760}, "SUR": {765},
		"URY": {770}, "VEN": {775},
	} {
		for _, m := range mids {
			t[m-200] = code
		}
	}
	return t
}()
