package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"accord/internal/vessel"
)

// shipKind is a family of ships with its dimensions, speeds, flags and names.
type shipKind int

const (
	kindContainer shipKind = iota
	kindBulk
	kindTanker
	kindGeneral
	kindCruise
	kindFerry
	kindTrawler
	kindPanga
	kindPleasure
	kindCoastalTanker
)

type kindSpec struct {
	shipType          int     // ITU-R M.1371 ship and cargo type
	lenMin, lenMax    float64 // metres
	beamRatio         float64 // length / beam
	draughtMin, draft float64 // metres (min, max)
	speedMin, speedMx float64 // service speed, knots
	classB            bool
	mids              []uint32 // flags, repeated for weight
	names             func(r *rand.Rand) string
}

var flagsOfConvenience = []uint32{351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 636, 636, 636, 637, 538, 538, 538,
	215, 229, 248, 249, 256, 308, 309, 311, 563, 564, 565, 566, 477, 477, 240, 241, 209, 212, 219, 257, 305}

var kinds = [...]kindSpec{
	kindContainer: {shipType: 70, lenMin: 180, lenMax: 300, beamRatio: 7, draughtMin: 10, draft: 13.5, speedMin: 15, speedMx: 19.5,
		mids: flagsOfConvenience, names: merchantName},
	kindBulk: {shipType: 70, lenMin: 170, lenMax: 230, beamRatio: 6.5, draughtMin: 9, draft: 13, speedMin: 11.5, speedMx: 13.5,
		mids: flagsOfConvenience, names: merchantName},
	kindTanker: {shipType: 80, lenMin: 170, lenMax: 250, beamRatio: 6, draughtMin: 9, draft: 14, speedMin: 11, speedMx: 14,
		mids: append([]uint32{345, 345, 366, 367}, flagsOfConvenience...), names: merchantName},
	kindGeneral: {shipType: 70, lenMin: 90, lenMax: 140, beamRatio: 6.5, draughtMin: 5.5, draft: 8, speedMin: 10, speedMx: 12.5,
		mids: append([]uint32{345, 345, 345, 338, 368}, flagsOfConvenience...), names: merchantName},
	kindCruise: {shipType: 60, lenMin: 250, lenMax: 330, beamRatio: 8, draughtMin: 7.5, draft: 8.8, speedMin: 16, speedMx: 19,
		mids: []uint32{308, 309, 311, 215, 248, 249, 256, 352, 353}, names: cruiseName},
	kindTrawler: {shipType: 30, lenMin: 20, lenMax: 28, beamRatio: 3.8, draughtMin: 2.5, draft: 3.5, speedMin: 2.8, speedMx: 3.6,
		mids: []uint32{345}, names: fishingName},
	kindPanga: {shipType: 30, lenMin: 7, lenMax: 10, beamRatio: 3.3, draughtMin: 0.5, draft: 0.8, speedMin: 2.5, speedMx: 4.5,
		classB: true, mids: []uint32{345}, names: fishingName},
	kindPleasure: {shipType: 37, lenMin: 11, lenMax: 14, beamRatio: 3.6, draughtMin: 0.8, draft: 1.1, speedMin: 36, speedMx: 44,
		classB: true, mids: []uint32{334}, names: pleasureName},
	kindCoastalTanker: {shipType: 80, lenMin: 55, lenMax: 75, beamRatio: 5, draughtMin: 3.5, draft: 4.5, speedMin: 8.5, speedMx: 10,
		mids: []uint32{345}, names: merchantName},
}

// flagOf maps the Maritime Identification Digits used here to ISO 3166 alpha-3.
func flagOf(mid uint32) string {
	switch {
	case mid == 345:
		return "MEX"
	case mid == 338 || (mid >= 366 && mid <= 369):
		return "USA"
	case (mid >= 351 && mid <= 357) || (mid >= 370 && mid <= 374):
		return "PAN"
	case mid == 636 || mid == 637:
		return "LBR"
	case mid == 538:
		return "MHL"
	case mid == 215 || mid == 229 || mid == 248 || mid == 249 || mid == 256:
		return "MLT"
	case mid == 308 || mid == 309 || mid == 311:
		return "BHS"
	case mid >= 563 && mid <= 566:
		return "SGP"
	case mid == 477:
		return "HKG"
	case mid == 237 || (mid >= 239 && mid <= 241):
		return "GRC"
	case mid == 209 || mid == 210 || mid == 212:
		return "CYP"
	case mid == 219 || mid == 220:
		return "DNK"
	case mid >= 257 && mid <= 259:
		return "NOR"
	case mid == 304 || mid == 305:
		return "ATG"
	case mid == 334:
		return "HND"
	case mid == 613:
		return "CMR"
	case mid == 312:
		return "BLZ"
	}
	return ""
}

// callPrefix is an ITU call-sign prefix of the flag.
func callPrefix(mid uint32, r *rand.Rand) string {
	pick := func(p ...string) string { return p[r.IntN(len(p))] }
	switch flagOf(mid) {
	case "MEX":
		return pick("XC", "XA", "XB", "XF")
	case "USA":
		return pick("WD", "WC", "KA")
	case "PAN":
		return pick("3E", "3F", "H3", "H9", "HO", "HP")
	case "LBR":
		return pick("A8", "D5", "5L")
	case "MHL":
		return "V7"
	case "MLT":
		return "9H"
	case "BHS":
		return "C6"
	case "SGP":
		return "9V"
	case "HKG":
		return "VR"
	case "GRC":
		return "SV"
	case "CYP":
		return "5B"
	case "DNK":
		return "OZ"
	case "NOR":
		return "LA"
	case "ATG":
		return "V2"
	case "HND":
		return "HQ"
	case "CMR":
		return "TJ"
	case "BLZ":
		return "V3"
	}
	return "XX"
}

func callSign(mid uint32, r *rand.Rand) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	var b strings.Builder
	b.WriteString(callPrefix(mid, r))
	for range 2 + r.IntN(2) {
		b.WriteByte(letters[r.IntN(len(letters))])
	}
	b.WriteByte(byte('0' + r.IntN(10)))
	return b.String()
}

// imoNumber returns a 7-digit IMO ship identification number with a valid check digit: the last
// digit is the last digit of the sum of the first six digits weighted 7, 6, 5, 4, 3, 2.
func imoNumber(r *rand.Rand) uint32 {
	d := [6]int{9, r.IntN(10), r.IntN(10), r.IntN(10), r.IntN(10), r.IntN(10)}
	if r.IntN(4) == 0 {
		d[0] = 8 // an older hull
	}
	n := 0
	for _, v := range d {
		n = n*10 + v
	}
	return withCheckDigit(uint32(n))
}

// withCheckDigit appends the IMO check digit to six digits.
func withCheckDigit(six uint32) uint32 {
	sum := 0
	v := six
	for w := 2; w <= 7; w++ {
		sum += int(v%10) * w
		v /= 10
	}
	return six*10 + uint32(sum%10)
}

// validIMO reports whether n is a 7-digit IMO number with a correct check digit.
func validIMO(n uint32) bool {
	if n < 1000000 || n > 9999999 {
		return false
	}
	s := fmt.Sprint(n)
	sum := 0
	for i := range 6 {
		sum += int(s[i]-'0') * (7 - i)
	}
	return int(s[6]-'0') == sum%10
}

var (
	merchantFirst = []string{"OCEAN", "GULF", "PACIFIC", "ATLANTIC", "NORDIC", "CAPE", "GOLDEN", "SILVER", "BLUE", "EASTERN",
		"SOUTHERN", "ROYAL", "GRAND", "AURORA", "POLAR", "CORAL", "CRYSTAL", "EMERALD", "MERIDIAN", "TRITON", "AEGEAN",
		"IONIAN", "BALTIC", "ORIENT", "LIBERTY", "HERMES", "ATHENA", "APOLLO", "TITAN", "SAGA", "PEARL", "JADE", "AMBER"}
	merchantSecond = []string{"TRADER", "SPIRIT", "HARMONY", "PIONEER", "VOYAGER", "GRACE", "DAWN", "WIND", "WAVE", "PRIDE",
		"GLORY", "FORTUNE", "PROGRESS", "VENTURE", "EXPRESS", "NAVIGATOR", "CARRIER", "BRIDGE", "LEADER", "FALCON",
		"EAGLE", "MERCHANT", "ENDEAVOUR", "PROSPERITY", "HORIZON", "BREEZE", "JOURNEY", "STAR", "ASTER", "SKY"}
	cruiseFirst  = []string{"AZURE", "CORAL", "OCEAN", "STARLIGHT", "SUNSET", "TROPIC", "ISLAND", "LUMINA", "SERENA", "AURORA"}
	cruiseSecond = []string{"MAJESTY", "SERENADE", "DREAM", "RHAPSODY", "VISTA", "SPLENDOR", "JUBILEE", "FANTASIA", "ODYSSEY", "CELEBRATION"}
	fishing      = []string{"DON CHUY", "DON PANCHO", "DON BETO", "SANTA MARIA", "SANTA ROSA", "SAN JUDAS", "SAN PEDRO",
		"VIRGEN DE GUADALUPE", "LA GAVIOTA", "EL PELICANO", "LA SIRENA", "EL TIBURON", "MAR AZUL", "ESTRELLA DEL MAR",
		"LUPITA", "ROSITA", "DONA LUCHA", "LOS TRES HERMANOS", "DOS AMIGOS", "PUNTA BRAVA", "CAMARON DORADO",
		"PARGO ROJO", "EL HUACHINANGO", "LA PERLA", "EL DELFIN", "MARIA JOSE", "CAPITAN LUIS", "LA TORTUGA"}
	pleasure = []string{"RELAMPAGO", "BLUE MARLIN", "LA JEFA", "TORMENTA", "FAST LANE", "PRIMO", "SUNRISE", "RAYO"}
	roman    = []string{"", "", "", " II", " III", " IV", " V", " VII", " IX"}
)

// maxName is the length of the AIS name field (20 six-bit characters).
const maxName = 20

func merchantName(r *rand.Rand) string {
	n := merchantFirst[r.IntN(len(merchantFirst))] + " " + merchantSecond[r.IntN(len(merchantSecond))]
	if s := roman[r.IntN(len(roman))]; len(n+s) <= maxName {
		n += s
	}
	return n
}

func cruiseName(r *rand.Rand) string {
	return cruiseFirst[r.IntN(len(cruiseFirst))] + " " + cruiseSecond[r.IntN(len(cruiseSecond))]
}

func fishingName(r *rand.Rand) string {
	n := fishing[r.IntN(len(fishing))]
	if r.IntN(2) == 0 {
		n += fmt.Sprintf(" %d", 1+r.IntN(12))
	}
	return n
}

func pleasureName(r *rand.Rand) string {
	return pleasure[r.IntN(len(pleasure))] + roman[r.IntN(len(roman))]
}

// registry hands out unique MMSIs and IMO numbers (the simulator's own vessels never share
// one by accident; the planted behaviours share them on purpose).
type registry struct{ used, usedIMO map[uint32]bool }

func newRegistry() *registry {
	return &registry{used: make(map[uint32]bool), usedIMO: make(map[uint32]bool)}
}

// imo returns an unused IMO number: a fresh draw, or when it is taken the next free one in
// the same series (8xxxxxx or 9xxxxxx) or the other.
func (g *registry) imo(r *rand.Rand) uint32 {
	n := imoNumber(r)
	six := n / 10
	for range 200000 {
		if m := withCheckDigit(six); !g.usedIMO[m] {
			g.usedIMO[m] = true
			return m
		}
		if six++; six > 999999 {
			six = 800000
		}
	}
	panic("sim: no free IMO number left")
}

// mmsi returns an unused 9-digit MMSI with the given MID.
func (g *registry) mmsi(mid uint32, r *rand.Rand) uint32 {
	n := uint32(r.IntN(1000000))
	if n < 100000 {
		n += 100000 // keep six significant digits: looks like a ship station
	}
	for range 1000000 {
		m := mid*1000000 + n
		if !g.used[m] {
			g.used[m] = true
			return m
		}
		n = 100000 + (n-100000+1)%900000
	}
	panic(fmt.Sprintf("sim: MID %d has no free MMSI left", mid))
}

// newIdentity draws the static data of one ship of the kind.
func newIdentity(k shipKind, reg *registry, r *rand.Rand) vessel.Static {
	spec := kinds[k]
	mid := spec.mids[r.IntN(len(spec.mids))]
	length := math.Round(spec.lenMin + r.Float64()*(spec.lenMax-spec.lenMin))
	st := vessel.Static{
		MMSI:     reg.mmsi(mid, r),
		Name:     spec.names(r),
		CallSign: callSign(mid, r),
		ShipType: spec.shipType,
		Length:   length,
		Beam:     math.Round(length / spec.beamRatio),
		Draught:  math.Round((spec.draughtMin+r.Float64()*(spec.draft-spec.draughtMin))*10) / 10,
		Flag:     flagOf(mid),
		ClassB:   spec.classB,
	}
	if !spec.classB {
		st.IMO = reg.imo(r)
	}
	if spec.classB {
		st.Draught = vessel.NA // class B static data (type 24) carries no draught
	}
	return st
}

// serviceSpeed draws a ship's service speed for the kind, knots.
func serviceSpeed(k shipKind, r *rand.Rand) float64 {
	s := kinds[k]
	return s.speedMin + r.Float64()*(s.speedMx-s.speedMin)
}
