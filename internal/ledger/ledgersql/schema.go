package ledgersql

import (
	"strconv"
	"strings"
)

// Dialect selects the SQL engine behind a *sql.DB.
type Dialect int

const (
	// SQLite is github.com/ncruces/go-sqlite3 (database/sql driver "sqlite3", the store's
	// driver; any SQLite driver works). Open the database with WAL, full synchronous commits, a
	// busy timeout and immediate write transactions, e.g.
	// "file:accord.db?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_txlock=immediate".
	SQLite Dialect = iota
	// Postgres is PostgreSQL through pgx's database/sql driver (github.com/jackc/pgx/v5/stdlib,
	// driver name "pgx").
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// schema returns the statements creating the ledger's tables. Tables:
//
//   - ledger_head: one row, the tree size and the origin of the log;
//   - ledger_entries: one row per entry (seq = leaf index), with the record it concerns
//     duplicated from the entry for lookups;
//   - ledger_hashes: the tree's hashes at their tlog.StoredHashIndex, so any proof is a few
//     point reads;
//   - ledger_checkpoints: signed checkpoints with the cosignatures gathered for them;
//   - ledger_records: a small record table (type, id, canonical content) for demonstrations
//     and tests of the one write path.
func (d Dialect) schema() []string {
	integer, blob := "INTEGER", "BLOB"
	if d == Postgres {
		integer, blob = "BIGINT", "BYTEA"
	}
	r := strings.NewReplacer("$INT", integer, "$BLOB", blob)
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ledger_head (id $INT PRIMARY KEY CHECK (id = 1), size $INT NOT NULL, origin TEXT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ledger_entries (seq $INT PRIMARY KEY, record_type TEXT NOT NULL, record_id TEXT NOT NULL, entry $BLOB NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS ledger_entries_record ON ledger_entries (record_type, record_id, seq)`,
		`CREATE TABLE IF NOT EXISTS ledger_hashes (idx $INT PRIMARY KEY, hash $BLOB NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ledger_checkpoints (size $INT PRIMARY KEY, note $BLOB NOT NULL, created_at TEXT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ledger_records (record_type TEXT NOT NULL, record_id TEXT NOT NULL, content $BLOB NOT NULL, PRIMARY KEY (record_type, record_id))`,
	}
	for i, s := range stmts {
		stmts[i] = r.Replace(s)
	}
	return stmts
}

// Rebind rewrites a query written with '?' placeholders for the dialect: unchanged for SQLite;
// for PostgreSQL each '?' becomes $1, $2, ... in order. Every '?' is a placeholder, even inside
// a string literal or comment: pass literals containing '?' as arguments instead.
func (d Dialect) Rebind(query string) string { return d.q(query) }

// q rewrites a query written with '?' placeholders for the dialect.
func (d Dialect) q(query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// values returns "(?,?,...),(?,?,...)" for rows rows of cols columns.
func values(rows, cols int) string {
	one := "(" + strings.Repeat("?,", cols-1) + "?)"
	var b strings.Builder
	b.Grow(rows * (len(one) + 1))
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	return b.String()
}
