package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"accord/internal/access"
	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
)

// Operation routes (docs/operations.md): proposing an operation, which the policy engine
// decides; the consent workflow between the states (the inbox of each state's approvers,
// grants with a scope, refusals, revocations; every answer re-decides the operation); the
// written reports of liaison meetings; outcomes. Every route needs a logged-in user (auth.go).
//
// Who sees what: a user reads an operation only when the user holds a reading role (not
// monitor) and the user's agency originated it or the user's state is in its audience (the
// originator's state, the participants', the host states of its place, and every state a
// consent is asked of). Anything else is answered 404, exactly like a missing record. A
// consent request is seen and answered only by its addressed state.

// OpsStore is what the operation routes need from the store (store.Store implements it). Every
// write goes through the store's single write path and appends one ledger entry. Errors wrap
// Config.NotFound for a missing record, ErrAlreadyRecorded / ErrAlreadyDecided (given in
// OpsConfig) for a second write of a once-only record, and *ops.FieldError for invalid input.
type OpsStore interface {
	CreateOperation(ctx context.Context, op *ops.Operation, m ops.Meta, actor ledger.Actor) (int64, error)
	// ProposeOperation stores an operation, its first policy decision and its consent
	// requests in one transaction with all their ledger entries: all of it or nothing.
	ProposeOperation(ctx context.Context, op *ops.Operation, m ops.Meta, decisionID string, d policy.Decision, at time.Time,
		reqs []ops.ConsentRequest, actor ledger.Actor) ([]int64, error)
	OperationFor(ctx context.Context, u access.User, id string) (ops.Record, error)
	OperationsForType(ctx context.Context, u access.User, t ops.Type, limit int) ([]ops.Record, error)
	OperationRecordByID(ctx context.Context, id string) (ops.Record, error)
	RecordPolicyDecision(ctx context.Context, id, operationID string, d policy.Decision, at time.Time, actor ledger.Actor) (int64, error)
	PolicyDecisions(ctx context.Context, operationID string) ([]ops.DecisionRecord, error)
	PutConsentRequest(ctx context.Context, r ops.ConsentRequest, actor ledger.Actor) (int64, error)
	ConsentRequests(ctx context.Context, operationID string) ([]ops.ConsentRecord, error)
	ConsentInbox(ctx context.Context, state string, pendingOnly bool, limit int) ([]ops.ConsentRecord, error)
	ConsentRequestByID(ctx context.Context, id string) (ops.ConsentRecord, error)
	DecideConsent(ctx context.Context, d ops.ConsentDecision, actor ledger.Actor) (int64, error)
	RevokeConsent(ctx context.Context, requestID string, at time.Time, by, reason string, actor ledger.Actor) (int64, error)
	EffectiveConsents(ctx context.Context, operationID string, at time.Time) ([]ops.Consent, error)
	SubmitLiaisonReport(ctx context.Context, r ops.LiaisonReport, actor ledger.Actor) (int64, error)
	LiaisonReport(ctx context.Context, operationID string) (ops.LiaisonReport, error)
	LiaisonFollowUps(ctx context.Context, u *access.User, endedBefore time.Time, limit int) ([]ops.FollowUp, error)
	RemindLiaisonReports(ctx context.Context, now time.Time, actor ledger.Actor) (int, error)
	ConsentsExpiredSinceDecision(ctx context.Context, now time.Time, only string) ([]string, error)
	RecordOutcome(ctx context.Context, o ops.Outcome, actor ledger.Actor) (int64, error)
	Outcome(ctx context.Context, operationID string) (ops.Outcome, error)
}

// OpsConfig enables the operation routes ([Server.EnableOperations]).
type OpsConfig struct {
	// Store holds operations, decisions, consents, reports and outcomes. Required.
	Store OpsStore
	// AlreadyRecorded and AlreadyDecided are the store's sentinels for a once-only record
	// written twice (store.ErrAlreadyRecorded, store.ErrAlreadyDecided), answered 409.
	AlreadyRecorded, AlreadyDecided error
	// Policy configures the policy engine (policy.DefaultConfig() when zero).
	Policy *policy.Config
	// Population returns the population data of the civilian-impact gate (policy.Cities), or
	// an error wrapping ErrLocatorLoading while it loads (answered 503). Nil: no population
	// data; the gate then asks for a protection plan for every land operation at or above its
	// force level.
	Population func() (policy.Population, error)
	// System is the ledger actor of automatic actions (liaison reminders); default
	// {system, node, node}.
	System ledger.Actor
}

// opsState is the operation routes' configuration of one server and its policy engine, built
// once per jurisdiction engine.
type opsState struct {
	cfg OpsConfig
	mu  sync.Mutex
	// decideMu serialises the decisions recorded after consent answers and expiries.
	decideMu sync.Mutex
	loc      policy.Locator
	pop      policy.Population
	eng      *policy.Engine
}

// opsByServer holds the OpsConfig of each server (Config predates the operation routes).
var opsByServer sync.Map // *Server → *opsState

// EnableOperations turns on the operation routes of s; until it is called they answer 503.
// Call it once, before serving.
func (s *Server) EnableOperations(c OpsConfig) {
	if c.System.User == "" {
		c.System = ledger.Actor{User: "system", Agency: "node", State: "node"}
	}
	opsByServer.Store(s, &opsState{cfg: c})
}

func (s *Server) opsState() (*opsState, error) {
	v, ok := opsByServer.Load(s)
	if !ok || v.(*opsState).cfg.Store == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server has no operations store: the operation routes are off"}
	}
	return v.(*opsState), nil
}

// engine returns the policy engine over the current jurisdiction engine and population data.
func (s *Server) engine(o *opsState) (*policy.Engine, error) {
	loc, err := s.locator()
	if err != nil {
		return nil, err
	}
	var pop policy.Population
	if o.cfg.Population != nil {
		if pop, err = o.cfg.Population(); err != nil {
			if errors.Is(err, ErrLocatorLoading) {
				return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "the population data is still loading; retry in a few seconds"}
			}
			return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "the population data is unavailable: " + err.Error()}
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.eng != nil && o.loc == loc && o.pop == pop {
		return o.eng, nil
	}
	cfg := policy.DefaultConfig()
	if o.cfg.Policy != nil {
		cfg = *o.cfg.Policy
	}
	eng, err := policy.New(cfg, loc, pop)
	if err != nil {
		return nil, err
	}
	o.loc, o.pop, o.eng = loc, pop, eng
	return eng, nil
}

// registerOperationRoutes adds the /api routes for operations, consent requests and decisions, liaison meetings and outcomes.
func (s *Server) registerOperationRoutes() {
	s.api("POST /api/v1/operations", s.opsAuthed(s.handleCreateOperation))
	s.api("GET /api/v1/operations", s.opsAuthed(s.handleOperations))
	s.api("GET /api/v1/operations/{id}", s.opsAuthed(s.handleOperation))
	s.api("POST /api/v1/operations/{id}/report", s.opsAuthed(s.handleLiaisonReport))
	s.api("POST /api/v1/operations/{id}/outcome", s.opsAuthed(s.handleOutcome))
	s.api("GET /api/v1/consents", s.opsAuthed(s.handleConsentInbox))
	s.api("GET /api/v1/consents/{id}", s.opsAuthed(s.handleConsent))
	s.api("POST /api/v1/consents/{id}/decision", s.opsAuthed(s.handleConsentDecision))
	s.api("POST /api/v1/consents/{id}/revoke", s.opsAuthed(s.handleConsentRevoke))
	s.api("GET /api/v1/liaison", s.opsAuthed(s.handleLiaison))
}

type opsHandler func(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error

// opsAuthed wraps a handler that needs the user and the operations store.
func (s *Server) opsAuthed(h opsHandler) func(http.ResponseWriter, *http.Request) error {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u access.User) error {
		o, err := s.opsState()
		if err != nil {
			return err
		}
		return h(w, r, u, o)
	})
}

// opsErr maps the store's errors for the operation routes.
func (s *Server) opsErr(o *opsState, err error) error {
	var fe *ops.FieldError
	switch {
	case err == nil:
		return nil
	case s.cfg.NotFound != nil && errors.Is(err, s.cfg.NotFound):
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such record"}
	case o.cfg.AlreadyRecorded != nil && errors.Is(err, o.cfg.AlreadyRecorded),
		o.cfg.AlreadyDecided != nil && errors.Is(err, o.cfg.AlreadyDecided),
		errors.Is(err, ops.ErrRevoked):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: err.Error()}
	case errors.Is(err, ops.ErrNotGranted):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "the request was refused, not granted: there is nothing to revoke"}
	case errors.As(err, &fe), errors.Is(err, access.ErrInvalid):
		return &fieldsError{err: err}
	}
	return err
}

// fieldsError is a 400 that lists every field problem; it is written by writeFields.
type fieldsError struct{ err error }

func (e *fieldsError) Error() string { return e.err.Error() }

type fieldErrJSON struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
	Fix     string `json:"fix,omitempty"`
}

// fieldErrors flattens joined errors into their *ops.FieldError values (others become a
// field "(body)").
func fieldErrors(err error) []fieldErrJSON {
	var out []fieldErrJSON
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if fe, ok := err.(*ops.FieldError); ok {
			out = append(out, fieldErrJSON{fe.Field, fe.Problem, fe.Fix})
			return
		}
		var fe *ops.FieldError
		if u := errors.Unwrap(err); u != nil && errors.As(err, &fe) {
			walk(u)
			return
		}
		out = append(out, fieldErrJSON{Field: "(body)", Problem: err.Error()})
	}
	walk(err)
	return out
}

// invalid writes a 400 with code "invalid" and the list of field problems:
// {"error":{"code":"invalid","message":…,"fields":[{"field","problem","fix"}]}}.
func writeInvalid(w http.ResponseWriter, err error) {
	fields := fieldErrors(err)
	msg := "the request has invalid fields"
	if len(fields) > 0 {
		msg = fields[0].Field + ": " + fields[0].Problem
		if fields[0].Fix != "" {
			msg += "; " + fields[0].Fix
		}
	}
	var b struct {
		Error struct {
			Code    string         `json:"code"`
			Message string         `json:"message"`
			Fields  []fieldErrJSON `json:"fields"`
		} `json:"error"`
	}
	b.Error.Code, b.Error.Message, b.Error.Fields = "invalid", msg, fields
	writeJSON(w, http.StatusBadRequest, "application/json", b)
}

// opsRun adapts the field errors of a handler: they are answered 400 with the field list.
func opsRun(w http.ResponseWriter, err error) error {
	var fe *fieldsError
	if errors.As(err, &fe) {
		writeInvalid(w, fe.err)
		return nil
	}
	return err
}

func actorOf(u access.User) ledger.Actor {
	return ledger.Actor{User: u.Name, Agency: u.Agency, State: u.State}
}

func forbidden(format string, args ...any) *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: fmt.Sprintf(format, args...)}
}

func hasAny(u access.User, roles ...access.Role) bool {
	for _, r := range roles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// newOperationID returns "op-" and 12 random hex digits.
func newOperationID() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "op-" + hex.EncodeToString(b[:])
}

// proposeKeys are the keys of POST /api/v1/operations beside the operation's own.
var proposeKeys = []string{"tlp", "rel_to"}

// handleCreateOperation is POST /api/v1/operations: a user proposes an operation. The body is
// the operation in the form of `accord policy check` (docs/policy.md) without "consents", plus
// "tlp" (GREEN or AMBER, default AMBER) and "rel_to" (more states to release it to).
func (s *Server) handleCreateOperation(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	if !hasAny(u, access.RoleAnalyst, access.RoleWatchOfficer, access.RoleApprover, access.RoleLegal) || !u.Reader() {
		return forbidden("proposing an operation needs the analyst, watch_officer, approver or legal role")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeBadRequest, Message: "send the body as application/json"}
	}
	body, err := readBody(r, ops.MaxJSONBytes)
	if err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		// ParseJSON names the line and column.
		_, perr := ops.ParseJSON(body)
		if perr == nil {
			perr = err
		}
		writeInvalid(w, perr)
		return nil
	}
	if _, ok := top["consents"]; ok {
		writeInvalid(w, &ops.FieldError{Field: "consents", Problem: "consents are not proposed with the operation",
			Fix: "remove \"consents\": the server asks each authority through the consent workflow (GET /api/v1/consents)"})
		return nil
	}
	tlp := access.TLPAmber
	if raw, ok := top["tlp"]; ok {
		var v string
		if json.Unmarshal(raw, &v) != nil {
			writeInvalid(w, &ops.FieldError{Field: "tlp", Problem: "not a string", Fix: `"GREEN" or "AMBER"`})
			return nil
		}
		t, err := access.ParseTLP(v)
		if err != nil || (t != access.TLPGreen && t != access.TLPAmber) {
			writeInvalid(w, &ops.FieldError{Field: "tlp", Problem: fmt.Sprintf("%q", v), Fix: `an operation is "GREEN" or "AMBER", released to the states it involves`})
			return nil
		}
		tlp = t
	}
	var relTo []string
	if raw, ok := top["rel_to"]; ok {
		if json.Unmarshal(raw, &relTo) != nil {
			writeInvalid(w, &ops.FieldError{Field: "rel_to", Problem: "not a list of strings", Fix: `list state codes, e.g. ["GTM"]`})
			return nil
		}
		for i, st := range relTo {
			st = strings.TrimPrefix(st, "state:")
			if !access.ValidStateCode(st) {
				writeInvalid(w, &ops.FieldError{Field: fmt.Sprintf("rel_to[%d]", i), Problem: fmt.Sprintf("%q is not a state", relTo[i]), Fix: `want ISO 3166 alpha-3, e.g. "GTM"`})
				return nil
			}
			relTo[i] = st
		}
	}
	for _, k := range proposeKeys {
		delete(top, k)
	}
	rest, err := json.Marshal(top)
	if err != nil {
		return err
	}
	op, err := ops.ParseJSON(rest)
	if err != nil {
		writeInvalid(w, err)
		return nil
	}
	eng, err := s.engine(o)
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	d := eng.Decide(op)
	id := newOperationID()
	aud := append([]string{u.State}, op.States()...)
	aud = append(aud, relTo...)
	for _, p := range d.Places {
		if access.ValidStateCode(p.State) {
			aud = append(aud, p.State)
		}
	}
	for _, c := range d.RequiredConsents {
		aud = append(aud, c.State)
	}
	meta := ops.Meta{ID: id, Originator: u.Agency, OriginatorState: u.State, TLP: string(tlp), CreatedBy: u.Name, Created: now, Audience: aud}
	actor := actorOf(u)
	ctx := r.Context()
	var reqs []ops.ConsentRequest
	if d.Decision != policy.Deny {
		for _, req := range policy.Requests(op, d, id, u.Name, now) {
			req.ID = consentID(req)
			reqs = append(reqs, req)
		}
	}
	// The operation, its decision and its consent requests are stored together or not at all.
	if _, err := o.cfg.Store.ProposeOperation(ctx, op, meta, decisionID(id, now, 0), d, now, reqs, actor); err != nil {
		return opsRun(w, s.opsErr(o, err))
	}
	s.log.Info("operation proposed", "id", id, "type", op.Type, "decision", d.Decision, "user", u.Name, "agency", u.Agency)
	return s.writeOperation(w, r, http.StatusCreated, u, o, id)
}

// decisionID names the n-th decision on an operation, made at time at; ids sort in the order
// of the decisions.
func decisionID(opID string, at time.Time, n int) string {
	return fmt.Sprintf("%s/decision/%s/%06d", opID, at.UTC().Format("20060102T150405.000000000Z"), n)
}

// consentID is the id of a consent request: operation id, state and role, URL-safe.
func consentID(r ops.ConsentRequest) string {
	return r.OperationID + "-" + r.State + "-" + r.Role
}

func readBody(r *http.Request, max int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeBadRequest, Message: fmt.Sprintf("body larger than %d bytes", max)}
		}
		return nil, badRequest("body: %v", err)
	}
	if n == 0 {
		return nil, badRequest("body is empty: send the operation as JSON (docs/operations.md)")
	}
	return buf.Bytes(), nil
}

// operationSummaryJSON is one operation in a list.
type operationSummaryJSON struct {
	ID              string       `json:"id"`
	Type            string       `json:"type"`
	Start           string       `json:"start"`
	End             string       `json:"end"`
	ForceLevel      int          `json:"force_level"`
	States          []string     `json:"states"` // participating states
	Markings        markingsJSON `json:"markings"`
	OriginatorState string       `json:"originator_state"`
	CreatedBy       string       `json:"created_by"`
	Created         string       `json:"created"`
	Decision        string       `json:"decision"` // the latest policy decision
	DecidedAt       string       `json:"decided_at,omitempty"`
	Liaison         string       `json:"liaison_report,omitempty"` // liaison meetings: not_yet_due, due, overdue, submitted
}

func opMarkings(m ops.Meta) markingsJSON {
	j := markingsJSON{Originator: m.Originator, TLP: m.TLP, RelTo: []string{}}
	for _, s := range m.Audience {
		j.RelTo = append(j.RelTo, "state:"+s)
	}
	return j
}

func (s *Server) summary(ctx context.Context, o *opsState, rec ops.Record) (operationSummaryJSON, error) {
	j := operationSummaryJSON{ID: rec.ID, Type: string(rec.Op.Type), Start: rfc3339(rec.Op.Start), End: rfc3339(rec.Op.End),
		ForceLevel: rec.Op.ForceLevel, States: rec.Op.States(), Markings: opMarkings(rec.Meta), OriginatorState: rec.OriginatorState,
		CreatedBy: rec.CreatedBy, Created: rfc3339(rec.Created)}
	ds, err := o.cfg.Store.PolicyDecisions(ctx, rec.ID)
	if err != nil {
		return j, err
	}
	if len(ds) > 0 {
		j.Decision, j.DecidedAt = ds[len(ds)-1].Decision, rfc3339(ds[len(ds)-1].At)
	}
	if rec.Op.Type == ops.LiaisonMeeting {
		_, err := o.cfg.Store.LiaisonReport(ctx, rec.ID)
		if err != nil && !errors.Is(err, s.cfg.NotFound) {
			return j, err
		}
		j.Liaison = ops.LiaisonStatus(rec.Op, err == nil, s.cfg.Now())
	}
	return j, nil
}

// handleOperations is GET /api/v1/operations[?type=…&limit=…]: the operations the user reads.
func (s *Server) handleOperations(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "type", "limit"); err != nil {
		return err
	}
	t := ops.Type(q.Get("type"))
	if t != "" && !t.Valid() {
		return badRequest("type %q is not an operation type", t)
	}
	limit, err := parseLimit(q, 200, 1000)
	if err != nil {
		return err
	}
	recs, err := o.cfg.Store.OperationsForType(r.Context(), u, t, limit)
	if err != nil {
		return err
	}
	out := []operationSummaryJSON{}
	for _, rec := range recs {
		j, err := s.summary(r.Context(), o, rec)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"operations": out})
	return nil
}

// decisionJSON is a recorded policy decision.
type decisionJSON struct {
	ID string `json:"id"`
	At string `json:"at"`
	policy.Decision
}

type decisionRefJSON struct {
	ID       string `json:"id"`
	At       string `json:"at"`
	Decision string `json:"decision"`
}

// consentDecisionJSON is the answer to a consent request.
type consentDecisionJSON struct {
	Granted      bool         `json:"granted"`
	Scope        *ops.Consent `json:"scope,omitempty"` // grants only
	Conditions   []string     `json:"conditions"`
	Reason       string       `json:"reason,omitempty"`
	Expires      string       `json:"expires,omitempty"`
	DecidedBy    string       `json:"decided_by"`
	DeciderState string       `json:"decider_state"`
	DecidedAt    string       `json:"decided_at"`
	RevokedAt    string       `json:"revoked_at,omitempty"`
	RevokedBy    string       `json:"revoked_by,omitempty"`
	RevokeReason string       `json:"revoke_reason,omitempty"`
}

// consentJSON is a consent request with its status and answer.
type consentJSON struct {
	ID          string               `json:"id"`
	OperationID string               `json:"operation_id"`
	State       string               `json:"state"`
	Authority   string               `json:"authority"`
	Role        string               `json:"role"`
	RequestedBy string               `json:"requested_by"`
	RequestedAt string               `json:"requested_at"`
	Scope       ops.Consent          `json:"scope"` // the scope asked for
	Status      string               `json:"status"`
	Decision    *consentDecisionJSON `json:"decision"`
	// CanAnswer says whether the requesting user may answer (or, once granted, revoke) it.
	CanAnswer bool `json:"can_answer"`
	// Operation summarises the operation (inbox only).
	Operation *operationSummaryJSON `json:"operation,omitempty"`
}

func newConsentJSON(c ops.ConsentRecord, now time.Time) consentJSON {
	q := c.Request
	j := consentJSON{ID: q.ID, OperationID: q.OperationID, State: q.State, Authority: q.Authority, Role: q.Role,
		RequestedBy: q.RequestedBy, RequestedAt: rfc3339(q.RequestedAt), Scope: q.Scope, Status: c.Status(now)}
	if d := c.Decision; d != nil {
		dj := &consentDecisionJSON{Granted: d.Granted, Conditions: d.Conditions, Reason: d.Reason, DecidedBy: d.DecidedBy,
			DeciderState: d.DeciderState, DecidedAt: rfc3339(d.DecidedAt), RevokedBy: d.RevokedBy, RevokeReason: d.RevokeReason}
		if dj.Conditions == nil {
			dj.Conditions = []string{}
		}
		if d.Granted {
			sc := d.Scope
			dj.Scope = &sc
		}
		if !d.Expires.IsZero() {
			dj.Expires = rfc3339(d.Expires)
		}
		if !d.RevokedAt.IsZero() {
			dj.RevokedAt = rfc3339(d.RevokedAt)
		}
		j.Decision = dj
	}
	return j
}

// liaisonJSON is the report state of a liaison meeting.
type liaisonJSON struct {
	Due      string             `json:"due"`
	Status   string             `json:"status"` // not_yet_due, due, overdue, submitted
	Report   *ops.LiaisonReport `json:"report"`
	Reminded string             `json:"reminded_at,omitempty"`
}

// operationJSON is GET /api/v1/operations/{id}.
type operationJSON struct {
	ID              string            `json:"id"`
	Operation       *ops.Operation    `json:"operation"` // the form of `accord policy check` (docs/policy.md)
	Markings        markingsJSON      `json:"markings"`
	OriginatorState string            `json:"originator_state"`
	CreatedBy       string            `json:"created_by"`
	Created         string            `json:"created"`
	Decision        *decisionJSON     `json:"decision"`  // the latest
	Decisions       []decisionRefJSON `json:"decisions"` // every decision, oldest first
	Consents        []consentJSON     `json:"consent_requests"`
	Liaison         *liaisonJSON      `json:"liaison,omitempty"`
	Outcome         *ops.Outcome      `json:"outcome"`
	// CanReport and CanRecordOutcome say whether the requesting user may now submit the
	// liaison report and record the outcome (an agency of the operation, once it has begun,
	// not yet done).
	CanReport        bool `json:"can_report"`
	CanRecordOutcome bool `json:"can_record_outcome"`
}

func (s *Server) operationDetail(ctx context.Context, u access.User, o *opsState, id string) (operationJSON, error) {
	st := o.cfg.Store
	rec, err := st.OperationFor(ctx, u, id)
	if err != nil {
		return operationJSON{}, s.opsErr(o, err)
	}
	now := s.cfg.Now()
	j := operationJSON{ID: rec.ID, Operation: rec.Op, Markings: opMarkings(rec.Meta), OriginatorState: rec.OriginatorState,
		CreatedBy: rec.CreatedBy, Created: rfc3339(rec.Created), Decisions: []decisionRefJSON{}, Consents: []consentJSON{}}
	ds, err := st.PolicyDecisions(ctx, id)
	if err != nil {
		return j, err
	}
	for _, d := range ds {
		j.Decisions = append(j.Decisions, decisionRefJSON{d.ID, rfc3339(d.At), d.Decision})
	}
	if len(ds) > 0 {
		last := ds[len(ds)-1]
		dj := &decisionJSON{ID: last.ID, At: rfc3339(last.At)}
		if err := json.Unmarshal(last.Body, &dj.Decision); err != nil {
			return j, fmt.Errorf("decision %s: %w", last.ID, err)
		}
		j.Decision = dj
	}
	cs, err := st.ConsentRequests(ctx, id)
	if err != nil {
		return j, err
	}
	for _, c := range cs {
		cj := newConsentJSON(c, now)
		cj.CanAnswer = c.Request.State == u.State && s.mayAnswer(u, o, c.Request) == nil
		j.Consents = append(j.Consents, cj)
	}
	if due, ok := ops.LiaisonReportDue(rec.Op); ok {
		lj := &liaisonJSON{Due: rfc3339(due)}
		rep, err := st.LiaisonReport(ctx, id)
		switch {
		case err == nil:
			lj.Report = &rep
		case !errors.Is(err, s.cfg.NotFound):
			return j, err
		}
		lj.Status = ops.LiaisonStatus(rec.Op, lj.Report != nil, now)
		j.Liaison = lj
	}
	out, err := st.Outcome(ctx, id)
	switch {
	case err == nil:
		j.Outcome = &out
	case !errors.Is(err, s.cfg.NotFound):
		return j, err
	}
	acts := participantOf(u, rec) && !now.Before(rec.Op.Start)
	j.CanReport = acts && j.Liaison != nil && j.Liaison.Report == nil
	j.CanRecordOutcome = acts && j.Outcome == nil
	return j, nil
}

func (s *Server) writeOperation(w http.ResponseWriter, r *http.Request, status int, u access.User, o *opsState, id string) error {
	j, err := s.operationDetail(r.Context(), u, o, id)
	if err != nil {
		return err
	}
	writeJSON(w, status, "application/json", j)
	return nil
}

// handleOperation is GET /api/v1/operations/{id}.
func (s *Server) handleOperation(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	// Only for a reader: the answer shows no decision resting on a consent that expired. The
	// check reads without the read log (the rule of the store's query, access.CanRead on the
	// operation's markings): the read logged is the one answered, by writeOperation.
	if rec, err := o.cfg.Store.OperationRecordByID(r.Context(), r.PathValue("id")); err == nil && access.CanRead(u, opAccessMarkings(rec.Meta)) {
		s.redecideExpired(r.Context(), o, r.PathValue("id"))
	}
	return s.writeOperation(w, r, http.StatusOK, u, o, r.PathValue("id"))
}

// opAccessMarkings returns an operation's markings: originator, TLP, REL TO its audience states.
func opAccessMarkings(m ops.Meta) access.Markings {
	mk := access.Markings{Originator: m.Originator, TLP: access.TLP(m.TLP)}
	for _, st := range m.Audience {
		mk.RelTo = append(mk.RelTo, access.Target{Type: access.TargetState, Value: st})
	}
	return mk
}

// redecide decides the operation again with the consents in force now and records the
// decision, as actor. It holds o.decideMu from reading the consents to recording the decision,
// and takes the time inside it, so decisions are recorded in the order of the answers they
// follow and the latest one has seen every answer committed before it. With ifExpired, it does
// nothing (false) unless a consent of the operation expired after its latest decision.
func (s *Server) redecide(ctx context.Context, o *opsState, opID string, actor ledger.Actor, ifExpired bool) (decisionJSON, bool, error) {
	eng, err := s.engine(o)
	if err != nil {
		return decisionJSON{}, false, err
	}
	o.decideMu.Lock()
	defer o.decideMu.Unlock()
	now := s.cfg.Now().UTC()
	if ifExpired {
		ids, err := o.cfg.Store.ConsentsExpiredSinceDecision(ctx, now, opID)
		if err != nil || len(ids) == 0 {
			return decisionJSON{}, false, err
		}
	}
	rec, err := o.cfg.Store.OperationRecordByID(ctx, opID)
	if err != nil {
		return decisionJSON{}, false, err
	}
	cs, err := o.cfg.Store.EffectiveConsents(ctx, opID, now)
	if err != nil {
		return decisionJSON{}, false, err
	}
	op := *rec.Op
	op.Consents = cs
	d := eng.Decide(&op)
	ds, err := o.cfg.Store.PolicyDecisions(ctx, opID)
	if err != nil {
		return decisionJSON{}, false, err
	}
	id := decisionID(opID, now, len(ds))
	if _, err := o.cfg.Store.RecordPolicyDecision(ctx, id, opID, d, now, actor); err != nil {
		return decisionJSON{}, false, err
	}
	return decisionJSON{ID: id, At: rfc3339(now), Decision: d}, true, nil
}

// consentFor returns the consent request id if it is addressed to u's state; otherwise 404,
// exactly as for a missing request.
func (s *Server) consentFor(ctx context.Context, u access.User, o *opsState, id string) (ops.ConsentRecord, error) {
	c, err := o.cfg.Store.ConsentRequestByID(ctx, id)
	if err != nil {
		return c, s.opsErr(o, err)
	}
	if c.Request.State != u.State || !u.Reader() {
		return c, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such record"}
	}
	return c, nil
}

// mayAnswer checks that u may answer request c: an approver of the addressed state acting for
// the addressed authority (itself or one of its aliases; any authority when none is named).
func (s *Server) mayAnswer(u access.User, o *opsState, c ops.ConsentRequest) error {
	if !u.Has(access.RoleApprover) {
		return forbidden("answering a consent request needs the approver role")
	}
	cfg := policy.DefaultConfig()
	if o.cfg.Policy != nil {
		cfg = *o.cfg.Policy
	}
	if !ops.ActsFor(u.Agency, c.Authority, cfg.Aliases) {
		return forbidden("this request is addressed to %s %s; an approver of %s does not answer for it", c.State, c.Authority, u.Agency)
	}
	return nil
}

// handleConsentInbox is GET /api/v1/consents[?status=pending|all&limit=…]: the consent
// requests addressed to the user's state, for its approvers and legal officers.
func (s *Server) handleConsentInbox(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	if !hasAny(u, access.RoleApprover, access.RoleLegal) || !u.Reader() {
		return forbidden("the consent inbox is for approvers and legal officers")
	}
	q := r.URL.Query()
	if err := rejectUnknown(q, "status", "limit"); err != nil {
		return err
	}
	status := q.Get("status")
	if status == "" {
		status = "pending"
	}
	if status != "pending" && status != "all" {
		return badRequest("status must be pending or all; got %q", status)
	}
	limit, err := parseLimit(q, 200, 1000)
	if err != nil {
		return err
	}
	cs, err := o.cfg.Store.ConsentInbox(r.Context(), u.State, status == "pending", limit)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	out := []consentJSON{}
	for _, c := range cs {
		j := newConsentJSON(c, now)
		j.CanAnswer = s.mayAnswer(u, o, c.Request) == nil
		if rec, err := o.cfg.Store.OperationRecordByID(r.Context(), c.Request.OperationID); err == nil {
			// The addressed state is in the operation's audience: it reads the operation.
			sum, err := s.summary(r.Context(), o, rec)
			if err != nil {
				return err
			}
			j.Operation = &sum
		} else {
			return err
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"consents": out})
	return nil
}

// handleConsent is GET /api/v1/consents/{id}.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	c, err := s.consentFor(r.Context(), u, o, r.PathValue("id"))
	if err != nil {
		return err
	}
	j := newConsentJSON(c, s.cfg.Now())
	j.CanAnswer = s.mayAnswer(u, o, c.Request) == nil
	if rec, err := o.cfg.Store.OperationRecordByID(r.Context(), c.Request.OperationID); err == nil {
		sum, err := s.summary(r.Context(), o, rec)
		if err != nil {
			return err
		}
		j.Operation = &sum
	}
	writeJSON(w, http.StatusOK, "application/json", j)
	return nil
}

// consentDecisionRequest is the body of POST /api/v1/consents/{id}/decision. Scope fields
// left out take the requested value.
type consentDecisionRequest struct {
	Granted    *bool           `json:"granted"`
	Scope      json.RawMessage `json:"scope"`
	Conditions []string        `json:"conditions"`
	Expires    string          `json:"expires"`
	Reason     string          `json:"reason"`
}

// scopeKeys are the keys of a granted scope.
var scopeKeys = []string{"area", "start", "end", "max_force_level", "participants"}

// grantScope overlays the given scope fields on the requested scope.
func grantScope(asked ops.Consent, given json.RawMessage) (ops.Consent, error) {
	base, err := json.Marshal(asked)
	if err != nil {
		return ops.Consent{}, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(base, &m); err != nil {
		return ops.Consent{}, err
	}
	if len(given) > 0 && string(given) != "null" {
		var g map[string]json.RawMessage
		if err := json.Unmarshal(given, &g); err != nil {
			return ops.Consent{}, &ops.FieldError{Field: "scope", Problem: "not an object", Fix: `give {"area", "start", "end", "max_force_level", "participants"} (each optional)`}
		}
		for k, v := range g {
			if !slices.Contains(scopeKeys, k) {
				return ops.Consent{}, &ops.FieldError{Field: "scope." + k, Problem: "unknown key", Fix: "a scope has " + strings.Join(scopeKeys, ", ") + " (state and authority are the request's)"}
			}
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return ops.Consent{}, err
	}
	var c ops.Consent
	if err := json.Unmarshal(b, &c); err != nil {
		var fe *ops.FieldError
		if errors.As(err, &fe) {
			return c, prefixFields("scope.", err)
		}
		return c, &ops.FieldError{Field: "scope", Problem: err.Error(), Fix: "see docs/operations.md for the scope's form"}
	}
	c.State, c.Authority = asked.State, asked.Authority
	return c, nil
}

// prefixFields prefixes the field of every *ops.FieldError in err.
func prefixFields(prefix string, err error) error {
	var out []error
	for _, f := range fieldErrors(err) {
		out = append(out, &ops.FieldError{Field: prefix + f.Field, Problem: f.Problem, Fix: f.Fix})
	}
	return errors.Join(out...)
}

// consentAnswerJSON is the answer of the decision and revoke routes.
type consentAnswerJSON struct {
	Consent  consentJSON  `json:"consent"`
	Decision decisionJSON `json:"decision"` // the operation's new policy decision
}

// handleConsentDecision is POST /api/v1/consents/{id}/decision.
func (s *Server) handleConsentDecision(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	ctx := r.Context()
	c, err := s.consentFor(ctx, u, o, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.mayAnswer(u, o, c.Request); err != nil {
		return err
	}
	if c.Decision != nil {
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "the request was already answered (" + c.Status(s.cfg.Now()) + "); a grant can be revoked with POST /api/v1/consents/{id}/revoke"}
	}
	var req consentDecisionRequest
	if err := decodeJSON(r, 1<<20, &req); err != nil {
		return err
	}
	if req.Granted == nil {
		writeInvalid(w, &ops.FieldError{Field: "granted", Problem: "missing", Fix: "true to grant (with an optional scope, conditions, expiry), false to refuse"})
		return nil
	}
	now := s.cfg.Now().UTC()
	d := ops.ConsentDecision{RequestID: c.Request.ID, Granted: *req.Granted, Conditions: req.Conditions, Reason: req.Reason,
		DecidedBy: u.Name, DeciderState: u.State, DecidedAt: now}
	if d.Conditions == nil {
		d.Conditions = []string{}
	}
	if d.Granted {
		if d.Scope, err = grantScope(c.Request.Scope, req.Scope); err != nil {
			writeInvalid(w, err)
			return nil
		}
		if d.Scope.Authority == "" {
			// Asked of any authority of the state (a flag state): the approver's agency consents.
			d.Scope.Authority = u.Agency
		}
		if req.Expires != "" {
			t, err := time.Parse(time.RFC3339, req.Expires)
			if err != nil {
				writeInvalid(w, &ops.FieldError{Field: "expires", Problem: fmt.Sprintf("%q is not an RFC 3339 time", req.Expires), Fix: `e.g. "2026-05-02T00:00:00Z"`})
				return nil
			}
			d.Expires = t.UTC()
		}
	} else if len(req.Scope) > 0 || req.Expires != "" {
		writeInvalid(w, &ops.FieldError{Field: "scope", Problem: "a refusal has no scope or expiry", Fix: "give only granted: false and a reason"})
		return nil
	}
	actor := actorOf(u)
	if _, err := o.cfg.Store.DecideConsent(ctx, d, actor); err != nil {
		return opsRun(w, s.opsErr(o, err))
	}
	return s.answerConsent(w, r, u, o, c.Request, now, actor)
}

func (s *Server) answerConsent(w http.ResponseWriter, r *http.Request, u access.User, o *opsState, req ops.ConsentRequest, now time.Time, actor ledger.Actor) error {
	ctx := r.Context()
	d, _, err := s.redecide(ctx, o, req.OperationID, actor, false)
	if err != nil {
		return err
	}
	c, err := o.cfg.Store.ConsentRequestByID(ctx, req.ID)
	if err != nil {
		return err
	}
	s.log.Info("consent answered", "request", req.ID, "status", c.Status(now), "decision", d.Decision.Decision, "user", u.Name)
	cj := newConsentJSON(c, now)
	cj.CanAnswer = s.mayAnswer(u, o, c.Request) == nil
	writeJSON(w, http.StatusOK, "application/json", consentAnswerJSON{Consent: cj, Decision: d})
	return nil
}

// handleConsentRevoke is POST /api/v1/consents/{id}/revoke {"reason": …}.
func (s *Server) handleConsentRevoke(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	ctx := r.Context()
	c, err := s.consentFor(ctx, u, o, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.mayAnswer(u, o, c.Request); err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, 64<<10, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Reason) == "" {
		writeInvalid(w, &ops.FieldError{Field: "reason", Problem: "missing", Fix: "say why the consent is revoked"})
		return nil
	}
	if c.Decision == nil {
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "the request has no answer yet: refuse it with POST /api/v1/consents/{id}/decision"}
	}
	now := s.cfg.Now().UTC()
	actor := actorOf(u)
	if _, err := o.cfg.Store.RevokeConsent(ctx, c.Request.ID, now, u.Name, req.Reason, actor); err != nil {
		return opsRun(w, s.opsErr(o, err))
	}
	return s.answerConsent(w, r, u, o, c.Request, now, actor)
}

// participantOf reports whether u acts in the operation: u's agency proposed it or takes part.
func participantOf(u access.User, rec ops.Record) bool {
	if u.Agency == rec.Originator {
		return true
	}
	for _, p := range rec.Op.Participants {
		if p.Agency == u.Agency && p.State == u.State {
			return true
		}
	}
	return false
}

// handleLiaisonReport is POST /api/v1/operations/{id}/report: the written report of a liaison
// meeting, by a user of an agency that took part or proposed it.
func (s *Server) handleLiaisonReport(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	ctx := r.Context()
	rec, err := o.cfg.Store.OperationFor(ctx, u, r.PathValue("id"))
	if err != nil {
		return s.opsErr(o, err)
	}
	if !participantOf(u, rec) {
		return forbidden("the report is written by an agency that took part in the meeting or proposed it")
	}
	var req struct {
		Summary    string   `json:"summary"`
		Attendees  []string `json:"attendees"`
		Agreements []string `json:"agreements"`
	}
	if err := decodeJSON(r, 1<<20, &req); err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	rep := ops.LiaisonReport{OperationID: rec.ID, Summary: req.Summary, Attendees: req.Attendees, Agreements: req.Agreements,
		SubmittedBy: u.Name, Agency: u.Agency, SubmittedAt: now}
	if due, ok := ops.LiaisonReportDue(rec.Op); ok {
		rep.Due, rep.Late = due, now.After(due)
	}
	if _, err := o.cfg.Store.SubmitLiaisonReport(ctx, rep, actorOf(u)); err != nil {
		return opsRun(w, s.opsErr(o, err))
	}
	return s.writeOperation(w, r, http.StatusCreated, u, o, rec.ID)
}

// handleOutcome is POST /api/v1/operations/{id}/outcome: the results of an executed
// operation, by a user of an agency that took part or proposed it.
func (s *Server) handleOutcome(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	ctx := r.Context()
	rec, err := o.cfg.Store.OperationFor(ctx, u, r.PathValue("id"))
	if err != nil {
		return s.opsErr(o, err)
	}
	if !participantOf(u, rec) {
		return forbidden("the outcome is recorded by an agency that took part in the operation or proposed it")
	}
	var req struct {
		Seizures           []ops.Seizure `json:"seizures"`
		Arrests            int           `json:"arrests"`
		PersonsTransferred int           `json:"persons_transferred"`
		ForceUsed          *int          `json:"force_used"`
		CivilianHarm       ops.Harm      `json:"civilian_harm"`
		Narrative          string        `json:"narrative"`
	}
	if err := decodeJSON(r, 1<<20, &req); err != nil {
		return err
	}
	if req.ForceUsed == nil {
		writeInvalid(w, &ops.FieldError{Field: "force_used", Problem: "missing", Fix: "give the highest use-of-force level actually used: 0 (none), 1 (presence) … 5 (lethal)"})
		return nil
	}
	// The ceiling: the planned one, lowered by every consent in force when the operation began.
	cs, err := o.cfg.Store.EffectiveConsents(ctx, rec.ID, rec.Op.Start)
	if err != nil {
		return err
	}
	ds, err := o.cfg.Store.PolicyDecisions(ctx, rec.ID)
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	out := ops.Outcome{OperationID: rec.ID, Seizures: req.Seizures, Arrests: req.Arrests, PersonsTransferred: req.PersonsTransferred,
		ForceUsed: *req.ForceUsed, CivilianHarm: req.CivilianHarm, Narrative: req.Narrative,
		RecordedBy: u.Name, Agency: u.Agency, RecordedAt: now, AuthorisedForce: ops.AuthorisedForce(rec.Op, cs)}
	if out.Seizures == nil {
		out.Seizures = []ops.Seizure{}
	}
	if len(ds) > 0 {
		out.Decision = ds[len(ds)-1].Decision
	}
	out.ForceExceeded = out.ForceUsed > out.AuthorisedForce
	if _, err := o.cfg.Store.RecordOutcome(ctx, out, actorOf(u)); err != nil {
		return opsRun(w, s.opsErr(o, err))
	}
	if out.ForceExceeded {
		s.log.Warn("force used above the authorised ceiling", "operation", rec.ID, "used", out.ForceUsed, "authorised", out.AuthorisedForce)
	}
	return s.writeOperation(w, r, http.StatusCreated, u, o, rec.ID)
}

// Sweep does the time-driven work of the operation routes at the server's clock: it records the
// reminders of liaison reports that became due (once per meeting) and decides again every
// operation whose consent expired after its latest decision. `accord serve` calls it
// periodically; it returns the first error after doing what it could.
func (s *Server) Sweep(ctx context.Context) error {
	o, err := s.opsState()
	if err != nil {
		return nil // the operation routes are off
	}
	_, rerr := o.cfg.Store.RemindLiaisonReports(ctx, s.cfg.Now(), o.cfg.System)
	return errors.Join(rerr, s.redecideExpired(ctx, o, ""))
}

// redecideExpired decides again the operations (only: that one) whose consent expired after
// their latest decision, as the system. Errors are logged and returned.
func (s *Server) redecideExpired(ctx context.Context, o *opsState, only string) error {
	ids, err := o.cfg.Store.ConsentsExpiredSinceDecision(ctx, s.cfg.Now().UTC(), only)
	if err != nil {
		s.log.Warn("expired consents", "err", err)
		return err
	}
	var errs []error
	for _, id := range ids {
		d, done, err := s.redecide(ctx, o, id, o.cfg.System, true)
		if err != nil {
			s.log.Warn("deciding again after a consent expired", "operation", id, "err", err)
			errs = append(errs, err)
			continue
		}
		if done {
			s.log.Info("operation decided again: a consent expired", "operation", id, "decision", d.Decision.Decision)
		}
	}
	return errors.Join(errs...)
}

// remind records the reminders of liaison reports that became due (once per meeting). A
// failure is logged: reading must not fail because a reminder could not be written.
func (s *Server) remind(ctx context.Context, o *opsState) {
	if n, err := o.cfg.Store.RemindLiaisonReports(ctx, s.cfg.Now(), o.cfg.System); err != nil {
		s.log.Warn("liaison reminders", "err", err)
	} else if n > 0 {
		s.log.Info("liaison reminders sent", "count", n)
	}
}

// liaisonRowJSON is one approved liaison meeting in GET /api/v1/liaison. Monitors get it
// without agencies or the report's text.
type liaisonRowJSON struct {
	OperationID  string             `json:"operation_id"`
	Start        string             `json:"start"`
	End          string             `json:"end"`
	Due          string             `json:"due"`
	Status       string             `json:"status"`
	OverdueHours float64            `json:"overdue_hours,omitempty"`
	States       []string           `json:"states"`
	Originator   string             `json:"originator,omitempty"`
	Agencies     []string           `json:"agencies,omitempty"`
	RemindedAt   string             `json:"reminded_at,omitempty"`
	SubmittedAt  string             `json:"submitted_at,omitempty"`
	Late         bool               `json:"late,omitempty"`
	Report       *ops.LiaisonReport `json:"report,omitempty"`
}

// handleLiaison is GET /api/v1/liaison[?overdue=1]: approved liaison meetings that have ended
// and the state of their written reports, for oversight and monitors (redacted) of the states
// involved. Reading it first records the reminders that are due.
func (s *Server) handleLiaison(w http.ResponseWriter, r *http.Request, u access.User, o *opsState) error {
	if !hasAny(u, access.RoleOversight, access.RoleMonitor) {
		return forbidden("the liaison follow-up is for oversight and monitor roles")
	}
	q := r.URL.Query()
	if err := rejectUnknown(q, "overdue", "limit"); err != nil {
		return err
	}
	overdue := false
	switch q.Get("overdue") {
	case "", "0", "false":
	case "1", "true":
		overdue = true
	default:
		return badRequest("overdue must be 1 or 0; got %q", q.Get("overdue"))
	}
	limit, err := parseLimit(q, 1000, 5000)
	if err != nil {
		return err
	}
	ctx := r.Context()
	s.remind(ctx, o)
	now := s.cfg.Now().UTC()
	fs, err := o.cfg.Store.LiaisonFollowUps(ctx, &u, now, limit)
	if err != nil {
		return err
	}
	redact := !u.Reader()
	out := []liaisonRowJSON{}
	for _, f := range fs {
		st := f.Status(now)
		if overdue && st != ops.LiaisonOverdue {
			continue
		}
		j := liaisonRowJSON{OperationID: f.ID, Start: rfc3339(f.Op.Start), End: rfc3339(f.Op.End), Due: rfc3339(f.Due), Status: st, States: f.Op.States()}
		if st == ops.LiaisonOverdue {
			j.OverdueHours = float64(now.Sub(f.Due).Round(time.Minute)) / float64(time.Hour)
		}
		if f.Reminder != nil {
			j.RemindedAt = rfc3339(f.Reminder.SentAt)
		}
		if f.Report != nil {
			j.SubmittedAt, j.Late = rfc3339(f.Report.SubmittedAt), f.Report.Late
		}
		if !redact {
			j.Originator = f.Originator
			for _, p := range f.Op.Participants {
				if !slices.Contains(j.Agencies, p.Agency) {
					j.Agencies = append(j.Agencies, p.Agency)
				}
			}
			j.Report = f.Report
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"meetings": out, "redacted": redact})
	return nil
}
