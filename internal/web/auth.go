package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"accord/internal/access"
)

// Authentication of the intelligence routes.
//
//   - POST /api/v1/login {"name","password","kind"} answers, for kind "session" (default), a
//     session cookie (accord_session: HttpOnly, SameSite=Strict, Path=/, Secure when
//     configured) and a CSRF token in the body; for kind "token", a bearer token for the API.
//     Tokens are shown once; the store keeps their SHA-256 only.
//   - A request is authenticated by "Authorization: Bearer <token>" (API tokens only) or by
//     the session cookie (browser sessions only). With the cookie, every request that is not
//     GET or HEAD must carry the session's CSRF token in the X-CSRF-Token header.
//   - Login attempts are rate-limited per client address and per user name (token buckets):
//     an exhausted bucket answers 429 with Retry-After, before the password is checked.
//   - POST /api/v1/logout revokes the token or session used; GET /api/v1/me says who is in.

// Sessions is what authentication needs from the store. Implementations must be safe for
// concurrent use. Failures of Authenticate and Session wrap access.ErrUnauthenticated.
type Sessions interface {
	Authenticate(ctx context.Context, name, password string) (access.User, error)
	// Issue creates a session ("session", with a CSRF token) or an API token ("token").
	Issue(ctx context.Context, u access.User, kind, label string, ttl time.Duration) (token, csrf string, expires time.Time, err error)
	// Session returns the user of a valid token, its kind and the SHA-256 of its CSRF token.
	Session(ctx context.Context, token string) (access.User, string, []byte, error)
	Revoke(ctx context.Context, u access.User, token string) error
}

const (
	sessionCookie = "accord_session"
	csrfHeader    = "X-CSRF-Token"
)

// limiter is a set of token buckets keyed by string: each key may spend burst attempts at
// once, refilled at one per interval. Keys idle for long are dropped.
type limiter struct {
	mu       sync.Mutex
	burst    float64
	interval time.Duration
	buckets  map[string]*bucket
	now      func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(burst int, interval time.Duration, now func() time.Time) *limiter {
	return &limiter{burst: float64(burst), interval: interval, buckets: map[string]*bucket{}, now: now}
}

// allow spends one attempt of key; if none is left it returns false and the wait until one is.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) > 100000 {
		for k, b := range l.buckets {
			if now.Sub(b.last) > time.Duration(l.burst)*l.interval {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens += float64(now.Sub(b.last)) / float64(l.interval)
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.interval))
	}
	b.tokens--
	return true, 0
}

// clientIP is the address the request came from (the connection's peer; a proxy in front of
// the server must be trusted explicitly, which this server does not do).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Kind     string `json:"kind"`  // "session" (default) or "token"
	Label    string `json:"label"` // what the token is for
}

type userJSON struct {
	ID     int64    `json:"id"`
	Name   string   `json:"name"`
	Agency string   `json:"agency"`
	State  string   `json:"state"`
	Roles  []string `json:"roles"`
}

func newUserJSON(u access.User) userJSON {
	j := userJSON{ID: u.ID, Name: u.Name, Agency: u.Agency, State: u.State, Roles: []string{}}
	for _, r := range u.Roles {
		j.Roles = append(j.Roles, string(r))
	}
	return j
}

var errUnauthorized = &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
	Message: "authentication required: log in with POST /api/v1/login, then send the session cookie (and X-CSRF-Token on changes) or Authorization: Bearer <token>"}

// decodeJSON reads a JSON body of at most max bytes into v, rejecting unknown fields.
func decodeJSON(r *http.Request, max int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeBadRequest, Message: "send the body as application/json"}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, max+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return badRequest("body is not valid JSON at byte %d: %v", se.Offset, err)
		case errors.As(err, &te):
			return badRequest("body field %q: want a JSON %s", te.Field, te.Type)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return badRequest("body is empty or cut short (at most %d bytes)", max)
		}
		return badRequest("body: %v", err)
	}
	if dec.More() {
		return badRequest("body holds more than one JSON value")
	}
	return nil
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	ic := s.cfg.Intel
	var req loginRequest
	if err := decodeJSON(r, 4096, &req); err != nil {
		return err
	}
	if req.Kind == "" {
		req.Kind = "session"
	}
	if req.Kind != "session" && req.Kind != "token" {
		return badRequest("kind must be \"session\" (browser cookie) or \"token\" (API bearer token); got %q", req.Kind)
	}
	if req.Name == "" || req.Password == "" {
		return badRequest("name and password are required")
	}
	for _, key := range []string{"ip:" + clientIP(r), "name:" + strings.ToLower(req.Name)} {
		lim := s.intel.loginByIP
		if strings.HasPrefix(key, "name:") {
			lim = s.intel.loginByName
		}
		if ok, wait := lim.allow(key); !ok {
			secs := int(wait/time.Second) + 1
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.log.Warn("login rate limited", "ip", clientIP(r), "user", req.Name)
			return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
				Message: fmt.Sprintf("too many login attempts; retry in %d s", secs)}
		}
	}
	u, err := ic.Sessions.Authenticate(r.Context(), req.Name, req.Password)
	if errors.Is(err, access.ErrUnauthenticated) {
		s.log.Info("login failed", "ip", clientIP(r), "user", req.Name)
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "wrong user name or password"}
	}
	if err != nil {
		return err
	}
	ttl, label := ic.SessionTTL, "browser"
	if req.Kind == "token" {
		ttl, label = ic.TokenTTL, req.Label
		if label == "" {
			label = "api"
		}
	}
	tok, csrf, expires, err := ic.Sessions.Issue(r.Context(), u, req.Kind, label, ttl)
	if err != nil {
		return err
	}
	s.log.Info("login", "user", u.Name, "agency", u.Agency, "kind", req.Kind)
	body := map[string]any{"user": newUserJSON(u), "expires": rfc3339(expires)}
	if req.Kind == "session" {
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: expires,
			HttpOnly: true, Secure: ic.SecureCookies, SameSite: http.SameSiteStrictMode})
		body["csrf_token"] = csrf
	} else {
		body["token"] = tok
	}
	writeJSON(w, http.StatusOK, "application/json", body)
	return nil
}

// authed wraps a handler that needs the user. It accepts a bearer token (kind "token") or the
// session cookie (kind "session", with the CSRF header on unsafe methods).
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, u access.User) error) func(http.ResponseWriter, *http.Request) error {
	return s.intelOn(func(w http.ResponseWriter, r *http.Request) error {
		u, _, err := s.authenticate(r)
		if err != nil {
			return err
		}
		return h(w, r, u)
	})
}

// authenticate returns the request's user and the token it used.
func (s *Server) authenticate(r *http.Request) (access.User, string, error) {
	ic := s.cfg.Intel
	var tok, want string
	if a := r.Header.Get("Authorization"); a != "" {
		scheme, t, ok := strings.Cut(a, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(t) == "" {
			return access.User{}, "", errUnauthorized
		}
		tok, want = strings.TrimSpace(t), "token"
	} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		tok, want = c.Value, "session"
	} else {
		return access.User{}, "", errUnauthorized
	}
	u, kind, csrfHash, err := ic.Sessions.Session(r.Context(), tok)
	if errors.Is(err, access.ErrUnauthenticated) || (err == nil && kind != want) {
		return access.User{}, "", errUnauthorized
	}
	if err != nil {
		return access.User{}, "", err
	}
	if kind == "session" && r.Method != http.MethodGet && r.Method != http.MethodHead {
		got := sha256.Sum256([]byte(r.Header.Get(csrfHeader)))
		if len(csrfHash) != len(got) || subtle.ConstantTimeCompare(got[:], csrfHash) != 1 {
			return access.User{}, "", &Error{Status: http.StatusForbidden, Code: "csrf",
				Message: "missing or wrong " + csrfHeader + " header: send the csrf_token the login answered"}
		}
	}
	return u, tok, nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	u, tok, err := s.authenticate(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Intel.Sessions.Revoke(r.Context(), u, tok); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.Intel.SecureCookies, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, "application/json", map[string]string{"status": "logged out"})
	return nil
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, u access.User) error {
	writeJSON(w, http.StatusOK, "application/json", newUserJSON(u))
	return nil
}
