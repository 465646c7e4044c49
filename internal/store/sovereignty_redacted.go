package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
)

// RedactedReports is the monitor's list of reports (access.RoleMonitor: "aggregates and
// redacted views only"): for each report, id, observation time, originator, level,
// discipline and grade, plus the position for deriving the state of the place (never to be
// shown). It lists only the reports u's agency and state could read
// ([access.User.AggregateKeys]: the same reach as Aggregates; RED reports only when u's
// agency originated them, never because u is a named recipient), in
// the order of Reports, filtered by discipline, originator, level, time window and cursor;
// any other filter (text, box, entity, id) would select on content the view hides and is
// refused with an error wrapping access.ErrForbidden. Returned AMBER and RED rows are logged
// on the ledger like any read (via "redacted").
func (s *Sovereignty) RedactedReports(ctx context.Context, u access.User, f intel.ReportFilter) ([]intel.RedactedReport, error) {
	if f.Text != "" || f.BBox != nil || f.EntityID != 0 || f.ID != 0 || f.StixID != "" {
		return nil, fmt.Errorf("redacted reports: %w: the redacted view filters by discipline, originator, level and time only", access.ErrForbidden)
	}
	q, args, err := s.reportQuery(u.AggregateKeys(), u, f,
		`r.id, r.observed, r.originator, r.tlp, r.discipline, r.reliability, r.credibility, r.lat, r.lon, r.content_sha256`)
	if err != nil {
		return nil, fmt.Errorf("redacted reports: %w", err)
	}
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("redacted reports: %w", err)
	}
	defer rows.Close()
	var out []intel.RedactedReport
	var recs []readRec
	for rows.Next() {
		var r intel.RedactedReport
		var obs int64
		var tlp, disc, rel string
		var lat, lon sql.NullFloat64
		var sum []byte
		if err := rows.Scan(&r.ID, &obs, &r.Originator, &tlp, &disc, &rel, &r.Grade.Credibility, &lat, &lon, &sum); err != nil {
			return nil, fmt.Errorf("redacted reports: %w", err)
		}
		r.Observed, r.TLP, r.Discipline = time.UnixMilli(obs).UTC(), access.TLP(tlp), intel.Discipline(disc)
		if rel != "" {
			r.Grade.Reliability = rel[0]
		}
		if lat.Valid && lon.Valid {
			r.Location = &intel.Point{Lat: lat.Float64, Lon: lon.Float64}
		}
		out = append(out, r)
		recs = append(recs, readRec{kind: "report", id: r.ID, tlp: r.TLP, content: [32]byte(padSum(sum))})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("redacted reports: %w", err)
	}
	rows.Close()
	if err := s.logReads(ctx, u, "redacted", recs); err != nil {
		return nil, fmt.Errorf("redacted reports: %w", err)
	}
	return out, nil
}
