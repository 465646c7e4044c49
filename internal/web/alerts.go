package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

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
// for concurrent use.
type AlertReader interface {
	Alerts(ctx context.Context, q AlertQuery) ([]detect.Alert, error)
}

// handleAlerts serves GET /api/v1/alerts?from&to&kind&mmsi&bbox&limit. Without from and to it
// answers the alerts of the last TrackWindow (24 h by default). Each alert is the detector's
// JSON: id, kind, severity, mmsi (list), start, end, lat, lon, state, zone, authority,
// shore_nm, place, detail, note, open and evidence (positions).
func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) error {
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
	alerts, err := s.cfg.Alerts.Alerts(r.Context(), aq)
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
