package ledgersql

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/ncruces/go-sqlite3/driver"

	"accord/internal/ledger"
)

const testOrigin = "accord.test/ledger"

// backend opens fresh databases of one engine for tests.
type backend struct {
	name    string
	dialect Dialect
	// fresh returns the driver name and DSN of a new, empty database that is dropped when
	// the test ends.
	fresh func(t testing.TB) (driver, dsn string)
}

func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(20000)&_txlock=immediate"
}

var sqliteBackend = backend{name: "sqlite", dialect: SQLite, fresh: func(t testing.TB) (string, string) {
	return "sqlite3", sqliteDSN(filepath.Join(t.TempDir(), "ledger.db"))
}}

// postgresBackend creates a schema per test in the server named by ACCORD_TEST_POSTGRES.
var postgresBackend = backend{name: "postgres", dialect: Postgres, fresh: func(t testing.TB) (string, string) {
	base := os.Getenv("ACCORD_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	db, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable and CI=true: %v", base, err)
		}
		t.Skipf("skipping PostgreSQL tests: %s unreachable (%v); set ACCORD_TEST_POSTGRES", base, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "ledger_test_" + hex.EncodeToString(b[:])
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return "pgx", base + sep + "search_path=" + schema
}}

func backends() []backend { return []backend{sqliteBackend, postgresBackend} }

// forEachBackend runs f as a subtest on every backend.
func forEachBackend(t *testing.T, f func(t *testing.T, be backend)) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) { f(t, be) })
	}
}

type testEnv struct {
	t       testing.TB
	be      backend
	db      *sql.DB
	key     *ledger.Key
	keyPath string
	log     *Log
	records *Records
	cfg     Config
}

func newEnv(t testing.TB, be backend, configure ...func(*Config)) *testEnv {
	t.Helper()
	driver, dsn := be.fresh(t)
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keyPath := filepath.Join(t.TempDir(), "ledger.key")
	key, err := ledger.LoadOrCreateKey(keyPath, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, be: be, db: db, key: key, keyPath: keyPath, records: NewRecords(db, be.dialect)}
	e.cfg = Config{Dialect: be.dialect, Key: key}
	for _, f := range configure {
		f(&e.cfg)
	}
	e.open()
	return e
}

func (e *testEnv) open() {
	e.t.Helper()
	l, err := Open(context.Background(), e.db, e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { l.Close() })
	e.log = l
}

func (e *testEnv) verifyOptions(witnesses ...*ledger.Key) ledger.VerifyOptions {
	opts := ledger.VerifyOptions{Log: e.key.Verifier, Sources: map[string]ledger.RecordSource{}}
	for _, typ := range []string{"consent_request", "operation", "release"} {
		opts.Sources[typ] = e.records
	}
	for _, w := range witnesses {
		opts.Witnesses = append(opts.Witnesses, w.Verifier)
	}
	return opts
}

func (e *testEnv) verify(opts ledger.VerifyOptions) ledger.Report {
	return ledger.Verify(context.Background(), e.log.Reader, opts)
}

// event builds a test event about a record.
func event(action, typ, id string, content [32]byte) ledger.Event {
	return ledger.Event{
		Time:       time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Actor:      ledger.Actor{User: "ana.lopez", Agency: "SEMAR", State: "MEX"},
		Action:     action,
		RecordType: typ,
		RecordID:   id,
		Content:    content,
		Meta:       []ledger.Meta{{Key: "decision", Value: "allow"}},
	}
}

// put changes a demo record through the one write path and returns its entry's seq.
func (e *testEnv) put(typ, id, content string) int64 {
	e.t.Helper()
	seq, err := e.log.Apply(context.Background(), func(tx *sql.Tx) (ledger.Event, error) {
		h, err := e.records.Put(context.Background(), tx, typ, id, []byte(content))
		return event("record.put", typ, id, h), err
	})
	if err != nil {
		e.t.Fatalf("put %s/%s: %v", typ, id, err)
	}
	return seq
}

func (e *testEnv) mustExec(query string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(e.be.dialect.q(query), args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
}

func problemsString(r ledger.Report) string {
	var b strings.Builder
	for _, p := range r.Problems {
		fmt.Fprintln(&b, p)
	}
	return b.String()
}
