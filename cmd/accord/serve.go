package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"accord/internal/ingest"
	"accord/internal/ledger/ledgersql"
	"accord/internal/policy"
	"accord/internal/sim"
	"accord/internal/store"
	"accord/internal/web"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "serve [--listen ADDR] [--data DIR | --dsn DSN] [--simulate SCENARIO] [--nmea-tcp ADDR] [--nmea-udp ADDR] [--nmea-connect ADDR] [--tlp LEVEL] [--rel-to LIST] [--policy-config FILE]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	listen := fs.String("listen", "", "HTTP listen address (ACCORD_LISTEN; default 127.0.0.1:8080; port 0 picks a free port)")
	scenario := fs.String("simulate", "", "feed the server from the built-in simulator with this scenario (see `accord simulate --list`)")
	speedup := fs.Float64("speedup", 1, "simulator speed: simulated seconds per wall-clock second")
	seed := fs.Uint64("seed", 1, "simulator seed")
	boundaries := fs.String("boundaries", "", "repository directory holding node_modules/@geo-maps for /api/v1/where (ACCORD_BOUNDARIES; default: found upward from the current directory)")
	var tcpServers, udps, tcpClients multiFlag
	fs.Var(&tcpServers, "nmea-tcp", "accept NMEA pushed by receivers on this TCP address (repeatable)")
	fs.Var(&udps, "nmea-udp", "listen for NMEA datagrams on this UDP address (repeatable)")
	fs.Var(&tcpClients, "nmea-connect", "connect to a receiver's NMEA TCP port at this address (repeatable)")
	tlp := fs.String("tlp", "GREEN", "TLP 2.0 marking of the data of the --nmea-* feeds (originator: the node's agency); configured feeds have their own")
	relTo := fs.String("rel-to", "", "releasability (REL TO) of the data of the --nmea-* feeds, comma-separated: MEX or state:MEX, agency:USCG (GREEN, AMBER), user:17 (RED)")
	polCfg := fs.String("policy-config", "", "JSON file of policy settings for the operation routes (rule switches, thresholds, authorities); see docs/policy.md")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var pol *policy.Config
	if *polCfg != "" {
		// Read before anything is opened, so that a bad file is named at once.
		pc, err := loadPolicyConfig(*polCfg)
		if err == nil {
			err = pc.Validate()
		}
		if err != nil {
			return fmt.Errorf("serve --policy-config %s: %w", *polCfg, err)
		}
		pol = &pc
	}
	if err := apply(); err != nil {
		return err
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	rel := splitList(*relTo)
	if len(tcpServers)+len(udps)+len(tcpClients) > 0 {
		if err := checkFeedMarkings(cfg.Node.agency(), *tlp, rel, [3]string{"node.agency", "--tlp", "--rel-to"}); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	for _, a := range tcpServers {
		cfg.Feeds = append(cfg.Feeds, FeedConfig{Kind: "tcp-server", Addr: a, TLP: *tlp, RelTo: rel})
	}
	for _, a := range udps {
		cfg.Feeds = append(cfg.Feeds, FeedConfig{Kind: "udp", Addr: a, TLP: *tlp, RelTo: rel})
	}
	for _, a := range tcpClients {
		cfg.Feeds = append(cfg.Feeds, FeedConfig{Kind: "tcp-client", Addr: a, TLP: *tlp, RelTo: rel})
	}
	var sc *sim.Scenario
	if *scenario != "" {
		s, err := sim.Lookup(*scenario)
		if err != nil {
			return err
		}
		sc = &s
	}
	log, err := newLogger(cfg.Log, e.stderr)
	if err != nil {
		return err
	}
	srv := &server{cfg: cfg, log: log, scenario: sc, speedup: *speedup, seed: *seed, stdout: e.stdout, policy: pol,
		jurisdiction: startJurisdiction(ctx, e, *boundaries, log).get, population: startPopulation(e, *boundaries, log).get}
	return srv.run(ctx)
}

// server is one running `accord serve`: its store, ingest pipeline, feeds and HTTP server.
type server struct {
	cfg      Config
	log      *slog.Logger
	scenario *sim.Scenario
	speedup  float64
	seed     uint64
	stdout   io.Writer
	// jurisdiction returns the jurisdiction engine, loaded in the background.
	jurisdiction func() (web.Locator, error)
	// population returns the population data of the policy's civilian-impact gate (ops.go).
	population func() (policy.Population, error)
	// policy configures the policy engine of the operation routes; nil: policy.DefaultConfig().
	policy *policy.Config
}

// run serves until ctx is done, then shuts down in order: stop accepting HTTP and feed input,
// flush the pipeline (everything acknowledged is persisted), close the store.
func (s *server) run(ctx context.Context) error {
	st, err := store.Open(ctx, storeConfig(s.cfg), s.log)
	if err != nil {
		return fmt.Errorf("open store (%s): %w", storeWhere(s.cfg), err)
	}
	defer st.Close()
	if err := startLedger(ctx, st, s.log); err != nil {
		return err
	}

	live, err := startLiveDetector(st, s.jurisdiction, servePorts(s.log), s.cfg.Node, s.log)
	if err != nil {
		return err
	}
	detectCtx, stopDetect := context.WithCancel(context.Background())
	defer stopDetect()
	go live.run(detectCtx)
	pipe := ingest.New(live, ingestOptions(s.cfg.Ingest), s.log)
	feedCtx, stopFeeds := context.WithCancel(context.Background())
	defer stopFeeds()
	var feeds sync.WaitGroup
	for _, fc := range s.cfg.Feeds {
		if err := s.startFeed(feedCtx, &feeds, pipe, fc); err != nil {
			stopFeeds()
			feeds.Wait()
			pipe.Close()
			return err
		}
	}
	if s.scenario != nil {
		s.startSimulator(feedCtx, &feeds, pipe)
	}

	handler := web.New(web.Config{
		Vessels:  st,
		NotFound: store.ErrNotFound,
		Feeds:    pipe,
		Ready:    st,
		Extra:    pipe.WriteMetrics,

		Jurisdiction:   s.jurisdiction,
		Ledger:         st.Ledger(),
		LedgerNotFound: ledgersql.ErrNotFound,
		Alerts:         storeAlerts{st},
		Cases:          st,
		Intel:          intelWeb(ctx, st, s.log),
		Oversight:      oversightWeb(ctx, s.cfg, st, s.log),
	}, s.log)
	enableOperations(ctx, handler, st, s.population, s.policy, s.log)
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		stopFeeds()
		feeds.Wait()
		pipe.Close()
		return fmt.Errorf("listen on %s: %w (choose another address with --listen)", s.cfg.Listen, err)
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(s.stdout, "Accord is serving on http://%s/ (store: %s)\n", ln.Addr(), storeWhere(s.cfg))
	s.log.Info("serving", "addr", ln.Addr().String(), "node", s.cfg.Node.ID, "store", st.Dialect())

	httpErr := make(chan error, 1)
	go func() { httpErr <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-httpErr:
	}
	s.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutCtx)
	stopFeeds()
	feeds.Wait()
	if cerr := pipe.Close(); cerr != nil && err == nil {
		err = cerr
	}
	stopDetect()
	live.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if stats, serr := pipe.Feeds(context.Background()); serr == nil {
		for _, f := range stats {
			s.log.Info("feed closed", "feed", f.Name, "messages", f.Messages, "acknowledged", f.Acknowledged, "dropped", f.Dropped)
		}
	}
	return err
}

// startFeed starts one configured feed's source goroutine.
func (s *server) startFeed(ctx context.Context, wg *sync.WaitGroup, pipe *ingest.Pipeline, fc FeedConfig) error {
	if fc.Name == "" {
		fc.Name = fc.Kind + ":" + fc.Addr
		if fc.Kind == "file" {
			fc.Name = "file:" + strings.Join(fc.Paths, ",")
		}
	}
	if fc.Originator == "" {
		fc.Originator = s.cfg.Node.agency()
	}
	if fc.TLP == "" {
		fc.TLP = "GREEN"
	}
	if err := checkFeedMarkings(fc.Originator, fc.TLP, fc.RelTo, [3]string{"originator", "tlp", "rel_to"}); err != nil {
		return fmt.Errorf("config feeds, feed %s: %w", fc.Name, err)
	}
	info := ingest.FeedInfo{Name: fc.Name, Kind: fc.Kind, Originator: fc.Originator, TLP: fc.TLP, RelTo: fc.RelTo,
		Block: fc.Kind != "udp"}
	feed := pipe.AddFeed(info)
	log := s.log.With("feed", fc.Name)
	// stream runs fn with a fresh decoder and releases it when fn returns.
	stream := func(fn func(lines ingest.LineFunc) error) error {
		dec := newLineDecoder()
		defer feed.Release(dec)
		return fn(feed.Lines(dec))
	}
	var runFn func() error
	switch fc.Kind {
	case "tcp-client":
		runFn = func() error {
			return stream(func(lines ingest.LineFunc) error { return ingest.TCPClient(ctx, fc.Addr, lines, log) })
		}
	case "tcp-server":
		ln, err := net.Listen("tcp", fc.Addr)
		if err != nil {
			return fmt.Errorf("feed %s: listen: %w", fc.Name, err)
		}
		s.log.Info("accepting NMEA over TCP", "feed", fc.Name, "addr", ln.Addr().String())
		runFn = func() error {
			return ingest.TCPServer(ctx, ln, func(string) (ingest.LineFunc, func()) {
				dec := newLineDecoder()
				return feed.Lines(dec), func() { feed.Release(dec) }
			}, log)
		}
	case "udp":
		pc, err := net.ListenPacket("udp", fc.Addr)
		if err != nil {
			return fmt.Errorf("feed %s: listen: %w", fc.Name, err)
		}
		s.log.Info("accepting NMEA over UDP", "feed", fc.Name, "addr", pc.LocalAddr().String())
		runFn = func() error {
			// One decoder per sender, so that interleaved multipart messages never mix.
			return ingest.UDP(ctx, pc, func(string) (ingest.LineFunc, func()) {
				dec := newLineDecoder()
				return feed.Lines(dec), func() { feed.Release(dec) }
			}, log)
		}
	case "file":
		runFn = func() error {
			return stream(func(lines ingest.LineFunc) error { return ingest.ReadFiles(ctx, fc.Paths, lines, nil) })
		}
	default:
		return fmt.Errorf("feed %s: kind %q: want tcp-client, tcp-server, udp or file", fc.Name, fc.Kind)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := runFn(); err != nil && ctx.Err() == nil {
			log.Error("feed stopped", "err", err)
		}
	}()
	return nil
}

// startSimulator feeds the server from the built-in simulator, in real time times speedup,
// starting now.
func (s *server) startSimulator(ctx context.Context, wg *sync.WaitGroup, pipe *ingest.Pipeline) {
	feed := pipe.AddFeed(ingest.FeedInfo{Name: "simulator:" + s.scenario.Name, Kind: "simulator",
		Originator: s.cfg.Node.agency(), TLP: "GREEN", Block: true})
	dec := newLineDecoder()
	lines := feed.Lines(dec)
	opt := sim.Options{Seed: s.seed, Start: time.Now().UTC().Truncate(time.Second), Duration: 30 * 24 * time.Hour,
		Realtime: true, Speedup: s.speedup}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer feed.Release(dec)
		err := sim.Run(ctx, *s.scenario, opt, newSimEncoder(), func(line string, at time.Time) error {
			lines([]byte(line), time.Now().UTC())
			return nil
		})
		if err != nil && ctx.Err() == nil {
			s.log.Error("simulator stopped", "err", err)
		}
	}()
}
