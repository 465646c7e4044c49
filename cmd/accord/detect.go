package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"accord/internal/access"
	"accord/internal/ais"
	"accord/internal/detect"
	"accord/internal/ingest"
	"accord/internal/jurisdiction"
	"accord/internal/ledger"
	"accord/internal/store"
	"accord/internal/web"
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
		d.EndOfInput() // vessels still silent at the end: open gap alerts
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
		d.EndOfInput() // vessels still silent at the end: open gap alerts
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
	fmt.Fprintf(w, "detect: %s: %s positions of %s vessels; %d impossible jumps flagged, %d out of order, %d rejected; alerts: %s; open gaps at the end: %d\n",
		what, groupDigits(s.Positions), groupDigits(int64(s.Vessels)), s.Jumps, s.OutOfOrder, s.Rejected, strings.Join(kinds, ", "), s.OpenGaps)
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

// liveDetector runs the behaviour detectors on the ingest stream of `accord serve`: it is the
// pipeline's sink, passing each batch to the store first and then, once persisted, to the
// detectors; each alert (open, then final) is written with its ledger entry by a writer
// goroutine, so that detection never waits on the database.
type liveDetector struct {
	next  ingest.Sink
	st    *store.Store
	log   *slog.Logger
	actor ledger.Actor
	node  string // node state, the originator when feeds of several agencies mix

	mu    sync.Mutex
	det   *detect.Detector
	feeds map[string]access.Markings // the markings of every feed seen, by name
	// mark is derived from the markings of all the feeds seen (access.Derived): the marking of
	// an alert whose vessels' feeds are not all known. Its originator is the feeds' common
	// originator, else the node's state.
	mark store.AlertMarking
	// An alert draws on the reports of the vessels it names, so it is marked as derived from
	// the feeds that delivered those vessels' positions and static reports: vfeeds holds them
	// per MMSI as a set of feed bits (feedBit; the 64th feed and later share allFeeds, which
	// stands for every feed), and marks caches the derived marking of each set (cleared when
	// a feed's markings change).
	feedBit map[string]uint8
	bitFeed []string
	vfeeds  map[uint32]uint64
	marks   map[uint64]store.AlertMarking

	out     chan alertWrite
	dropped atomic.Int64
	done    chan struct{}
}

type alertWrite struct {
	a    detect.Alert
	mark store.AlertMarking
}

// startLiveDetector wires the detectors between the pipeline and the store. loc returns the
// jurisdiction engine once loaded (until then alerts carry zone "unknown").
func startLiveDetector(st *store.Store, loc func() (web.Locator, error), ports detect.Ports, node NodeConfig, log *slog.Logger) (*liveDetector, error) {
	l := &liveDetector{next: st, st: st, log: log, node: node.State, feeds: map[string]access.Markings{},
		feedBit: map[string]uint8{}, vfeeds: map[uint32]uint64{}, marks: map[uint64]store.AlertMarking{},
		mark:  store.AlertMarking{Originator: node.State, TLP: string(access.TLPClear)},
		actor: ledger.Actor{User: "system", Agency: node.ID, State: node.State},
		out:   make(chan alertWrite, 4096), done: make(chan struct{})}
	locate := detect.LocatorFunc(func(lat, lon float64) detect.Place {
		eng, err := loc()
		if err != nil {
			return detect.Place{Zone: "unknown", ShoreNM: math.NaN()}
		}
		a := eng.Lookup(lat, lon)
		d := a.BaselineNM
		if a.Zone == jurisdiction.ZoneUnknown {
			d = math.NaN()
		}
		return detect.Place{State: a.State, Zone: string(a.Zone), Authority: a.Authority, ShoreNM: d}
	})
	cfg := detect.DefaultConfig()
	cfg.EmitOpen = true
	det, err := detect.New(cfg, locate, ports, l.emit)
	if err != nil {
		return nil, err
	}
	l.det = det
	st.RegisterRecordSource(store.AlertRecordType, st.AlertRecords())
	go l.writer()
	return l, nil
}

// allFeeds is the feed-set bit that stands for every feed seen.
const allFeeds = uint64(1) << 63

// feedSet returns the bit of the feed named name, assigning one on first sight.
func (l *liveDetector) feedSet(name string) uint64 {
	if b, ok := l.feedBit[name]; ok {
		return 1 << b
	}
	if len(l.bitFeed) == 63 {
		return allFeeds
	}
	l.feedBit[name] = uint8(len(l.bitFeed))
	l.bitFeed = append(l.bitFeed, name)
	return 1 << (len(l.bitFeed) - 1)
}

// alertMarking returns the marking of an alert naming the vessels mmsi: derived from the
// feeds that delivered their reports, or from every feed seen when one of them is not known.
func (l *liveDetector) alertMarking(mmsi []uint32) store.AlertMarking {
	var set uint64
	for _, m := range mmsi {
		v, ok := l.vfeeds[m]
		if !ok {
			return l.mark
		}
		set |= v
	}
	if set == 0 || set&allFeeds != 0 {
		return l.mark
	}
	if m, ok := l.marks[set]; ok {
		return m
	}
	feeds := map[string]access.Markings{}
	for b := range 63 {
		if set&(1<<b) == 0 {
			continue
		}
		m, ok := l.feeds[l.bitFeed[b]]
		if !ok {
			return l.mark
		}
		feeds[l.bitFeed[b]] = m
	}
	m := deriveAlertMarking(feeds, l.node)
	l.marks[set] = m
	return m
}

// emit runs under l.mu (inside the detector).
func (l *liveDetector) emit(a detect.Alert) {
	select {
	case l.out <- alertWrite{a, l.alertMarking(a.MMSI)}:
	default:
		n := l.dropped.Add(1)
		l.log.Error("alert not recorded: the alert write queue is full", "alert", a.ID, "kind", a.Kind, "dropped", n)
	}
}

func (l *liveDetector) writer() {
	defer close(l.done)
	for w := range l.out {
		if _, err := l.st.PutAlert(context.Background(), w.a, w.mark, l.actor); err != nil {
			l.log.Error("alert not recorded", "alert", w.a.ID, "kind", w.a.Kind, "err", err)
			continue
		}
		l.log.Info("alert", "id", w.a.ID, "kind", w.a.Kind, "severity", w.a.Severity, "open", w.a.Open, "state", w.a.State, "zone", w.a.Zone)
	}
}

// deriveAlertMarking returns the marking of alerts drawn from feeds: access.Derived of their
// markings, originated by their common originator, else by node (the node's state code).
func deriveAlertMarking(feeds map[string]access.Markings, node string) store.AlertMarking {
	names := slices.Sorted(maps.Keys(feeds))
	ms := make([]access.Markings, 0, len(names))
	originator := ""
	for _, n := range names {
		m := feeds[n]
		ms = append(ms, m)
		switch {
		case originator == "":
			originator = m.Originator
		case originator != m.Originator:
			originator = node
		}
	}
	if originator == "" {
		originator = node
	}
	d := access.Derived(originator, ms...)
	return store.AlertMarking{Originator: d.Originator, TLP: string(d.TLP), RelTo: d.RelTo}
}

// WriteBatch persists the batch, then runs the detectors over it.
func (l *liveDetector) WriteBatch(ctx context.Context, b *ingest.Batch) error {
	if err := l.next.WriteBatch(ctx, b); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	changed := false
	for _, f := range b.Feeds {
		m := access.Markings{Originator: f.Originator, TLP: access.TLP(f.TLP)}
		for _, s := range f.RelTo {
			t, err := access.ParseTarget(s) // the store accepted the batch: the entries parse
			if err != nil {
				t = access.Target{Type: access.TargetUser, Value: "invalid"} // invalid markings: originator only
			}
			m.RelTo = append(m.RelTo, t)
		}
		if old, ok := l.feeds[f.Name]; !ok || !reflect.DeepEqual(old, m) {
			l.feeds[f.Name] = m
			changed = true
		}
	}
	if changed {
		l.mark = deriveAlertMarking(l.feeds, l.node)
		clear(l.marks)
	}
	for i := range b.Statics {
		s := &b.Statics[i]
		l.vfeeds[s.MMSI] |= l.feedSet(s.Source)
		l.det.Static(*s)
	}
	for i := range b.Positions {
		p := &b.Positions[i]
		l.vfeeds[p.MMSI] |= l.feedSet(p.Source)
		l.det.Position(*p)
	}
	return nil
}

// tick closes the episodes of vessels that fell silent; run it every minute.
func (l *liveDetector) tick(now time.Time) {
	l.mu.Lock()
	l.det.Tick(now)
	l.mu.Unlock()
}

// run ticks until ctx ends.
func (l *liveDetector) run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			l.tick(now)
		}
	}
}

// Close finalizes the open episodes, writes the last alerts and waits for the writer. Call
// it after the pipeline is closed.
func (l *liveDetector) Close() {
	l.mu.Lock()
	l.det.Close()
	l.mu.Unlock()
	close(l.out)
	<-l.done
}

// storeAlerts serves GET /api/v1/alerts from the store, with the reader's releasability.
type storeAlerts struct{ st *store.Store }

func (s storeAlerts) Alerts(ctx context.Context, u access.User, q web.AlertQuery) ([]detect.Alert, error) {
	return s.st.Alerts(ctx, u, store.AlertQuery{From: q.From, To: q.To, Kind: q.Kind, MMSI: q.MMSI, HasBox: q.HasBox,
		MinLon: q.MinLon, MinLat: q.MinLat, MaxLon: q.MaxLon, MaxLat: q.MaxLat, Limit: q.Limit})
}

func (s storeAlerts) Alert(ctx context.Context, u access.User, id string) (detect.Alert, error) {
	return s.st.Alert(ctx, u, id)
}

// servePorts loads the port and anchorage lists for `accord serve` (ACCORD_PORTS, a
// comma-separated list, or ../shared/data/ports beside the repository). Without them the
// detectors still run, but cannot tell encounters and waiting at ports from those at sea:
// that is logged as an error.
func servePorts(log *slog.Logger) detect.Ports {
	e := &env{getenv: os.Getenv}
	x, err := loadDetectPorts(os.Getenv("ACCORD_PORTS"), "", e, log)
	if err != nil {
		log.Error("behaviour detectors run without ports and anchorages: encounters and loitering near ports will be reported", "err", err)
		return nil
	}
	log.Info("ports and anchorages loaded for the detectors", "points", x.Len())
	return x
}
