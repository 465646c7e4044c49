package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"accord/internal/ingest"
	"accord/internal/vessel"

	"github.com/ncruces/go-sqlite3"
	sqlitedriver "github.com/ncruces/go-sqlite3/driver" // also registers the database/sql driver "sqlite3"
)

// sqliteStore is the embedded dialect. All writes go through one connection (w) in
// BEGIN IMMEDIATE transactions; reads use a separate pool (r) that WAL lets run concurrently
// with the writer, each statement on one consistent snapshot.
//
// Pragmas:
//   - journal_mode=WAL and synchronous=FULL: a commit appends the transaction to the WAL and
//     fsyncs it, so a batch that WriteBatch acknowledged survives kill -9 of the process
//     (NORMAL would too: the WAL pages are in the OS cache before the commit returns) and also
//     an OS crash or power loss (which NORMAL would not). FULL costs one fsync per batch;
//     measured against NORMAL on 5,000-row batches the difference was within noise.
//   - page_size=16384 (new databases only; SQLite's default is 4096): a bulk write touches a
//     quarter of the pages and issues a quarter of the WAL writes; measured ~6% less CPU per
//     ingested message (bench/ingest).
//   - temp_store=MEMORY: multi-row statements in a transaction keep a statement journal; on
//     disk it cost ~30% of the write time.
//   - cache_size=64 MiB; foreign_keys off: the REFERENCES clauses document the schema (and are
//     enforced by PostgreSQL) but checking them cost ~10% of the insert time, and the writer
//     only ever references feeds and evidence rows it has written in the same transaction.
//
// Tracks: positions are stored in the order written with no per-row (mmsi, t) index; such an
// index dirties one page per vessel per transaction and cut the write rate by three. Instead
// the writer keeps the (time, id) of the latest ~100,000 positions in memory per vessel and,
// when that tail is full, writes one track_segments row per vessel listing its position ids,
// in the same transaction as the batch. Track reads those segments plus a scan of the tail.
type sqliteStore struct {
	w, r *sql.DB
	log  *slog.Logger

	mu      sync.Mutex       // serialises writeBatch; guards the fields below
	feedIDs map[string]int64 // feed name → id, only for committed feeds
	native  nativeWriter     // the write statements, on w's single connection
	// nextID is the id of the next position written (ids are assigned here, so that the
	// writer knows where each position is without reading it back).
	nextID int64
	// nextEvidenceID is the id of the next evidence row written.
	nextEvidenceID int64
	// tail holds (time, id) of the committed positions above indexed_upto, per vessel; when
	// it reaches indexEvery positions, writeBatch turns it into track_segments rows in the
	// same transaction. Open rebuilds it from the database.
	tail       map[uint32][]tailEntry
	tailLen    int
	indexEvery int

	// hook, when set (tests only), is called after each step of writeBatch inside the
	// transaction; an error aborts the batch.
	hook func(step string) error
	// seal writes the batch's ledger entries last in its transaction (ledger_batch.go).
	seal sealFunc
}

func openSQLite(ctx context.Context, path string, log *slog.Logger) (*sqliteStore, error) {
	// A file: URI, so that the pragmas apply to every connection; %, ? and # are escaped.
	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	const common = "?_pragma=busy_timeout(10000)&_pragma=page_size(16384)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(0)" +
		"&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)"
	w, err := sql.Open("sqlite3", uri+common+"&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite3", uri+common+"&_pragma=query_only(1)&_txlock=deferred")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	s := &sqliteStore{w: w, r: r, log: log, feedIDs: map[string]int64{},
		tail: map[uint32][]tailEntry{}, indexEvery: defaultIndexEvery}
	if err := s.migrate(ctx); err != nil {
		s.close()
		return nil, err
	}
	if err := s.loadTail(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *sqliteStore) close() error {
	s.mu.Lock()
	s.native.close()
	s.mu.Unlock()
	return errors.Join(s.r.Close(), s.w.Close())
}

func (s *sqliteStore) ping(ctx context.Context) error {
	return errors.Join(s.w.PingContext(ctx), s.r.PingContext(ctx))
}

// withTx runs fn in one write transaction and commits it; any error (or panic) rolls it back.
// Every state change goes through here, so that a ledger entry can later join the same
// transaction.
func (s *sqliteStore) withTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// migrate applies the pending migrations in one transaction: all of them or none, and on a
// new database one commit (one set of fsyncs) instead of one per migration.
func (s *sqliteStore) migrate(ctx context.Context) error {
	steps, err := migrations(DialectSQLite)
	if err != nil {
		return err
	}
	var applied []migration
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, m := range steps {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if n > 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
				m.version, m.name, ms(time.Now())); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			applied = append(applied, m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range applied {
		s.log.Info("store migration applied", "dialect", DialectSQLite, "version", m.version, "name", m.name)
	}
	return nil
}

// nativeWriter holds the write statements, prepared through the driver's own API on the
// writer pool's single connection. The write path binds values straight onto them: through
// database/sql every value was boxed into an interface, converted and checked per row, which
// cost about a quarter of the writer's time.
type nativeWriter struct {
	conn  *sqlite3.Conn // the connection the statements belong to
	stmts map[string]*sqlite3.Stmt
}

// close finalises the statements.
func (n *nativeWriter) close() {
	for _, st := range n.stmts {
		st.Close()
	}
	clear(n.stmts)
	n.conn = nil
}

// stmt returns the statement for query on conn, preparing it the first time. When database/sql
// replaced the connection (after a broken one), the statements of the old one are dropped.
func (n *nativeWriter) stmt(conn *sqlite3.Conn, query string) (*sqlite3.Stmt, error) {
	if n.conn != conn {
		n.close()
		n.conn = conn
	}
	if st := n.stmts[query]; st != nil {
		return st, nil
	}
	st, tail, err := conn.Prepare(query)
	if err != nil {
		return nil, fmt.Errorf("prepare %.60s: %w", query, err)
	}
	if strings.TrimSpace(tail) != "" {
		st.Close()
		return nil, fmt.Errorf("prepare %.60s: more than one statement", query)
	}
	if n.stmts == nil {
		n.stmts = map[string]*sqlite3.Stmt{}
	}
	n.stmts[query] = st
	return st, nil
}

// chunkSizes are the row counts of the multi-row statements: n rows are written as
// greedy chunks of these sizes, so each table needs five prepared statements.
var chunkSizes = []int{256, 64, 16, 4, 1}

// rowsInsert is a multi-row statement "head VALUES (?,..),(?,..) tail".
type rowsInsert struct {
	head, tail string
	ncols      int
	sqls       []string // sql(chunkSizes[k]) at k, built once by init
}

func (r *rowsInsert) sql(rows int) string {
	one := "(" + strings.Repeat("?,", r.ncols-1) + "?)"
	var q strings.Builder
	q.WriteString(r.head)
	q.WriteString(" VALUES ")
	for k := range rows {
		if k > 0 {
			q.WriteByte(',')
		}
		q.WriteString(one)
	}
	q.WriteString(r.tail)
	return q.String()
}

func init() {
	for _, r := range []*rowsInsert{&sqlitePositions, &sqliteLatest, &sqliteVessels, &sqliteSegments} {
		for _, n := range chunkSizes {
			r.sqls = append(r.sqls, r.sql(n))
		}
	}
}

// binder binds a row's values to consecutive parameters of a statement, keeping the first
// error.
type binder struct {
	st  *sqlite3.Stmt
	i   int // the last parameter bound (1-based)
	err error
}

func (b *binder) keep(err error) {
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("parameter %d: %w", b.i, err)
	}
}

func (b *binder) int(v int64) { b.i++; b.keep(b.st.BindInt64(b.i, v)) }

func (b *binder) float(v float64) { b.i++; b.keep(b.st.BindFloat(b.i, v)) }

func (b *binder) null() { b.i++; b.keep(b.st.BindNull(b.i)) }

// nullFloat binds NaN ("not available") as NULL.
func (b *binder) nullFloat(v float64) {
	if math.IsNaN(v) {
		b.null()
	} else {
		b.float(v)
	}
}

// nullPositive binds "not reported" (0 or less) as NULL.
func (b *binder) nullPositive(v int64) {
	if v <= 0 {
		b.null()
	} else {
		b.int(v)
	}
}

// navStatus binds "no status" (-1, class B) as NULL.
func (b *binder) navStatus(v int) {
	if v < 0 {
		b.null()
	} else {
		b.int(int64(v))
	}
}

// nullText binds "not reported" (empty) as NULL.
func (b *binder) nullText(v string) {
	if v == "" {
		b.null()
	} else {
		b.text(v)
	}
}

// position binds the columns positions and latest_positions share, in their order: mmsi,
// time (Unix ms), lat, lon (degrees), sog (knots), cog, heading (degrees), nav_status, msg_type.
func (b *binder) position(v *vessel.Position) {
	b.int(int64(v.MMSI))
	b.int(ms(v.Time))
	b.float(v.Lat)
	b.float(v.Lon)
	b.nullFloat(v.SOG)
	b.nullFloat(v.COG)
	b.nullFloat(v.Heading)
	b.navStatus(v.NavStatus)
	b.int(int64(v.MsgType))
}

func (b *binder) text(v string) { b.i++; b.keep(b.st.BindText(b.i, v)) }

func (b *binder) blob(v []byte) { b.i++; b.keep(b.st.BindBlob(b.i, v)) }

func (b *binder) bool(v bool) { b.i++; b.keep(b.st.BindBool(b.i, v)) }

// insertRows writes n rows with the multi-row statement ins; bind binds row i's values.
func (s *sqliteStore) insertRows(conn *sqlite3.Conn, ins *rowsInsert, n int, bind func(b *binder, i int)) error {
	for i := 0; i < n; {
		k := len(chunkSizes) - 1
		for j, c := range chunkSizes {
			if c <= n-i {
				k = j
				break
			}
		}
		size := chunkSizes[k]
		st, err := s.native.stmt(conn, ins.sqls[k])
		if err != nil {
			return err
		}
		b := binder{st: st}
		for r := i; r < i+size; r++ {
			bind(&b, r)
		}
		if b.err != nil {
			return b.err
		}
		if err := st.Exec(); err != nil {
			return err
		}
		i += size
	}
	return nil
}

func (s *sqliteStore) step(name string) error {
	if s.hook != nil {
		if err := s.hook(name); err != nil {
			return fmt.Errorf("after %s: %w", name, err)
		}
	}
	return nil
}

// withNativeTx runs fn in one BEGIN IMMEDIATE transaction on the writer's connection, through
// the driver's own API, and commits it; any error (or panic) rolls it back. It holds the
// writer pool's only connection throughout, so no other write interleaves.
func (s *sqliteStore) withNativeTx(ctx context.Context, fn func(conn *sqlite3.Conn) error) error {
	c, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("writer connection: %w", err)
	}
	defer c.Close()
	return c.Raw(func(dc any) (err error) {
		rc, ok := dc.(sqlitedriver.Conn)
		if !ok {
			return fmt.Errorf("writer connection: driver connection is a %T", dc)
		}
		conn := rc.Raw()
		if old := conn.SetInterrupt(ctx); old != ctx {
			defer conn.SetInterrupt(old)
		}
		if err := conn.Exec(`BEGIN IMMEDIATE`); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		committed := false
		defer func() { // also on a panic of fn
			if !committed && !conn.GetAutocommit() {
				conn.SetInterrupt(context.Background()) // roll back even when ctx is done
				if rerr := conn.Exec(`ROLLBACK`); rerr != nil && err != nil {
					err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
				}
			}
		}()
		if err := fn(conn); err != nil {
			return err
		}
		if err := conn.Exec(`COMMIT`); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		committed = true
		return nil
	})
}

func (s *sqliteStore) writeBatch(ctx context.Context, p *plan) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make(map[string]int64, len(p.feeds)+len(p.refs))
	indexed := false
	err := s.withNativeTx(ctx, func(conn *sqlite3.Conn) error {
		for i, f := range p.feeds {
			st, err := s.native.stmt(conn, sqliteUpsertFeed)
			if err != nil {
				return err
			}
			aud := &p.audiences[i]
			b := binder{st: st}
			b.text(f.Name)
			b.text(f.Kind)
			b.text(f.Originator)
			b.text(f.TLP)
			b.text(aud.relTo)
			for _, v := range []int64{f.Lines, f.Sentences, f.Messages, f.BadChecksum, f.Incomplete, f.Unparseable, f.Other, f.Dropped, ms(p.now)} {
				b.int(v)
			}
			if b.err != nil {
				return fmt.Errorf("feed %q: %w", f.Name, b.err)
			}
			id, err := queryID(st)
			if err != nil {
				return fmt.Errorf("feed %q: %w", f.Name, err)
			}
			ids[f.Name] = id
			if err := s.writeFeedAudience(conn, id, aud.keysJSON); err != nil {
				return fmt.Errorf("feed %q: audience: %w", f.Name, err)
			}
		}
		for _, name := range p.refs {
			id, ok := s.feedIDs[name]
			if !ok {
				st, err := s.native.stmt(conn, sqliteFeedID)
				if err != nil {
					return err
				}
				b := binder{st: st}
				b.text(name)
				if b.err != nil {
					return fmt.Errorf("feed %q: %w", name, b.err)
				}
				id, err = queryID(st)
				if errors.Is(err, sql.ErrNoRows) {
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

		// Evidence ids are assigned here, so the positions can reference their evidence row
		// while its payload is still being compressed; the rows are inserted after the vessels.
		evIDs := make(map[string]int64, len(p.rawFeeds))
		for k, name := range p.rawFeeds {
			evIDs[name] = s.nextEvidenceID + int64(k)
		}

		// Almost every batch comes from one feed: look its ids up once per run of positions.
		var (
			lastFeed     string
			feedID, evID int64
			hasEv        bool
		)
		err := s.insertRows(conn, &sqlitePositions, len(p.positions), func(b *binder, i int) {
			v := &p.positions[i]
			if v.Source != lastFeed || i == 0 {
				lastFeed = v.Source
				feedID = ids[v.Source]
				evID, hasEv = evIDs[v.Source]
			}
			b.int(s.nextID + int64(i))
			b.position(v)
			b.int(feedID)
			if hasEv {
				b.int(evID)
			} else {
				b.null()
			}
		})
		if err != nil {
			return fmt.Errorf("positions: %w", err)
		}
		if err := s.step("positions"); err != nil {
			return err
		}
		if s.tailLen+len(p.positions) >= s.indexEvery {
			if err := s.extendTrackIndex(conn, p.positions); err != nil {
				return fmt.Errorf("track index: %w", err)
			}
			indexed = true
		}

		err = s.insertRows(conn, &sqliteLatest, len(p.latest), func(b *binder, i int) {
			b.position(&p.latest[i])
			b.int(ids[p.latest[i].Source])
		})
		if err != nil {
			return fmt.Errorf("latest positions: %w", err)
		}
		if err := s.step("latest"); err != nil {
			return err
		}

		err = s.insertRows(conn, &sqliteVessels, len(p.statics), func(b *binder, i int) {
			v := &p.statics[i]
			b.int(int64(v.MMSI))
			b.nullPositive(int64(v.IMO))
			b.nullText(v.Name)
			b.nullText(v.CallSign)
			b.nullPositive(int64(v.ShipType))
			b.nullFloat(v.Length)
			b.nullFloat(v.Beam)
			b.nullFloat(v.Draught)
			b.nullText(v.Destination)
			b.nullText(v.Flag)
			b.bool(v.ClassB)
			b.int(ms(v.Time))
			b.int(ids[v.Source])
		})
		if err != nil {
			return fmt.Errorf("vessels: %w", err)
		}
		if err := s.step("vessels"); err != nil {
			return err
		}

		evidence, err := p.evidence()
		if err != nil {
			return err
		}
		for k, e := range evidence {
			st, err := s.native.stmt(conn, sqliteInsertEvidence)
			if err != nil {
				return err
			}
			if evIDs[e.feed] != s.nextEvidenceID+int64(k) {
				return fmt.Errorf("evidence of %q: blocks out of order", e.feed)
			}
			b := binder{st: st}
			b.int(evIDs[e.feed])
			b.int(ids[e.feed])
			b.int(ms(e.first))
			b.int(ms(e.last))
			b.int(int64(e.lines))
			b.blob(e.sum[:])
			b.blob(e.payload)
			if b.err == nil {
				b.err = st.Exec()
			}
			if b.err != nil {
				return fmt.Errorf("evidence of %q: %w", e.feed, b.err)
			}
		}
		if err := s.step("evidence"); err != nil {
			return err
		}
		if s.seal == nil {
			return nil
		}
		return s.seal(ctx, sqliteQuerier{conn}, p)
	})
	if err != nil {
		// The transaction rolled back: the in-memory ids and tail are still right. Reload
		// them anyway, in case the failure left the database in a state they do not describe.
		if rerr := s.loadTail(context.WithoutCancel(ctx)); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	for name, id := range ids {
		s.feedIDs[name] = id
	}
	if indexed {
		clear(s.tail)
		s.tailLen = 0
	} else {
		s.addTail(p.positions, s.nextID)
	}
	s.nextID += int64(len(p.positions))
	s.nextEvidenceID += int64(len(p.rawFeeds))
	return nil
}

// queryID steps st, which returns one integer, and resets it. No row is sql.ErrNoRows.
func queryID(st *sqlite3.Stmt) (int64, error) {
	var id int64
	ok := st.Step()
	if ok {
		id = st.ColumnInt64(0)
	}
	err := st.Reset()
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, sql.ErrNoRows
	}
	return id, nil
}

// defaultIndexEvery is how many positions may wait outside track_segments: the cost of a track
// read grows with it (a scan of that tail), the cost of writes shrinks (the index is extended
// in bulk, one row per vessel, rather than one random index entry per position).
const defaultIndexEvery = 100_000

// tailEntry locates one position not yet in track_segments.
type tailEntry struct{ t, id int64 }

// addTail records positions written with ids from first on.
func (s *sqliteStore) addTail(ps []vessel.Position, first int64) {
	for i := range ps {
		s.tail[ps[i].MMSI] = append(s.tail[ps[i].MMSI], tailEntry{ms(ps[i].Time), first + int64(i)})
	}
	s.tailLen += len(ps)
}

// loadTail reads the next position id and the unindexed tail from the database.
func (s *sqliteStore) loadTail(ctx context.Context) error {
	clear(s.tail)
	s.tailLen = 0
	if err := s.w.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) + 1 FROM positions),
		(SELECT coalesce(max(id), 0) + 1 FROM evidence)`).Scan(&s.nextID, &s.nextEvidenceID); err != nil {
		return fmt.Errorf("next ids: %w", err)
	}
	rows, err := s.w.QueryContext(ctx, `SELECT mmsi, t, id FROM positions
		WHERE id > (SELECT indexed_upto FROM track_index_state) ORDER BY id`)
	if err != nil {
		return fmt.Errorf("unindexed positions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m int64
		var e tailEntry
		if err := rows.Scan(&m, &e.t, &e.id); err != nil {
			return fmt.Errorf("unindexed positions: %w", err)
		}
		s.tail[uint32(m)] = append(s.tail[uint32(m)], e)
		s.tailLen++
	}
	return rows.Err()
}

// extendTrackIndex writes one track_segments row per vessel for the tail and the positions
// of this batch (ids from s.nextID), and moves indexed_upto past them. The in-memory tail is
// cleared by the caller after commit.
func (s *sqliteStore) extendTrackIndex(conn *sqlite3.Conn, batch []vessel.Position) error {
	segs := make(map[uint32][]tailEntry, len(s.tail)+len(batch)/4)
	for m, es := range s.tail {
		segs[m] = slices.Clone(es)
	}
	for i := range batch {
		segs[batch[i].MMSI] = append(segs[batch[i].MMSI], tailEntry{ms(batch[i].Time), s.nextID + int64(i)})
	}
	type segment struct {
		mmsi        uint32
		first, last int64
		ids         []byte
	}
	rows := make([]segment, 0, len(segs))
	for m, es := range segs {
		slices.SortFunc(es, func(a, b tailEntry) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.id, b.id)) })
		g := segment{mmsi: m, first: es[0].t, last: es[len(es)-1].t, ids: make([]byte, 0, 8*len(es))}
		for i, e := range es {
			if i > 0 {
				g.ids = append(g.ids, ',')
			}
			g.ids = strconv.AppendInt(g.ids, e.id, 10)
		}
		rows = append(rows, g)
	}
	slices.SortFunc(rows, func(a, b segment) int { return cmp.Compare(a.mmsi, b.mmsi) })
	err := s.insertRows(conn, &sqliteSegments, len(rows), func(b *binder, i int) {
		g := &rows[i]
		b.int(int64(g.mmsi))
		b.int(g.first)
		b.int(g.last)
		b.text(string(g.ids))
	})
	if err != nil {
		return err
	}
	st, err := s.native.stmt(conn, sqliteIndexUpto)
	if err != nil {
		return err
	}
	b := binder{st: st}
	b.int(s.nextID + int64(len(batch)) - 1)
	if b.err == nil {
		b.err = st.Exec()
	}
	if b.err != nil {
		return b.err
	}
	return s.step("track_segments")
}

var sqliteSegments = rowsInsert{head: `INSERT INTO track_segments (mmsi, t_first, t_last, ids)`, ncols: 4}

const sqliteIndexUpto = `UPDATE track_index_state SET indexed_upto = ?`

// The multi-row write statements.
var (
	sqlitePositions = rowsInsert{
		head:  `INSERT INTO positions (id, mmsi, t, lat, lon, sog, cog, heading, nav_status, msg_type, feed_id, evidence_id)`,
		ncols: 12,
	}
	sqliteLatest = rowsInsert{
		head: `INSERT INTO latest (mmsi, t, lat, lon, sog, cog, heading, nav_status, msg_type, feed_id)`,
		tail: ` ON CONFLICT (mmsi, feed_id) DO UPDATE SET t = excluded.t, lat = excluded.lat, lon = excluded.lon, sog = excluded.sog,
			cog = excluded.cog, heading = excluded.heading, nav_status = excluded.nav_status, msg_type = excluded.msg_type
			WHERE excluded.t >= latest.t`,
		ncols: 10,
	}
	sqliteVessels = rowsInsert{
		head: `INSERT INTO vessels (mmsi, imo, name, call_sign, ship_type, length, beam, draught, destination, flag, class_b, t, feed_id)`,
		tail: ` ON CONFLICT (mmsi, feed_id) DO UPDATE SET imo = coalesce(excluded.imo, vessels.imo), name = coalesce(excluded.name, vessels.name),
			call_sign = coalesce(excluded.call_sign, vessels.call_sign), ship_type = coalesce(excluded.ship_type, vessels.ship_type),
			length = coalesce(excluded.length, vessels.length), beam = coalesce(excluded.beam, vessels.beam),
			draught = coalesce(excluded.draught, vessels.draught), destination = coalesce(excluded.destination, vessels.destination),
			flag = coalesce(excluded.flag, vessels.flag), class_b = excluded.class_b, t = excluded.t`,
		ncols: 13,
	}
)

const sqliteFeedID = `SELECT id FROM feeds WHERE name = ?`

const sqliteInsertEvidence = `INSERT INTO evidence (id, feed_id, first_recv, last_recv, lines, sha256, payload) VALUES (?, ?, ?, ?, ?, ?, ?)`

const sqliteUpsertFeed = `INSERT INTO feeds (name, kind, originator, tlp, rel_to, lines, sentences, messages, bad_checksum,
	incomplete, unparseable, other, dropped, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, originator = excluded.originator, tlp = excluded.tlp,
	rel_to = excluded.rel_to,
	lines = excluded.lines, sentences = excluded.sentences, messages = excluded.messages,
	bad_checksum = excluded.bad_checksum, incomplete = excluded.incomplete, unparseable = excluded.unparseable,
	other = excluded.other, dropped = excluded.dropped, updated = excluded.updated
	RETURNING id`

// The audience rows of a feed: those for keys the markings no longer give are deleted, the
// missing ones inserted; unchanged markings write nothing. The keys are one JSON array.
const (
	sqliteDeleteAudience = `DELETE FROM feed_audience WHERE feed_id = ?1 AND audience NOT IN (SELECT value FROM json_each(?2))`
	sqliteInsertAudience = `INSERT OR IGNORE INTO feed_audience (audience, feed_id) SELECT value, ?1 FROM json_each(?2)`
)

// writeFeedAudience makes the feed_audience rows of feed id the keys of keysJSON.
func (s *sqliteStore) writeFeedAudience(conn *sqlite3.Conn, id int64, keysJSON string) error {
	for _, q := range []string{sqliteDeleteAudience, sqliteInsertAudience} {
		st, err := s.native.stmt(conn, q)
		if err != nil {
			return err
		}
		b := binder{st: st}
		b.int(id)
		b.text(keysJSON)
		if b.err == nil {
			b.err = st.Exec()
		}
		if b.err != nil {
			return b.err
		}
	}
	return nil
}

func scanSQLiteSnapshot(sc interface{ Scan(...any) error }) (vessel.Snapshot, error) {
	var (
		snap                        vessel.Snapshot
		t                           int64
		sog, cog, hdg               *float64
		nav                         *int64
		mmsi                        int64
		vm, imo, shipType, vt       *int64
		name, call, dest, flag, vfn *string
		length, beam, draught       *float64
		classB                      *bool
	)
	p := &snap.Position
	if err := sc.Scan(&mmsi, &t, &p.Lat, &p.Lon, &sog, &cog, &hdg, &nav, &p.MsgType, &p.Source,
		&vm, &imo, &name, &call, &shipType, &length, &beam, &draught, &dest, &flag, &classB, &vt, &vfn); err != nil {
		return snap, err
	}
	p.MMSI, p.Time = uint32(mmsi), fromMs(t)
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
		st.Time = fromMs(deref(vt))
		st.Source = deref(vfn)
	}
	return snap, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (s *sqliteStore) vesselsInBBox(ctx context.Context, keys []string, minLon, minLat, maxLon, maxLat float64, limit int) ([]vessel.Snapshot, error) {
	q, _ := newPictureQuery(keys)
	lat := `l.lat BETWEEN ` + q.arg(minLat) + ` AND ` + q.arg(maxLat)
	lo, hi := q.arg(minLon), q.arg(maxLon)
	lon := `l.lon BETWEEN ` + lo + ` AND ` + hi
	if minLon > maxLon {
		lon = `(l.lon >= ` + lo + ` OR l.lon <= ` + hi + `)`
	}
	rows, err := s.r.QueryContext(ctx, sqliteParams(q.snapshots(lat+` AND `+lon, limit)), q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vessel.Snapshot
	for rows.Next() {
		snap, err := scanSQLiteSnapshot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, snap)
	}
	return out, rows.Err()
}

func (s *sqliteStore) vessel(ctx context.Context, keys []string, mmsi uint32) (vessel.Snapshot, error) {
	q, _ := newPictureQuery(keys)
	query := sqliteParams(q.snapshots(`l.mmsi = `+q.arg(int64(mmsi)), 0))
	snap, err := scanSQLiteSnapshot(s.r.QueryRowContext(ctx, query, q.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return snap, ErrNotFound
	}
	return snap, err
}

func (s *sqliteStore) track(ctx context.Context, keys []string, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error) {
	if limit <= 0 {
		limit = -1
	}
	q, _ := newPictureQuery(keys)
	m, f, t, lim := q.arg(int64(mmsi)), q.arg(ms(from)), q.arg(ms(to)), q.arg(limit)
	vis := q.feeds()
	// One statement, so one snapshot: the indexed positions and the unindexed tail.
	rows, err := s.r.QueryContext(ctx, sqliteParams(`SELECT p.t, p.lat, p.lon, p.sog, p.cog, p.heading, p.nav_status, p.msg_type, f.name, p.id
		FROM track_segments g, json_each('[' || g.ids || ']') j
		JOIN positions p ON p.id = j.value JOIN feeds f ON f.id = p.feed_id
		WHERE g.mmsi = `+m+` AND g.t_last >= `+f+` AND g.t_first < `+t+` AND p.t >= `+f+` AND p.t < `+t+`
			AND p.feed_id IN `+vis+`
		UNION ALL
		SELECT p.t, p.lat, p.lon, p.sog, p.cog, p.heading, p.nav_status, p.msg_type, f.name, p.id
		FROM positions p JOIN feeds f ON f.id = p.feed_id
		WHERE p.id > (SELECT indexed_upto FROM track_index_state) AND p.mmsi = `+m+` AND p.t >= `+f+` AND p.t < `+t+`
			AND p.feed_id IN `+vis+`
		ORDER BY 1, 10 LIMIT `+lim), q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []vessel.Position
	for rows.Next() {
		var (
			t, id         int64
			sog, cog, hdg *float64
			nav           *int64
		)
		p := vessel.Position{MMSI: mmsi, NavStatus: -1}
		if err := rows.Scan(&t, &p.Lat, &p.Lon, &sog, &cog, &hdg, &nav, &p.MsgType, &p.Source, &id); err != nil {
			return nil, err
		}
		p.Time = fromMs(t)
		p.SOG, p.COG, p.Heading = floatOrNaN(sog), floatOrNaN(cog), floatOrNaN(hdg)
		if nav != nil {
			p.NavStatus = int(*nav)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *sqliteStore) feeds(ctx context.Context) ([]ingest.FeedStats, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, kind, originator, tlp, rel_to, lines, sentences, messages, bad_checksum,
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

func (s *sqliteStore) counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM positions), (SELECT count(DISTINCT mmsi) FROM latest),
		(SELECT count(DISTINCT mmsi) FROM vessels), (SELECT coalesce(sum(lines), 0) FROM evidence), (SELECT count(*) FROM feeds)`).
		Scan(&c.Positions, &c.Vessels, &c.Statics, &c.RawSentences, &c.Feeds)
	return c, err
}

func (s *sqliteStore) rawSentences(ctx context.Context, feed string, from, to time.Time, limit int) ([]vessel.RawSentence, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.lines, e.sha256, e.payload FROM evidence e JOIN feeds f ON f.id = e.feed_id
		WHERE f.name = ? AND e.last_recv >= ? AND e.first_recv < ? ORDER BY e.id`, feed, ms(from), ms(to))
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
