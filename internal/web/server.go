// Package web is the HTTP side of `accord serve`: liveness and readiness probes, Prometheus
// metrics, the documented JSON API over the vessel picture (/api/v1, described by the embedded
// OpenAPI document at /api/openapi.yaml) and the browser map page with its static assets.
//
// The package is an adapter: it reads the picture through the small interfaces below, which the
// store implements, and knows nothing of SQL. Units on the wire follow package vessel: degrees
// (WGS 84), knots, degrees true, metres, RFC 3339 times in UTC; a value the transmitter reported
// as "not available" is absent from the JSON, never 0 or null.
//
// Browser routes (/, /static/) carry a strict Content-Security-Policy that allows no external
// host, so the page works on a closed network. API routes answer errors as JSON of the form
// {"error":{"code":"...","message":"..."}}.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"accord/internal/access"
	"accord/internal/ingest"
	"accord/internal/vessel"
)

// VesselReader reads the current vessel picture as one user may see it. Implementations must
// be safe for concurrent use and enforce releasability for u in their queries: every
// position, latest position and static report comes from a feed whose markings (originator,
// TLP, REL TO, under the rules of package access) let u read it; a vessel seen only by feeds
// u may not read is unknown to u. A user without a reading role (monitor) sees no vessel.
type VesselReader interface {
	// VesselsInBBox returns the latest snapshot, as u may see it, of at most limit vessels whose
	// last position lies in the box (degrees; minLon <= maxLon, the caller splits boxes that
	// cross the antimeridian).
	VesselsInBBox(ctx context.Context, u access.User, minLon, minLat, maxLon, maxLat float64, limit int) ([]vessel.Snapshot, error)
	// Vessel returns the latest snapshot of one vessel as u may see it, or an error wrapping
	// Config.NotFound when the MMSI is unknown to u.
	Vessel(ctx context.Context, u access.User, mmsi uint32) (vessel.Snapshot, error)
	// Track returns at most limit positions of one vessel that u may see, with from <= Time < to,
	// in ascending time order. An unknown MMSI yields an empty slice or an error wrapping
	// Config.NotFound.
	Track(ctx context.Context, u access.User, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error)
}

// FeedReader returns the cumulative counters of every ingest feed. It must be safe for
// concurrent use and cheap: it is called on every /metrics scrape and /api/v1/feeds request.
type FeedReader interface {
	Feeds(ctx context.Context) ([]ingest.FeedStats, error)
}

// Pinger reports whether a dependency (the store) can serve requests; a nil error means ready.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config is everything the server needs. Vessels is required; the other fields are optional.
type Config struct {
	// Vessels serves the /api/v1/vessels routes. Required.
	Vessels VesselReader
	// NotFound is the sentinel that Vessels wraps when a vessel is unknown (store.ErrNotFound);
	// an error matching it with errors.Is is answered 404. When nil, every reader error is a 500.
	NotFound error
	// Feeds serves /api/v1/feeds and the accord_feed_* metrics. When nil, the feed list is empty.
	Feeds FeedReader
	// Ready is checked by /readyz. When nil, the server is ready as soon as it runs.
	Ready Pinger
	// Extra, when set, is called on every /metrics scrape to append other components' metrics in
	// the Prometheus text format 0.0.4 (with their own # HELP and # TYPE lines).
	Extra func(w io.Writer)
	// DefaultVesselLimit is the number of vessels returned when the request names no limit
	// (default 10000); MaxVesselLimit is the largest limit a request may ask for (default 50000).
	DefaultVesselLimit, MaxVesselLimit int
	// DefaultTrackLimit and MaxTrackLimit do the same for track positions (defaults 10000, 100000).
	DefaultTrackLimit, MaxTrackLimit int
	// TrackWindow is the track period when the request names neither from nor to (default 24 h).
	TrackWindow time.Duration
	// Now is the clock used for track defaults; nil means time.Now.
	Now func() time.Time
	// Static replaces the embedded static assets (tests); nil means the assets built into the
	// binary by `node web/build.mjs`.
	Static fs.FS
	// Jurisdiction returns the jurisdiction engine serving /api/v1/where and /api/v1/zones, or
	// an error (wrapping ErrLocatorLoading while it loads) answered 503. Nil: those routes
	// answer 503.
	Jurisdiction func() (Locator, error)
	// Ledger serves /api/v1/ledger (checkpoints and proofs); nil: those routes answer 503.
	Ledger LedgerReader
	// LedgerNotFound is the sentinel Ledger wraps for a missing entry or checkpoint
	// (ledgersql.ErrNotFound), answered 404.
	LedgerNotFound error
	// Alerts serves /api/v1/alerts (behaviour alerts); nil: that route answers 503.
	Alerts AlertReader
	// Intel enables login and the intelligence routes (intel.go, auth.go); zero: left out.
	// Its Sessions also authenticate the picture routes (vessels, feeds, alerts, cases), which
	// need a logged-in user: without Sessions they answer 503.
	Intel IntelConfig
	// Cases serves the interdiction-case routes (cases.go); nil: they answer 503.
	Cases CaseStore
	// Oversight enables the oversight view (oversight.go); zero: its routes answer 503.
	Oversight OversightConfig
}

// Server is the HTTP handler of `accord serve`. It is safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	metrics *metrics
	assets  *assets
	index   *template.Template
	routes  []string // patterns of the /api routes, for the OpenAPI completeness test
	where   whereState
	intel   intelState
}

//go:embed all:static
var staticFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

//go:embed openapi.yaml
var openapiYAML []byte

// New returns a server for cfg, with defaults applied. It logs to log (slog.Default when nil).
// It panics if cfg.Vessels is nil: that is a wiring error.
func New(cfg Config, log *slog.Logger) *Server {
	if cfg.Vessels == nil {
		panic("web.New: Config.Vessels is nil")
	}
	if log == nil {
		log = slog.Default()
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.DefaultVesselLimit, 10000)
	def(&cfg.MaxVesselLimit, 50000)
	def(&cfg.DefaultTrackLimit, 10000)
	def(&cfg.MaxTrackLimit, 100000)
	if cfg.DefaultVesselLimit > cfg.MaxVesselLimit {
		cfg.DefaultVesselLimit = cfg.MaxVesselLimit
	}
	if cfg.DefaultTrackLimit > cfg.MaxTrackLimit {
		cfg.DefaultTrackLimit = cfg.MaxTrackLimit
	}
	if cfg.TrackWindow <= 0 {
		cfg.TrackWindow = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	static := cfg.Static
	if static == nil {
		sub, err := fs.Sub(staticFS, "static")
		if err != nil {
			panic(err) // the embed pattern guarantees the directory
		}
		static = sub
	}
	s := &Server{
		cfg:     cfg,
		log:     log,
		mux:     http.NewServeMux(),
		metrics: newMetrics(),
		assets:  loadAssets(static, log),
		index:   template.Must(template.ParseFS(templateFS, "templates/*.html")),
	}
	s.registerRoutes()
	return s
}

func (s *Server) registerRoutes() {
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)
	s.mux.Handle("GET /readyz", s.apiHandler(s.handleReadyz))
	s.mux.HandleFunc("GET /metrics", s.handleMetrics)

	s.api("GET /api/openapi.yaml", s.handleOpenAPI)
	s.api("GET /api/v1/vessels", s.withUser(s.handleVessels))
	s.api("GET /api/v1/vessels/{mmsi}", s.withUser(s.handleVessel))
	s.api("GET /api/v1/vessels/{mmsi}/track", s.withUser(s.handleTrack))
	s.api("GET /api/v1/feeds", s.loggedIn(s.handleFeeds))
	s.api("GET /api/v1/where", s.handleWhere)
	s.api("GET /api/v1/zones", s.handleZones)
	s.api("GET /api/v1/ledger/checkpoint", s.handleLedgerCheckpoint)
	s.api("GET /api/v1/ledger/proof/inclusion", s.handleLedgerInclusion)
	s.api("GET /api/v1/ledger/proof/consistency", s.handleLedgerConsistency)
	s.api("GET /api/v1/alerts", s.withUser(s.handleAlerts))
	s.api("GET /api/v1/alerts/{id}", s.withUser(s.handleAlert))
	s.registerIntelRoutes()
	s.registerOperationRoutes()
	s.registerCaseRoutes()
	s.registerOversightRoutes()
	s.mux.Handle("/api/", s.apiHandler(s.handleAPINotFound))

	s.mux.Handle("GET /{$}", s.browserHandler(s.handleIndex))
	s.mux.Handle("GET /static/{hash}/{name...}", s.browserHandler(s.handleStatic))
}

// api registers an /api route and remembers its pattern.
func (s *Server) api(pattern string, h func(http.ResponseWriter, *http.Request) error) {
	s.routes = append(s.routes, pattern)
	s.mux.Handle(pattern, s.apiHandler(h))
}

// ServeHTTP serves r, recording its route, status code and latency in the metrics.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			if !rec.wrote {
				writeError(rec, errInternal)
			}
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, rec.code, time.Since(start))
	}()
	s.mux.ServeHTTP(rec, r)
}

// statusRecorder remembers the status code written through it.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// apiCSP forbids a JSON response from loading or running anything if a browser renders it.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// apiHandler adapts an error-returning handler: the error is mapped to a JSON error response.
func (s *Server) apiHandler(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", apiCSP)
		if err := h(w, r); err != nil {
			s.writeErr(w, r, err)
		}
	})
}

// browserHandler adapts an error-returning handler of a browser route.
func (s *Server) browserHandler(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		if err := h(w, r); err != nil {
			s.writeErr(w, r, err)
		}
	})
}

// writeErr maps err to a response, in one place: *Error values keep their status and message,
// the reader's not-found sentinel becomes 404, anything else is logged and answered 500 without
// detail.
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	switch {
	case errors.As(err, &e):
	case s.cfg.NotFound != nil && errors.Is(err, s.cfg.NotFound):
		e = &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "not found: " + err.Error()}
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
		s.log.Debug("request canceled", "method", r.Method, "path", r.URL.Path)
		e = &Error{Status: 499, Code: "canceled", Message: "request canceled by the client"}
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errInternal
	}
	writeError(w, e)
}
