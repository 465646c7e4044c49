package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
)

// AlertQuery selects behaviour alerts for GET /api/v1/alerts. Zero fields do not filter.
type AlertQuery struct {
	From, To time.Time // alerts whose window [start, end] overlaps [From, To)
	Kind     string    // one of detect.Kinds
	MMSI     uint32
	// Box, when HasBox: MinLon <= lon <= MaxLon, MinLat <= lat <= MaxLat (degrees).
	HasBox                         bool
	MinLon, MinLat, MaxLon, MaxLat float64
	Limit                          int
}

// AlertReader reads the alerts of the behaviour detectors, newest end first. It must be safe
// for concurrent use and enforce releasability for u in its queries (the alert's originator,
// TLP and REL TO, under the rules of package access): an alert u may not read is never
// returned, and Alert answers it with an error wrapping Config.NotFound, like a missing one.
type AlertReader interface {
	Alerts(ctx context.Context, u access.User, q AlertQuery) ([]detect.Alert, error)
	Alert(ctx context.Context, u access.User, id string) (detect.Alert, error)
}

// withUser wraps a handler of the picture (vessels, feeds, alerts, cases) that needs a
// logged-in user: a session cookie (with X-CSRF-Token on changes) or an API bearer token
// (auth.go). Anonymous requests are answered 401. Without a session store nobody can log in,
// and the route answers 503: the picture is never served to anonymous clients.
func (s *Server) withUser(h func(w http.ResponseWriter, r *http.Request, u access.User) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.cfg.Intel.Sessions == nil {
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server has no user store: nobody can log in, so the picture is not served"}
		}
		u, _, err := s.authenticate(r)
		if err != nil {
			return err
		}
		return h(w, r, u)
	}
}

// loggedIn is withUser for handlers that do not need the user (the feed list, which every
// logged-in user reads; the vessel picture itself is read as the user may see it).
func (s *Server) loggedIn(h func(w http.ResponseWriter, r *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return s.withUser(func(w http.ResponseWriter, r *http.Request, _ access.User) error { return h(w, r) })
}

// handleAlert serves GET /api/v1/alerts/{id}: one alert the user may read (404 otherwise).
func (s *Server) handleAlert(w http.ResponseWriter, r *http.Request, u access.User) error {
	if s.cfg.Alerts == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server runs no behaviour detectors"}
	}
	a, err := s.cfg.Alerts.Alert(r.Context(), u, r.PathValue("id"))
	if err != nil {
		if s.cfg.NotFound != nil && errors.Is(err, s.cfg.NotFound) {
			return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such alert"}
		}
		return fmt.Errorf("alert: %w", err)
	}
	writeJSON(w, http.StatusOK, "application/json", a)
	return nil
}

// handleAlerts serves GET /api/v1/alerts?from&to&kind&mmsi&bbox&limit: the alerts the user may
// read. Without from and to it answers the alerts of the last TrackWindow (24 h by default).
// Each alert is the detector's JSON: id, kind, severity, mmsi (list), start, end, lat, lon,
// state, zone, authority, shore_nm, place, detail, note, open and evidence (positions).
func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request, u access.User) error {
	if s.cfg.Alerts == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server runs no behaviour detectors"}
	}
	q := r.URL.Query()
	if err := rejectUnknown(q, "from", "to", "kind", "mmsi", "bbox", "limit"); err != nil {
		return err
	}
	var aq AlertQuery
	var err error
	var hasFrom, hasTo bool
	if aq.From, hasFrom, err = parseTime(q, "from"); err != nil {
		return err
	}
	if aq.To, hasTo, err = parseTime(q, "to"); err != nil {
		return err
	}
	if !hasFrom && !hasTo {
		aq.From = s.cfg.Now().UTC().Add(-s.cfg.TrackWindow)
	}
	if hasFrom && hasTo && !aq.From.Before(aq.To) {
		return badRequest("from %s must be before to %s", rfc3339(aq.From), rfc3339(aq.To))
	}
	if k := q.Get("kind"); k != "" {
		if !slices.Contains(detect.Kinds, k) {
			return badRequest("kind must be one of %s; got %q", strings.Join(detect.Kinds, ", "), k)
		}
		aq.Kind = k
	}
	if m := q.Get("mmsi"); m != "" {
		if aq.MMSI, err = parseMMSI(m); err != nil {
			return err
		}
	}
	if b := q.Get("bbox"); b != "" {
		bb, err := parseBBox(b)
		if err != nil {
			return err
		}
		if bb.MinLon > bb.MaxLon {
			return badRequest("bbox minLon %g is greater than maxLon %g: boxes across the antimeridian are not supported here", bb.MinLon, bb.MaxLon)
		}
		aq.HasBox, aq.MinLon, aq.MinLat, aq.MaxLon, aq.MaxLat = true, bb.MinLon, bb.MinLat, bb.MaxLon, bb.MaxLat
	}
	if aq.Limit, err = parseLimit(q, 1000, 10000); err != nil {
		return err
	}
	alerts, err := s.cfg.Alerts.Alerts(r.Context(), u, aq)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	if alerts == nil {
		alerts = []detect.Alert{}
	}
	if len(alerts) >= aq.Limit {
		w.Header().Set(limitHeader, "true")
	}
	writeJSON(w, http.StatusOK, "application/json", alerts)
	return nil
}
