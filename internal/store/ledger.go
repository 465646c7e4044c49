package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/jackc/pgx/v5/stdlib"

	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
)

// The one write path.
//
// Every state change of the product goes through [Store.Apply]: the change and its ledger
// entry are written in one transaction of the store's database, so neither can exist without
// the other. Bulk AIS ingest ([Store.WriteBatch]) has its own transaction per batch, which
// ends with the batch's ledger entries, one per feed (ledger_batch.go). The ledger (package
// ledger/ledgersql) lives in the same database as the store: with SQLite in the same file,
// written through the store's single writer connection; with PostgreSQL through a database/sql
// handle over the store's pgx pool (github.com/jackc/pgx/v5/stdlib.OpenDBFromPool).
//
// The node's log signing key (Ed25519, C2SP signed-note form) is read from Config.KeyFile,
// by default DataDir/ledger.key, and generated there with mode 0600 when missing (`accord
// init` generates it ahead of time). Its name is the log's origin. The key is never logged.

// DefaultOrigin is the log origin given to a key generated without Config.Origin. Deployments
// should name their log after the node (`accord init` uses "accord/<node id>").
const DefaultOrigin = "accord/ledger"

// KeyFileName is the name of the node's log signing key in the data directory.
const KeyFileName = "ledger.key"

// ledgerState is the store's ledger and its database/sql handles.
type ledgerState struct {
	log     *ledgersql.Log    // nil when opened with Config.LedgerReadOnly
	reader  *ledgersql.Reader // reads the ledger tables; no key needed
	dialect ledgersql.Dialect
	write   *sql.DB // the ledger's writer handle
	read    *sql.DB // ReadDB
	owned   *sql.DB // a handle the store opened for the ledger and must close (PostgreSQL)
	keyFile string

	mu      sync.RWMutex
	sources map[string]ledger.RecordSource
}

// KeyPath returns the path of the node's log signing key that cfg selects: cfg.KeyFile, or
// DataDir/ledger.key. It is empty when neither is set.
func (cfg Config) KeyPath() string {
	if cfg.KeyFile != "" {
		return cfg.KeyFile
	}
	if cfg.DataDir == "" {
		return ""
	}
	return filepath.Join(cfg.DataDir, KeyFileName)
}

// LoadKey returns the node's log signing key that cfg selects: cfg.LedgerKey when set;
// otherwise the key file ([Config.KeyPath]), generated (named cfg.Origin, or [DefaultOrigin])
// with mode 0600 when it does not exist. With cfg.Origin set, a key file for another origin is
// refused; without it, an existing key of any origin is used.
func LoadKey(cfg Config) (*ledger.Key, error) {
	if cfg.LedgerKey != nil {
		return cfg.LedgerKey, nil
	}
	path := cfg.KeyPath()
	if path == "" {
		return nil, errors.New("no ledger signing key: set the data directory (the key is DATA/ledger.key) or a key file")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("ledger key directory: %w", err)
		}
	}
	if cfg.Origin == "" {
		if _, err := os.Stat(path); err == nil {
			return ledger.LoadKey(path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("ledger key: %w", err)
		}
	}
	origin := cfg.Origin
	if origin == "" {
		origin = DefaultOrigin
	}
	return ledger.LoadOrCreateKey(path, origin)
}

// openLedger opens the ledger in the store's database; called by Open once the backend is up.
func (s *Store) openLedger(ctx context.Context, cfg Config) error {
	var key *ledger.Key
	if !cfg.LedgerReadOnly {
		var err error
		if key, err = LoadKey(cfg); err != nil {
			return err
		}
	}
	st := &ledgerState{keyFile: cfg.KeyPath(), sources: map[string]ledger.RecordSource{}}
	switch b := s.b.(type) {
	case *sqliteStore:
		st.dialect, st.write, st.read = ledgersql.SQLite, b.w, b.r
		b.seal = s.sealBatch
	case *pgStore:
		db := stdlib.OpenDBFromPool(b.pool)
		st.dialect, st.write, st.read, st.owned = ledgersql.Postgres, db, db, db
		b.seal = s.sealBatch
	default:
		return fmt.Errorf("ledger: unsupported store backend %T", s.b)
	}
	st.reader = ledgersql.NewReader(st.read, st.dialect)
	if cfg.LedgerReadOnly {
		s.led = st
		return nil
	}
	l, err := ledgersql.Open(ctx, st.write, ledgersql.Config{
		Dialect:            st.dialect,
		Key:                key,
		ReadDB:             st.read,
		CheckpointInterval: cfg.CheckpointInterval,
		Witnesses:          cfg.Witnesses,
		Logger:             s.log,
	})
	if err != nil {
		if st.owned != nil {
			st.owned.Close()
		}
		return fmt.Errorf("open ledger: %w", err)
	}
	st.log = l
	s.led = st
	s.log.Info("ledger open", "origin", key.Signer.Name(), "vkey", key.VerifierKey)
	return nil
}

// closeLedger stops the ledger (committing queued appends) and releases its handles.
func (s *Store) closeLedger() error {
	if s.led == nil {
		return nil
	}
	var err error
	if s.led.log != nil {
		err = s.led.log.Close()
	}
	if s.led.owned != nil {
		err = errors.Join(err, s.led.owned.Close())
	}
	return err
}

// Apply runs fn in one transaction of the store's database and appends the ledger event fn
// returns in that same transaction: the change and its ledger entry commit together or not
// at all. It returns the entry's sequence number once durable (SQLite: fsynced; PostgreSQL:
// as the server's synchronous_commit makes it).
//
// Contract for fn:
//   - use only tx for reads and writes (never [Store.ReadDB], never another Apply or
//     WriteBatch: with SQLite that would wait forever for the single writer connection);
//   - write SQL with '?' placeholders passed through [Store.Rebind];
//   - do not commit or roll back tx;
//   - return the event describing the change, with Content the SHA-256 of the record's
//     canonical content after the change ([ledger.ContentHash]) or [ledger.NoContent] after a
//     deletion; a zero Time means "now".
//
// Concurrent Apply calls are group-committed: fn may share its transaction with other calls,
// inside its own savepoint. If fn returns an error (or panics), or its event is invalid, only
// fn's changes are rolled back and that error is returned as is; other calls are unaffected.
// fn may run on another goroutine, after Apply was called; the ctx it receives carries ctx's
// values but not its cancellation: once queued, a change is committed or failed as a whole,
// and Apply waits for that outcome even if ctx ends.
func (s *Store) Apply(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) (ledger.Event, error)) (int64, error) {
	if fn == nil {
		return 0, errors.New("store apply: nil function")
	}
	if s.led.log == nil {
		return 0, errors.New("store apply: the store was opened read-only for the ledger (Config.LedgerReadOnly)")
	}
	fctx := context.WithoutCancel(ctx)
	return s.led.log.Apply(ctx, func(tx *sql.Tx) (ledger.Event, error) { return fn(fctx, tx) })
}

// ReadDB is a database/sql handle for reads: with SQLite the store's query-only pool (WAL:
// reads run concurrently with the writer, each on a committed snapshot; writes fail); with
// PostgreSQL a handle over the store's pgx pool. Write SQL with '?' placeholders passed
// through [Store.Rebind]. Do not close it.
func (s *Store) ReadDB() *sql.DB { return s.led.read }

// Ledger returns the store's ledger (for checkpoints, proofs, cosigning and verification).
// Its Append records an event with no accompanying change (an access denied, an export made);
// changes go through [Store.Apply]. It is nil when the store was opened with
// Config.LedgerReadOnly: use [Store.LedgerReader] then.
func (s *Store) Ledger() *ledgersql.Log { return s.led.log }

// LedgerReader reads the store's ledger without its signing key (verification, proofs against
// stored checkpoints). It implements [ledger.LogReader].
func (s *Store) LedgerReader() *ledgersql.Reader { return s.led.reader }

// LedgerDialect is the ledgersql dialect of the store's database.
func (s *Store) LedgerDialect() ledgersql.Dialect { return s.led.dialect }

// Rebind rewrites a query written with '?' placeholders for the store's dialect: unchanged for
// SQLite; for PostgreSQL each '?' becomes $1, $2, ... in order. Every '?' counts, even inside
// string literals and comments: pass such literals as arguments. Rebind the text once and
// keep it (e.g. in a package-level variable filled at open) on hot paths.
//
// Other dialect differences to mind in SQL shared by both: use BIGINT-compatible INTEGER keys,
// BLOB (SQLite) vs BYTEA (PostgreSQL) for bytes, and `INSERT ... ON CONFLICT (...) DO ...`,
// which both accept; SQLite has no SELECT ... FOR UPDATE (its write transactions are already
// exclusive) — see [Store.Dialect].
func (s *Store) Rebind(query string) string { return s.led.dialect.Rebind(query) }

// RegisterRecordSource tells ledger verification ([Store.RecordSources]) how to read the
// current content hash of records of recordType, so that `accord ledger verify` can check each
// record against its last entry. The package owning a record type registers it once after
// Open. A source that also implements [ledger.RecordLister] lets verification find records
// changed with no ledger entry. Registering a type twice replaces the source.
func (s *Store) RegisterRecordSource(recordType string, src ledger.RecordSource) {
	s.led.mu.Lock()
	defer s.led.mu.Unlock()
	s.led.sources[recordType] = src
}

// RecordSources returns a copy of the registered record sources, by record type, for
// [ledger.VerifyOptions].Sources.
func (s *Store) RecordSources() map[string]ledger.RecordSource {
	s.led.mu.RLock()
	defer s.led.mu.RUnlock()
	out := make(map[string]ledger.RecordSource, len(s.led.sources))
	for k, v := range s.led.sources {
		out[k] = v
	}
	return out
}

// RecordTypes returns the registered record types, sorted.
func (s *Store) RecordTypes() []string {
	s.led.mu.RLock()
	defer s.led.mu.RUnlock()
	out := make([]string, 0, len(s.led.sources))
	for k := range s.led.sources {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
