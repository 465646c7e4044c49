package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"accord/internal/access"
	"accord/internal/ledger"
)

// Ledger record sources of the sovereignty records (sovereignty*.go), so that `accord ledger
// verify` checks each one against its last ledger entry.
//
// The content hash of these entries is the SHA-256 of the JSON of the value the writer
// recorded. Where that value is a function of the stored row, the source recomputes it from
// the row, so an edit of any of the row's columns is reported:
//
//   - state: access.State{Code, Name};
//   - agency: access.Agency{Code, State, Name};
//   - user: access.User (id, name, agency, the agency's state, roles by name) in the form of
//     the user's last entry's action: the user alone (user.add, user.roles), with Disabled
//     (user.enable, user.disable), or with PasswordChanged (user.password), a time in Unix ms
//     that is not stored: it is searched in the 10 s before the entry's time.
//
//   - entity, link, report: when the record's last entry is marked {form: row-1}, the
//     canonical row form of records_sovereignty_canon.go (every stored column, REL TO,
//     aliases, identifiers, mentions, attachments and their contents' hashes), and the
//     row's content_sha256 must equal it too. Records whose last entry predates the row
//     form (no form metadata: their writers hashed a nanosecond creation time and lists in
//     the given order, which the rows do not keep) are checked against the stored
//     content_sha256 only: that detects a rewritten hash, a deleted row and a row inserted
//     without an entry, but not an edit of the row's other columns.

// SovereigntyRecordTypes lists the record types [Store.SovereigntyRecords] serves.
var SovereigntyRecordTypes = []string{"state", "agency", "user", "entity", "link", "report"}

// SovereigntyRecords is the record source of states, agencies, users, entities, links and
// reports for ledger verification: register it for each of SovereigntyRecordTypes
// ([Store.RegisterRecordSource]).
func (s *Store) SovereigntyRecords() interface {
	ledger.RecordSource
	ledger.RecordLister
} {
	return sovSource{s}
}

type sovSource struct{ s *Store }

// sovTables maps each record type to its table and key column.
var sovTables = map[string][2]string{
	"state":  {"states", "code"},
	"agency": {"agencies", "code"},
	"user":   {"users", "id"},
	"entity": {"entities", "id"},
	"link":   {"links", "id"},
	"report": {"reports", "id"},
}

func jsonHash(v any) ([32]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(b), nil
}

func (o sovSource) CurrentHash(ctx context.Context, recordType, id string) ([32]byte, bool, error) {
	db, q := o.s.ReadDB(), o.s.Rebind
	var h [32]byte
	var err error
	switch recordType {
	case "state":
		var st access.State
		err = db.QueryRowContext(ctx, q(`SELECT code, name FROM states WHERE code = ?`), id).Scan(&st.Code, &st.Name)
		if err == nil {
			h, err = jsonHash(st)
		}
	case "agency":
		var a access.Agency
		err = db.QueryRowContext(ctx, q(`SELECT code, state, name FROM agencies WHERE code = ?`), id).Scan(&a.Code, &a.State, &a.Name)
		if err == nil {
			h, err = jsonHash(a)
		}
	case "user":
		return o.userHash(ctx, id)
	case "entity", "link", "report":
		return o.intelHash(ctx, recordType, id)
	default:
		return [32]byte{}, false, fmt.Errorf("record type %q is not a sovereignty record", recordType)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return [32]byte{}, false, nil
	}
	if err != nil {
		return [32]byte{}, false, fmt.Errorf("%s %s: %w", recordType, id, err)
	}
	return h, true, nil
}

// intelHash is CurrentHash for entities, links and reports.
func (o sovSource) intelHash(ctx context.Context, recordType, id string) ([32]byte, bool, error) {
	db, q := o.s.ReadDB(), o.s.Rebind
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return [32]byte{}, false, nil // no such row can exist
	}
	_, rowForm, err := lastEntryForm(ctx, db, q, recordType, n)
	if err != nil {
		return [32]byte{}, false, err
	}
	content, stored, found, err := intelCanon(ctx, db, q, recordType, n)
	if err != nil || !found {
		return [32]byte{}, false, err
	}
	var h [32]byte
	if !rowForm {
		copy(h[:], stored) // a hash of the wrong length shows as a mismatch
		if len(stored) != len(h) {
			h[0] ^= 0xff
		}
		return h, true, nil
	}
	if h, err = jsonHash(content); err != nil {
		return [32]byte{}, false, fmt.Errorf("%s %s: %w", recordType, id, err)
	}
	if !bytes.Equal(stored, h[:]) { // the row's copy of the hash (read logs use it) was edited
		h[0] ^= 0xff
	}
	return h, true, nil
}

// hasForm reports whether an entry's metadata marks its content as the row form.
func hasForm(e *ledger.Entry) bool {
	for _, m := range e.Meta {
		if m.Key == formKey {
			return m.Value == formRow
		}
	}
	return false
}

// passwordForm is the row form of a password change: the user (as [access.User], roles
// sorted by name) and the hex SHA-256 of the stored password hash string.
func passwordForm(ctx context.Context, db querier, q func(string) string, id int64) (any, error) {
	var u access.User
	var ph string
	err := db.QueryRowContext(ctx, q(`SELECT u.id, u.name, u.agency, COALESCE(a.state, ''), u.password_hash
		FROM users u LEFT JOIN agencies a ON a.code = u.agency WHERE u.id = ?`), id).Scan(&u.ID, &u.Name, &u.Agency, &u.State, &ph)
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	var roles []string
	if err := scanAll(ctx, db, q(`SELECT role FROM user_roles WHERE user_id = ?`), []any{id}, func(r *sql.Rows) error {
		var role string
		err := r.Scan(&role)
		roles = append(roles, role)
		return err
	}); err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	slices.Sort(roles)
	for _, r := range roles {
		u.Roles = append(u.Roles, access.Role(r))
	}
	return struct {
		User           access.User
		PasswordSHA256 string
	}{u, fmt.Sprintf("%x", sha256.Sum256([]byte(ph)))}, nil
}

// passwordWindow is how far before its entry's time a password change's time is searched,
// in milliseconds.
const passwordWindow = 10_000

func (o sovSource) userHash(ctx context.Context, id string) ([32]byte, bool, error) {
	db, q := o.s.ReadDB(), o.s.Rebind
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return [32]byte{}, false, nil
	}
	var u access.User
	var disabled int
	err = db.QueryRowContext(ctx, q(`SELECT u.id, u.name, u.agency, COALESCE(a.state, ''), u.disabled
		FROM users u LEFT JOIN agencies a ON a.code = u.agency WHERE u.id = ?`), n).
		Scan(&u.ID, &u.Name, &u.Agency, &u.State, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return [32]byte{}, false, nil
	}
	if err != nil {
		return [32]byte{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	rows, err := db.QueryContext(ctx, q(`SELECT role FROM user_roles WHERE user_id = ? ORDER BY role`), n)
	if err != nil {
		return [32]byte{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return [32]byte{}, false, fmt.Errorf("user %s: %w", id, err)
		}
		u.Roles = append(u.Roles, access.Role(r))
	}
	if err := rows.Close(); err != nil {
		return [32]byte{}, false, fmt.Errorf("user %s: %w", id, err)
	}

	// The form of the content depends on the user's last entry.
	var action string
	var at int64
	var entry []byte
	err = db.QueryRowContext(ctx, q(`SELECT entry FROM ledger_entries WHERE record_type = 'user' AND record_id = ? ORDER BY seq DESC LIMIT 1`), id).Scan(&entry)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return [32]byte{}, false, fmt.Errorf("user %s: last ledger entry: %w", id, err)
	}
	var last *ledger.Entry
	if err == nil {
		if e, perr := ledger.ParseEntry(entry); perr == nil {
			last, action, at = e, e.Action, e.Time.UnixMilli()
		}
	}
	var h [32]byte
	switch action {
	case "user.enable", "user.disable":
		h, err = jsonHash(struct {
			User     access.User
			Disabled bool
		}{u, disabled != 0})
	case "user.password":
		if hasForm(last) {
			var c any
			if c, err = passwordForm(ctx, db, q, n); err == nil {
				h, err = jsonHash(c)
			}
			break
		}
		for t := at; t >= at-passwordWindow; t-- {
			if h, err = jsonHash(struct {
				User            access.User
				PasswordChanged int64
			}{u, t}); err != nil || h == last.Content {
				break
			}
		}
	default: // user.add, user.roles, or no readable entry
		h, err = jsonHash(u)
	}
	if err != nil {
		return [32]byte{}, false, fmt.Errorf("user %s: %w", id, err)
	}
	return h, true, nil
}

func (o sovSource) EachRecord(ctx context.Context, fn func(recordType, id string) error) error {
	for _, rt := range SovereigntyRecordTypes {
		t := sovTables[rt]
		if err := o.s.eachRecordID(ctx, rt, t[0], t[1], fn); err != nil {
			return err
		}
	}
	return nil
}
