package ledgersql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
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
//     duplicated from the entry for lookups, and the tree hashes its append completed
//     (hashes: the leaf hash, then one parent per trailing 1 bit of seq, 32 bytes each), so
//     any proof is a few point reads (see append.go);
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
		`CREATE TABLE IF NOT EXISTS ledger_entries (seq $INT PRIMARY KEY, record_type TEXT NOT NULL, record_id TEXT NOT NULL, entry $BLOB NOT NULL, hashes $BLOB)`,
		`CREATE INDEX IF NOT EXISTS ledger_entries_record ON ledger_entries (record_type, record_id, seq)`,
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

// packHashes converts a database of the first layout, where the tree hashes had a table of
// their own (ledger_hashes, one row per hash), to the current one (the hashes in their
// entry's row), in one transaction. It does nothing on a database of the current layout.
func (l *Log) packHashes(ctx context.Context) (err error) {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'ledger_hashes'`
	blob := "BLOB"
	if l.d == Postgres {
		exists = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'ledger_hashes'`
		blob = "BYTEA"
	}
	var n int
	if err := l.w.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return fmt.Errorf("ledger: check the table layout: %w", err)
	}
	if n == 0 {
		return nil
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: convert tree hashes: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("ledger: convert tree hashes to the entries' rows: %w", err)
		}
	}()
	if _, err := tx.ExecContext(ctx, `ALTER TABLE ledger_entries ADD COLUMN hashes `+blob); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq FROM ledger_entries ORDER BY seq`)
	if err != nil {
		return err
	}
	var seqs []int64
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		seqs = append(seqs, s)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	get, upd := l.d.q(`SELECT hash FROM ledger_hashes WHERE idx = ?`), l.d.q(`UPDATE ledger_entries SET hashes = ? WHERE seq = ?`)
	for _, s := range seqs {
		base := tlog.StoredHashIndex(0, s)
		var packed []byte
		for j := range hashesOf(s) {
			var h []byte
			err := tx.QueryRowContext(ctx, get, base+int64(j)).Scan(&h)
			if errors.Is(err, sql.ErrNoRows) {
				h = nil // left short: verification reports the entry's hashes missing
			} else if err != nil {
				return err
			}
			packed = append(packed, h...)
		}
		if _, err := tx.ExecContext(ctx, upd, packed, s); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE ledger_hashes`); err != nil {
		return err
	}
	return tx.Commit()
}
