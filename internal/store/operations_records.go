package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
)

// ErrAlreadyRecorded is returned when a record that exists once per operation (its liaison
// report, its reminder, its outcome, the operation itself) is written a second time.
var ErrAlreadyRecorded = errors.New("already recorded")

// OperationMeta is the meta of a stored operation ([ops.Meta]).
type OperationMeta = ops.Meta

// OperationRecord is a stored operation with its meta ([ops.Record]).
type OperationRecord = ops.Record

// OperationMarkings returns an operation's markings: originator, TLP, and REL TO its audience
// states.
func OperationMarkings(m ops.Meta) access.Markings {
	mk := access.Markings{Originator: m.Originator, TLP: access.TLP(m.TLP)}
	for _, s := range m.Audience {
		mk.RelTo = append(mk.RelTo, access.Target{Type: access.TargetState, Value: s})
	}
	return mk
}

// CreateOperation records a new operation with its markings and audience ("operation.plan";
// metadata: type, originator, tlp). The operation must be valid, the markings valid with TLP
// GREEN or AMBER, the audience non-empty state codes; an existing id is ErrAlreadyRecorded.
func (s *Store) CreateOperation(ctx context.Context, op *ops.Operation, m OperationMeta, actor ledger.Actor) (int64, error) {
	step, err := s.createOperationStep(op, m, actor)
	if err != nil {
		return 0, err
	}
	return s.Apply(ctx, step)
}

// applyStep is one change of a transaction run by [Store.Apply]: it writes with tx and
// returns the change's ledger event.
type applyStep = func(ctx context.Context, tx *sql.Tx) (ledger.Event, error)

// createOperationStep validates a new operation and returns the step that stores it (see
// [Store.CreateOperation]).
func (s *Store) createOperationStep(op *ops.Operation, m OperationMeta, actor ledger.Actor) (applyStep, error) {
	if m.ID == "" {
		return nil, errors.New("store operation: id is required")
	}
	if err := op.Validate(); err != nil {
		return nil, fmt.Errorf("store operation %s: %w", m.ID, err)
	}
	if m.TLP != string(access.TLPGreen) && m.TLP != string(access.TLPAmber) {
		return nil, fmt.Errorf("store operation %s: %w TLP %q: an operation is GREEN or AMBER, released to its audience states", m.ID, access.ErrInvalid, m.TLP)
	}
	aud := slices.Clone(m.Audience)
	slices.Sort(aud)
	aud = slices.Compact(aud)
	if len(aud) == 0 {
		return nil, fmt.Errorf("store operation %s: %w: empty audience", m.ID, access.ErrInvalid)
	}
	m.Audience = aud
	if err := OperationMarkings(m).Validate(); err != nil {
		return nil, fmt.Errorf("store operation %s: %w", m.ID, err)
	}
	body, err := json.Marshal(op)
	if err != nil {
		return nil, fmt.Errorf("store operation %s: %w", m.ID, err)
	}
	exists := s.Rebind(`SELECT count(*) FROM operations WHERE id = ?`)
	ins := s.Rebind(`INSERT INTO operations (id, type, start_ms, end_ms, body, updated_ms, originator, originator_state, tlp, created_by, created_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insAud := s.Rebind(`INSERT INTO operation_audience (operation_id, state) VALUES (?, ?) ON CONFLICT DO NOTHING`)
	return func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		var n int
		if err := tx.QueryRowContext(ctx, exists, m.ID).Scan(&n); err != nil {
			return ledger.Event{}, fmt.Errorf("store operation %s: %w", m.ID, err)
		}
		if n > 0 {
			return ledger.Event{}, fmt.Errorf("store operation %s: %w", m.ID, ErrAlreadyRecorded)
		}
		if _, err := tx.ExecContext(ctx, ins, m.ID, string(op.Type), op.Start.UnixMilli(), op.End.UnixMilli(), string(body),
			m.Created.UnixMilli(), m.Originator, m.OriginatorState, string(m.TLP), m.CreatedBy, m.Created.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("store operation %s: %w", m.ID, err)
		}
		for _, st := range m.Audience {
			if _, err := tx.ExecContext(ctx, insAud, m.ID, st); err != nil {
				return ledger.Event{}, fmt.Errorf("store operation %s: %w", m.ID, err)
			}
		}
		return ledger.Event{Actor: actor, Action: "operation.plan", RecordType: OperationRecordType, RecordID: m.ID,
			Content: ledger.ContentHash(body), Time: m.Created,
			Meta: []ledger.Meta{{Key: "originator", Value: m.Originator}, {Key: "tlp", Value: string(m.TLP)}, {Key: "type", Value: string(op.Type)}}}, nil
	}, nil
}

// OperationQuery selects operations for a user: those the user may read ([Store.OperationsFor]),
// optionally of one Type, at most Limit (default 200, at most 1000), newest first.
type OperationQuery struct {
	Type  ops.Type
	Limit int
}

const opCols = `o.id, o.body, o.originator, o.originator_state, o.tlp, o.created_by, o.created_ms`

// opVisible is the condition under which u reads operation o: u holds a reading role (checked
// in Go) and u's agency originated it or u's state is in its audience.
const opVisible = `(o.originator = ? OR EXISTS (SELECT 1 FROM operation_audience a WHERE a.operation_id = o.id AND a.state = ?))`

// OperationsFor returns the operations u may read: u holds a reading role (not monitor,
// [access.User.Reader]) and u's agency originated the operation or u's state is in its
// audience. The same rule as [access.CanRead] on [OperationMeta.Markings]. Reads of AMBER and
// RED operations (here and in [Store.OperationFor]) are logged on the ledger before they are
// returned (logMarkedReads).
func (s *Store) OperationsFor(ctx context.Context, u access.User, q OperationQuery) ([]OperationRecord, error) {
	if !u.Reader() {
		return nil, nil
	}
	if q.Limit <= 0 {
		q.Limit = 200
	}
	q.Limit = min(q.Limit, 1000)
	query := `SELECT ` + opCols + ` FROM operations o WHERE ` + opVisible
	args := []any{u.Agency, u.State}
	if q.Type != "" {
		query += ` AND o.type = ?`
		args = append(args, string(q.Type))
	}
	query += ` ORDER BY o.created_ms DESC, o.id LIMIT ?`
	args = append(args, q.Limit)
	recs, bodies, err := s.scanOperationBodies(ctx, s.Rebind(query), args...)
	if err != nil {
		return nil, err
	}
	if err := s.logOperationReads(ctx, u, "list", recs, bodies); err != nil {
		return nil, err
	}
	return recs, nil
}

// logOperationReads logs u's reads of the AMBER and RED operations among recs (see
// logMarkedReads); bodies are their stored bodies.
func (s *Store) logOperationReads(ctx context.Context, u access.User, via string, recs []OperationRecord, bodies [][]byte) error {
	reads := make([]markedRead, len(recs))
	for i, r := range recs {
		reads[i] = markedRead{OperationReadRecordType, r.ID, r.TLP, bodies[i]}
	}
	return s.logMarkedReads(ctx, u, via, reads)
}

// OperationsForType is [Store.OperationsFor] with the query's fields as arguments (t "" for
// every type).
func (s *Store) OperationsForType(ctx context.Context, u access.User, t ops.Type, limit int) ([]OperationRecord, error) {
	return s.OperationsFor(ctx, u, OperationQuery{Type: t, Limit: limit})
}

// OperationFor returns operation id if u may read it, else an error wrapping ErrNotFound (the
// same as for a missing operation).
func (s *Store) OperationFor(ctx context.Context, u access.User, id string) (OperationRecord, error) {
	if !u.Reader() {
		return OperationRecord{}, fmt.Errorf("operation %s: %w", id, ErrNotFound)
	}
	recs, bodies, err := s.scanOperationBodies(ctx, s.Rebind(`SELECT `+opCols+` FROM operations o WHERE o.id = ? AND `+opVisible), id, u.Agency, u.State)
	if err != nil {
		return OperationRecord{}, err
	}
	if len(recs) == 0 {
		return OperationRecord{}, fmt.Errorf("operation %s: %w", id, ErrNotFound)
	}
	if err := s.logOperationReads(ctx, u, "get", recs[:1], bodies[:1]); err != nil {
		return OperationRecord{}, err
	}
	return recs[0], nil
}

// OperationRecordByID returns operation id without a reader check (for the system: reminders,
// re-evaluation after a consent), or ErrNotFound.
func (s *Store) OperationRecordByID(ctx context.Context, id string) (OperationRecord, error) {
	recs, err := s.scanOperations(ctx, s.Rebind(`SELECT `+opCols+` FROM operations o WHERE o.id = ?`), id)
	if err != nil {
		return OperationRecord{}, err
	}
	if len(recs) == 0 {
		return OperationRecord{}, fmt.Errorf("operation %s: %w", id, ErrNotFound)
	}
	return recs[0], nil
}

func (s *Store) scanOperations(ctx context.Context, query string, args ...any) ([]OperationRecord, error) {
	out, _, err := s.scanOperationBodies(ctx, query, args...)
	return out, err
}

// scanOperationBodies is scanOperations that also returns each operation's stored body.
func (s *Store) scanOperationBodies(ctx context.Context, query string, args ...any) ([]OperationRecord, [][]byte, error) {
	rows, err := s.ReadDB().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("operations: %w", err)
	}
	var out []OperationRecord
	var bodies [][]byte
	for rows.Next() {
		var r OperationRecord
		var body, tlp string
		var created int64
		if err := rows.Scan(&r.ID, &body, &r.Originator, &r.OriginatorState, &tlp, &r.CreatedBy, &created); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("operations: %w", err)
		}
		r.TLP, r.Created = tlp, time.UnixMilli(created).UTC()
		if r.Op, err = ops.ParseJSON([]byte(body)); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("operation %s: stored body: %w", r.ID, err)
		}
		out, bodies = append(out, r), append(bodies, []byte(body))
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("operations: %w", err)
	}
	for i := range out {
		if out[i].Audience, err = s.audience(ctx, out[i].ID); err != nil {
			return nil, nil, err
		}
	}
	return out, bodies, nil
}

func (s *Store) audience(ctx context.Context, id string) ([]string, error) {
	rows, err := s.ReadDB().QueryContext(ctx, s.Rebind(`SELECT state FROM operation_audience WHERE operation_id = ? ORDER BY state`), id)
	if err != nil {
		return nil, fmt.Errorf("audience of %s: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var st string
		if err := rows.Scan(&st); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// PolicyDecisions returns the decisions recorded on an operation, oldest first.
func (s *Store) PolicyDecisions(ctx context.Context, operationID string) ([]ops.DecisionRecord, error) {
	rows, err := s.ReadDB().QueryContext(ctx, s.Rebind(`SELECT id, decision, body, decided_ms FROM policy_decisions WHERE operation_id = ? ORDER BY decided_ms, id`), operationID)
	if err != nil {
		return nil, fmt.Errorf("decisions of %s: %w", operationID, err)
	}
	defer rows.Close()
	var out []ops.DecisionRecord
	for rows.Next() {
		var d ops.DecisionRecord
		var body string
		var ms int64
		if err := rows.Scan(&d.ID, &d.Decision, &body, &ms); err != nil {
			return nil, fmt.Errorf("decisions of %s: %w", operationID, err)
		}
		d.Body, d.At = []byte(body), time.UnixMilli(ms).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// ConsentRecord is a consent request with its decision ([ops.ConsentRecord]).
type ConsentRecord = ops.ConsentRecord

const consentSelect = `SELECT r.body, d.body FROM consent_requests r LEFT JOIN consent_decisions d ON d.request_id = r.id`

// ConsentRequests returns the consent requests of an operation with their decisions, by id.
func (s *Store) ConsentRequests(ctx context.Context, operationID string) ([]ConsentRecord, error) {
	return s.scanConsents(ctx, s.Rebind(consentSelect+` WHERE r.operation_id = ? ORDER BY r.id`), operationID)
}

// ConsentInbox returns the consent requests addressed to state, with their decisions; pending
// only when pendingOnly. Oldest request first, at most limit (default 200, at most 1000).
func (s *Store) ConsentInbox(ctx context.Context, state string, pendingOnly bool, limit int) ([]ConsentRecord, error) {
	if limit <= 0 {
		limit = 200
	}
	limit = min(limit, 1000)
	q := consentSelect + ` WHERE r.state = ?`
	if pendingOnly {
		q += ` AND d.request_id IS NULL`
	}
	q += ` ORDER BY r.requested_ms, r.id LIMIT ?`
	return s.scanConsents(ctx, s.Rebind(q), state, limit)
}

// ConsentRequestByID returns one request with its decision, or ErrNotFound.
func (s *Store) ConsentRequestByID(ctx context.Context, id string) (ConsentRecord, error) {
	recs, err := s.scanConsents(ctx, s.Rebind(consentSelect+` WHERE r.id = ?`), id)
	if err != nil {
		return ConsentRecord{}, err
	}
	if len(recs) == 0 {
		return ConsentRecord{}, fmt.Errorf("consent request %s: %w", id, ErrNotFound)
	}
	return recs[0], nil
}

func (s *Store) scanConsents(ctx context.Context, query string, args ...any) ([]ConsentRecord, error) {
	rows, err := s.ReadDB().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("consent requests: %w", err)
	}
	defer rows.Close()
	var out []ConsentRecord
	for rows.Next() {
		var rb string
		var db sql.NullString
		if err := rows.Scan(&rb, &db); err != nil {
			return nil, fmt.Errorf("consent requests: %w", err)
		}
		var c ConsentRecord
		if err := json.Unmarshal([]byte(rb), &c.Request); err != nil {
			return nil, fmt.Errorf("consent request: stored body: %w", err)
		}
		if db.Valid {
			c.Decision = new(ops.ConsentDecision)
			if err := json.Unmarshal([]byte(db.String), c.Decision); err != nil {
				return nil, fmt.Errorf("consent decision %s: stored body: %w", c.Request.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SubmitLiaisonReport records the written report of a liaison meeting ("liaison.report";
// metadata: late). The report must be valid against the stored meeting
// ([ops.LiaisonReport.Validate]); a second report is ErrAlreadyRecorded.
func (s *Store) SubmitLiaisonReport(ctx context.Context, r ops.LiaisonReport, actor ledger.Actor) (int64, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("liaison report %s: %w", r.OperationID, err)
	}
	ins := s.Rebind(`INSERT INTO liaison_reports (operation_id, body, submitted_ms) VALUES (?, ?, ?)`)
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		op, err := operationTx(ctx, s, tx, r.OperationID)
		if err != nil {
			return ledger.Event{}, err
		}
		if err := r.Validate(op); err != nil {
			return ledger.Event{}, fmt.Errorf("liaison report %s: %w", r.OperationID, err)
		}
		if err := onceTx(ctx, s, tx, "liaison_reports", r.OperationID); err != nil {
			return ledger.Event{}, fmt.Errorf("liaison report %s: %w", r.OperationID, err)
		}
		if _, err := tx.ExecContext(ctx, ins, r.OperationID, string(body), r.SubmittedAt.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("liaison report %s: %w", r.OperationID, err)
		}
		return ledger.Event{Actor: actor, Action: "liaison.report", RecordType: LiaisonReportRecordType, RecordID: r.OperationID,
			Content: ledger.ContentHash(body), Time: r.SubmittedAt,
			Meta: []ledger.Meta{{Key: "late", Value: fmt.Sprint(r.Late)}}}, nil
	})
}

// LiaisonReport returns the report of a liaison meeting, or ErrNotFound.
func (s *Store) LiaisonReport(ctx context.Context, operationID string) (ops.LiaisonReport, error) {
	var r ops.LiaisonReport
	err := s.getBody(ctx, `SELECT body FROM liaison_reports WHERE operation_id = ?`, operationID, &r)
	return r, err
}

// LiaisonReminder is a recorded reminder ([ops.LiaisonReminder]).
type LiaisonReminder = ops.LiaisonReminder

// LiaisonFollowUp is the report state of one liaison meeting ([ops.FollowUp]).
type LiaisonFollowUp = ops.FollowUp

// LiaisonFollowUps returns the liaison meetings that ended before endedBefore and were approved
// (latest policy decision allow: a meeting not approved may not take place and owes no report),
// with their report and reminder, oldest end first, at most limit (default 1000). With a
// non-nil u, only the meetings u may read (as [Store.OperationsFor], except that a monitor sees
// them too: the caller redacts).
func (s *Store) LiaisonFollowUps(ctx context.Context, u *access.User, endedBefore time.Time, limit int) ([]LiaisonFollowUp, error) {
	if limit <= 0 {
		limit = 1000
	}
	q := `SELECT ` + opCols + ` FROM operations o WHERE o.type = ? AND o.end_ms < ?`
	args := []any{string(ops.LiaisonMeeting), endedBefore.UnixMilli()}
	if u != nil {
		q += ` AND ` + opVisible
		args = append(args, u.Agency, u.State)
	}
	q += ` ORDER BY o.end_ms, o.id LIMIT ?`
	args = append(args, limit)
	recs, err := s.scanOperations(ctx, s.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	var out []LiaisonFollowUp
	for _, r := range recs {
		f := LiaisonFollowUp{Record: r}
		d, err := s.latestDecision(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if d != policy.Allow {
			continue
		}
		f.Decision = d
		f.Due, _ = ops.LiaisonReportDue(r.Op)
		if rep, err := s.LiaisonReport(ctx, r.ID); err == nil {
			f.Report = &rep
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		var rem LiaisonReminder
		if err := s.getBody(ctx, `SELECT body FROM liaison_reminders WHERE operation_id = ?`, r.ID, &rem); err == nil {
			f.Reminder = &rem
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// RemindLiaisonReports records, once per approved liaison meeting that has ended before now
// without a report, a reminder that the report is due ("liaison.remind"; metadata: due). It
// returns how many reminders it recorded. Safe to call often and concurrently: a meeting
// already reminded is skipped (ErrAlreadyRecorded inside the write is not an error here).
func (s *Store) RemindLiaisonReports(ctx context.Context, now time.Time, actor ledger.Actor) (int, error) {
	// Only the meetings that ended without a report or a reminder: the query stays small however
	// many meetings the node has seen.
	recs, err := s.scanOperations(ctx, s.Rebind(`SELECT `+opCols+` FROM operations o WHERE o.type = ? AND o.end_ms < ?
 AND NOT EXISTS (SELECT 1 FROM liaison_reports r WHERE r.operation_id = o.id)
 AND NOT EXISTS (SELECT 1 FROM liaison_reminders m WHERE m.operation_id = o.id)
 ORDER BY o.end_ms, o.id LIMIT 1000`), string(ops.LiaisonMeeting), now.UnixMilli())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		d, err := s.latestDecision(ctx, r.ID)
		if err != nil {
			return n, err
		}
		if d != policy.Allow {
			continue
		}
		due, _ := ops.LiaisonReportDue(r.Op)
		rem := LiaisonReminder{OperationID: r.ID, Due: due, SentAt: now.UTC(), To: r.Op.States()}
		if _, err := s.recordReminder(ctx, rem, actor); errors.Is(err, ErrAlreadyRecorded) {
			continue
		} else if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ConsentsExpiredSinceDecision returns the operations (at most 1000, by id) with a granted,
// unrevoked consent whose expiry has passed at now but came after the operation's latest policy
// decision: their recorded decision still counts on a consent that is gone, and they must be
// decided again. With only non-empty, only that operation is considered.
func (s *Store) ConsentsExpiredSinceDecision(ctx context.Context, now time.Time, only string) ([]string, error) {
	q := `SELECT DISTINCT r.operation_id FROM consent_decisions d JOIN consent_requests r ON r.id = d.request_id
WHERE d.granted = 1 AND d.revoked_ms IS NULL AND d.expires_ms IS NOT NULL AND d.expires_ms <= ?
 AND d.expires_ms > COALESCE((SELECT max(p.decided_ms) FROM policy_decisions p WHERE p.operation_id = r.operation_id), 0)`
	args := []any{now.UnixMilli()}
	if only != "" {
		q += ` AND r.operation_id = ?`
		args = append(args, only)
	}
	q += ` ORDER BY r.operation_id LIMIT 1000`
	rows, err := s.ReadDB().QueryContext(ctx, s.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("expired consents: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("expired consents: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// latestDecision is the latest policy decision on an operation, "" when none.
func (s *Store) latestDecision(ctx context.Context, id string) (string, error) {
	var d string
	err := s.ReadDB().QueryRowContext(ctx, s.Rebind(`SELECT decision FROM policy_decisions WHERE operation_id = ? ORDER BY decided_ms DESC, id DESC LIMIT 1`), id).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("decision of %s: %w", id, err)
	}
	return d, nil
}

func (s *Store) recordReminder(ctx context.Context, rem LiaisonReminder, actor ledger.Actor) (int64, error) {
	body, err := json.Marshal(rem)
	if err != nil {
		return 0, err
	}
	ins := s.Rebind(`INSERT INTO liaison_reminders (operation_id, body, reminded_ms) VALUES (?, ?, ?)`)
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if err := onceTx(ctx, s, tx, "liaison_reminders", rem.OperationID); err != nil {
			return ledger.Event{}, fmt.Errorf("liaison reminder %s: %w", rem.OperationID, err)
		}
		if _, err := tx.ExecContext(ctx, ins, rem.OperationID, string(body), rem.SentAt.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("liaison reminder %s: %w", rem.OperationID, err)
		}
		return ledger.Event{Actor: actor, Action: "liaison.remind", RecordType: LiaisonReminderRecordType, RecordID: rem.OperationID,
			Content: ledger.ContentHash(body), Time: rem.SentAt,
			Meta: []ledger.Meta{{Key: "due", Value: rem.Due.Format(time.RFC3339)}, {Key: "to", Value: strings.Join(rem.To, ",")}}}, nil
	})
}

// RecordOutcome records the outcome of an operation ("operation.outcome"; metadata:
// force_exceeded, and force_used). The outcome must be valid against the stored operation
// ([ops.Outcome.Validate]); a second outcome is ErrAlreadyRecorded.
func (s *Store) RecordOutcome(ctx context.Context, o ops.Outcome, actor ledger.Actor) (int64, error) {
	body, err := json.Marshal(o)
	if err != nil {
		return 0, fmt.Errorf("outcome %s: %w", o.OperationID, err)
	}
	exceeded := 0
	if o.ForceExceeded {
		exceeded = 1
	}
	ins := s.Rebind(`INSERT INTO operation_outcomes (operation_id, body, force_exceeded, recorded_ms) VALUES (?, ?, ?, ?)`)
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		op, err := operationTx(ctx, s, tx, o.OperationID)
		if err != nil {
			return ledger.Event{}, err
		}
		if err := o.Validate(op); err != nil {
			return ledger.Event{}, fmt.Errorf("outcome %s: %w", o.OperationID, err)
		}
		if err := onceTx(ctx, s, tx, "operation_outcomes", o.OperationID); err != nil {
			return ledger.Event{}, fmt.Errorf("outcome %s: %w", o.OperationID, err)
		}
		if _, err := tx.ExecContext(ctx, ins, o.OperationID, string(body), exceeded, o.RecordedAt.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("outcome %s: %w", o.OperationID, err)
		}
		return ledger.Event{Actor: actor, Action: "operation.outcome", RecordType: OutcomeRecordType, RecordID: o.OperationID,
			Content: ledger.ContentHash(body), Time: o.RecordedAt,
			Meta: []ledger.Meta{{Key: "force_exceeded", Value: fmt.Sprint(o.ForceExceeded)}, {Key: "force_used", Value: fmt.Sprint(o.ForceUsed)}}}, nil
	})
}

// Outcome returns the outcome of an operation, or ErrNotFound.
func (s *Store) Outcome(ctx context.Context, operationID string) (ops.Outcome, error) {
	var o ops.Outcome
	err := s.getBody(ctx, `SELECT body FROM operation_outcomes WHERE operation_id = ?`, operationID, &o)
	return o, err
}

// getBody reads the JSON body one query returns for id into v; ErrNotFound without a row.
func (s *Store) getBody(ctx context.Context, query, id string, v any) error {
	var body string
	err := s.ReadDB().QueryRowContext(ctx, s.Rebind(query), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return fmt.Errorf("%s: stored body: %w", id, err)
	}
	return nil
}

func operationTx(ctx context.Context, s *Store, tx *sql.Tx, id string) (*ops.Operation, error) {
	var body string
	err := tx.QueryRowContext(ctx, s.Rebind(`SELECT body FROM operations WHERE id = ?`), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("operation %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("operation %s: %w", id, err)
	}
	return ops.ParseJSON([]byte(body))
}

// onceTx returns ErrAlreadyRecorded when table already has a row for operation id.
func onceTx(ctx context.Context, s *Store, tx *sql.Tx, table, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.Rebind(`SELECT count(*) FROM `+table+` WHERE operation_id = ?`), id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrAlreadyRecorded
	}
	return nil
}
