package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"accord/internal/ingest"
	"accord/internal/store"
)

func cmdIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ingest", "ingest [--data DIR | --dsn DSN] [--name FEED] [--originator AGENCY] [--tlp LEVEL] [--rel-to LIST] [--cpuprofile FILE] FILE...")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	name := fs.String("name", "", "feed name the data is recorded under (default file:<first file>)")
	originator := fs.String("originator", "", "agency that owns the data (default the node's state)")
	tlp := fs.String("tlp", "GREEN", "TLP 2.0 marking of the data: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	relTo := fs.String("rel-to", "", "releasability (REL TO) of the data, comma-separated: states (MEX or state:MEX) and agencies (agency:DEA) for GREEN and AMBER, users (user:17) for RED; default none")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (pprof format) of the ingest to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("ingest: name at least one NMEA file (globs and .gz accepted): %w", errUsageShown)
	}
	info := ingest.FeedInfo{Name: *name, Kind: "file", Originator: *originator, TLP: *tlp, RelTo: splitList(*relTo), Block: true}
	if info.Name == "" {
		info.Name = "file:" + fs.Arg(0)
	}
	if info.Originator == "" {
		info.Originator = cfg.Node.agency()
	}
	if err := checkFeedMarkings(info.Originator, info.TLP, info.RelTo, [3]string{"--originator", "--tlp", "--rel-to"}); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	log, err := newLogger(cfg.Log, e.stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Config{DSN: cfg.DSN, DataDir: cfg.DataDir}, log)
	if err != nil {
		return fmt.Errorf("open store (%s): %w", storeWhere(cfg), err)
	}
	defer st.Close()

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("ingest: --cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("ingest: --cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	sum, err := ingestFiles(ctx, st, ingestOptions(cfg.Ingest), info, fs.Args(), e.stderr, log)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, sum.String())
	return nil
}

// ingestSummary is what `accord ingest` reports when it ends.
type ingestSummary struct {
	ingest.FeedStats
	Elapsed time.Duration
}

func (s ingestSummary) String() string {
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Acknowledged) / s.Elapsed.Seconds()
	}
	return fmt.Sprintf("feed %s: %s lines, %s sentences, %s messages, %s acknowledged (persisted); "+
		"bad checksum %d, incomplete %d, unparseable %d, other NMEA %d, dropped %d; %.1fs, %s msg/s",
		s.Name, groupDigits(s.Lines), groupDigits(s.Sentences), groupDigits(s.Messages), groupDigits(s.Acknowledged),
		s.BadChecksum, s.Incomplete, s.Unparseable, s.Other, s.Dropped, s.Elapsed.Seconds(), groupDigits(int64(rate)))
}

// ingestFiles runs the files through the decoder and the pipeline into sink and returns the
// feed's final counters. It returns after everything decoded is persisted.
func ingestFiles(ctx context.Context, sink ingest.Sink, opts ingest.Options, info ingest.FeedInfo, patterns []string, progressOut io.Writer, log *slog.Logger) (ingestSummary, error) {
	start := time.Now()
	p := ingest.New(sink, opts, log)
	feed := p.AddFeed(info)
	dec := newLineDecoder()
	lines := feed.Lines(dec)
	prog := newProgress(progressOut, "ingest")
	var n int64
	readErr := ingest.ReadFiles(ctx, patterns, func(line []byte, recv time.Time) {
		lines(line, recv)
		n++
		if n&0xfff == 0 {
			prog.setMessages(dec.Counters().Messages)
		}
	}, prog.bytes)
	feed.Release(dec)
	closeErr := p.Close()
	prog.setMessages(dec.Counters().Messages)
	prog.finish()
	stats, _ := p.Feeds(ctx)
	var sum ingestSummary
	for _, s := range stats {
		if s.Name == info.Name {
			sum.FeedStats = s
		}
	}
	sum.Elapsed = time.Since(start)
	if readErr != nil {
		return sum, fmt.Errorf("ingest: %w (everything read before the error is persisted: %s)", readErr, sum.String())
	}
	return sum, closeErr
}

func ingestOptions(c IngestConfig) ingest.Options {
	o := ingest.Options{BatchSize: c.BatchSize, FlushInterval: c.FlushInterval.Duration, QueueDepth: c.QueueDepth}
	if c.KeepRaw != nil && !*c.KeepRaw {
		o.DropRaw = true
	}
	return o
}

func checkTLP(s string) error {
	switch s {
	case "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED":
		return nil
	}
	return fmt.Errorf("TLP %q: want one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED (TLP 2.0)", s)
}

func storeWhere(cfg Config) string {
	if cfg.DSN != "" {
		return "PostgreSQL " + redactDSN(cfg.DSN)
	}
	return "SQLite in " + strings.TrimRight(cfg.DataDir, "/") + "/"
}
