package sim

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"accord/internal/vessel"
)

// fakeEncoder writes each report as a plain-text sentence that the tests parse back, so that the
// checks below work on what Run emitted, not on the simulator's internals. It mimics the sentence
// counts of the real messages: one per position, two per static report.
type fakeEncoder struct{}

func nmea(body string) string {
	var cs byte
	for i := 0; i < len(body); i++ {
		cs ^= body[i]
	}
	const hex = "0123456789ABCDEF"
	return "$" + body + "*" + string([]byte{hex[cs>>4], hex[cs&15]})
}

func (fakeEncoder) Position(p vessel.Position, classB bool) ([]string, error) {
	b := make([]byte, 0, 96)
	b = append(b, "SIMPOS,"...)
	b = strconv.AppendInt(b, int64(p.MsgType), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(p.MMSI), 10)
	b = append(b, ',')
	b = strconv.AppendBool(b, classB)
	b = append(b, ',')
	b = strconv.AppendInt(b, p.Time.Unix(), 10)
	for _, f := range []float64{p.Lat, p.Lon, p.SOG, p.COG, p.Heading} {
		b = append(b, ',')
		b = strconv.AppendFloat(b, f, 'g', -1, 64)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(p.NavStatus), 10)
	return []string{nmea(string(b))}, nil
}

func (fakeEncoder) Static(s vessel.Static) ([]string, error) {
	body := fmt.Sprintf("%d,%d,%s,%s,%d,%s,%s,%s,%s,%t", s.MMSI, s.IMO, s.Name, s.CallSign, s.ShipType,
		ftoa(s.Length), ftoa(s.Beam), ftoa(s.Draught), s.Destination, s.ClassB)
	return []string{nmea("SIMST1," + body), nmea("SIMST2," + body)}, nil
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// pos is a position report parsed back from the output.
type pos struct {
	t                  int64
	mmsi               uint32
	msgType            int
	classB             bool
	lat, lon, sog, cog float64
	heading            float64
	nav                int
	tagTime            int64
	emitAt             int64
	line               int
}

// stat is a static report parsed back from the output.
type stat struct {
	t        int64
	mmsi     uint32
	imo      uint32
	name     string
	callSign string
	shipType int
	length   float64
	dest     string
	classB   bool
}

type capture struct {
	lines     int
	positions []pos
	statics   []stat
	byMMSI    map[uint32][]pos // looked up by key only
}

// runCapture runs the scenario with the fake encoder and parses every line back, failing the
// test on any malformed line, bad tag-block checksum or time mismatch.
func runCapture(t testing.TB, name string, opt Options) *capture {
	t.Helper()
	sc, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	c := &capture{byMMSI: make(map[uint32][]pos)}
	err = Run(context.Background(), sc, opt, fakeEncoder{}, func(line string, at time.Time) error {
		c.lines++
		return c.parse(line, at)
	})
	if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	return c
}

func (c *capture) parse(line string, at time.Time) error {
	n := c.lines
	tag, sentence, err := splitTagBlock(line)
	if err != nil {
		return fmt.Errorf("line %d %q: %w", n, line, err)
	}
	tt, err := tagTime(tag)
	if err != nil {
		return fmt.Errorf("line %d: %w", n, err)
	}
	if tt != at.Unix() || !at.Equal(time.Unix(tt, 0)) || at.Location() != time.UTC {
		return fmt.Errorf("line %d: tag time %d, emit time %s: want equal, in UTC", n, tt, at)
	}
	star := strings.LastIndexByte(sentence, '*')
	if !strings.HasPrefix(sentence, "$") || star < 0 {
		return fmt.Errorf("line %d: sentence %q: want $...*hh", n, sentence)
	}
	f := strings.Split(sentence[1:star], ",")
	switch f[0] {
	case "SIMPOS":
		var p pos
		p.msgType, _ = strconv.Atoi(f[1])
		m, _ := strconv.ParseUint(f[2], 10, 32)
		p.mmsi = uint32(m)
		p.classB = f[3] == "true"
		p.t, _ = strconv.ParseInt(f[4], 10, 64)
		p.lat, _ = strconv.ParseFloat(f[5], 64)
		p.lon, _ = strconv.ParseFloat(f[6], 64)
		p.sog, _ = strconv.ParseFloat(f[7], 64)
		p.cog, _ = strconv.ParseFloat(f[8], 64)
		p.heading, _ = strconv.ParseFloat(f[9], 64)
		p.nav, _ = strconv.Atoi(f[10])
		p.tagTime, p.emitAt, p.line = tt, at.Unix(), n
		if p.t != tt {
			return fmt.Errorf("line %d: report time %d, tag time %d: want equal", n, p.t, tt)
		}
		c.positions = append(c.positions, p)
		c.byMMSI[p.mmsi] = append(c.byMMSI[p.mmsi], p)
	case "SIMST1":
		var s stat
		m, _ := strconv.ParseUint(f[1], 10, 32)
		s.mmsi = uint32(m)
		imo, _ := strconv.ParseUint(f[2], 10, 32)
		s.imo = uint32(imo)
		s.name, s.callSign = f[3], f[4]
		s.shipType, _ = strconv.Atoi(f[5])
		s.length, _ = strconv.ParseFloat(f[6], 64)
		s.dest = f[9]
		s.classB = f[10] == "true"
		s.t = tt
		c.statics = append(c.statics, s)
	case "SIMST2":
	default:
		return fmt.Errorf("line %d: unknown sentence %q", n, f[0])
	}
	return nil
}

// splitTagBlock checks an NMEA 4.10 tag block's framing and checksum and returns its body and
// the sentence after it.
func splitTagBlock(line string) (tag, sentence string, err error) {
	if !strings.HasPrefix(line, `\`) {
		return "", "", fmt.Errorf("no tag block")
	}
	end := strings.IndexByte(line[1:], '\\')
	if end < 0 {
		return "", "", fmt.Errorf("tag block not closed")
	}
	block := line[1 : end+1]
	star := strings.LastIndexByte(block, '*')
	if star < 0 || len(block)-star != 3 {
		return "", "", fmt.Errorf("tag block %q: want body*hh", block)
	}
	var x byte
	for i := 0; i < star; i++ {
		x ^= block[i]
	}
	want, err := strconv.ParseUint(block[star+1:], 16, 8)
	if err != nil || byte(want) != x || strings.ToUpper(block[star+1:]) != block[star+1:] {
		return "", "", fmt.Errorf("tag block %q: checksum %s, computed %02X", block, block[star+1:], x)
	}
	return block[:star], line[end+2:], nil
}

func tagTime(tag string) (int64, error) {
	var src string
	var c int64 = -1
	for _, kv := range strings.Split(tag, ",") {
		k, v, ok := strings.Cut(kv, ":")
		if !ok {
			return 0, fmt.Errorf("tag block field %q: want key:value", kv)
		}
		switch k {
		case "s":
			src = v
		case "c":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("tag block c:%q: %w", v, err)
			}
			c = n
		}
	}
	if src != "accord-sim" || c < 0 {
		return 0, fmt.Errorf("tag block %q: want s:accord-sim and c:<unix seconds>", tag)
	}
	return c, nil
}

// Shared runs: several tests look at the same output.
var (
	demoOnce sync.Once
	demoCap  *capture
)

// demoDay is one simulated day of the demonstration scenario with the default options.
func demoDay(t *testing.T) *capture {
	demoOnce.Do(func() { demoCap = runCapture(t, "demo", Options{Seed: 1, Duration: 26 * time.Hour}) })
	if demoCap == nil {
		t.Fatal("the shared demo run failed")
	}
	return demoCap
}

// haversine is the tests' own great-circle distance in metres.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// moduleRoot walks up from the package directory to the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package directory")
		}
		dir = parent
	}
}

// needData skips (or, under CI=true, fails) when a data file is missing.
func needData(t *testing.T, path, why string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v (CI=true: the data must be present)", why, err)
		}
		t.Skipf("%s: %v (run `npm ci` at the module root, or see ../shared/data)", why, err)
	}
}
