package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"accord/internal/ledger"
)

// bodyHash returns the ledger content hash (SHA-256) of the body column of the row of table
// whose idCol is id, for record sources whose ledger entries hash that body; ok is false when
// there is no such row. table and idCol are identifiers of this package, never user input.
func (s *Store) bodyHash(ctx context.Context, table, idCol, id string) (h [32]byte, ok bool, err error) {
	var body string
	err = s.ReadDB().QueryRowContext(ctx, s.Rebind(`SELECT body FROM `+table+` WHERE `+idCol+` = ?`), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	if err != nil {
		return h, false, fmt.Errorf("%s %s: %w", table, id, err)
	}
	return ledger.ContentHash([]byte(body)), true, nil
}

// eachRecordID calls fn(recordType, id) for every row of table, in idCol order. The ids are read
// first, so no query stays open while fn runs (fn usually queries the store itself).
func (s *Store) eachRecordID(ctx context.Context, recordType, table, idCol string, fn func(recordType, id string) error) error {
	rows, err := s.ReadDB().QueryContext(ctx, `SELECT `+idCol+` FROM `+table+` ORDER BY `+idCol)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("%s: %w", table, err)
		}
		ids = append(ids, id)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	for _, id := range ids {
		if err := fn(recordType, id); err != nil {
			return err
		}
	}
	return nil
}
