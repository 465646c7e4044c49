// Package sim simulates AIS traffic in the Gulf of Mexico, the Caribbean and the Mexican Pacific
// and writes it as NMEA sentences, for demonstrations, tests and benchmarks.
//
// A [Scenario] is a named set of vessels: cargo ships and tankers on lanes into Veracruz,
// Houston, Dos Bocas, Progreso, Manzanillo and Lázaro Cárdenas, cruise ships to Cozumel, ferries
// (Cancún–Isla Mujeres, Playa del Carmen–Cozumel, La Paz–Mazatlán) and fishing fleets, plus, in
// some scenarios, planted behaviours that the detectors must find: a go-fast boat entering
// Mexican territorial sea at night, a meeting of two vessels at sea, a 14-hour AIS silence, one
// MMSI transmitted by two vessels, and a vessel that changes name and flag. [Truth] lists the
// planted behaviours as ground truth.
//
// Vessels report as real transponders do (ITU-R M.1371): class A every 2 to 10 seconds depending
// on speed and every 3 minutes at anchor or moored, class B every 30 seconds (3 minutes below
// 2 knots), static data every 6 minutes. [Run] turns each report into sentences through an
// [Encoder] and prefixes every sentence with an NMEA 4.10 tag block carrying its source and time,
// so a recorded file replays with its original times.
//
// Runs are deterministic: the same scenario, seed, start, duration and scale give byte-identical
// output. Units: positions in degrees (WGS 84), speeds in knots, courses in degrees true, lengths
// in metres, times in UTC.
package sim

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"accord/internal/vessel"
)

// Encoder turns vessel reports into AIS NMEA sentences (without tag blocks).
type Encoder interface {
	// Position encodes a position report: message type 1 or 3 (p.MsgType) for class A, 18 for
	// class B.
	Position(p vessel.Position, classB bool) ([]string, error)
	// Static encodes static and voyage data: type 5 for class A, types 24 A and B when s.ClassB.
	Static(s vessel.Static) ([]string, error)
}

// DefaultStart is the simulated start time used when Options.Start is zero.
var DefaultStart = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// Source is the tag-block source (s:) of every simulated sentence.
const Source = "accord-sim"

// Options control one run.
type Options struct {
	Seed     uint64        // random seed: the same seed gives the same traffic
	Start    time.Time     // simulated start, truncated to the second; zero means DefaultStart
	Duration time.Duration // simulated duration; zero means the scenario's Duration
	// Realtime paces the output: a sentence simulated at time t is emitted at wall-clock
	// (t − Start) / Speedup after the run began. Otherwise the run goes as fast as it can.
	Realtime bool
	Speedup  float64 // simulated seconds per wall-clock second in realtime mode; ≤ 0 means 1
	// Scale multiplies the number of benign vessels of every lane, ferry route and fishing fleet
	// (≤ 0 means 1): 0.5 halves the traffic, 800 gives the demonstration a fleet of about 50,000. The planted
	// behaviours are not scaled. Above 1, vessels share fishing cells and mooring slots, so
	// benign traffic may then produce chance encounters.
	Scale float64
	// MinInterval is the shortest time between two position reports of one vessel, rounded
	// down to whole seconds (≤ 1 s means the transponder rates of ITU-R M.1371, the default).
	// It models a feed thinned at reception, as shore networks and satellite providers deliver
	// it (often one position per vessel every 30 to 60 s), and makes large runs cheaper. With
	// the demonstration's fleet, 36 s gives one position every 42 to 43 s per vessel on
	// average (about 100 M positions a day for 50,000 vessels, as in bench/detect), against
	// 11 s at the transponder rates. Vessels keep their own slower rates (3 min at anchor or
	// moored, class B below 2 kn); static data still comes every 6 minutes. The detectors'
	// ground-truth tests also run at 36 s and at a minute.
	MinInterval time.Duration
}

func (o Options) normalize(sc Scenario) Options {
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	o.Start = o.Start.UTC().Truncate(time.Second)
	if o.Duration <= 0 {
		o.Duration = sc.Duration
	}
	if o.Speedup <= 0 {
		o.Speedup = 1
	}
	if o.Scale <= 0 {
		o.Scale = 1
	}
	return o
}

// Run simulates the scenario from opt.Start for opt.Duration and calls emit with each NMEA line
// (a tag block followed by one sentence, without line terminator) and its simulated time, in
// time order. Lines of the same second keep a fixed order, so the output is reproducible.
//
// Run returns the first error of enc or emit (wrapped), or ctx.Err() if ctx ends first. In
// realtime mode it sleeps between lines; it never retains emitted lines.
func Run(ctx context.Context, sc Scenario, opt Options, enc Encoder, emit func(line string, at time.Time) error) error {
	if !sc.Planted && len(sc.lanes)+len(sc.ferries)+len(sc.fishing) == 0 {
		return fmt.Errorf("scenario %q (get scenarios from Lookup or Scenarios): %w", sc.Name, ErrUnknownScenario)
	}
	opt = opt.normalize(sc)
	start := opt.Start.Unix()
	end := start + int64(opt.Duration/time.Second)
	b := newBuilder(opt.Seed, start)
	b.minDT = int64(opt.MinInterval / time.Second)
	sc.build(b, opt.Scale, true)

	wall := time.Now()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	var (
		lastT   int64 = -1
		tag     string
		when    time.Time
		scratch []string
	)
	wait := func(t int64) error {
		due := wall.Add(time.Duration(float64(time.Duration(t-start)*time.Second) / opt.Speedup))
		d := time.Until(due)
		if d <= 0 {
			return ctx.Err()
		}
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return nil
		}
	}
	out := func(a *agent, t int64, rep *report) error {
		if t != lastT {
			if opt.Realtime {
				if err := wait(t); err != nil {
					return err
				}
			}
			lastT, tag, when = t, TagBlock(Source, unixUTC(t)), unixUTC(t)
		}
		var err error
		scratch, err = enc.Position(rep.pos, a.classB)
		if err != nil {
			return fmt.Errorf("encode position of %d at %s: %w", rep.pos.MMSI, when.Format(time.RFC3339), err)
		}
		for _, s := range scratch {
			if err := emit(tag+s, when); err != nil {
				return err
			}
		}
		if rep.static != nil {
			scratch, err = enc.Static(*rep.static)
			if err != nil {
				return fmt.Errorf("encode static data of %d at %s: %w", rep.static.MMSI, when.Format(time.RFC3339), err)
			}
			for _, s := range scratch {
				if err := emit(tag+s, when); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return run(b.agents, end, out, ctx.Err)
}

// ErrUnknownScenario is returned (wrapped) for a scenario name that does not exist; check it
// with errors.Is.
var ErrUnknownScenario = errors.New("unknown scenario")

// TagBlock returns the NMEA 4.10 tag block `\s:<source>,c:<unix seconds>*hh\` for a sentence
// received from source at time t; hh is the XOR of the characters between the backslash and
// the asterisk, in upper-case hexadecimal.
func TagBlock(source string, t time.Time) string {
	body := make([]byte, 0, 32)
	body = append(body, "s:"...)
	body = append(body, source...)
	body = append(body, ",c:"...)
	body = strconv.AppendInt(body, t.Unix(), 10)
	var cs byte
	for _, c := range body {
		cs ^= c
	}
	const hex = "0123456789ABCDEF"
	out := make([]byte, 0, len(body)+6)
	out = append(out, '\\')
	out = append(out, body...)
	out = append(out, '*', hex[cs>>4], hex[cs&15], '\\')
	return string(out)
}
