package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"accord/internal/ais"
	"accord/internal/detect"
	"accord/internal/ingest"
	"accord/internal/jurisdiction"
)

// cmdDetect runs every behaviour detector over recorded AIS (NMEA files, or CSV track files)
// and writes one alert per line.
func cmdDetect(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "detect", "detect [--json] [--config FILE] [--ports FILES] [--anchorage] [--watch-mmsi LIST] [--watch-zone LIST] FILE...")
	asJSON := fs.Bool("json", false, "write each alert as one JSON object per line (with its evidence)")
	cfgPath := fs.String("config", "", "JSON file overriding detector thresholds (keys of detect.Config, e.g. {\"loitering\":{\"min_duration\":7200000000000}})")
	portsFlag := fs.String("ports", "", "comma-separated port/anchorage CSV files (default: ../shared/data/ports/WPI_ports.csv and gfw_anchorage_overrides.csv beside the repository)")
	anchorage := fs.Bool("anchorage", false, "also report waiting near ports and anchorages (loitering, detail \"anchorage\")")
	watchMMSI := fs.String("watch-mmsi", "", "comma-separated MMSIs whose every entry into a territorial sea or contiguous zone is an alert")
	watchZone := fs.String("watch-zone", "", "comma-separated STATE/zone (e.g. MEX/territorial_sea, USA/*) whose every entry is an alert")
	root := fs.String("boundaries", "", "repository directory holding node_modules/@geo-maps (ACCORD_BOUNDARIES; default: found upward from the current directory)")
	cache := fs.String("cache", "", "cache directory for the jurisdiction index (ACCORD_JURISDICTION_CACHE)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("detect: name at least one NMEA file (globs and .gz accepted) or .csv track file: %w", errUsageShown)
	}
	log, err := newLogger(LogConfig{Level: *level}, e.stderr)
	if err != nil {
		return err
	}
	cfg := detect.DefaultConfig()
	if *cfgPath != "" {
		b, err := os.ReadFile(*cfgPath)
		if err != nil {
			return fmt.Errorf("--config: %w", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return fmt.Errorf("--config %s: %w (keys: see `go doc accord/internal/detect Config`)", *cfgPath, err)
		}
	}
	cfg.Loitering.Anchorage = cfg.Loitering.Anchorage || *anchorage
	for _, s := range splitList(*watchMMSI) {
		m, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return fmt.Errorf("--watch-mmsi %q: want 9-digit MMSIs separated by commas", s)
		}
		cfg.Zone.WatchMMSI = append(cfg.Zone.WatchMMSI, uint32(m))
	}
	cfg.Zone.WatchZones = append(cfg.Zone.WatchZones, splitList(*watchZone)...)

	eng, err := loadJurisdiction(ctx, e, *root, *cache, log)
	if err != nil {
		return fmt.Errorf("detect needs the jurisdiction engine: %w", err)
	}
	ports, err := loadDetectPorts(*portsFlag, *root, e, log)
	if err != nil {
		return err
	}

	w := bufio.NewWriterSize(e.stdout, 64<<10)
	var werr error
	emit := func(a detect.Alert) {
		if werr != nil {
			return
		}
		if *asJSON {
			b, err := json.Marshal(a)
			if err != nil {
				werr = err
				return
			}
			w.Write(b)
			werr = w.WriteByte('\n')
			return
		}
		_, werr = fmt.Fprintln(w, a.Text())
	}
	var csvs, nmea []string
	for _, f := range fs.Args() {
		if strings.EqualFold(filepath.Ext(f), ".csv") {
			csvs = append(csvs, f)
		} else {
			nmea = append(nmea, f)
		}
	}
	for _, f := range csvs {
		fh, err := os.Open(f)
		if err != nil {
			return fmt.Errorf("input file: %w", err)
		}
		tf, err := detect.ReadTrackCSV(bufio.NewReaderSize(fh, 1<<20), f)
		fh.Close()
		if err != nil {
			return err
		}
		for _, p := range tf.Problems {
			fmt.Fprintf(e.stderr, "accord detect: %v\n", p)
		}
		fmt.Fprintf(e.stderr, "detect: %s: %s layout, %s rows, %d left out\n", f, tf.Format, groupDigits(int64(len(tf.Rows))), tf.Skipped)
		c := cfg
		c.TimeResolution = max(c.TimeResolution, tf.TimeResolution)
		d, err := detect.New(c, jurisdictionLocator(eng), ports, emit)
		if err != nil {
			return err
		}
		d.Rows(tf.Rows)
		d.Close()
		printDetectStats(e.stderr, f, d.Stats())
	}
	if len(nmea) > 0 {
		d, err := detect.New(cfg, jurisdictionLocator(eng), ports, emit)
		if err != nil {
			return err
		}
		st := ais.NewStream(0)
		prog := newProgress(e.stderr, "detect")
		var msgs int64
		err = ingest.ReadFiles(ctx, nmea, func(line []byte, recv time.Time) {
			m, env, err := st.Feed(line, recv)
			if err != nil || m == nil {
				return
			}
			msgs++
			d.Message(m, env.Time)
			if msgs&0xfff == 0 {
				prog.setMessages(msgs)
			}
		}, prog.bytes)
		st.Flush()
		prog.setMessages(msgs)
		prog.finish()
		if err != nil {
			return err
		}
		d.Close()
		c := st.Counters()
		fmt.Fprintf(e.stderr, "detect: %s lines, %s messages; bad checksum %d, incomplete %d, unparseable %d\n",
			groupDigits(c.Lines), groupDigits(c.Messages), c.BadChecksum, c.Incomplete, c.Unparseable)
		printDetectStats(e.stderr, strings.Join(nmea, " "), d.Stats())
	}
	if err := w.Flush(); err != nil && werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("write alerts: %w", werr)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func printDetectStats(w io.Writer, what string, s detect.Stats) {
	kinds := make([]string, 0, len(s.Alerts))
	for k, n := range s.Alerts {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	if len(kinds) == 0 {
		kinds = []string{"none"}
	}
	fmt.Fprintf(w, "detect: %s: %s positions of %s vessels; %d impossible jumps flagged, %d out of order, %d rejected; alerts: %s\n",
		what, groupDigits(s.Positions), groupDigits(int64(s.Vessels)), s.Jumps, s.OutOfOrder, s.Rejected, strings.Join(kinds, ", "))
}

// jurisdictionLocator adapts the jurisdiction engine to the detectors' Locator.
func jurisdictionLocator(eng *jurisdiction.Engine) detect.Locator {
	return detect.LocatorFunc(func(lat, lon float64) detect.Place {
		a := eng.Lookup(lat, lon)
		d := a.BaselineNM
		if a.Zone == jurisdiction.ZoneUnknown {
			d = math.NaN()
		}
		return detect.Place{State: a.State, Zone: string(a.Zone), Authority: a.Authority, ShoreNM: d}
	})
}

// loadDetectPorts reads the port and anchorage lists named in list (comma-separated), or the
// shared data beside the repository. Without any, encounters and loitering cannot be told from
// port traffic: that is an error, not a silent degradation.
func loadDetectPorts(list, root string, e *env, log *slog.Logger) (*detect.PortIndex, error) {
	files := splitList(list)
	if len(files) == 0 {
		if root == "" {
			root = e.getenv("ACCORD_BOUNDARIES")
		}
		if root == "" {
			r, err := jurisdiction.FindRoot(".")
			if err != nil {
				return nil, fmt.Errorf("ports: give --ports FILES (no repository found for the default ../shared/data/ports: %w)", err)
			}
			root = r
		}
		dir := filepath.Join(root, "..", "shared", "data", "ports")
		files = []string{filepath.Join(dir, "WPI_ports.csv"), filepath.Join(dir, "gfw_anchorage_overrides.csv")}
	}
	x, err := detect.LoadPorts(files...)
	if err != nil {
		return nil, fmt.Errorf("%w (--ports names the port and anchorage CSV files)", err)
	}
	for _, p := range x.Problems {
		log.Warn("port list row left out", "err", p)
	}
	if x.Skipped > len(x.Problems) {
		log.Warn("more port list rows left out", "count", x.Skipped-len(x.Problems))
	}
	return x, nil
}
