package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"accord/internal/access"
	"accord/internal/ledger"
)

// Reads of marked alerts, cases and operations.
//
// As for intelligence reports (see Sovereignty.logReads), every AMBER, AMBER+STRICT or RED
// alert, case or operation returned to a user is recorded on the ledger before it is
// returned: if the ledger refuses, the read fails, so no read is lost. These records have text
// ids, which the read_log table of reports (integer ids) cannot hold, so the ledger entries
// themselves carry who, what and when: one entry per record read, action "record.read",
// record type "<kind>.read" ([AlertReadRecordType], [CaseReadRecordType],
// [OperationReadRecordType]), record id the record's id (so the reads of one record form one
// chain of entries), actor the reader, time the read, content the SHA-256 of the record's
// stored body as read, meta "tlp" (the level) and "via" ("list" or "get").
//
// The entries of one call (a list) are appended in one transaction ([Store.ApplyMulti]);
// concurrent reads share the ledger's group commit, so batching costs no extra latency.

// Ledger record types of the read log of alerts, cases and operations.
const (
	AlertReadRecordType     = "alert.read"
	CaseReadRecordType      = "case.read"
	OperationReadRecordType = "operation.read"
)

// ReadAction is the ledger action of a logged read.
const ReadAction = "record.read"

// markedRead is one marked record returned to a user, for the read log.
type markedRead struct {
	recordType string // AlertReadRecordType, ...
	id         string
	tlp        string
	body       []byte // the stored body as read
}

// loggedTLP reports whether reads of records at level tlp are logged.
func loggedTLP(tlp string) bool {
	switch access.TLP(tlp) {
	case access.TLPAmber, access.TLPAmberStrict, access.TLPRed:
		return true
	}
	return false
}

// logMarkedReads records on the ledger that u received the AMBER, AMBER+STRICT and RED
// records among recs, through via ("list", "get"), and returns once the entries are durable.
// Records at other levels are not logged; with none to log it writes nothing.
func (s *Store) logMarkedReads(ctx context.Context, u access.User, via string, recs []markedRead) error {
	var evs []ledger.Event
	actor := ledgerActor(u)
	for _, r := range recs {
		if !loggedTLP(r.tlp) {
			continue
		}
		evs = append(evs, ledger.Event{Actor: actor, Action: ReadAction, RecordType: r.recordType, RecordID: r.id,
			Content: ledger.ContentHash(r.body),
			Meta:    []ledger.Meta{{Key: "tlp", Value: r.tlp}, {Key: "via", Value: via}}})
	}
	if len(evs) == 0 {
		return nil
	}
	if s.led.log == nil {
		return errors.New("log reads: the store is read-only for the ledger")
	}
	if _, err := s.ApplyMulti(ctx, func(context.Context, *sql.Tx) ([]ledger.Event, error) { return evs, nil }); err != nil {
		return fmt.Errorf("log reads on the ledger: %w", err)
	}
	return nil
}
