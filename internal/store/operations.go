package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
)

// Ledger record types of the operations and consent workflow.
const (
	OperationRecordType       = "operation"
	PolicyDecisionRecordType  = "policy_decision"
	ConsentRequestRecordType  = "consent_request"
	ConsentDecisionRecordType = "consent_decision"
	LiaisonReportRecordType   = "liaison_report"
	LiaisonReminderRecordType = "liaison_reminder"
	OutcomeRecordType         = "operation_outcome"
)

// ErrAlreadyDecided is returned when a consent request already has its decision.
var ErrAlreadyDecided = errors.New("consent request already decided")

// PutOperation records an operation (new, or a new version under the same id) and its ledger
// entry ("operation.plan" / "operation.update"; metadata: type). The operation must be valid.
func (s *Store) PutOperation(ctx context.Context, id string, op *ops.Operation, actor ledger.Actor) (int64, error) {
	if id == "" {
		return 0, errors.New("store operation: id is required")
	}
	if err := op.Validate(); err != nil {
		return 0, fmt.Errorf("store operation %s: %w", id, err)
	}
	body, err := json.Marshal(op)
	if err != nil {
		return 0, fmt.Errorf("store operation %s: %w", id, err)
	}
	exists := s.Rebind(`SELECT count(*) FROM operations WHERE id = ?`)
	upsert := s.Rebind(`INSERT INTO operations (id, type, start_ms, end_ms, body, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET type = excluded.type, start_ms = excluded.start_ms, end_ms = excluded.end_ms,
 body = excluded.body, updated_ms = excluded.updated_ms`)
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		var n int
		if err := tx.QueryRowContext(ctx, exists, id).Scan(&n); err != nil {
			return ledger.Event{}, fmt.Errorf("store operation %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, upsert, id, string(op.Type), op.Start.UnixMilli(), op.End.UnixMilli(), string(body), time.Now().UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("store operation %s: %w", id, err)
		}
		action := "operation.plan"
		if n > 0 {
			action = "operation.update"
		}
		return ledger.Event{Actor: actor, Action: action, RecordType: OperationRecordType, RecordID: id,
			Content: ledger.ContentHash(body), Meta: []ledger.Meta{{Key: "type", Value: string(op.Type)}}}, nil
	})
}

// Operation returns the stored operation id, or ErrNotFound.
func (s *Store) Operation(ctx context.Context, id string) (*ops.Operation, error) {
	var body string
	err := s.ReadDB().QueryRowContext(ctx, s.Rebind(`SELECT body FROM operations WHERE id = ?`), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("operation %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("operation %s: %w", id, err)
	}
	return ops.ParseJSON([]byte(body))
}

// RecordPolicyDecision records a decision of the policy engine on a stored operation under id,
// with its ledger entry ("policy.decide"; metadata: the decision and the policy version).
func (s *Store) RecordPolicyDecision(ctx context.Context, id, operationID string, d policy.Decision, at time.Time, actor ledger.Actor) (int64, error) {
	step, err := s.policyDecisionStep(id, operationID, d, at, actor)
	if err != nil {
		return 0, err
	}
	return s.Apply(ctx, step)
}

// policyDecisionStep returns the step that records a policy decision (see
// [Store.RecordPolicyDecision]).
func (s *Store) policyDecisionStep(id, operationID string, d policy.Decision, at time.Time, actor ledger.Actor) (applyStep, error) {
	if id == "" || operationID == "" {
		return nil, errors.New("store policy decision: id and operation id are required")
	}
	body, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("store policy decision %s: %w", id, err)
	}
	ins := s.Rebind(`INSERT INTO policy_decisions (id, operation_id, decision, policy_version, body, decided_ms) VALUES (?, ?, ?, ?, ?, ?)`)
	return func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, ins, id, operationID, d.Decision, d.PolicyVersion, string(body), at.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("store policy decision %s: %w", id, err)
		}
		return ledger.Event{Actor: actor, Action: "policy.decide", RecordType: PolicyDecisionRecordType, RecordID: id,
			Content: ledger.ContentHash(body), Time: at,
			Meta: []ledger.Meta{{Key: "decision", Value: d.Decision}, {Key: "operation", Value: operationID}, {Key: "policy_version", Value: d.PolicyVersion}}}, nil
	}, nil
}

// PutConsentRequest records a consent request for a stored operation ("consent.request";
// metadata: state, authority when one is named, role) and adds the state asked to the
// operation's audience (it reads the operation). The request must be valid.
func (s *Store) PutConsentRequest(ctx context.Context, r ops.ConsentRequest, actor ledger.Actor) (int64, error) {
	step, err := s.consentRequestStep(r, actor)
	if err != nil {
		return 0, err
	}
	return s.Apply(ctx, step)
}

// consentRequestStep validates a consent request and returns the step that records it (see
// [Store.PutConsentRequest]).
func (s *Store) consentRequestStep(r ops.ConsentRequest, actor ledger.Actor) (applyStep, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("store consent request %s: %w", r.ID, err)
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("store consent request %s: %w", r.ID, err)
	}
	ins := s.Rebind(`INSERT INTO consent_requests (id, operation_id, state, authority, role, body, requested_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	aud := s.Rebind(`INSERT INTO operation_audience (operation_id, state) VALUES (?, ?) ON CONFLICT DO NOTHING`)
	meta := []ledger.Meta{{Key: "role", Value: r.Role}, {Key: "state", Value: r.State}}
	if r.Authority != "" { // "" is any authority of the state (a flag state's); metadata values are never empty
		meta = append([]ledger.Meta{{Key: "authority", Value: r.Authority}}, meta...)
	}
	return func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, ins, r.ID, r.OperationID, r.State, r.Authority, r.Role, string(body), r.RequestedAt.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("store consent request %s: %w", r.ID, err)
		}
		// The state asked reads the operation it is asked about.
		if _, err := tx.ExecContext(ctx, aud, r.OperationID, r.State); err != nil {
			return ledger.Event{}, fmt.Errorf("store consent request %s: %w", r.ID, err)
		}
		return ledger.Event{Actor: actor, Action: "consent.request", RecordType: ConsentRequestRecordType, RecordID: r.ID,
			Content: ledger.ContentHash(body), Time: r.RequestedAt, Meta: meta}, nil
	}, nil
}

func requestTx(ctx context.Context, s *Store, tx *sql.Tx, id string) (ops.ConsentRequest, error) {
	var body string
	var r ops.ConsentRequest
	err := tx.QueryRowContext(ctx, s.Rebind(`SELECT body FROM consent_requests WHERE id = ?`), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("consent request %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("consent request %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return r, fmt.Errorf("consent request %s: stored body: %w", id, err)
	}
	return r, nil
}

func nullMillis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// DecideConsent records the answer to a stored request ("consent.grant" or "consent.refuse"):
// the decision must be valid against the request (approver of the requested state, scope
// within the one asked); a request is decided once (ErrAlreadyDecided).
func (s *Store) DecideConsent(ctx context.Context, d ops.ConsentDecision, actor ledger.Actor) (int64, error) {
	body, err := json.Marshal(d)
	if err != nil {
		return 0, fmt.Errorf("store consent decision %s: %w", d.RequestID, err)
	}
	exists := s.Rebind(`SELECT count(*) FROM consent_decisions WHERE request_id = ?`)
	ins := s.Rebind(`INSERT INTO consent_decisions (request_id, granted, expires_ms, revoked_ms, body, updated_ms) VALUES (?, ?, ?, NULL, ?, ?)`)
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		r, err := requestTx(ctx, s, tx, d.RequestID)
		if err != nil {
			return ledger.Event{}, err
		}
		if err := d.Validate(&r); err != nil {
			return ledger.Event{}, fmt.Errorf("consent decision on %s: %w", r.ID, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, exists, r.ID).Scan(&n); err != nil {
			return ledger.Event{}, fmt.Errorf("consent decision on %s: %w", r.ID, err)
		}
		if n > 0 {
			return ledger.Event{}, fmt.Errorf("consent decision on %s: %w", r.ID, ErrAlreadyDecided)
		}
		granted, action := 0, "consent.refuse"
		if d.Granted {
			granted, action = 1, "consent.grant"
		}
		if _, err := tx.ExecContext(ctx, ins, r.ID, granted, nullMillis(d.Expires), string(body), d.DecidedAt.UnixMilli()); err != nil {
			return ledger.Event{}, fmt.Errorf("consent decision on %s: %w", r.ID, err)
		}
		return ledger.Event{Actor: actor, Action: action, RecordType: ConsentDecisionRecordType, RecordID: r.ID,
			Content: ledger.ContentHash(body), Time: d.DecidedAt,
			Meta: []ledger.Meta{{Key: "role", Value: r.Role}, {Key: "state", Value: r.State}}}, nil
	})
}

// RevokeConsent revokes the grant answering request requestID at time at ("consent.revoke").
// Errors: ErrNotFound without a decision, ops.ErrNotGranted for a refusal, ops.ErrRevoked when
// already revoked.
func (s *Store) RevokeConsent(ctx context.Context, requestID string, at time.Time, by, reason string, actor ledger.Actor) (int64, error) {
	sel := s.Rebind(`SELECT body FROM consent_decisions WHERE request_id = ?`)
	upd := s.Rebind(`UPDATE consent_decisions SET revoked_ms = ?, body = ?, updated_ms = ? WHERE request_id = ?`)
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		var body string
		err := tx.QueryRowContext(ctx, sel, requestID).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return ledger.Event{}, fmt.Errorf("revoke consent %s: %w", requestID, ErrNotFound)
		}
		if err != nil {
			return ledger.Event{}, fmt.Errorf("revoke consent %s: %w", requestID, err)
		}
		var d ops.ConsentDecision
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			return ledger.Event{}, fmt.Errorf("revoke consent %s: stored body: %w", requestID, err)
		}
		if err := d.Revoke(at, by, reason); err != nil {
			return ledger.Event{}, fmt.Errorf("revoke consent %s: %w", requestID, err)
		}
		nb, err := json.Marshal(d)
		if err != nil {
			return ledger.Event{}, err
		}
		if _, err := tx.ExecContext(ctx, upd, at.UnixMilli(), string(nb), at.UnixMilli(), requestID); err != nil {
			return ledger.Event{}, fmt.Errorf("revoke consent %s: %w", requestID, err)
		}
		return ledger.Event{Actor: actor, Action: "consent.revoke", RecordType: ConsentDecisionRecordType, RecordID: requestID,
			Content: ledger.ContentHash(nb), Time: at}, nil
	})
}

// EffectiveConsents returns, for a stored operation, the consents the policy engine may rely on
// at time at: the granted, unexpired, unrevoked decisions on its requests, each window cut at
// its expiry and revocation ([ops.ConsentDecision.Effective]).
func (s *Store) EffectiveConsents(ctx context.Context, operationID string, at time.Time) ([]ops.Consent, error) {
	rows, err := s.ReadDB().QueryContext(ctx, s.Rebind(`SELECT d.body FROM consent_decisions d
JOIN consent_requests r ON r.id = d.request_id WHERE r.operation_id = ? AND d.granted = 1 ORDER BY r.id`), operationID)
	if err != nil {
		return nil, fmt.Errorf("consents of %s: %w", operationID, err)
	}
	defer rows.Close()
	var out []ops.Consent
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("consents of %s: %w", operationID, err)
		}
		var d ops.ConsentDecision
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			return nil, fmt.Errorf("consents of %s: stored body: %w", operationID, err)
		}
		if c, ok := d.Effective(at); ok {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// operationTables maps each record type of this file to its table and id column.
var operationTables = map[string][2]string{
	OperationRecordType:       {"operations", "id"},
	PolicyDecisionRecordType:  {"policy_decisions", "id"},
	ConsentRequestRecordType:  {"consent_requests", "id"},
	ConsentDecisionRecordType: {"consent_decisions", "request_id"},
	LiaisonReportRecordType:   {"liaison_reports", "operation_id"},
	LiaisonReminderRecordType: {"liaison_reminders", "operation_id"},
	OutcomeRecordType:         {"operation_outcomes", "operation_id"},
}

// OperationRecordTypes lists the record types [Store.OperationRecords] serves.
var OperationRecordTypes = []string{OperationRecordType, PolicyDecisionRecordType, ConsentRequestRecordType, ConsentDecisionRecordType,
	LiaisonReportRecordType, LiaisonReminderRecordType, OutcomeRecordType}

// OperationRecords is the record source of operations, policy decisions, consent requests and
// consent decisions for ledger verification: register it for each of OperationRecordTypes
// ([Store.RegisterRecordSource]) so that `accord ledger verify` checks them. The current hash
// is the SHA-256 of the stored JSON body, as in the records' last ledger entries.
func (s *Store) OperationRecords() interface {
	ledger.RecordSource
	ledger.RecordLister
} {
	return opSource{s}
}

type opSource struct{ s *Store }

func (o opSource) CurrentHash(ctx context.Context, recordType, id string) ([32]byte, bool, error) {
	t, ok := operationTables[recordType]
	if !ok {
		return [32]byte{}, false, fmt.Errorf("record type %q is not an operations record", recordType)
	}
	return o.s.bodyHash(ctx, t[0], t[1], id)
}

func (o opSource) EachRecord(ctx context.Context, fn func(recordType, id string) error) error {
	for _, rt := range OperationRecordTypes {
		t := operationTables[rt]
		if err := o.s.eachRecordID(ctx, rt, t[0], t[1], fn); err != nil {
			return err
		}
	}
	return nil
}
