package ledgersql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"accord/internal/ledger"
)

// Records is the ledger_records table: records held as (type, id, canonical content). It is
// the simplest record kind, used to demonstrate and test the one write path; it implements
// [ledger.RecordSource] and [ledger.RecordLister] so [ledger.Verify] checks its content.
type Records struct {
	db *sql.DB
	d  Dialect
}

// NewRecords returns the record table of the database; the table is created by [Open].
func NewRecords(db *sql.DB, d Dialect) *Records { return &Records{db: db, d: d} }

// Put creates or replaces a record inside tx and returns its content hash, to be put in the
// event recorded in the same transaction.
func (r *Records) Put(ctx context.Context, tx *sql.Tx, recordType, id string, content []byte) ([32]byte, error) {
	_, err := tx.ExecContext(ctx, r.d.q(`INSERT INTO ledger_records (record_type, record_id, content) VALUES (?, ?, ?)
		ON CONFLICT (record_type, record_id) DO UPDATE SET content = excluded.content`), recordType, id, content)
	if err != nil {
		return [32]byte{}, fmt.Errorf("put record %s/%s: %w", recordType, id, err)
	}
	return ledger.ContentHash(content), nil
}

// Delete removes a record inside tx and returns [ledger.NoContent] for the event.
func (r *Records) Delete(ctx context.Context, tx *sql.Tx, recordType, id string) ([32]byte, error) {
	if _, err := tx.ExecContext(ctx, r.d.q(`DELETE FROM ledger_records WHERE record_type = ? AND record_id = ?`), recordType, id); err != nil {
		return [32]byte{}, fmt.Errorf("delete record %s/%s: %w", recordType, id, err)
	}
	return ledger.NoContent, nil
}

// Get returns a record's content; found is false if it does not exist.
func (r *Records) Get(ctx context.Context, recordType, id string) (content []byte, found bool, err error) {
	err = r.db.QueryRowContext(ctx, r.d.q(`SELECT content FROM ledger_records WHERE record_type = ? AND record_id = ?`), recordType, id).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read record %s/%s: %w", recordType, id, err)
	}
	return content, true, nil
}

// CurrentHash implements [ledger.RecordSource].
func (r *Records) CurrentHash(ctx context.Context, recordType, id string) ([32]byte, bool, error) {
	c, found, err := r.Get(ctx, recordType, id)
	if err != nil || !found {
		return [32]byte{}, found, err
	}
	return ledger.ContentHash(c), true, nil
}

// EachRecord implements [ledger.RecordLister].
func (r *Records) EachRecord(ctx context.Context, fn func(recordType, id string) error) error {
	rows, err := r.db.QueryContext(ctx, `SELECT record_type, record_id FROM ledger_records ORDER BY record_type, record_id`)
	if err != nil {
		return fmt.Errorf("list records: %w", err)
	}
	var keys [][2]string
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			rows.Close()
			return fmt.Errorf("list records: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("list records: %w", err)
	}
	for _, k := range keys {
		if err := fn(k[0], k[1]); err != nil {
			return err
		}
	}
	return nil
}

// RecordTypes returns the record types in the table, for building [ledger.VerifyOptions].Sources.
func (r *Records) RecordTypes(ctx context.Context) ([]string, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT DISTINCT record_type FROM ledger_records ORDER BY record_type`)
	if err != nil {
		return nil, fmt.Errorf("list record types: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
