package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"time"

	"accord/internal/ais"
	"accord/internal/ingest"
	"accord/internal/vessel"
)

// lineDecoder adapts an ais.Stream to the ingest pipeline's LineDecoder.
type lineDecoder struct{ s *ais.Stream }

func newLineDecoder() *lineDecoder { return &lineDecoder{s: ais.NewStream(0)} }

func (d *lineDecoder) Decode(line []byte, recv time.Time, out []ingest.Report) []ingest.Report {
	m, env, err := d.s.Feed(line, recv)
	if err != nil || m == nil {
		return out
	}
	var r ingest.Report
	if p, ok := ais.PositionOf(m); ok {
		p.Time = env.Time.UTC()
		r.Position, r.HasPosition = p, true
	}
	if s, ok := ais.StaticOf(m); ok {
		s.Time = env.Time.UTC()
		r.Static, r.HasStatic = s, true
	}
	return append(out, r)
}

func (d *lineDecoder) Flush() { d.s.Flush() }

func (d *lineDecoder) Counters() ingest.DecodeCounters {
	c := d.s.Counters()
	return ingest.DecodeCounters{Lines: c.Lines, Sentences: c.Sentences, Messages: c.Messages, BadChecksum: c.BadChecksum,
		Incomplete: c.Incomplete, Unparseable: c.Unparseable, Other: c.Other}
}

// simEncoder is the simulator's encoder: vessel reports to AIS sentences through ais.Encode.
type simEncoder struct{ seq int }

func newSimEncoder() *simEncoder { return &simEncoder{} }

func round(v, scale float64, na int) int {
	if math.IsNaN(v) {
		return na
	}
	return int(math.Round(v * scale))
}

// Position encodes a type 1/3 (class A) or 18 (class B) report.
func (e *simEncoder) Position(p vessel.Position, classB bool) ([]string, error) {
	lon := int32(round(p.Lon, 600000, 108600000))
	lat := int32(round(p.Lat, 600000, 54600000))
	sog := uint16(min(round(p.SOG, 10, 1023), 1023))
	cog := uint16(round(p.COG, 10, 3600) % 3601)
	hdg := uint16(round(p.Heading, 1, 511))
	if hdg == 360 {
		hdg = 0
	}
	sec := uint8(p.Time.UTC().Second())
	var m ais.Message
	if classB {
		m = &ais.ClassBPosition{Header: ais.Header{MsgType: 18, UserID: p.MMSI}, SOG: sog, Longitude: lon, Latitude: lat,
			COG: cog, Heading: hdg, Second: sec, CS: true}
	} else {
		t := uint8(p.MsgType)
		if t != 1 && t != 2 && t != 3 {
			t = 1
		}
		ns := uint8(15)
		if p.NavStatus >= 0 && p.NavStatus <= 15 {
			ns = uint8(p.NavStatus)
		}
		m = &ais.PositionReport{Header: ais.Header{MsgType: t, UserID: p.MMSI}, NavStatus: ns, ROT: -128, SOG: sog,
			Longitude: lon, Latitude: lat, COG: cog, Heading: hdg, Second: sec}
	}
	return ais.EncodeSentences(m, "AI", 'A', 0)
}

// Static encodes a type 5 (class A) or the two parts of a type 24 (class B).
func (e *simEncoder) Static(s vessel.Static) ([]string, error) {
	bow, stern, port, star := dims(s.Length, s.Beam)
	if s.ClassB {
		a, err := ais.EncodeSentences(&ais.StaticDataReport{Header: ais.Header{MsgType: 24, UserID: s.MMSI}, PartNum: 0, Name: s.Name}, "AI", 'B', 0)
		if err != nil {
			return nil, err
		}
		b, err := ais.EncodeSentences(&ais.StaticDataReport{Header: ais.Header{MsgType: 24, UserID: s.MMSI}, PartNum: 1,
			ShipType: uint8(s.ShipType), CallSign: s.CallSign, ToBow: bow, ToStern: stern, ToPort: port, ToStarboard: star}, "AI", 'B', 0)
		return append(a, b...), err
	}
	e.seq = e.seq%9 + 1
	m := &ais.StaticVoyageData{Header: ais.Header{MsgType: 5, UserID: s.MMSI}, IMO: s.IMO, CallSign: s.CallSign, Name: s.Name,
		ShipType: uint8(s.ShipType), ToBow: bow, ToStern: stern, ToPort: port, ToStarboard: star, EPFD: 1,
		ETAHour: 24, ETAMinute: 60, Draught: uint8(min(max(round(s.Draught, 10, 0), 0), 255)), Destination: s.Destination}
	return ais.EncodeSentences(m, "AI", 'A', e.seq)
}

// dims splits length and beam (metres) into distances from a mid-ship reference point.
func dims(length, beam float64) (bow, stern uint16, port, star uint8) {
	if !math.IsNaN(length) && length > 0 {
		l := min(int(math.Round(length)), 1022)
		bow, stern = uint16(l/2), uint16(l-l/2)
	}
	if !math.IsNaN(beam) && beam > 0 {
		b := min(int(math.Round(beam)), 126)
		port, star = uint8(b/2), uint8(b-b/2)
	}
	return
}

func cmdAIS(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "decode" {
		fmt.Fprintln(e.stderr, "usage: accord ais decode [--format json|gpsd] [--stats] [FILE...|-]")
		return errUsageShown
	}
	fs := newFlagSet(e, "ais decode", "ais decode [--format json|gpsd] [--stats] [FILE...|-]")
	format := fs.String("format", "json", "json: Accord's JSON with units (knots, degrees, metres); gpsd: gpsd's unscaled AIS JSON (gpsdecode -u -j)")
	stats := fs.Bool("stats", false, "print the counters to stderr at the end")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *format != "json" && *format != "gpsd" {
		return fmt.Errorf("--format %q: want json or gpsd", *format)
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	out := bufio.NewWriterSize(e.stdout, 256<<10)
	st := ais.NewStream(0)
	var gw ais.GPSDWriter
	buf := make([]byte, 0, 4096)
	fn := func(line []byte, recv time.Time) {
		m, env, err := st.Feed(line, recv)
		if err != nil || m == nil {
			return
		}
		buf = buf[:0]
		if *format == "gpsd" {
			buf = gw.AppendMessage(buf, m, env)
		} else {
			buf = ais.AppendJSON(buf, m)
			buf = append(buf, '\n')
		}
		out.Write(buf)
	}
	var readErr error
	if len(files) == 1 && files[0] == "-" {
		readErr = ingest.ReadFiles(ctx, []string{"-"}, fn, nil)
	} else {
		readErr = ingest.ReadFiles(ctx, files, fn, nil)
	}
	st.Flush()
	if err := out.Flush(); err != nil && readErr == nil {
		readErr = err
	}
	if *stats {
		c := st.Counters()
		fmt.Fprintf(e.stderr, "lines %d, sentences %d, messages %d, bad checksum %d, incomplete %d, unparseable %d, other NMEA %d\n",
			c.Lines, c.Sentences, c.Messages, c.BadChecksum, c.Incomplete, c.Unparseable, c.Other)
	}
	return readErr
}
