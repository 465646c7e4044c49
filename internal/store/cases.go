package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/ais"
	"accord/internal/cases"
	"accord/internal/detect"
	"accord/internal/ledger"
)

// CaseRecordType is the ledger record type of interdiction cases.
const CaseRecordType = "case"

// Interdiction cases (package cases) are stored one row per case, the case's JSON with its
// events in body; every change (open, hand-over, accept, consent request and answer, pursuit
// start and update, boarding) goes through [Store.Apply] with a ledger entry whose action is
// the event's ("case.open", "consent.request", ...), whose content hash is the SHA-256 of the
// new body, and whose metadata are the authority, the status and the coastal state.
//
// Access, enforced in the SQL of every read (row level, [markedVisible]):
//
//   - a case carries the markings of [cases.MarkingsFor]: originator the opening officer's
//     agency, TLP AMBER, REL TO the states of the acting and of the competent authority, or
//     only that authority when the alert was released to it alone; an alert not released to
//     the competent authority cannot be routed to it (cases.ErrNotReleasable);
//   - a user reads a case under the rules of package access ([access.CanRead]); a case the
//     user may not read is answered ErrNotFound, like one that does not exist;
//   - opening and changing a case needs the watch officer role (access.ErrForbidden), and a
//     change may only be made by an officer of the state that acts on the case now
//     ([cases.Case.Actor]; access.ErrForbidden otherwise);
//   - a case is opened from an alert the officer may read (ErrNotFound otherwise).

// markedVisible is the releasability clause of table alias a (columns id, originator, tlp) for
// records of kind "alert" or "case", whose REL TO is in marked_rel_to. Its rules are those of
// [access.CanRead] (see visible, the same clause for reports, entities and links).
func markedVisible(kind, a string, u access.User) (string, []any) {
	if !u.Reader() || u.Agency == "" {
		return "1 = 0", nil
	}
	rel := "SELECT 1 FROM marked_rel_to x WHERE x.kind = '" + kind + "' AND x.record_id = " + a + ".id"
	expr := "(" + a + ".originator = ?" +
		" OR " + a + ".tlp = 'CLEAR'" +
		" OR (" + a + ".tlp IN ('GREEN', 'AMBER') AND EXISTS (" + rel +
		" AND ((x.target_type = 'state' AND x.target = ?) OR (x.target_type = 'agency' AND x.target = ?))))" +
		" OR (" + a + ".tlp = 'GREEN' AND NOT EXISTS (" + rel + "))" +
		" OR (" + a + ".tlp = 'RED' AND EXISTS (" + rel + " AND x.target_type = 'user' AND x.target = ?)))"
	return expr, []any{u.Agency, u.State, u.Agency, strconv.FormatInt(u.ID, 10)}
}

// putRelTo replaces the REL TO rows of one alert or case.
func putRelTo(ctx context.Context, s *Store, tx *sql.Tx, kind, id string, rel []access.Target) error {
	if _, err := tx.ExecContext(ctx, s.Rebind(`DELETE FROM marked_rel_to WHERE kind = ? AND record_id = ?`), kind, id); err != nil {
		return err
	}
	ins := s.Rebind(`INSERT INTO marked_rel_to (kind, record_id, target_type, target) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	for _, t := range rel {
		if _, err := tx.ExecContext(ctx, ins, kind, id, string(t.Type), t.Value); err != nil {
			return err
		}
	}
	return nil
}

// relToTx reads the REL TO of one alert or case, as "state:MEX", "agency:USCG", "user:17",
// sorted.
func relToTx(ctx context.Context, s *Store, tx *sql.Tx, kind, id string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, s.Rebind(`SELECT target_type, target FROM marked_rel_to WHERE kind = ? AND record_id = ? ORDER BY target_type, target`), kind, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var typ, target string
		if err := rows.Scan(&typ, &target); err != nil {
			return nil, err
		}
		out = append(out, typ+":"+target)
	}
	return out, rows.Err()
}

// caseMarkings converts the case's markings and checks them with package access.
func caseMarkings(m cases.Markings) (access.Markings, error) {
	am := access.Markings{Originator: m.Originator, TLP: access.TLP(m.TLP)}
	for _, r := range m.RelTo {
		t, err := access.ParseTarget(r)
		if err != nil {
			return am, err
		}
		am.RelTo = append(am.RelTo, t)
	}
	return am, am.Validate()
}

func userLabel(u access.User) string { return u.Name + " (" + u.Agency + ")" }

func newCaseID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "case-" + hex.EncodeToString(b[:]), nil
}

// existingCase carries out of Apply a case the user may read that was already opened from the
// alert.
type existingCase struct{ c *cases.Case }

func (e *existingCase) Error() string {
	return "case " + e.c.ID + " already open for alert " + e.c.AlertID
}

// OpenCase opens an interdiction case from the alert alertID for the watch officer u, routed
// to the competent authority for the alert's place ([cases.Open]; the acting state is u's, the
// flag the state of the first vessel's MID), marked by [cases.MarkingsFor], with its ledger
// entry ("case.open"). If a case u may read was already opened from that alert, it returns
// that case and created false (no change is made).
//
// Errors: access.ErrForbidden without the watch officer role; ErrNotFound when the alert does
// not exist or u may not read it; cases.ErrNoAuthority when the place has no configured
// authority; cases.ErrNotReleasable when the alert's marking keeps it from the competent
// authority.
func (s *Store) OpenCase(ctx context.Context, u access.User, alertID string, at time.Time) (*cases.Case, bool, error) {
	if !u.Has(access.RoleWatchOfficer) || !u.Reader() {
		return nil, false, fmt.Errorf("open case: %w: opening a case needs the watch officer role", access.ErrForbidden)
	}
	id, err := newCaseID()
	if err != nil {
		return nil, false, fmt.Errorf("open case: %w", err)
	}
	var c *cases.Case
	_, err = s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		vis, vargs := markedVisible("alert", "a", u)
		var body string
		var am cases.Markings
		err := tx.QueryRowContext(ctx, s.Rebind(`SELECT a.body, a.originator, a.tlp FROM alerts a WHERE a.id = ? AND `+vis),
			append([]any{alertID}, vargs...)...).Scan(&body, &am.Originator, &am.TLP)
		if errors.Is(err, sql.ErrNoRows) {
			return ledger.Event{}, fmt.Errorf("open case: alert %s: %w", alertID, ErrNotFound)
		}
		if err != nil {
			return ledger.Event{}, fmt.Errorf("open case: alert %s: %w", alertID, err)
		}
		cvis, cargs := markedVisible("case", "c", u)
		var old string
		err = tx.QueryRowContext(ctx, s.Rebind(`SELECT c.body FROM cases c WHERE c.alert_id = ? AND `+cvis+` ORDER BY c.opened_ms, c.id LIMIT 1`),
			append([]any{alertID}, cargs...)...).Scan(&old)
		if err == nil {
			var ec cases.Case
			if err := json.Unmarshal([]byte(old), &ec); err != nil {
				return ledger.Event{}, fmt.Errorf("open case: stored body: %w", err)
			}
			return ledger.Event{}, &existingCase{&ec}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return ledger.Event{}, fmt.Errorf("open case: %w", err)
		}
		if am.RelTo, err = relToTx(ctx, s, tx, "alert", alertID); err != nil {
			return ledger.Event{}, fmt.Errorf("open case: alert %s releasability: %w", alertID, err)
		}
		var a detect.Alert
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			return ledger.Event{}, fmt.Errorf("open case: alert %s: stored body: %w", alertID, err)
		}
		flag := ""
		if len(a.MMSI) > 0 {
			flag = ais.Flag(a.MMSI[0])
		}
		c, err = cases.Open(id, a, flag, u.State, at)
		if err != nil {
			return ledger.Event{}, fmt.Errorf("open case from alert %s: %w", alertID, err)
		}
		c.AlertMarkings = am
		if c.Markings, err = cases.MarkingsFor(c, u.Agency, u.ID, am); err != nil {
			return ledger.Event{}, fmt.Errorf("open case from alert %s: %w", alertID, err)
		}
		cm, err := caseMarkings(c.Markings)
		if err != nil {
			return ledger.Event{}, fmt.Errorf("open case from alert %s: markings: %w", alertID, err)
		}
		c.OpenedBy = userLabel(u)
		for i := range c.Events {
			c.Events[i].By = c.OpenedBy
		}
		nb, err := json.Marshal(c)
		if err != nil {
			return ledger.Event{}, err
		}
		if _, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO cases (id, alert_id, authority, status, acting_state, originator, tlp, body, opened_ms, updated_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), c.ID, c.AlertID, c.Authority, c.Status, c.ActingState, cm.Originator, string(cm.TLP), string(nb),
			at.UnixMilli(), at.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("open case: %w", err)
		}
		if err := putRelTo(ctx, s, tx, "case", c.ID, cm.RelTo); err != nil {
			return ledger.Event{}, fmt.Errorf("open case: releasability: %w", err)
		}
		return caseEvent(u, c, "case.open", nb, at), nil
	})
	var ex *existingCase
	if errors.As(err, &ex) {
		return ex.c, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return c, true, nil
}

// caseEvent is the ledger event of a change of c.
func caseEvent(u access.User, c *cases.Case, action string, body []byte, at time.Time) ledger.Event {
	meta := []ledger.Meta{{Key: "authority", Value: c.Authority}}
	if c.Place.State != "" {
		meta = append(meta, ledger.Meta{Key: "state", Value: c.Place.State})
	}
	meta = append(meta, ledger.Meta{Key: "status", Value: c.Status}) // keys sorted
	return ledger.Event{Actor: ledger.Actor{User: u.Name, Agency: u.Agency, State: u.State}, Action: action,
		RecordType: CaseRecordType, RecordID: c.ID, Content: ledger.ContentHash(body), Time: at, Meta: meta}
}

// UpdateCase applies one step to the case id for the watch officer u, at time at: fn calls one
// of the case's methods (RequestConsent, AnswerConsent, StartPursuit, UpdatePursuit, HandOver,
// Accept, Board). The new events are signed with u, and the case is stored with its ledger
// entry (the action of the last new event). When the step hands the case to another state's
// authority, the case's REL TO gains that state ([cases.Case.Release]). When fn fails, nothing is stored and its error is
// returned (wrapped), except cases.ErrPursuitEnded: that step is a change (the pursuit must
// stop) and is stored; the returned case says so.
//
// Errors: access.ErrForbidden without the watch officer role, or when u's state is not the one
// acting on the case ([cases.Case.Actor]); ErrNotFound when the case does not exist or u may not
// read it; fn's error.
func (s *Store) UpdateCase(ctx context.Context, u access.User, id string, at time.Time, fn func(c *cases.Case) error) (*cases.Case, error) {
	if !u.Has(access.RoleWatchOfficer) || !u.Reader() {
		return nil, fmt.Errorf("case %s: %w: changing a case needs the watch officer role", id, access.ErrForbidden)
	}
	var c *cases.Case
	_, err := s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		var err error
		if c, err = s.readCase(ctx, tx, u, id); err != nil {
			return ledger.Event{}, err
		}
		if actor := c.Actor(); actor != u.State {
			return ledger.Event{}, fmt.Errorf("case %s: %w: %s acts on this case now, not %s", id, access.ErrForbidden, actor, u.State)
		}
		n := len(c.Events)
		if err := fn(c); err != nil && !errors.Is(err, cases.ErrPursuitEnded) {
			return ledger.Event{}, fmt.Errorf("case %s: %w", id, err)
		}
		if len(c.Events) == n {
			return ledger.Event{}, fmt.Errorf("case %s: the step recorded nothing: %w", id, cases.ErrWrongState)
		}
		for i := n; i < len(c.Events); i++ {
			c.Events[i].By = userLabel(u)
		}
		// A hand-over gives the case to another state's authority: release it to that state.
		widened, err := c.Release()
		if err != nil {
			return ledger.Event{}, fmt.Errorf("case %s: %w", id, err)
		}
		if widened {
			am, err := caseMarkings(c.Markings)
			if err != nil {
				return ledger.Event{}, fmt.Errorf("case %s: markings: %w", id, err)
			}
			if err := putRelTo(ctx, s, tx, "case", id, am.RelTo); err != nil {
				return ledger.Event{}, fmt.Errorf("case %s: releasability: %w", id, err)
			}
		}
		nb, err := json.Marshal(c)
		if err != nil {
			return ledger.Event{}, err
		}
		if _, err := tx.ExecContext(ctx, s.Rebind(`UPDATE cases SET authority = ?, status = ?, acting_state = ?, body = ?, updated_ms = ? WHERE id = ?`),
			c.Authority, c.Status, c.ActingState, string(nb), at.UnixMilli(), id); err != nil {
			return ledger.Event{}, fmt.Errorf("case %s: %w", id, err)
		}
		return caseEvent(u, c, c.Events[len(c.Events)-1].Action, nb, at), nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// readCase reads one case u may read, inside tx.
func (s *Store) readCase(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, u access.User, id string) (*cases.Case, error) {
	vis, vargs := markedVisible("case", "c", u)
	var body string
	err := q.QueryRowContext(ctx, s.Rebind(`SELECT c.body FROM cases c WHERE c.id = ? AND `+vis), append([]any{id}, vargs...)...).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("case %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	var c cases.Case
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, fmt.Errorf("case %s: stored body: %w", id, err)
	}
	return &c, nil
}

// Case returns the case id with its events if u may read it, or an error wrapping ErrNotFound
// (missing and not releasable look alike).
//
// Reading an AMBER or RED case is logged on the ledger before it is returned (see
// logMarkedReads).
func (s *Store) Case(ctx context.Context, u access.User, id string) (*cases.Case, error) {
	vis, vargs := markedVisible("case", "c", u)
	var tlp, body string
	err := s.ReadDB().QueryRowContext(ctx, s.Rebind(`SELECT c.tlp, c.body FROM cases c WHERE c.id = ? AND `+vis), append([]any{id}, vargs...)...).Scan(&tlp, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("case %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	var c cases.Case
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, fmt.Errorf("case %s: stored body: %w", id, err)
	}
	if err := s.logMarkedReads(ctx, u, "get", []markedRead{{CaseReadRecordType, id, tlp, []byte(body)}}); err != nil {
		return nil, err
	}
	return &c, nil
}

// Cases returns up to limit cases that u may read (default and at most 1000), of one
// competent authority ("SEMAR", "USCG"; "" for all), most recently changed first.
func (s *Store) Cases(ctx context.Context, u access.User, authority string, limit int) ([]*cases.Case, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	vis, args := markedVisible("case", "c", u)
	where := []string{vis}
	if authority != "" {
		where = append([]string{"c.authority = ?"}, where...)
		args = append([]any{authority}, args...)
	}
	rows, err := s.ReadDB().QueryContext(ctx, s.Rebind(`SELECT c.id, c.tlp, c.body FROM cases c WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.updated_ms DESC, c.id LIMIT `+strconv.Itoa(limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	defer rows.Close()
	out := []*cases.Case{}
	var reads []markedRead
	for rows.Next() {
		var id, tlp, body string
		if err := rows.Scan(&id, &tlp, &body); err != nil {
			return nil, fmt.Errorf("cases: %w", err)
		}
		c := new(cases.Case)
		if err := json.Unmarshal([]byte(body), c); err != nil {
			return nil, fmt.Errorf("cases: stored body: %w", err)
		}
		out = append(out, c)
		reads = append(reads, markedRead{CaseReadRecordType, id, tlp, []byte(body)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	rows.Close()
	if err := s.logMarkedReads(ctx, u, "list", reads); err != nil {
		return nil, err
	}
	return out, nil
}

// CaseRecords is the ledger record source of cases; register it with
// [Store.RegisterRecordSource](CaseRecordType, ...) so that `accord ledger verify` checks each
// case against its last ledger entry and finds cases changed without one.
func (s *Store) CaseRecords() interface {
	ledger.RecordSource
	ledger.RecordLister
} {
	return caseSource{s}
}

type caseSource struct{ s *Store }

func (c caseSource) CurrentHash(ctx context.Context, recordType, id string) ([32]byte, bool, error) {
	return c.s.bodyHash(ctx, "cases", "id", id)
}

func (c caseSource) EachRecord(ctx context.Context, fn func(recordType, id string) error) error {
	return c.s.eachRecordID(ctx, CaseRecordType, "cases", "id", fn)
}
