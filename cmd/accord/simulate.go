package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"accord/internal/sim"
)

func cmdSimulate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "simulate", "simulate --list | --scenario NAME [--seed N] [--duration D] [--out FILE|-] [--truth FILE] [--realtime] [--speedup X] [--udp ADDR | --tcp ADDR]")
	list := fs.Bool("list", false, "list the scenarios and exit")
	name := fs.String("scenario", "", "scenario name (see --list)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives byte-identical traffic")
	duration := fs.Duration("duration", 0, "simulated duration (default: the scenario's own)")
	startStr := fs.String("start", "2026-01-15T00:00:00Z", "simulated start time, RFC 3339 UTC")
	out := fs.String("out", "-", "NMEA output file, or - for stdout")
	truth := fs.String("truth", "", "write the planted behaviours (ground truth) as JSON lines to this file")
	realtime := fs.Bool("realtime", false, "emit at the simulated pace (times --speedup) instead of as fast as possible")
	speedup := fs.Float64("speedup", 1, "with --realtime: simulated seconds per wall-clock second")
	udpAddr := fs.String("udp", "", "send each sentence as a UDP datagram to this address instead of --out")
	tcpAddr := fs.String("tcp", "", "connect to this TCP address (e.g. `accord serve --nmea-tcp`) and write the sentences there instead of --out")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *list {
		for _, sc := range sim.Scenarios() {
			fmt.Fprintf(e.stdout, "%-16s %s\n", sc.Name, sc.Description)
		}
		return nil
	}
	if *name == "" {
		fs.Usage()
		return fmt.Errorf("simulate: --scenario is required (one of the names from --list): %w", errUsageShown)
	}
	sc, err := sim.Lookup(*name)
	if err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, *startStr)
	if err != nil {
		return fmt.Errorf("--start %q: want RFC 3339, e.g. 2026-01-15T00:00:00Z: %w", *startStr, err)
	}
	if *duration < 0 {
		return fmt.Errorf("--duration %s: want a positive duration such as 6h", *duration)
	}
	if *speedup <= 0 {
		return fmt.Errorf("--speedup %g: want a positive factor", *speedup)
	}
	opt := sim.Options{Seed: *seed, Start: start.UTC(), Duration: *duration, Realtime: *realtime, Speedup: *speedup}

	if *truth != "" {
		if err := writeTruth(*truth, sim.Truth(sc, opt)); err != nil {
			return err
		}
	}

	var w io.Writer
	var closeOut func() error
	switch {
	case *udpAddr != "":
		conn, err := net.Dial("udp", *udpAddr)
		if err != nil {
			return fmt.Errorf("--udp %s: %w", *udpAddr, err)
		}
		w, closeOut = datagramWriter{conn}, conn.Close
	case *tcpAddr != "":
		conn, err := net.Dial("tcp", *tcpAddr)
		if err != nil {
			return fmt.Errorf("--tcp %s: %w (is `accord serve --nmea-tcp %s` running?)", *tcpAddr, err, *tcpAddr)
		}
		w, closeOut = conn, conn.Close
	case *out == "-":
		w, closeOut = e.stdout, func() error { return nil }
	default:
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		w, closeOut = f, f.Close
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, ok := w.(datagramWriter); ok || *realtime {
		bw = nil
	}
	var n int64
	emit := func(line string, at time.Time) error {
		n++
		if bw != nil {
			bw.WriteString(line)
			return bw.WriteByte('\n')
		}
		_, err := io.WriteString(w, line+"\n")
		return err
	}
	runErr := sim.Run(ctx, sc, opt, newSimEncoder(), emit)
	if bw != nil {
		if err := bw.Flush(); err != nil && runErr == nil {
			runErr = fmt.Errorf("write output: %w", err)
		}
	}
	if err := closeOut(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close output: %w", err)
	}
	if runErr != nil && ctx.Err() == nil {
		return fmt.Errorf("simulate %s: %w", sc.Name, runErr)
	}
	fmt.Fprintf(e.stderr, "simulate: scenario %s, seed %d, %s from %s: %s sentences\n", sc.Name, *seed, *duration, start.Format(time.RFC3339), groupDigits(n))
	return nil
}

// datagramWriter sends each line written to it as one datagram (the writes come one line at a time).
type datagramWriter struct{ conn net.Conn }

func (d datagramWriter) Write(p []byte) (int, error) { return d.conn.Write(p) }

func writeTruth(path string, events []sim.TruthEvent) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--truth: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, ev := range events {
		if err := enc.Encode(ev); err != nil {
			f.Close()
			return fmt.Errorf("--truth %s: %w", path, err)
		}
	}
	return f.Close()
}
