package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"accord/internal/ingest"
	"accord/internal/vessel"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgStore is the PostgreSQL dialect, through a pgx connection pool. Positions are written with
// COPY; latest positions and vessels with one INSERT ... SELECT FROM unnest(arrays) ... ON
// CONFLICT statement each. Durability of a commit follows the server's synchronous_commit.
type pgStore struct {
	pool *pgxpool.Pool
	seal sealFunc // writes the batch's ledger entries last in its transaction (ledger_batch.go)
	log  *slog.Logger

	mu      sync.Mutex       // serialises writeBatch; guards feedIDs
	feedIDs map[string]int32 // feed name → id, only for committed feeds

	// hook, when set (tests only), is called after each step of writeBatch inside the
	// transaction; an error aborts the batch.
	hook func(step string) error
}

func openPostgres(ctx context.Context, dsn string, log *slog.Logger) (*pgStore, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse DSN: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &pgStore{pool: pool, log: log, feedIDs: map[string]int32{}}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *pgStore) close() error {
	s.pool.Close()
	return nil
}

func (s *pgStore) ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// withTx runs fn in one transaction and commits it; any error rolls it back. Every state
// change goes through here, so that a ledger entry can later join the same transaction.
func (s *pgStore) withTx(ctx context.Context, fn func(tx pgx.Tx) error) (err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			// The rollback must run even when ctx is cancelled.
			tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (s *pgStore) migrate(ctx context.Context) error {
	steps, err := migrations(DialectPostgres)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		// One migrator at a time per database, even across processes.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('accord store migrations'))`); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, m := range steps {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, now())`, m.version, m.name); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			s.log.Info("store migration applied", "dialect", DialectPostgres, "version", m.version, "name", m.name)
		}
		return nil
	})
}

func (s *pgStore) step(name string) error {
	if s.hook != nil {
		if err := s.hook(name); err != nil {
			return fmt.Errorf("after %s: %w", name, err)
		}
	}
	return nil
}

// pgTime truncates t to the stored precision (milliseconds), as the SQLite dialect does.
func pgTime(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

func ptrFloat(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func ptrString(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

func ptrPositive(v int64) *int64 {
	if v <= 0 {
		return nil
	}
	return &v
}

func (s *pgStore) writeBatch(ctx context.Context, p *plan) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make(map[string]int32, len(p.feeds)+len(p.refs))
	err := s.withTx(ctx, func(tx pgx.Tx) error {
		for i, f := range p.feeds {
			var id int32
			aud := &p.audiences[i]
			if err := tx.QueryRow(ctx, pgUpsertFeed, f.Name, f.Kind, f.Originator, f.TLP, aud.relTo, f.Lines, f.Sentences, f.Messages,
				f.BadChecksum, f.Incomplete, f.Unparseable, f.Other, f.Dropped, p.now).Scan(&id); err != nil {
				return fmt.Errorf("feed %q: %w", f.Name, err)
			}
			ids[f.Name] = id
			// Rows for keys the markings no longer give go, missing ones come; unchanged
			// markings write nothing.
			if _, err := tx.Exec(ctx, `DELETE FROM feed_audience WHERE feed_id = $1 AND NOT (audience = ANY($2::text[]))`, id, aud.keys); err != nil {
				return fmt.Errorf("feed %q: audience: %w", f.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO feed_audience (audience, feed_id) SELECT unnest($1::text[]), $2
				ON CONFLICT DO NOTHING`, aud.keys, id); err != nil {
				return fmt.Errorf("feed %q: audience: %w", f.Name, err)
			}
		}
		for _, name := range p.refs {
			id, ok := s.feedIDs[name]
			if !ok {
				err := tx.QueryRow(ctx, `SELECT id FROM feeds WHERE name = $1`, name).Scan(&id)
				if errors.Is(err, pgx.ErrNoRows) {
					return fmt.Errorf("feed %q is not stored: include its FeedStats in the batch", name)
				} else if err != nil {
					return fmt.Errorf("feed %q: %w", name, err)
				}
			}
			ids[name] = id
		}
		if err := s.step("feeds"); err != nil {
			return err
		}

		evidence, err := p.evidence()
		if err != nil {
			return err
		}
		evIDs := make(map[string]int64, len(evidence))
		for _, e := range evidence {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO evidence (feed_id, first_recv, last_recv, lines, sha256, payload)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				ids[e.feed], pgTime(e.first), pgTime(e.last), e.lines, e.sum[:], e.payload).Scan(&id); err != nil {
				return fmt.Errorf("evidence of %q: %w", e.feed, err)
			}
			evIDs[e.feed] = id
		}
		if err := s.step("evidence"); err != nil {
			return err
		}

		_, err = tx.CopyFrom(ctx, pgx.Identifier{"positions"},
			[]string{"mmsi", "t", "lat", "lon", "sog", "cog", "heading", "nav_status", "msg_type", "feed_id", "evidence_id"},
			pgx.CopyFromSlice(len(p.positions), func(i int) ([]any, error) {
				v := &p.positions[i]
				var ev *int64
				if id, ok := evIDs[v.Source]; ok {
					ev = &id
				}
				var nav *int16
				if v.NavStatus >= 0 {
					n := int16(v.NavStatus)
					nav = &n
				}
				return []any{int32(v.MMSI), pgTime(v.Time), v.Lat, v.Lon, ptrFloat(v.SOG), ptrFloat(v.COG), ptrFloat(v.Heading),
					nav, int16(v.MsgType), ids[v.Source], ev}, nil
			}))
		if err != nil {
			return fmt.Errorf("positions: %w", err)
		}
		if err := s.step("positions"); err != nil {
			return err
		}

		if n := len(p.latest); n > 0 {
			var (
				mmsi          = make([]int32, n)
				t             = make([]time.Time, n)
				lat, lon      = make([]float64, n), make([]float64, n)
				sog, cog, hdg = make([]*float64, n), make([]*float64, n), make([]*float64, n)
				nav           = make([]*int16, n)
				msgType       = make([]int16, n)
				feed          = make([]int32, n)
			)
			for i, v := range p.latest {
				mmsi[i], t[i], lat[i], lon[i] = int32(v.MMSI), pgTime(v.Time), v.Lat, v.Lon
				sog[i], cog[i], hdg[i] = ptrFloat(v.SOG), ptrFloat(v.COG), ptrFloat(v.Heading)
				if v.NavStatus >= 0 {
					ns := int16(v.NavStatus)
					nav[i] = &ns
				}
				msgType[i], feed[i] = int16(v.MsgType), ids[v.Source]
			}
			if _, err := tx.Exec(ctx, `INSERT INTO latest (mmsi, t, lat, lon, sog, cog, heading, nav_status, msg_type, feed_id)
				SELECT * FROM unnest($1::integer[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
					$7::float8[], $8::smallint[], $9::smallint[], $10::integer[])
				ON CONFLICT (mmsi, feed_id) DO UPDATE SET t = excluded.t, lat = excluded.lat, lon = excluded.lon, sog = excluded.sog,
					cog = excluded.cog, heading = excluded.heading, nav_status = excluded.nav_status,
					msg_type = excluded.msg_type
				WHERE excluded.t >= latest.t`,
				mmsi, t, lat, lon, sog, cog, hdg, nav, msgType, feed); err != nil {
				return fmt.Errorf("latest positions: %w", err)
			}
		}
		if err := s.step("latest"); err != nil {
			return err
		}

		if n := len(p.statics); n > 0 {
			var (
				mmsi                   = make([]int32, n)
				imo, shipType          = make([]*int64, n), make([]*int64, n)
				name, call, dest, flag = make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n)
				length, beam, draught  = make([]*float64, n), make([]*float64, n), make([]*float64, n)
				classB                 = make([]bool, n)
				t                      = make([]time.Time, n)
				feed                   = make([]int32, n)
			)
			for i, v := range p.statics {
				mmsi[i], imo[i], shipType[i] = int32(v.MMSI), ptrPositive(int64(v.IMO)), ptrPositive(int64(v.ShipType))
				name[i], call[i], dest[i], flag[i] = ptrString(v.Name), ptrString(v.CallSign), ptrString(v.Destination), ptrString(v.Flag)
				length[i], beam[i], draught[i] = ptrFloat(v.Length), ptrFloat(v.Beam), ptrFloat(v.Draught)
				classB[i], t[i], feed[i] = v.ClassB, pgTime(v.Time), ids[v.Source]
			}
			if _, err := tx.Exec(ctx, `INSERT INTO vessels (mmsi, imo, name, call_sign, ship_type, length, beam, draught,
					destination, flag, class_b, t, feed_id)
				SELECT * FROM unnest($1::integer[], $2::integer[], $3::text[], $4::text[], $5::smallint[], $6::float8[],
					$7::float8[], $8::float8[], $9::text[], $10::text[], $11::boolean[], $12::timestamptz[], $13::integer[])
				ON CONFLICT (mmsi, feed_id) DO UPDATE SET imo = coalesce(excluded.imo, vessels.imo),
					name = coalesce(excluded.name, vessels.name), call_sign = coalesce(excluded.call_sign, vessels.call_sign),
					ship_type = coalesce(excluded.ship_type, vessels.ship_type), length = coalesce(excluded.length, vessels.length),
					beam = coalesce(excluded.beam, vessels.beam), draught = coalesce(excluded.draught, vessels.draught),
					destination = coalesce(excluded.destination, vessels.destination), flag = coalesce(excluded.flag, vessels.flag),
					class_b = excluded.class_b, t = excluded.t`,
				mmsi, imo, name, call, shipType, length, beam, draught, dest, flag, classB, t, feed); err != nil {
				return fmt.Errorf("vessels: %w", err)
			}
		}
		if err := s.step("vessels"); err != nil {
			return err
		}
		if s.seal == nil {
			return nil
		}
		return s.seal(ctx, pgxQuerier{tx}, p)
	})
	if err != nil {
		return err
	}
	for name, id := range ids {
		s.feedIDs[name] = id
	}
	return nil
}

const pgUpsertFeed = `INSERT INTO feeds (name, kind, originator, tlp, rel_to, lines, sentences, messages, bad_checksum,
	incomplete, unparseable, other, dropped, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
	ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, originator = excluded.originator, tlp = excluded.tlp,
	rel_to = excluded.rel_to,
	lines = excluded.lines, sentences = excluded.sentences, messages = excluded.messages,
	bad_checksum = excluded.bad_checksum, incomplete = excluded.incomplete, unparseable = excluded.unparseable,
	other = excluded.other, dropped = excluded.dropped, updated = excluded.updated
	RETURNING id`

func scanPgSnapshot(sc interface{ Scan(...any) error }) (vessel.Snapshot, error) {
	var (
		snap                        vessel.Snapshot
		sog, cog, hdg               *float64
		nav                         *int64
		mmsi                        int64
		vm, imo, shipType           *int64
		vt                          *time.Time
		name, call, dest, flag, vfn *string
		length, beam, draught       *float64
		classB                      *bool
	)
	p := &snap.Position
	if err := sc.Scan(&mmsi, &p.Time, &p.Lat, &p.Lon, &sog, &cog, &hdg, &nav, &p.MsgType, &p.Source,
		&vm, &imo, &name, &call, &shipType, &length, &beam, &draught, &dest, &flag, &classB, &vt, &vfn); err != nil {
		return snap, err
	}
	p.MMSI, p.Time = uint32(mmsi), p.Time.UTC()
	p.SOG, p.COG, p.Heading = floatOrNaN(sog), floatOrNaN(cog), floatOrNaN(hdg)
	p.NavStatus = -1
	if nav != nil {
		p.NavStatus = int(*nav)
	}
	if vm != nil {
		st := &snap.Static
		st.MMSI = uint32(*vm)
		st.IMO = uint32(deref(imo))
		st.Name, st.CallSign, st.Destination, st.Flag = deref(name), deref(call), deref(dest), deref(flag)
		st.ShipType = int(deref(shipType))
		st.Length, st.Beam, st.Draught = floatOrNaN(length), floatOrNaN(beam), floatOrNaN(draught)
		st.ClassB = deref(classB)
		st.Time = deref(vt).UTC()
		st.Source = deref(vfn)
	}
	return snap, nil
}

func (s *pgStore) vesselsInBBox(ctx context.Context, keys []string, minLon, minLat, maxLon, maxLat float64, limit int) ([]vessel.Snapshot, error) {
	q, _ := newPictureQuery(keys)
	lat := `l.lat BETWEEN ` + q.arg(minLat) + ` AND ` + q.arg(maxLat)
	lo, hi := q.arg(minLon), q.arg(maxLon)
	lon := `l.lon BETWEEN ` + lo + ` AND ` + hi
	if minLon > maxLon {
		lon = `(l.lon >= ` + lo + ` OR l.lon <= ` + hi + `)`
	}
	rows, err := s.pool.Query(ctx, q.snapshots(lat+` AND `+lon, limit), q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vessel.Snapshot
	for rows.Next() {
		snap, err := scanPgSnapshot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, snap)
	}
	return out, rows.Err()
}

func (s *pgStore) vessel(ctx context.Context, keys []string, mmsi uint32) (vessel.Snapshot, error) {
	q, _ := newPictureQuery(keys)
	query := q.snapshots(`l.mmsi = `+q.arg(int64(mmsi)), 0)
	snap, err := scanPgSnapshot(s.pool.QueryRow(ctx, query, q.args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return snap, ErrNotFound
	}
	return snap, err
}

func (s *pgStore) track(ctx context.Context, keys []string, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error) {
	var lim *int64
	if limit > 0 {
		l := int64(limit)
		lim = &l
	}
	q, _ := newPictureQuery(keys)
	m, f, t, l := q.arg(int64(mmsi)), q.arg(pgTime(from)), q.arg(pgTime(to)), q.arg(lim)
	rows, err := s.pool.Query(ctx, `SELECT p.t, p.lat, p.lon, p.sog, p.cog, p.heading, p.nav_status, p.msg_type, f.name
		FROM positions p JOIN feeds f ON f.id = p.feed_id
		WHERE p.mmsi = `+m+` AND p.t >= `+f+` AND p.t < `+t+` AND p.feed_id IN `+q.feeds()+`
		ORDER BY p.t, p.id LIMIT `+l, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vessel.Position
	for rows.Next() {
		var (
			sog, cog, hdg *float64
			nav           *int64
		)
		p := vessel.Position{MMSI: mmsi, NavStatus: -1}
		if err := rows.Scan(&p.Time, &p.Lat, &p.Lon, &sog, &cog, &hdg, &nav, &p.MsgType, &p.Source); err != nil {
			return nil, err
		}
		p.Time = p.Time.UTC()
		p.SOG, p.COG, p.Heading = floatOrNaN(sog), floatOrNaN(cog), floatOrNaN(hdg)
		if nav != nil {
			p.NavStatus = int(*nav)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *pgStore) feeds(ctx context.Context) ([]ingest.FeedStats, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, kind, originator, tlp, rel_to, lines, sentences, messages, bad_checksum,
		incomplete, unparseable, other, dropped FROM feeds ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ingest.FeedStats
	for rows.Next() {
		var f ingest.FeedStats
		var rel string
		if err := rows.Scan(&f.Name, &f.Kind, &f.Originator, &f.TLP, &rel, &f.Lines, &f.Sentences, &f.Messages, &f.BadChecksum,
			&f.Incomplete, &f.Unparseable, &f.Other, &f.Dropped); err != nil {
			return nil, err
		}
		f.RelTo = splitRelTo(rel)
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *pgStore) counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM positions), (SELECT count(DISTINCT mmsi) FROM latest),
		(SELECT count(DISTINCT mmsi) FROM vessels), (SELECT coalesce(sum(lines), 0) FROM evidence), (SELECT count(*) FROM feeds)`).
		Scan(&c.Positions, &c.Vessels, &c.Statics, &c.RawSentences, &c.Feeds)
	return c, err
}

func (s *pgStore) rawSentences(ctx context.Context, feed string, from, to time.Time, limit int) ([]vessel.RawSentence, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.lines, e.sha256, e.payload FROM evidence e JOIN feeds f ON f.id = e.feed_id
		WHERE f.name = $1 AND e.last_recv >= $2 AND e.first_recv < $3 ORDER BY e.id`, feed, pgTime(from), pgTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vessel.RawSentence
	for rows.Next() {
		var (
			lines        int
			sum, payload []byte
		)
		if err := rows.Scan(&lines, &sum, &payload); err != nil {
			return nil, err
		}
		if out, err = unpackEvidence(out, feed, payload, sum, lines, from, to); err != nil {
			return nil, err
		}
		if limit > 0 && len(out) >= limit {
			return out[:limit], nil
		}
	}
	return out, rows.Err()
}
