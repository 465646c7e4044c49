package web

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
)

// Intelligence routes (/api/v1/reports, /entities, /links, /corroboration, /aggregates,
// /export.stix). Every one needs an authenticated user (auth.go) and passes that user to the
// store, which enforces releasability in its queries: a record the user may not read is
// answered 404, exactly like a record that does not exist. The vessel routes predate user
// accounts: they serve feed-marked data (each feed's originator and TLP) without login.

// IntelStore is what the intelligence routes need from the store. Implementations must be
// safe for concurrent use, enforce releasability for u in every read, wrap Config.NotFound
// when a record is missing or not releasable, and wrap intel.ErrInvalid / access.ErrInvalid,
// intel.ErrConflict and access.ErrForbidden for bad input, duplicates and refused writes.
type IntelStore interface {
	Reports(ctx context.Context, u access.User, f intel.ReportFilter, via string) ([]intel.Report, error)
	// RedactedReports is the monitor's list: no content, only reports u's agency could read.
	RedactedReports(ctx context.Context, u access.User, f intel.ReportFilter) ([]intel.RedactedReport, error)
	Report(ctx context.Context, u access.User, id int64, via string) (intel.Report, error)
	CreateReport(ctx context.Context, actor access.User, r intel.Report, contents map[[32]byte][]byte) (int64, error)
	Attachment(ctx context.Context, u access.User, reportID int64, sum [32]byte) ([]byte, error)
	Entities(ctx context.Context, u access.User, f intel.EntityFilter, via string) ([]intel.Entity, error)
	Entity(ctx context.Context, u access.User, id int64, via string) (intel.Entity, error)
	CreateEntity(ctx context.Context, actor access.User, e intel.Entity) (int64, error)
	Links(ctx context.Context, u access.User, f intel.LinkFilter, via string) ([]intel.Link, error)
	CreateLink(ctx context.Context, actor access.User, l intel.Link) (int64, error)
	Corroboration(ctx context.Context, u access.User, c intel.Claim, p intel.Params) (intel.Score, error)
	Aggregates(ctx context.Context, u access.User, from, to time.Time) ([]intel.AggregateRow, error)
	Export(ctx context.Context, u access.User, f intel.ReportFilter) (intel.Export, error)
}

// IntelConfig enables the login and intelligence routes. With a zero IntelConfig (nil Store or
// Sessions) those routes answer 503.
type IntelConfig struct {
	Store    IntelStore
	Sessions Sessions
	// STIX encodes an export made for u as a STIX 2.1 bundle for GET /api/v1/export.stix
	// (package stix); nil: that route answers 404.
	STIX func(ctx context.Context, x intel.Export, u access.User) ([]byte, error)
	// SessionTTL (default 12 h) and TokenTTL (default 30 days) are the validity of browser
	// sessions and API tokens issued at login.
	SessionTTL, TokenTTL time.Duration
	// SecureCookies sets the Secure attribute on the session cookie (serve over HTTPS).
	SecureCookies bool
	// LoginBurst attempts per client address (default 20) and per user name (default 5) may
	// be made at once; one more is allowed every LoginInterval (default 1 minute).
	LoginBurstIP, LoginBurstName int
	LoginInterval                time.Duration
}

// intelState is the server's authentication state.
type intelState struct {
	loginByIP, loginByName *limiter
}

// registerIntelRoutes adds the login and intelligence routes; they answer 503 when
// s.cfg.Intel has no store.
func (s *Server) registerIntelRoutes() {
	ic := &s.cfg.Intel
	if ic.SessionTTL <= 0 {
		ic.SessionTTL = 12 * time.Hour
	}
	if ic.TokenTTL <= 0 {
		ic.TokenTTL = 30 * 24 * time.Hour
	}
	if ic.LoginBurstIP <= 0 {
		ic.LoginBurstIP = 20
	}
	if ic.LoginBurstName <= 0 {
		ic.LoginBurstName = 5
	}
	if ic.LoginInterval <= 0 {
		ic.LoginInterval = time.Minute
	}
	s.intel.loginByIP = newLimiter(ic.LoginBurstIP, ic.LoginInterval, s.cfg.Now)
	s.intel.loginByName = newLimiter(ic.LoginBurstName, ic.LoginInterval, s.cfg.Now)
	s.api("POST /api/v1/login", s.intelOn(s.handleLogin))
	s.api("POST /api/v1/logout", s.intelOn(s.handleLogout))
	s.api("GET /api/v1/me", s.authed(s.handleMe))
	s.api("GET /api/v1/reports", s.authed(s.handleReports("list")))
	s.api("GET /api/v1/reports/search", s.authed(s.handleReports("search")))
	s.api("GET /api/v1/reports/map", s.authed(s.handleReportsMap))
	s.api("GET /api/v1/reports/{id}", s.authed(s.handleReport))
	s.api("GET /api/v1/reports/{id}/attachments/{sha256}", s.authed(s.handleAttachment))
	s.api("POST /api/v1/reports", s.authed(s.handleCreateReport))
	s.api("GET /api/v1/entities", s.authed(s.handleEntities))
	s.api("GET /api/v1/entities/{id}", s.authed(s.handleEntity))
	s.api("GET /api/v1/entities/{id}/links", s.authed(s.handleEntityLinks))
	s.api("POST /api/v1/entities", s.authed(s.handleCreateEntity))
	s.api("POST /api/v1/links", s.authed(s.handleCreateLink))
	s.api("GET /api/v1/corroboration", s.authed(s.handleCorroboration))
	s.api("GET /api/v1/aggregates", s.authed(s.handleAggregates))
	s.api("GET /api/v1/export.stix", s.authed(s.handleExportSTIX))
}

// intelOn answers 503 when the server has no intelligence store.
func (s *Server) intelOn(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.cfg.Intel.Store == nil || s.cfg.Intel.Sessions == nil {
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server has no intelligence store: login and intelligence routes are off"}
		}
		return h(w, r)
	}
}

// intelErr maps the store's errors for the intelligence routes.
func (s *Server) intelErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, intel.ErrInvalid), errors.Is(err, access.ErrInvalid):
		return badRequest("%v", err)
	case errors.Is(err, intel.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: err.Error()}
	case errors.Is(err, access.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: err.Error()}
	case s.cfg.NotFound != nil && errors.Is(err, s.cfg.NotFound):
		// Never echo the store's message: "not found" and "not releasable" must look alike.
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such record"}
	}
	return err
}

// markingsJSON is the wire form of markings. rel_to entries are "state:MEX", "agency:SEMAR" or
// "user:17".
type markingsJSON struct {
	Originator string   `json:"originator"`
	TLP        string   `json:"tlp"`
	RelTo      []string `json:"rel_to"`
}

func newMarkingsJSON(m access.Markings) markingsJSON {
	j := markingsJSON{Originator: m.Originator, TLP: string(m.TLP), RelTo: []string{}}
	for _, t := range m.RelTo {
		j.RelTo = append(j.RelTo, t.String())
	}
	return j
}

func (j markingsJSON) markings() (access.Markings, error) {
	tlp, err := access.ParseTLP(j.TLP)
	if err != nil {
		return access.Markings{}, err
	}
	m := access.Markings{Originator: j.Originator, TLP: tlp}
	for _, v := range j.RelTo {
		t, err := access.ParseTarget(v)
		if err != nil {
			return access.Markings{}, err
		}
		m.RelTo = append(m.RelTo, t)
	}
	return m, m.Validate()
}

type pointJSON struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type attachmentJSON struct {
	SHA256        string `json:"sha256"`
	Name          string `json:"name"`
	MediaType     string `json:"media_type"`
	Size          int64  `json:"size"`
	ContentBase64 string `json:"content_base64,omitempty"` // on create only
}

type mentionJSON struct {
	EntityID int64  `json:"entity_id"`
	Stance   string `json:"stance"`
}

type reportJSON struct {
	ID          int64            `json:"id,omitempty"`
	StixID      string           `json:"stix_id,omitempty"`
	Markings    markingsJSON     `json:"markings"`
	Discipline  string           `json:"discipline"`
	Grade       string           `json:"grade"`
	Source      string           `json:"source,omitempty"`
	Observed    string           `json:"observed"`
	Place       string           `json:"place,omitempty"`
	Location    *pointJSON       `json:"location,omitempty"`
	Title       string           `json:"title"`
	Text        string           `json:"text,omitempty"`
	Attachments []attachmentJSON `json:"attachments,omitempty"`
	Entities    []mentionJSON    `json:"entities,omitempty"`
	Created     string           `json:"created,omitempty"`
	CreatedBy   string           `json:"created_by,omitempty"`
}

func newReportJSON(r intel.Report) reportJSON {
	j := reportJSON{ID: r.ID, StixID: r.StixID, Markings: newMarkingsJSON(r.Markings), Discipline: string(r.Discipline),
		Grade: r.Grade.String(), Source: r.Source, Observed: rfc3339(r.Observed), Place: r.Place, Title: r.Title, Text: r.Text,
		Created: rfc3339(r.Created), CreatedBy: r.CreatedBy}
	if r.Location != nil {
		j.Location = &pointJSON{r.Location.Lat, r.Location.Lon}
	}
	for _, a := range r.Attachments {
		j.Attachments = append(j.Attachments, attachmentJSON{SHA256: a.HashHex(), Name: a.Name, MediaType: a.MediaType, Size: a.Size})
	}
	for _, m := range r.Entities {
		j.Entities = append(j.Entities, mentionJSON{m.EntityID, string(m.Stance)})
	}
	return j
}

type identifierJSON struct {
	Scheme string `json:"scheme"`
	Value  string `json:"value"`
}

type entityJSON struct {
	ID          int64            `json:"id,omitempty"`
	StixID      string           `json:"stix_id,omitempty"`
	Kind        string           `json:"kind"`
	Name        string           `json:"name"`
	Aliases     []string         `json:"aliases,omitempty"`
	Identifiers []identifierJSON `json:"identifiers,omitempty"`
	Location    *pointJSON       `json:"location,omitempty"`
	Markings    markingsJSON     `json:"markings"`
	Created     string           `json:"created,omitempty"`
	CreatedBy   string           `json:"created_by,omitempty"`
}

func newEntityJSON(e intel.Entity) entityJSON {
	j := entityJSON{ID: e.ID, StixID: e.StixID, Kind: string(e.Kind), Name: e.Name, Aliases: e.Aliases,
		Markings: newMarkingsJSON(e.Markings), Created: rfc3339(e.Created), CreatedBy: e.CreatedBy}
	if e.Location != nil {
		j.Location = &pointJSON{e.Location.Lat, e.Location.Lon}
	}
	for _, id := range e.Identifiers {
		j.Identifiers = append(j.Identifiers, identifierJSON{string(id.Scheme), id.Value})
	}
	return j
}

type linkJSON struct {
	ID        int64        `json:"id,omitempty"`
	StixID    string       `json:"stix_id,omitempty"`
	Source    int64        `json:"source"`
	Target    int64        `json:"target"`
	Kind      string       `json:"kind"`
	ValidFrom string       `json:"valid_from"`
	ValidTo   string       `json:"valid_to,omitempty"`
	Markings  markingsJSON `json:"markings"`
}

func newLinkJSON(l intel.Link) linkJSON {
	j := linkJSON{ID: l.ID, StixID: l.StixID, Source: l.Source, Target: l.Target, Kind: l.Kind, ValidFrom: rfc3339(l.ValidFrom), Markings: newMarkingsJSON(l.Markings)}
	if !l.ValidTo.IsZero() {
		j.ValidTo = rfc3339(l.ValidTo)
	}
	return j
}

func parseID(s, what string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, badRequest("%s must be a positive integer id; got %q", what, s)
	}
	return n, nil
}

// reportFilter parses the list/search query parameters.
func reportFilter(q url.Values, search bool) (intel.ReportFilter, error) {
	known := []string{"discipline", "originator", "tlp", "from", "to", "bbox", "entity", "limit", "before"}
	if search {
		known = append(known, "q")
	}
	if err := rejectUnknown(q, known...); err != nil {
		return intel.ReportFilter{}, err
	}
	var f intel.ReportFilter
	var err error
	if v := q.Get("discipline"); v != "" {
		if f.Discipline, err = intel.ParseDiscipline(v); err != nil {
			return f, badRequest("discipline: %v", err)
		}
	}
	f.Originator = q.Get("originator")
	if v := q.Get("tlp"); v != "" {
		if f.TLP, err = access.ParseTLP(v); err != nil {
			return f, badRequest("tlp: %v", err)
		}
	}
	if f.From, _, err = parseTime(q, "from"); err != nil {
		return f, err
	}
	if f.To, _, err = parseTime(q, "to"); err != nil {
		return f, err
	}
	if v := q.Get("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			return f, err
		}
		if b.MinLon > b.MaxLon {
			return f, badRequest("bbox crossing the antimeridian is not supported for reports; split it in two requests")
		}
		f.BBox = &intel.BBox{MinLon: b.MinLon, MinLat: b.MinLat, MaxLon: b.MaxLon, MaxLat: b.MaxLat}
	}
	if v := q.Get("entity"); v != "" {
		if f.EntityID, err = parseID(v, "entity"); err != nil {
			return f, err
		}
	}
	if f.Limit, err = parseLimit(q, 100, intel.MaxListLimit); err != nil {
		return f, err
	}
	if v := q.Get("before"); v != "" {
		// The cursor is "<observed Unix ms>.<id>", as answered in "next".
		ms, id, ok := strings.Cut(v, ".")
		t, err1 := strconv.ParseInt(ms, 10, 64)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil || n <= 0 {
			return f, badRequest("before must be the cursor a previous page answered in \"next\"; got %q", v)
		}
		f.BeforeObserved, f.BeforeID = time.UnixMilli(t).UTC(), n
	}
	if search {
		t, err := intel.SearchText(q.Get("q"))
		if err != nil {
			return f, badRequest("query parameter \"q\": %v", err)
		}
		if f.Text = t; f.Text == "" {
			return f, badRequest("query parameter \"q\" (the text to search for) is required")
		}
	}
	return f, nil
}

// monitorOnly reports whether u's roles allow aggregates and redacted views only
// (access.RoleMonitor, rule 1 of package access).
func monitorOnly(u access.User) bool { return u.Has(access.RoleMonitor) }

// errMonitor answers a monitor's request for a full record or a view that would show content.
var errMonitor = &Error{Status: http.StatusForbidden, Code: "forbidden",
	Message: "the monitor role sees aggregates (/api/v1/aggregates) and the redacted report list (/api/v1/reports) only"}

func (s *Server) handleReports(via string) func(http.ResponseWriter, *http.Request, access.User) error {
	return func(w http.ResponseWriter, r *http.Request, u access.User) error {
		if monitorOnly(u) {
			if via == "search" {
				return errMonitor
			}
			return s.handleRedactedReports(w, r, u)
		}
		f, err := reportFilter(r.URL.Query(), via == "search")
		if err != nil {
			return err
		}
		rs, err := s.cfg.Intel.Store.Reports(r.Context(), u, f, via)
		if err != nil {
			return s.intelErr(err)
		}
		out := struct {
			Reports []reportJSON `json:"reports"`
			Next    string       `json:"next,omitempty"`
		}{Reports: make([]reportJSON, 0, len(rs))}
		for _, rep := range rs {
			out.Reports = append(out.Reports, newReportJSON(rep))
		}
		if len(rs) == f.Limit && len(rs) > 0 {
			last := rs[len(rs)-1]
			out.Next = fmt.Sprintf("%d.%d", last.Observed.UnixMilli(), last.ID)
		}
		writeJSON(w, http.StatusOK, "application/json", out)
		return nil
	}
}

// redactedJSON is a report in the monitor's view: no title, text, place, source, markings
// beyond originator and level, entities, attachments or position. place_state is the state in
// whose land or waters the report was observed (the jurisdiction engine's answer; "" on the
// high seas, when the report has no position or when the server has no engine).
type redactedJSON struct {
	ID         int64  `json:"id"`
	Observed   string `json:"observed"`
	Originator string `json:"originator"`
	TLP        string `json:"tlp"`
	Discipline string `json:"discipline"`
	Grade      string `json:"grade"`
	PlaceState string `json:"place_state"`
}

// handleRedactedReports is GET /api/v1/reports for a monitor: the redacted rows of the reports
// the monitor's agency could read, with the list's filters except box and entity.
func (s *Server) handleRedactedReports(w http.ResponseWriter, r *http.Request, u access.User) error {
	q := r.URL.Query()
	if q.Has("bbox") || q.Has("entity") {
		return errMonitor
	}
	f, err := reportFilter(q, false)
	if err != nil {
		return err
	}
	rs, err := s.cfg.Intel.Store.RedactedReports(r.Context(), u, f)
	if err != nil {
		return s.intelErr(err)
	}
	var loc Locator
	if s.cfg.Jurisdiction != nil {
		if l, err := s.cfg.Jurisdiction(); err == nil {
			loc = l
		}
	}
	out := struct {
		Redacted bool           `json:"redacted"`
		Reports  []redactedJSON `json:"reports"`
		Next     string         `json:"next,omitempty"`
	}{Redacted: true, Reports: make([]redactedJSON, 0, len(rs))}
	for _, rep := range rs {
		j := redactedJSON{ID: rep.ID, Observed: rfc3339(rep.Observed), Originator: rep.Originator, TLP: string(rep.TLP),
			Discipline: string(rep.Discipline), Grade: rep.Grade.String()}
		if loc != nil && rep.Location != nil {
			j.PlaceState = loc.Lookup(rep.Location.Lat, rep.Location.Lon).State
		}
		out.Reports = append(out.Reports, j)
	}
	if len(rs) == f.Limit && len(rs) > 0 {
		last := rs[len(rs)-1]
		out.Next = fmt.Sprintf("%d.%d", last.Observed.UnixMilli(), last.ID)
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

// handleReportsMap is the map layer: located reports in a box, as GeoJSON points carrying
// only what the map shows.
func (s *Server) handleReportsMap(w http.ResponseWriter, r *http.Request, u access.User) error {
	if monitorOnly(u) {
		return errMonitor
	}
	q := r.URL.Query()
	if q.Get("bbox") == "" {
		return badRequest("bbox is required, e.g. bbox=-100,5,-60,32")
	}
	f, err := reportFilter(q, false)
	if err != nil {
		return err
	}
	rs, err := s.cfg.Intel.Store.Reports(r.Context(), u, f, "map")
	if err != nil {
		return s.intelErr(err)
	}
	type props struct {
		ID         int64  `json:"id"`
		Title      string `json:"title"`
		Discipline string `json:"discipline"`
		Grade      string `json:"grade"`
		TLP        string `json:"tlp"`
		Observed   string `json:"observed"`
	}
	type feat struct {
		Type     string `json:"type"`
		Geometry struct {
			Type        string     `json:"type"`
			Coordinates [2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties props `json:"properties"`
	}
	fc := struct {
		Type     string `json:"type"`
		Features []feat `json:"features"`
	}{Type: "FeatureCollection", Features: []feat{}}
	for _, rep := range rs {
		if rep.Location == nil {
			continue
		}
		var f feat
		f.Type, f.Geometry.Type = "Feature", "Point"
		f.Geometry.Coordinates = [2]float64{rep.Location.Lon, rep.Location.Lat}
		f.Properties = props{rep.ID, rep.Title, string(rep.Discipline), rep.Grade.String(), string(rep.Markings.TLP), rfc3339(rep.Observed)}
		fc.Features = append(fc.Features, f)
	}
	writeJSON(w, http.StatusOK, "application/geo+json", fc)
	return nil
}

func (s *Server) handleReport(w http.ResponseWriter, r *http.Request, u access.User) error {
	if monitorOnly(u) {
		return errMonitor
	}
	id, err := parseID(r.PathValue("id"), "report id")
	if err != nil {
		return err
	}
	rep, err := s.cfg.Intel.Store.Report(r.Context(), u, id, "api")
	if err != nil {
		return s.intelErr(err)
	}
	writeJSON(w, http.StatusOK, "application/json", newReportJSON(rep))
	return nil
}

func (s *Server) handleAttachment(w http.ResponseWriter, r *http.Request, u access.User) error {
	if monitorOnly(u) {
		return errMonitor
	}
	id, err := parseID(r.PathValue("id"), "report id")
	if err != nil {
		return err
	}
	h, err := hex.DecodeString(r.PathValue("sha256"))
	if err != nil || len(h) != 32 {
		return badRequest("sha256 must be 64 hexadecimal digits")
	}
	c, err := s.cfg.Intel.Store.Attachment(r.Context(), u, id, [32]byte(h))
	if err != nil {
		return s.intelErr(err)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", "attachment")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(c)
	return nil
}

// maxCreateBody bounds a create request (attachments travel base64-encoded in it).
const maxCreateBody = 16 << 20

func (s *Server) handleCreateReport(w http.ResponseWriter, r *http.Request, u access.User) error {
	var j reportJSON
	if err := decodeJSON(r, maxCreateBody, &j); err != nil {
		return err
	}
	m, err := j.Markings.markings()
	if err != nil {
		return badRequest("markings: %v", err)
	}
	rep := intel.Report{StixID: j.StixID, Markings: m, Discipline: intel.Discipline(strings.ToUpper(j.Discipline)), Source: j.Source,
		Place: j.Place, Title: j.Title, Text: j.Text}
	if rep.Grade, err = access.ParseGrade(j.Grade); err != nil {
		return badRequest("grade: %v", err)
	}
	if rep.Observed, err = time.Parse(time.RFC3339Nano, j.Observed); err != nil {
		return badRequest("observed must be an RFC 3339 time such as 2026-11-20T10:00:00Z; got %q", j.Observed)
	}
	if j.Location != nil {
		rep.Location = &intel.Point{Lat: j.Location.Lat, Lon: j.Location.Lon}
	}
	contents := map[[32]byte][]byte{}
	for i, a := range j.Attachments {
		c, err := base64.StdEncoding.DecodeString(a.ContentBase64)
		if err != nil {
			return badRequest("attachments[%d].content_base64: not standard base64", i)
		}
		att := intel.NewAttachment(a.Name, a.MediaType, c)
		if a.SHA256 != "" && a.SHA256 != att.HashHex() {
			return badRequest("attachments[%d].sha256 %s does not match the content (%s)", i, a.SHA256, att.HashHex())
		}
		contents[att.SHA256] = c
		rep.Attachments = append(rep.Attachments, att)
	}
	for _, m := range j.Entities {
		rep.Entities = append(rep.Entities, intel.Mention{EntityID: m.EntityID, Stance: intel.Stance(m.Stance)})
	}
	id, err := s.cfg.Intel.Store.CreateReport(r.Context(), u, rep, contents)
	if err != nil {
		return s.intelErr(err)
	}
	writeJSON(w, http.StatusCreated, "application/json", map[string]int64{"id": id})
	return nil
}

func (s *Server) handleEntities(w http.ResponseWriter, r *http.Request, u access.User) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "kind", "q", "scheme", "value", "limit"); err != nil {
		return err
	}
	var f intel.EntityFilter
	f.Kind = intel.EntityKind(q.Get("kind"))
	var err error
	if f.Text, err = intel.SearchText(q.Get("q")); err != nil {
		return badRequest("query parameter \"q\": %v", err)
	}
	if sc, v := q.Get("scheme"), q.Get("value"); sc != "" || v != "" {
		if sc == "" || v == "" {
			return badRequest("scheme and value go together, e.g. scheme=IMO&value=9074729")
		}
		f.Identifier = &intel.Identifier{Scheme: intel.Scheme(sc), Value: v}
	}
	if f.Limit, err = parseLimit(q, 100, intel.MaxListLimit); err != nil {
		return err
	}
	es, err := s.cfg.Intel.Store.Entities(r.Context(), u, f, "api")
	if err != nil {
		return s.intelErr(err)
	}
	out := struct {
		Entities []entityJSON `json:"entities"`
	}{Entities: make([]entityJSON, 0, len(es))}
	for _, e := range es {
		out.Entities = append(out.Entities, newEntityJSON(e))
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

func (s *Server) handleEntity(w http.ResponseWriter, r *http.Request, u access.User) error {
	id, err := parseID(r.PathValue("id"), "entity id")
	if err != nil {
		return err
	}
	e, err := s.cfg.Intel.Store.Entity(r.Context(), u, id, "api")
	if err != nil {
		return s.intelErr(err)
	}
	writeJSON(w, http.StatusOK, "application/json", newEntityJSON(e))
	return nil
}

func (s *Server) handleEntityLinks(w http.ResponseWriter, r *http.Request, u access.User) error {
	id, err := parseID(r.PathValue("id"), "entity id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := rejectUnknown(q, "at", "limit"); err != nil {
		return err
	}
	f := intel.LinkFilter{EntityID: id}
	if f.At, _, err = parseTime(q, "at"); err != nil {
		return err
	}
	if f.Limit, err = parseLimit(q, 100, intel.MaxListLimit); err != nil {
		return err
	}
	if _, err := s.cfg.Intel.Store.Entity(r.Context(), u, id, "api"); err != nil {
		return s.intelErr(err)
	}
	ls, err := s.cfg.Intel.Store.Links(r.Context(), u, f, "api")
	if err != nil {
		return s.intelErr(err)
	}
	out := struct {
		Links []linkJSON `json:"links"`
	}{Links: make([]linkJSON, 0, len(ls))}
	for _, l := range ls {
		out.Links = append(out.Links, newLinkJSON(l))
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

func (s *Server) handleCreateEntity(w http.ResponseWriter, r *http.Request, u access.User) error {
	var j entityJSON
	if err := decodeJSON(r, 1<<20, &j); err != nil {
		return err
	}
	m, err := j.Markings.markings()
	if err != nil {
		return badRequest("markings: %v", err)
	}
	e := intel.Entity{StixID: j.StixID, Kind: intel.EntityKind(j.Kind), Name: j.Name, Aliases: j.Aliases, Markings: m}
	for _, id := range j.Identifiers {
		e.Identifiers = append(e.Identifiers, intel.Identifier{Scheme: intel.Scheme(id.Scheme), Value: id.Value})
	}
	if j.Location != nil {
		e.Location = &intel.Point{Lat: j.Location.Lat, Lon: j.Location.Lon}
	}
	id, err := s.cfg.Intel.Store.CreateEntity(r.Context(), u, e)
	if err != nil {
		return s.intelErr(err)
	}
	writeJSON(w, http.StatusCreated, "application/json", map[string]int64{"id": id})
	return nil
}

func (s *Server) handleCreateLink(w http.ResponseWriter, r *http.Request, u access.User) error {
	var j linkJSON
	if err := decodeJSON(r, 1<<16, &j); err != nil {
		return err
	}
	m, err := j.Markings.markings()
	if err != nil {
		return badRequest("markings: %v", err)
	}
	l := intel.Link{StixID: j.StixID, Source: j.Source, Target: j.Target, Kind: j.Kind, Markings: m}
	if l.ValidFrom, err = time.Parse(time.RFC3339Nano, j.ValidFrom); err != nil {
		return badRequest("valid_from must be an RFC 3339 time; got %q", j.ValidFrom)
	}
	if j.ValidTo != "" {
		if l.ValidTo, err = time.Parse(time.RFC3339Nano, j.ValidTo); err != nil {
			return badRequest("valid_to must be an RFC 3339 time or absent; got %q", j.ValidTo)
		}
	}
	id, err := s.cfg.Intel.Store.CreateLink(r.Context(), u, l)
	if err != nil {
		return s.intelErr(err)
	}
	writeJSON(w, http.StatusCreated, "application/json", map[string]int64{"id": id})
	return nil
}

func (s *Server) handleCorroboration(w http.ResponseWriter, r *http.Request, u access.User) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "entity", "lat", "lon", "radius_nm", "from", "to", "half_life"); err != nil {
		return err
	}
	id, err := parseID(q.Get("entity"), "entity")
	if err != nil {
		return err
	}
	c := intel.Claim{EntityID: id}
	if q.Has("lat") || q.Has("lon") {
		lat, err1 := strconv.ParseFloat(q.Get("lat"), 64)
		lon, err2 := strconv.ParseFloat(q.Get("lon"), 64)
		p := intel.Point{Lat: lat, Lon: lon}
		if err1 != nil || err2 != nil || !p.Valid() {
			return badRequest("lat and lon go together, in decimal degrees (-90..90, -180..180)")
		}
		c.Center = &p
	}
	if v := q.Get("radius_nm"); v != "" {
		if c.RadiusNM, err = strconv.ParseFloat(v, 64); err != nil || c.RadiusNM <= 0 || c.RadiusNM > 10800 {
			return badRequest("radius_nm must be a positive number of nautical miles up to 10800; got %q", v)
		}
	}
	if c.From, _, err = parseTime(q, "from"); err != nil {
		return err
	}
	if c.To, _, err = parseTime(q, "to"); err != nil {
		return err
	}
	p := intel.Params{Now: s.cfg.Now()}
	if v := q.Get("half_life"); v != "" {
		if p.HalfLife, err = time.ParseDuration(v); err != nil || p.HalfLife <= 0 {
			return badRequest("half_life must be a positive Go duration such as 72h; got %q", v)
		}
	}
	sc, err := s.cfg.Intel.Store.Corroboration(r.Context(), u, c, p)
	if err != nil {
		return s.intelErr(err)
	}
	type groupJSON struct {
		Reports     []int64  `json:"reports"`
		Agencies    []string `json:"agencies"`
		Sources     []string `json:"sources,omitempty"`
		Weight      float64  `json:"weight"`
		Best        int64    `json:"best_report"`
		GradeWeight float64  `json:"grade_weight"`
		Freshness   float64  `json:"freshness"`
		Contradicts bool     `json:"contradicts,omitempty"`
	}
	out := struct {
		Score       float64     `json:"score"`
		Support     float64     `json:"support"`
		Contra      float64     `json:"contradiction"`
		Independent int         `json:"independent_sources"`
		Groups      []groupJSON `json:"groups"`
		Explanation []string    `json:"explanation"`
	}{Score: sc.Value, Support: sc.Support, Contra: sc.Contra, Independent: sc.Independent, Groups: []groupJSON{}, Explanation: sc.Explanation}
	for _, g := range sc.Groups {
		out.Groups = append(out.Groups, groupJSON{g.Reports, g.Agencies, g.Sources, g.Weight, g.Best, g.GradeW, g.Freshness, g.Contradict})
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

func (s *Server) handleAggregates(w http.ResponseWriter, r *http.Request, u access.User) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "from", "to"); err != nil {
		return err
	}
	to, ok, err := parseTime(q, "to")
	if err != nil {
		return err
	}
	if !ok {
		to = s.cfg.Now()
	}
	from, ok, err := parseTime(q, "from")
	if err != nil {
		return err
	}
	if !ok {
		from = to.AddDate(-1, 0, 0)
	}
	rows, err := s.cfg.Intel.Store.Aggregates(r.Context(), u, from, to)
	if err != nil {
		return s.intelErr(err)
	}
	type rowJSON struct {
		Month      string `json:"month"`
		State      string `json:"state"`
		Discipline string `json:"discipline"`
		TLP        string `json:"tlp"`
		Count      int64  `json:"count"`
	}
	out := struct {
		Rows []rowJSON `json:"rows"`
	}{Rows: []rowJSON{}}
	for _, a := range rows {
		out.Rows = append(out.Rows, rowJSON{a.Month, a.State, string(a.Discipline), string(a.TLP), a.Count})
	}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

func (s *Server) handleExportSTIX(w http.ResponseWriter, r *http.Request, u access.User) error {
	if s.cfg.Intel.STIX == nil {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "STIX export is not configured on this server"}
	}
	f, err := reportFilter(r.URL.Query(), false)
	if err != nil {
		return err
	}
	if !u.Reader() {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "your roles give no access to records (monitors see /api/v1/aggregates)"}
	}
	x, err := s.cfg.Intel.Store.Export(r.Context(), u, f)
	if err != nil {
		return s.intelErr(err)
	}
	b, err := s.cfg.Intel.STIX(r.Context(), x, u)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/stix+json;version=2.1")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="accord-export.json"`)
	_, err = io.Copy(w, strings.NewReader(string(b)))
	return err
}
