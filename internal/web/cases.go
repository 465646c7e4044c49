package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/cases"
	"accord/internal/jurisdiction"
)

// Interdiction cases (package cases), opened by a watch officer from a behaviour alert and
// routed to the competent authority for the alert's place:
//
//	POST /api/v1/cases                         {"alert_id": "..."}       open (201; 200 with the case already open)
//	GET  /api/v1/cases?authority=SEMAR&limit=N                            the cases the user may read
//	GET  /api/v1/cases/{id}                                               one case with its events
//	POST /api/v1/cases/{id}/consent-request    {}                        high seas: ask the flag state
//	POST /api/v1/cases/{id}/consent-answer     {"granted": true}         its answer
//	POST /api/v1/cases/{id}/pursuit            {"action": "start"} | {"action": "update", "lat": .., "lon": ..}
//	POST /api/v1/cases/{id}/hand-over          {}                        a pursuit that must stop goes to the coastal state
//	POST /api/v1/cases/{id}/accept             {}                        the authority a case was handed to takes it
//	POST /api/v1/cases/{id}/board              {}
//	POST /api/v1/cases/{id}/close              {"outcome": "seizure", "note": "..."}  no step after it
//
// Every route needs a logged-in user; the store enforces the case's releasability in its
// queries (a case the user may not read is answered 404 like one that does not exist), the
// watch officer role for changes, and that only officers of the state acting on the case
// change it (403). A step the law forbids is answered 409 with a code naming the rule.

// CaseStore is what the case routes need from the store; *store.Store implements it. It must
// be safe for concurrent use, enforce releasability for u in every read, and wrap
// Config.NotFound for a missing or non-releasable case or alert, access.ErrForbidden for a
// refused change, and the errors of package cases.
type CaseStore interface {
	OpenCase(ctx context.Context, u access.User, alertID string, at time.Time) (*cases.Case, bool, error)
	Cases(ctx context.Context, u access.User, authority string, limit int) ([]*cases.Case, error)
	Case(ctx context.Context, u access.User, id string) (*cases.Case, error)
	UpdateCase(ctx context.Context, u access.User, id string, at time.Time, fn func(c *cases.Case) error) (*cases.Case, error)
}

// caseJSON is the wire form of a case: the case's own JSON (package cases) and next_actor, the
// state whose watch officers may record the next step.
type caseJSON struct {
	*cases.Case
	NextActor string `json:"next_actor"`
}

func newCaseJSON(c *cases.Case) caseJSON { return caseJSON{c, c.Actor()} }

// registerCaseRoutes adds the /api routes for interdiction cases opened from alerts.
func (s *Server) registerCaseRoutes() {
	s.api("POST /api/v1/cases", s.withCases(s.handleOpenCase))
	s.api("GET /api/v1/cases", s.withCases(s.handleCases))
	s.api("GET /api/v1/cases/{id}", s.withCases(s.handleCase))
	s.api("POST /api/v1/cases/{id}/consent-request", s.withCases(s.caseStep(s.stepConsentRequest)))
	s.api("POST /api/v1/cases/{id}/consent-answer", s.withCases(s.caseStep(s.stepConsentAnswer)))
	s.api("POST /api/v1/cases/{id}/pursuit", s.withCases(s.caseStep(s.stepPursuit)))
	s.api("POST /api/v1/cases/{id}/hand-over", s.withCases(s.caseStep(s.stepHandOver)))
	s.api("POST /api/v1/cases/{id}/accept", s.withCases(s.caseStep(s.stepAccept)))
	s.api("POST /api/v1/cases/{id}/board", s.withCases(s.caseStep(s.stepBoard)))
	s.api("POST /api/v1/cases/{id}/close", s.withCases(s.caseStep(s.stepClose)))
}

// withCases answers 503 without a case store, 401 without a user.
func (s *Server) withCases(h func(w http.ResponseWriter, r *http.Request, u access.User) error) func(http.ResponseWriter, *http.Request) error {
	return s.withUser(func(w http.ResponseWriter, r *http.Request, u access.User) error {
		if s.cfg.Cases == nil {
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server has no case store: the case routes are off"}
		}
		return h(w, r, u)
	})
}

// caseErr maps the store's and the domain's errors to API errors.
func (s *Server) caseErr(err error, what string) error {
	conflict := func(code string) error {
		return &Error{Status: http.StatusConflict, Code: code, Message: err.Error()}
	}
	switch {
	case err == nil:
		return nil
	case s.cfg.NotFound != nil && errors.Is(err, s.cfg.NotFound):
		// Never echo the store's message: "not found" and "not releasable" must look alike.
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such " + what}
	case errors.Is(err, access.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: err.Error()}
	case errors.Is(err, cases.ErrNotReleasable):
		return &Error{Status: http.StatusForbidden, Code: "not_releasable", Message: err.Error() + "; ask the alert's originator to release it"}
	case errors.Is(err, cases.ErrNoAuthority):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "no_authority", Message: err.Error()}
	case errors.Is(err, cases.ErrNeedsConsent):
		return conflict("needs_consent")
	case errors.Is(err, cases.ErrNotCompetent):
		return conflict("not_competent")
	case errors.Is(err, cases.ErrPursuitStart):
		return conflict("pursuit_start")
	case errors.Is(err, cases.ErrAlreadyAnswered):
		return conflict("already_answered")
	case errors.Is(err, cases.ErrWrongState):
		return conflict("wrong_state")
	case errors.Is(err, cases.ErrInvalid):
		return badRequest("%v", err)
	}
	return err
}

type openCaseRequest struct {
	AlertID string `json:"alert_id"`
}

func (s *Server) handleOpenCase(w http.ResponseWriter, r *http.Request, u access.User) error {
	var req openCaseRequest
	if err := decodeJSON(r, 4096, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.AlertID) == "" {
		return badRequest("alert_id is required: the id of the alert the case is opened from")
	}
	c, created, err := s.cfg.Cases.OpenCase(r.Context(), u, req.AlertID, s.cfg.Now().UTC())
	if err != nil {
		return s.caseErr(err, "alert")
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.log.Info("case opened", "case", c.ID, "alert", c.AlertID, "authority", c.Authority, "status", c.Status, "user", u.Name)
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, status, "application/json", newCaseJSON(c))
	return nil
}

func (s *Server) handleCases(w http.ResponseWriter, r *http.Request, u access.User) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "authority", "limit"); err != nil {
		return err
	}
	auth := q.Get("authority")
	if auth != "" {
		var known []string
		for _, a := range cases.Authorities {
			known = append(known, a)
		}
		slices.Sort(known)
		if !slices.Contains(known, auth) {
			return badRequest("authority must be one of %s; got %q", strings.Join(known, ", "), auth)
		}
	}
	limit, err := parseLimit(q, 200, 1000)
	if err != nil {
		return err
	}
	cs, err := s.cfg.Cases.Cases(r.Context(), u, auth, limit)
	if err != nil {
		return s.caseErr(err, "case")
	}
	out := make([]caseJSON, len(cs))
	for i, c := range cs {
		out[i] = newCaseJSON(c)
	}
	if len(out) >= limit {
		w.Header().Set(limitHeader, "true")
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

func (s *Server) handleCase(w http.ResponseWriter, r *http.Request, u access.User) error {
	c, err := s.cfg.Cases.Case(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return s.caseErr(err, "case")
	}
	writeJSON(w, http.StatusOK, "application/json", newCaseJSON(c))
	return nil
}

// caseStep serves a POST that records one step of a case: step reads the request body (which
// may be empty) and returns the change to apply.
func (s *Server) caseStep(step func(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error)) func(w http.ResponseWriter, r *http.Request, u access.User) error {
	return func(w http.ResponseWriter, r *http.Request, u access.User) error {
		if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
			return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeBadRequest, Message: "send the body as application/json"}
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 4097))
		if err != nil {
			return badRequest("body: %v", err)
		}
		if len(body) > 4096 {
			return badRequest("body is larger than 4096 bytes")
		}
		at := s.cfg.Now().UTC()
		fn, err := step(r, body, at)
		if err != nil {
			return err
		}
		c, err := s.cfg.Cases.UpdateCase(r.Context(), u, r.PathValue("id"), at, fn)
		if err != nil {
			return s.caseErr(err, "case")
		}
		last := c.Events[len(c.Events)-1]
		s.log.Info("case step", "case", c.ID, "action", last.Action, "status", c.Status, "user", u.Name)
		writeJSON(w, http.StatusOK, "application/json", newCaseJSON(c))
		return nil
	}
}

// decodeStep decodes a step's body into v; an empty body leaves v as it is.
func decodeStep(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("body: %v", err)
	}
	if dec.More() {
		return badRequest("body holds more than one JSON value")
	}
	return nil
}

func (s *Server) stepConsentRequest(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error) {
	if err := decodeStep(body, &struct{}{}); err != nil {
		return nil, err
	}
	return func(c *cases.Case) error { return c.RequestConsent(at) }, nil
}

func (s *Server) stepConsentAnswer(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error) {
	var req struct {
		Granted *bool `json:"granted"`
	}
	if err := decodeStep(body, &req); err != nil {
		return nil, err
	}
	if req.Granted == nil {
		return nil, badRequest(`granted is required: {"granted": true} when the flag state consents, false when it refuses`)
	}
	return func(c *cases.Case) error { return c.AnswerConsent(*req.Granted, at) }, nil
}

func (s *Server) stepPursuit(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error) {
	var req struct {
		Action string   `json:"action"`
		Lat    *float64 `json:"lat"`
		Lon    *float64 `json:"lon"`
	}
	if err := decodeStep(body, &req); err != nil {
		return nil, err
	}
	switch req.Action {
	case "start":
		if req.Lat != nil || req.Lon != nil {
			return nil, badRequest("a pursuit starts from the case's place: send no lat and lon with action start")
		}
		return func(c *cases.Case) error { return c.StartPursuit(at) }, nil
	case "update":
		if req.Lat == nil || req.Lon == nil || math.IsNaN(*req.Lat) || *req.Lat < -90 || *req.Lat > 90 || *req.Lon < -180 || *req.Lon > 180 {
			return nil, badRequest("action update needs lat (-90..90) and lon (-180..180): where the pursued vessel is now, degrees")
		}
		loc, err := s.locator()
		if err != nil {
			return nil, err
		}
		a := loc.Lookup(*req.Lat, *req.Lon)
		if a.Zone == jurisdiction.ZoneUnknown {
			return nil, &Error{Status: http.StatusUnprocessableEntity, Code: "unknown_place",
				Message: fmt.Sprintf("%g, %g is outside the region the jurisdiction engine covers", *req.Lat, *req.Lon)}
		}
		p := cases.Place{Lat: *req.Lat, Lon: *req.Lon, State: a.State, Zone: string(a.Zone)}
		return func(c *cases.Case) error { return c.UpdatePursuit(p, at) }, nil
	}
	return nil, badRequest(`action must be "start" or "update"; got %q`, req.Action)
}

func (s *Server) stepHandOver(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error) {
	if err := decodeStep(body, &struct{}{}); err != nil {
		return nil, err
	}
	return func(c *cases.Case) error { return c.HandOver(at) }, nil
}

func (s *Server) stepAccept(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error) {
	if err := decodeStep(body, &struct{}{}); err != nil {
		return nil, err
	}
	// The store lets only officers of the state the case waits for through; that state accepts.
	return func(c *cases.Case) error { return c.Accept(c.Actor(), at) }, nil
}

func (s *Server) stepClose(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error) {
	var req struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	}
	if err := decodeStep(body, &req); err != nil {
		return nil, err
	}
	if !slices.Contains(cases.Outcomes, req.Outcome) {
		return nil, badRequest("outcome must be one of %s; got %q", strings.Join(cases.Outcomes, ", "), req.Outcome)
	}
	// The note is checked by Case.Close (ErrInvalid: 400).
	return func(c *cases.Case) error { return c.Close(req.Outcome, req.Note, at) }, nil
}

func (s *Server) stepBoard(r *http.Request, body []byte, at time.Time) (func(c *cases.Case) error, error) {
	if err := decodeStep(body, &struct{}{}); err != nil {
		return nil, err
	}
	return func(c *cases.Case) error { return c.Board(at) }, nil
}
