package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
	"accord/internal/ledger"
)

// AlertRecordType is the ledger record type of behaviour alerts.
const AlertRecordType = "alert"

// AlertMarking is the marking an alert carries: the agency whose feeds it was derived from,
// the TLP 2.0 level (the most restrictive of those feeds) and the releasability (REL TO;
// empty: for GREEN the whole community, for AMBER the originator only). The rules are those of
// [access.CanRead]; every read of alerts enforces them in its SQL ([Store.Alerts]).
type AlertMarking struct {
	Originator string
	TLP        string
	RelTo      []access.Target
}

// AlertQuery selects alerts. Zero fields do not filter.
type AlertQuery struct {
	From, To time.Time // alerts whose window [start, end] overlaps [From, To)
	Kind     string
	MMSI     uint32
	// Box: MinLon <= lon <= MaxLon and MinLat <= lat <= MaxLat (degrees), when HasBox.
	HasBox                         bool
	MinLon, MinLat, MaxLon, MaxLat float64
	Limit                          int // at most this many, newest end first (default 1000)
}

// PutAlert records a new alert, or a new version of one (same ID: an open alert and its final
// version), and its ledger entry ("alert.raise" the first time, "alert.update" after), in one
// transaction through [Store.Apply]. The ledger entry's content hash is the SHA-256 of the
// stored JSON body; its metadata are the kind, severity and state (no positions, no names).
// actor is the ledger actor (detections are made by User "system").
func (s *Store) PutAlert(ctx context.Context, a detect.Alert, m AlertMarking, actor ledger.Actor) (int64, error) {
	if a.ID == "" || a.Kind == "" || len(a.MMSI) == 0 {
		return 0, fmt.Errorf("store alert: id, kind and mmsi are required (got id %q kind %q, %d vessels)", a.ID, a.Kind, len(a.MMSI))
	}
	for _, t := range m.RelTo {
		if err := t.Validate(); err != nil {
			return 0, fmt.Errorf("store alert %s: %w", a.ID, err)
		}
	}
	body, err := json.Marshal(a)
	if err != nil {
		return 0, fmt.Errorf("store alert %s: %w", a.ID, err)
	}
	open := 0
	if a.Open {
		open = 1
	}
	upsert := s.Rebind(`INSERT INTO alerts (id, kind, severity, start_ms, end_ms, lat, lon, state, zone, authority, open, originator, tlp, body, updated_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, severity = excluded.severity, start_ms = excluded.start_ms,
 end_ms = excluded.end_ms, lat = excluded.lat, lon = excluded.lon, state = excluded.state, zone = excluded.zone,
 authority = excluded.authority, open = excluded.open, originator = excluded.originator, tlp = excluded.tlp,
 body = excluded.body, updated_ms = excluded.updated_ms`)
	exists := s.Rebind(`SELECT count(*) FROM alerts WHERE id = ?`)
	vessel := s.Rebind(`INSERT INTO alert_vessels (alert_id, mmsi) VALUES (?, ?) ON CONFLICT (alert_id, mmsi) DO NOTHING`)
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		var n int
		if err := tx.QueryRowContext(ctx, exists, a.ID).Scan(&n); err != nil {
			return ledger.Event{}, fmt.Errorf("store alert %s: %w", a.ID, err)
		}
		if _, err := tx.ExecContext(ctx, upsert, a.ID, a.Kind, a.Severity, a.Start.UnixMilli(), a.End.UnixMilli(), a.Lat, a.Lon,
			a.State, a.Zone, a.Authority, open, m.Originator, m.TLP, string(body), time.Now().UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("store alert %s: %w", a.ID, err)
		}
		for _, mm := range a.MMSI {
			if _, err := tx.ExecContext(ctx, vessel, a.ID, int64(mm)); err != nil {
				return ledger.Event{}, fmt.Errorf("store alert %s vessel %d: %w", a.ID, mm, err)
			}
		}
		if err := putRelTo(ctx, s, tx, "alert", a.ID, m.RelTo); err != nil {
			return ledger.Event{}, fmt.Errorf("store alert %s releasability: %w", a.ID, err)
		}
		action := "alert.raise"
		if n > 0 {
			action = "alert.update"
		}
		meta := []ledger.Meta{{Key: "kind", Value: a.Kind}, {Key: "open", Value: strconv.FormatBool(a.Open)}, {Key: "severity", Value: a.Severity}}
		if a.State != "" {
			meta = append(meta, ledger.Meta{Key: "state", Value: a.State})
		}
		return ledger.Event{Actor: actor, Action: action, RecordType: AlertRecordType, RecordID: a.ID,
			Content: ledger.ContentHash(body), Meta: meta}, nil
	})
}

// Alerts returns the alerts q selects that u may read, newest end first. Releasability is part
// of the query (row level, [markedVisible]): an alert u may not read is never fetched. Reads
// of AMBER and RED alerts are logged on the ledger before they are returned (logMarkedReads).
func (s *Store) Alerts(ctx context.Context, u access.User, q AlertQuery) ([]detect.Alert, error) {
	vis, args := markedVisible("alert", "alerts", u)
	where := []string{vis}
	if !q.From.IsZero() {
		where, args = append(where, "end_ms >= ?"), append(args, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		where, args = append(where, "start_ms < ?"), append(args, q.To.UnixMilli())
	}
	if q.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, q.Kind)
	}
	if q.MMSI != 0 {
		where, args = append(where, "id IN (SELECT alert_id FROM alert_vessels WHERE mmsi = ?)"), append(args, int64(q.MMSI))
	}
	if q.HasBox {
		where = append(where, "lon >= ? AND lon <= ? AND lat >= ? AND lat <= ?")
		args = append(args, q.MinLon, q.MaxLon, q.MinLat, q.MaxLat)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	query := "SELECT id, tlp, body FROM alerts WHERE " + strings.Join(where, " AND ")
	query += " ORDER BY end_ms DESC, id LIMIT " + strconv.Itoa(limit)
	rows, err := s.ReadDB().QueryContext(ctx, s.Rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	out := []detect.Alert{}
	var reads []markedRead
	for rows.Next() {
		var id, tlp, body string
		if err := rows.Scan(&id, &tlp, &body); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		var a detect.Alert
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			return nil, fmt.Errorf("alerts: stored body: %w", err)
		}
		out = append(out, a)
		reads = append(reads, markedRead{AlertReadRecordType, id, tlp, []byte(body)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	rows.Close()
	if err := s.logMarkedReads(ctx, u, "list", reads); err != nil {
		return nil, err
	}
	return out, nil
}

// Alert returns the alert id if u may read it, or an error wrapping ErrNotFound (a missing and
// a non-releasable alert look alike).
func (s *Store) Alert(ctx context.Context, u access.User, id string) (detect.Alert, error) {
	vis, args := markedVisible("alert", "alerts", u)
	var tlp, body string
	err := s.ReadDB().QueryRowContext(ctx, s.Rebind(`SELECT tlp, body FROM alerts WHERE id = ? AND `+vis), append([]any{id}, args...)...).Scan(&tlp, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return detect.Alert{}, fmt.Errorf("alert %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return detect.Alert{}, fmt.Errorf("alert %s: %w", id, err)
	}
	var a detect.Alert
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		return detect.Alert{}, fmt.Errorf("alert %s: stored body: %w", id, err)
	}
	if err := s.logMarkedReads(ctx, u, "get", []markedRead{{AlertReadRecordType, id, tlp, []byte(body)}}); err != nil {
		return detect.Alert{}, err
	}
	return a, nil
}

// alertSource lets ledger verification check every alert against its last ledger entry.
type alertSource struct{ s *Store }

// AlertRecords is the ledger record source of alerts; register it with
// [Store.RegisterRecordSource](AlertRecordType, ...) so that `accord ledger verify` checks them.
func (s *Store) AlertRecords() interface {
	ledger.RecordSource
	ledger.RecordLister
} {
	return alertSource{s}
}

func (a alertSource) CurrentHash(ctx context.Context, recordType, id string) ([32]byte, bool, error) {
	return a.s.bodyHash(ctx, "alerts", "id", id)
}

func (a alertSource) EachRecord(ctx context.Context, fn func(recordType, id string) error) error {
	return a.s.eachRecordID(ctx, AlertRecordType, "alerts", "id", fn)
}
