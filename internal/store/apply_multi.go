package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"accord/internal/ledger"
)

// ApplyMulti is [Store.Apply] for a change described by several ledger events: it runs fn in
// one transaction and appends every event fn returns in that same transaction, so the change
// and all its entries commit together or not at all. It returns the entries' sequence numbers,
// in the order of the events, once durable.
//
// fn's contract is Apply's, and it must return at least one event. The events are appended in
// order; the last one may be separated from the others by entries of concurrent Apply calls
// that share the group commit (the others are contiguous). If fn fails, or any event is
// invalid, none of fn's changes and none of its entries remain.
func (s *Store) ApplyMulti(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) ([]ledger.Event, error)) ([]int64, error) {
	if fn == nil {
		return nil, errors.New("store apply: nil function")
	}
	if s.led.log == nil {
		return nil, errors.New("store apply: the store was opened read-only for the ledger (Config.LedgerReadOnly)")
	}
	var seqs []int64
	last, err := s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		seqs = nil
		evs, err := fn(ctx, tx)
		if err != nil {
			return ledger.Event{}, err
		}
		if len(evs) == 0 {
			return ledger.Event{}, errors.New("store apply: no ledger event")
		}
		// The leading events are appended here, together, in fn's savepoint (rolled back with
		// it); the last one by Apply, with the group commit's other entries.
		if len(evs) > 1 {
			got, err := s.led.log.RecordIn(ctx, applyTxQuerier{tx}, evs[:len(evs)-1]...)
			if err != nil {
				return ledger.Event{}, fmt.Errorf("ledger events 1-%d of %d: %w", len(evs)-1, len(evs), err)
			}
			seqs = got
		}
		return evs[len(evs)-1], nil
	})
	if err != nil {
		return nil, err
	}
	return append(seqs, last), nil
}

// applyTxQuerier is a database/sql transaction as a [ledgersql.Querier].
type applyTxQuerier struct{ tx *sql.Tx }

func (q applyTxQuerier) Exec(ctx context.Context, query string, args ...any) error {
	_, err := q.tx.ExecContext(ctx, query, args...)
	return err
}

func (q applyTxQuerier) Query(ctx context.Context, query string, args []any, each func(scan func(dest ...any) error) error) error {
	rows, err := q.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
