package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"accord/internal/jurisdiction"
	"accord/internal/web"
)

// cmdWhere answers the jurisdiction of one point, or of "lat,lon" lines on stdin (--csv).
func cmdWhere(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "where", "where [--json] [--lang es|en] LAT LON | where --csv [--json] < points.csv")
	asJSON := fs.Bool("json", false, "print the answer as JSON (with --csv: one JSON object per line)")
	csvIn := fs.Bool("csv", false, "read \"lat,lon\" lines on stdin and write one answer per line (CSV with a header row)")
	lang := fs.String("lang", "en", "language of the text answer: en or es")
	root := fs.String("boundaries", "", "repository directory holding node_modules/@geo-maps (ACCORD_BOUNDARIES; default: found upward from the current directory)")
	cache := fs.String("cache", "", "cache directory for the extracted boundaries and the index (ACCORD_JURISDICTION_CACHE; default the user cache directory)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	flagArgs, numbers := splitNumbers(args)
	if err := parseFlags(fs, flagArgs); err != nil {
		return err
	}
	var lat, lon float64
	switch pos := append(fs.Args(), numbers...); {
	case *csvIn && len(pos) > 0:
		fs.Usage()
		return fmt.Errorf("--csv reads the points from stdin; got extra arguments %q: %w", pos, errUsageShown)
	case *csvIn:
	case len(pos) == 1 && strings.Contains(pos[0], ","):
		var err error
		if lat, lon, err = jurisdiction.ParseLatLon(pos[0]); err != nil {
			return fmt.Errorf("%w: %w", err, errUsageShown)
		}
	case len(pos) == 2:
		var err error
		if lat, lon, err = jurisdiction.ParseLatLon(pos[0] + "," + pos[1]); err != nil {
			return fmt.Errorf("%w: %w", err, errUsageShown)
		}
	default:
		fs.Usage()
		return fmt.Errorf("want LAT LON in decimal degrees (e.g. accord where 25.7 -92.3) or --csv: %w", errUsageShown)
	}
	log, err := newLogger(LogConfig{Level: *level}, e.stderr)
	if err != nil {
		return err
	}
	eng, err := loadJurisdiction(ctx, e, *root, *cache, log)
	if err != nil {
		return err
	}
	if !*csvIn {
		a := eng.Lookup(lat, lon)
		if *asJSON {
			b, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\n", b)
			return nil
		}
		fmt.Fprintln(e.stdout, a.Text(*lang))
		return nil
	}
	const maxShown = 20
	shown := 0
	start := time.Now()
	st, err := jurisdiction.Stream(ctx, eng.Lookup, e.stdin, e.stdout, jurisdiction.StreamOptions{
		Name: "stdin",
		JSON: *asJSON,
		BadLine: func(line int64, err error) {
			// The first bad lines are shown; all are counted in the summary.
			if shown < maxShown {
				fmt.Fprintf(e.stderr, "accord where: stdin:%d: %v\n", line, err)
			} else if shown == maxShown {
				fmt.Fprintf(e.stderr, "accord where: more bad lines; only their count follows\n")
			}
			shown++
		},
		Progress: func(s jurisdiction.StreamStats) {
			if time.Since(start) > 2*time.Second {
				fmt.Fprintf(e.stderr, "accord where: %d lines, %d answered, %d bad (%.0f lines/s)\n",
					s.Lines, s.Answered, s.Bad, float64(s.Lines)/time.Since(start).Seconds())
			}
		},
	})
	if errors.Is(err, jurisdiction.ErrBadLines) {
		return &exitError{code: 1, err: fmt.Errorf("%w (%d answered; fix or remove the lines named above)", err, st.Answered)}
	}
	return err
}

// splitNumbers separates the arguments that are numbers or "lat,lon" pairs from the flags, so
// that a negative coordinate (accord where -5.2 -80.1) is not taken for a flag and flags may
// follow the coordinates.
func splitNumbers(args []string) (flags, numbers []string) {
	for i, a := range args {
		if a == "--" {
			return flags, append(numbers, args[i+1:]...)
		}
		if _, err := strconv.ParseFloat(strings.TrimSpace(strings.SplitN(a, ",", 2)[0]), 64); err == nil {
			numbers = append(numbers, a)
			continue
		}
		flags = append(flags, a)
	}
	return flags, numbers
}

// loadJurisdiction loads the jurisdiction engine from the boundary data of the repository at
// root (found upward from the working directory when empty), caching under cache.
func loadJurisdiction(ctx context.Context, e *env, root, cache string, log *slog.Logger) (*jurisdiction.Engine, error) {
	if root == "" {
		root = e.getenv("ACCORD_BOUNDARIES")
	}
	if cache == "" {
		cache = e.getenv("ACCORD_JURISDICTION_CACHE")
	}
	if cache == "" {
		cache = jurisdiction.DefaultCacheDir()
	}
	if root == "" {
		r, err := jurisdiction.FindRoot(".")
		if err != nil {
			return nil, fmt.Errorf("jurisdiction: %w (--boundaries or ACCORD_BOUNDARIES)", err)
		}
		root = r
	}
	eng, err := jurisdiction.Load(ctx, jurisdiction.DefaultConfig(root, cache), log)
	if err != nil {
		return nil, err
	}
	for _, err := range eng.UserZoneErrors() {
		log.Warn("user zone rejected", "err", err)
	}
	return eng, nil
}

// backgroundJurisdiction loads the jurisdiction engine for `accord serve` without delaying the
// start: until it is ready its get method returns web.ErrLocatorLoading.
type backgroundJurisdiction struct {
	mu  sync.Mutex
	eng *jurisdiction.Engine
	err error
}

// startJurisdiction starts loading the engine (see loadJurisdiction) in the background.
func startJurisdiction(ctx context.Context, e *env, root string, log *slog.Logger) *backgroundJurisdiction {
	b := &backgroundJurisdiction{err: web.ErrLocatorLoading}
	go func() {
		eng, err := loadJurisdiction(ctx, e, root, "", log)
		if err != nil {
			log.Warn("jurisdiction engine not available; /api/v1/where and /api/v1/zones answer 503", "err", err)
		}
		b.mu.Lock()
		b.eng, b.err = eng, err
		b.mu.Unlock()
	}()
	return b
}

// get returns the engine once loaded, or why it is not available.
func (b *backgroundJurisdiction) get() (web.Locator, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return nil, b.err
	}
	return b.eng, nil
}
