// Package store persists Accord's vessel picture: AIS positions, the latest position of each
// vessel, static vessel data, the raw sentences kept as evidence, and the feeds with their
// counters and markings.
//
// Two dialects share one API and one test suite:
//
//   - SQLite (the default): one file, DataDir/accord.db, embedded in the process through the
//     pure-Go driver github.com/ncruces/go-sqlite3. bench/sqlitedrivers chose it: on the
//     store's table layout it inserted ~360,000–400,000 positions/s in 5,000-row transactions,
//     like the cgo driver github.com/mattn/go-sqlite3 (~360,000–375,000) and ~30% more than
//     modernc.org/sqlite (~255,000–305,000); the whole WriteBatch path was ~50% faster with it
//     than with modernc. Point reads by key: 12–16 µs with all three.
//   - PostgreSQL, selected by a DSN starting with postgres:// or postgresql://, through pgx.
//
// The write path (WriteBatch) is built for bulk ingest: one transaction per batch, multi-row
// prepared INSERTs, the latest position per vessel deduplicated in Go before its upsert, the
// raw sentences of each feed packed into one gzip-compressed, SHA-256-summed evidence row per
// batch (compressed on another goroutine while the positions are inserted; one row per
// sentence cost about twice as much writer time), and, with SQLite, no per-row (mmsi, time)
// index (see the sqlite dialect and bench/sqlitedrivers/README.md).
//
// Every table is created by ordered, embedded migrations (migrations/<dialect>/NNNN_name.sql)
// recorded in schema_migrations and applied by [Open].
//
// Markings: every feed carries its originator agency, TLP level and releasability (REL TO),
// and every position, vessel report and evidence row references its feed, so it inherits
// that marking. The picture reads take the reader and return only what his audience keys
// reach (vessel_access.go).
//
// Times are stored in UTC with millisecond precision; a float that was "not available" (NaN)
// is stored as SQL NULL and read back as NaN.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/ingest"
	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/vessel"
)

// ErrNotFound is returned (wrapped) when a requested record does not exist; check it with
// errors.Is.
var ErrNotFound = errors.New("not found")

// Dialect names returned by [Store.Dialect].
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Config says where the store lives.
type Config struct {
	// DSN selects the database. Empty: the embedded SQLite file DataDir/accord.db.
	// "postgres://..." or "postgresql://...": a PostgreSQL server (pgx connection string;
	// parameters such as sslmode and search_path are honoured).
	DSN string
	// DataDir is the directory of the SQLite file; it is created (mode 0750) when missing.
	// With either dialect it also holds the node's ledger signing key (ledger.key) unless
	// KeyFile or LedgerKey says otherwise.
	DataDir string

	// KeyFile is the node's Ed25519 log signing key (C2SP signed-note signer key, mode 0600).
	// Empty: DataDir/ledger.key. Generated when missing (see [LoadKey]).
	KeyFile string
	// Origin names the log (its checkpoints' origin line) when the key is generated; default
	// [DefaultOrigin]. When set, a key file made for another origin is refused.
	Origin string
	// LedgerKey, when set, is used instead of KeyFile (tests, or keys held elsewhere).
	LedgerKey *ledger.Key
	// CheckpointInterval is how often the ledger signs a checkpoint while it grows; zero means
	// only on demand (Ledger().Checkpoint).
	CheckpointInterval time.Duration
	// Witnesses are asked to cosign each checkpoint issued at CheckpointInterval (and by
	// Ledger().Publish); their cosignatures are stored and published with the checkpoint.
	Witnesses []ledgersql.Cosigner
	// LedgerReadOnly opens the ledger for reading only, without the signing key (verifiers
	// such as an oversight body holding a copy of the database): Apply fails, Ledger() is
	// nil, LedgerReader() reads.
	LedgerReadOnly bool
	// ReadFoldEvery is how often reads of AMBER and RED intelligence, made durable in the read
	// journal (DataDir/reads.journal, SQLite only), are folded into read_log and the ledger;
	// zero means one second. Negative: no journal, each batch of reads is written to the
	// database before it is returned (as always with PostgreSQL).
	ReadFoldEvery time.Duration
}

// Counts are the sizes of the main tables.
type Counts struct {
	Positions    int64 // position reports
	Vessels      int64 // vessels with a latest position
	Statics      int64 // vessels with static data
	RawSentences int64 // raw sentences kept as evidence
	Feeds        int64 // feeds
}

// Store is an open database. Its methods are safe for concurrent use; writes are serialised.
type Store struct {
	dialect string
	b       backend
	log     *slog.Logger
	led     *ledgerState // the ledger in the same database (ledger.go)
	journal *readJournal // reads of marked intelligence waiting to be folded (read_journal.go); nil with PostgreSQL
}

// backend is one dialect's implementation.
type backend interface {
	close() error
	ping(ctx context.Context) error
	writeBatch(ctx context.Context, p *plan) error
	// The picture reads return only rows of feeds releasable to a reader holding keys
	// (audience keys, never empty): see vessel_access.go.
	vesselsInBBox(ctx context.Context, keys []string, minLon, minLat, maxLon, maxLat float64, limit int) ([]vessel.Snapshot, error)
	vessel(ctx context.Context, keys []string, mmsi uint32) (vessel.Snapshot, error)
	track(ctx context.Context, keys []string, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error)
	feeds(ctx context.Context) ([]ingest.FeedStats, error)
	counts(ctx context.Context) (Counts, error)
	rawSentences(ctx context.Context, feed string, from, to time.Time, limit int) ([]vessel.RawSentence, error)
}

// Open opens (creating when needed) the store that cfg selects and applies any pending
// migrations. With SQLite it creates cfg.DataDir. log receives migration and open messages.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dsn := strings.TrimSpace(cfg.DSN)
	switch {
	case dsn == "":
		if cfg.DataDir == "" {
			return nil, errors.New("open store: no data directory: set the data directory or a postgres:// DSN")
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("open store: create data directory: %w", err)
		}
		path := filepath.Join(cfg.DataDir, "accord.db")
		b, err := openSQLite(ctx, path, log)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		log.Info("store open", "dialect", DialectSQLite, "path", path)
		s, err := withLedger(ctx, &Store{dialect: DialectSQLite, b: b, log: log}, cfg)
		if err != nil || cfg.LedgerReadOnly || cfg.ReadFoldEvery < 0 {
			return s, err
		}
		sv := NewSovereignty(s.ReadDB(), s.dialect, s.Apply, nil)
		s.journal, err = openReadJournal(ctx, cfg.DataDir, cfg.ReadFoldEvery, log, sv.writeReads, readIDExists(s.ReadDB(), s.dialect))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		return s, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		b, err := openPostgres(ctx, dsn, log)
		if err != nil {
			return nil, fmt.Errorf("open store (postgres): %w", err)
		}
		log.Info("store open", "dialect", DialectPostgres)
		return withLedger(ctx, &Store{dialect: DialectPostgres, b: b, log: log}, cfg)
	default:
		return nil, fmt.Errorf("open store: DSN %q: want empty (embedded SQLite) or a postgres:// URL", redact(dsn))
	}
}

// withLedger opens s's ledger, closing s if that fails.
func withLedger(ctx context.Context, s *Store, cfg Config) (*Store, error) {
	if err := s.openLedger(ctx, cfg); err != nil {
		s.b.close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// redact hides a password in a DSN for error messages.
func redact(dsn string) string {
	if i := strings.Index(dsn, "@"); i >= 0 {
		if j := strings.Index(dsn, "://"); j >= 0 && j < i {
			return dsn[:j+3] + "…" + dsn[i:]
		}
	}
	return dsn
}

// Close stops the ledger (committing the appends already queued) and releases the database.
// It waits for no other write: call it after the writers have stopped.
func (s *Store) Close() error {
	var jerr error
	if s.journal != nil {
		jerr = s.journal.close(context.Background())
	}
	return errors.Join(jerr, s.closeLedger(), s.b.close())
}

// FlushReads folds the reads waiting in the read journal into read_log and the ledger now
// (they are durable already; see [Config.ReadFoldEvery]). Use it before reading read_log.
func (s *Store) FlushReads(ctx context.Context) error {
	if s.journal == nil {
		return nil
	}
	return s.journal.foldNow(ctx)
}

// Dialect reports "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.b.ping(ctx) }

// WriteBatch persists b atomically (all of it or nothing) and returns after the transaction
// has committed: with SQLite, the commit is fsynced (synchronous=FULL in WAL mode), so it
// survives a kill -9 of the process and a power loss; with PostgreSQL it is as durable as
// the server's synchronous_commit makes it (on by default).
//
// Every position, static report and raw sentence must come from a feed listed in b.Feeds or
// already stored; each feed needs an originator and a TLP level (CLEAR, GREEN, AMBER,
// AMBER+STRICT, RED). Feed counters are cumulative: the stored ones are replaced by b's.
// The latest position of a vessel only moves forward in time. Static reports are merged
// field by field: an empty string, a zero number or NaN leaves the stored value.
//
// WriteBatch implements [ingest.Sink].
func (s *Store) WriteBatch(ctx context.Context, b *ingest.Batch) error {
	p, err := makePlan(b)
	if err != nil {
		return fmt.Errorf("write batch: %w: %w", ingest.ErrRejected, err)
	}
	err = s.b.writeBatch(ctx, p)
	p.evidence() // the packer reads b: wait for it before returning
	if err != nil {
		return fmt.Errorf("write batch: %w", err)
	}
	return nil
}

var _ ingest.Sink = (*Store)(nil)

// VesselsInBBox returns the latest snapshot of up to limit vessels whose latest position lies
// in the box (bounds inclusive, degrees), ordered by MMSI, as u may see them: each vessel's
// newest position among the feeds releasable to u and the static data of the releasable feed
// that reported last (vessel_access.go). A user without a reading role gets none. When
// minLon > maxLon the box crosses the antimeridian: it covers minLon..180 and -180..maxLon.
// limit <= 0 means no limit.
func (s *Store) VesselsInBBox(ctx context.Context, u access.User, minLon, minLat, maxLon, maxLat float64, limit int) ([]vessel.Snapshot, error) {
	if minLat > maxLat {
		return nil, fmt.Errorf("vessels in box: minimum latitude %g is above maximum %g", minLat, maxLat)
	}
	keys := u.AudienceKeys()
	if len(keys) == 0 {
		return nil, nil
	}
	v, err := s.b.vesselsInBBox(ctx, keys, minLon, minLat, maxLon, maxLat, limit)
	if err != nil {
		return nil, fmt.Errorf("vessels in box: %w", err)
	}
	return v, nil
}

// Vessel returns the latest snapshot of one vessel as u may see it (see [Store.VesselsInBBox]),
// or an error wrapping [ErrNotFound] when no position of it from a feed releasable to u is
// stored: a vessel u may not see is answered exactly like an unknown one.
func (s *Store) Vessel(ctx context.Context, u access.User, mmsi uint32) (vessel.Snapshot, error) {
	keys := u.AudienceKeys()
	if len(keys) == 0 {
		return vessel.Snapshot{}, fmt.Errorf("vessel %09d: %w", mmsi, ErrNotFound)
	}
	v, err := s.b.vessel(ctx, keys, mmsi)
	if err != nil {
		return vessel.Snapshot{}, fmt.Errorf("vessel %09d: %w", mmsi, err)
	}
	return v, nil
}

// Track returns up to limit positions of one vessel with from <= time < to, from the feeds
// releasable to u, in ascending time (ties in the order written). A user without a reading
// role gets none. A zero to means no upper bound; limit <= 0 means no limit.
func (s *Store) Track(ctx context.Context, u access.User, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error) {
	if to.IsZero() {
		to = maxTime
	}
	keys := u.AudienceKeys()
	if len(keys) == 0 {
		return nil, nil
	}
	p, err := s.b.track(ctx, keys, mmsi, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("track %09d: %w", mmsi, err)
	}
	return p, nil
}

// Feeds returns every feed with its markings and stored cumulative counters, ordered by name.
func (s *Store) Feeds(ctx context.Context) ([]ingest.FeedStats, error) {
	f, err := s.b.feeds(ctx)
	if err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	return f, nil
}

// Counts returns the sizes of the main tables. It scans them: use it for checks, not per request.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	c, err := s.b.counts(ctx)
	if err != nil {
		return Counts{}, fmt.Errorf("counts: %w", err)
	}
	return c, nil
}

// RawSentences returns up to limit raw sentences of one feed received with from <= time < to,
// in the order written. Each evidence block read is checked against its stored SHA-256; a
// mismatch is an error. A zero to means no upper bound; limit <= 0 means no limit.
func (s *Store) RawSentences(ctx context.Context, feed string, from, to time.Time, limit int) ([]vessel.RawSentence, error) {
	if to.IsZero() {
		to = maxTime
	}
	r, err := s.b.rawSentences(ctx, feed, from, to, limit)
	if err != nil {
		return nil, fmt.Errorf("raw sentences of %q: %w", feed, err)
	}
	return r, nil
}

// maxTime is the upper bound used for "no upper bound"; it is within both dialects' ranges.
var maxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
