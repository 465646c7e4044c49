package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"accord/internal/access"
	"accord/internal/ledger"
)

// Argon2id parameters: the OWASP Password Storage Cheat Sheet's first configuration (19 MiB,
// 2 passes, 1 lane). They are stored with every hash, so they can be raised later without
// breaking old hashes. RFC 9106's 64 MiB option took 1.4 s per hash on the 2-core test machine
// under load, which a login endpoint cannot afford. Tests lower them (argonCost).
var argonCost = struct {
	time, memory uint32 // passes, KiB
	threads      uint8
}{2, 19 * 1024, 1}

const argonKeyLen = 32

// MinPasswordLen is the shortest password accepted, in bytes.
const MinPasswordLen = 12

// HashPassword returns the PHC-format argon2id hash of password with a fresh random salt.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLen {
		return "", fmt.Errorf("password: at least %d characters required", MinPasswordLen)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonCost.time, argonCost.memory, argonCost.threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonCost.memory, argonCost.time, argonCost.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash made by HashPassword, in time
// independent of where the two differ.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<22 || t == 0 || t > 100 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || len(key) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is checked when a login names an unknown user, so that the answer takes as long
// as for a known one.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("accord-dummy-password")
	return h
})

// NewUser is a user to create.
type NewUser struct {
	Name     string
	Agency   string
	Roles    []access.Role
	Password string // never stored or logged; only its argon2id hash is stored
}

// AddUser creates a user and returns it. The name must be new (ErrConflict otherwise), the
// agency known (ErrNotFound), and there must be at least one role.
func (s *Sovereignty) AddUser(ctx context.Context, actor access.User, nu NewUser) (access.User, error) {
	name := strings.TrimSpace(nu.Name)
	if name == "" || len(name) > 100 || strings.ContainsAny(name, " \t\r\n:") {
		return access.User{}, fmt.Errorf("add user %q: the name must be 1-100 characters without spaces or ':'", nu.Name)
	}
	if len(nu.Roles) == 0 {
		return access.User{}, fmt.Errorf("add user %s: give at least one role (--role)", name)
	}
	for _, r := range nu.Roles {
		if _, err := access.ParseRole(string(r)); err != nil {
			return access.User{}, fmt.Errorf("add user %s: %w", name, err)
		}
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return access.User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	roles := slices.Clone(nu.Roles)
	slices.Sort(roles)
	roles = slices.Compact(roles)
	u := access.User{Name: name, Agency: nu.Agency, Roles: roles}
	err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT state FROM agencies WHERE code = ?`), nu.Agency).Scan(&u.State); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ledger.Event{}, fmt.Errorf("agency %q: %w (see `accord user agencies`)", nu.Agency, ErrNotFound)
			}
			return ledger.Event{}, err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM users WHERE name = ?`), name).Scan(&n); err != nil {
			return ledger.Event{}, err
		}
		if n > 0 {
			return ledger.Event{}, fmt.Errorf("user name %s: %w", name, ErrConflict)
		}
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO users (name, agency, password_hash, created) VALUES (?, ?, ?, ?) RETURNING id`),
			name, nu.Agency, hash, s.now().UnixMilli()).Scan(&u.ID); err != nil {
			return ledger.Event{}, err
		}
		for _, r := range roles {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO user_roles (user_id, role) VALUES (?, ?)`), u.ID, string(r)); err != nil {
				return ledger.Event{}, err
			}
		}
		return event(actor, "user.add", "user", strconv.FormatInt(u.ID, 10), u)
	})
	if err != nil {
		return access.User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	return u, nil
}

// SetRoles replaces a user's roles.
func (s *Sovereignty) SetRoles(ctx context.Context, actor access.User, name string, roles []access.Role) error {
	if len(roles) == 0 {
		return fmt.Errorf("set roles of %s: give at least one role (disable the user to remove access)", name)
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		u, _, err := s.userTx(ctx, tx, name)
		if err != nil {
			return ledger.Event{}, err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM user_roles WHERE user_id = ?`), u.ID); err != nil {
			return ledger.Event{}, err
		}
		u.Roles = slices.Compact(slices.Sorted(slices.Values(roles)))
		for _, r := range u.Roles {
			if _, err := access.ParseRole(string(r)); err != nil {
				return ledger.Event{}, err
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO user_roles (user_id, role) VALUES (?, ?)`), u.ID, string(r)); err != nil {
				return ledger.Event{}, err
			}
		}
		return event(actor, "user.roles", "user", strconv.FormatInt(u.ID, 10), u)
	})
	if err != nil {
		return fmt.Errorf("set roles of %s: %w", name, err)
	}
	return nil
}

// SetDisabled disables (or re-enables) a user; disabling also revokes the user's sessions and
// tokens.
func (s *Sovereignty) SetDisabled(ctx context.Context, actor access.User, name string, disabled bool) error {
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		u, _, err := s.userTx(ctx, tx, name)
		if err != nil {
			return ledger.Event{}, err
		}
		d, action := 0, "user.enable"
		if disabled {
			d, action = 1, "user.disable"
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET revoked = 1 WHERE user_id = ?`), u.ID); err != nil {
				return ledger.Event{}, err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET disabled = ? WHERE id = ?`), d, u.ID); err != nil {
			return ledger.Event{}, err
		}
		return event(actor, action, "user", strconv.FormatInt(u.ID, 10), struct {
			User     access.User
			Disabled bool
		}{u, disabled})
	})
	if err != nil {
		return fmt.Errorf("disable %s: %w", name, err)
	}
	return nil
}

// SetPassword replaces a user's password and revokes the user's sessions and tokens.
func (s *Sovereignty) SetPassword(ctx context.Context, actor access.User, name, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		u, _, err := s.userTx(ctx, tx, name)
		if err != nil {
			return ledger.Event{}, err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ? WHERE id = ?`), hash, u.ID); err != nil {
			return ledger.Event{}, err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET revoked = 1 WHERE user_id = ?`), u.ID); err != nil {
			return ledger.Event{}, err
		}
		// The content is the row form of a password change (records_sovereignty.go): the user,
		// and a digest of the stored (salted) password hash, so a direct edit of the hash shows.
		// It covers no secret: the salt is not in the entry, so the digest cannot be used to
		// test guesses.
		c, err := passwordForm(ctx, tx, s.q, u.ID)
		if err != nil {
			return ledger.Event{}, err
		}
		return event(actor, "user.password", "user", strconv.FormatInt(u.ID, 10), c, formMeta)
	})
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Sovereignty) userTx(ctx context.Context, q querier, name string) (access.User, string, error) {
	u, hash, _, err := s.loadUser(ctx, q, `u.name = ?`, name)
	return u, hash, err
}

// loadUser reads one user by a condition on users u.
func (s *Sovereignty) loadUser(ctx context.Context, q querier, cond string, arg any) (access.User, string, bool, error) {
	var u access.User
	var hash string
	var disabled int
	err := q.QueryRowContext(ctx, s.q(`SELECT u.id, u.name, u.agency, a.state, u.password_hash, u.disabled
		FROM users u JOIN agencies a ON a.code = u.agency WHERE `+cond), arg).
		Scan(&u.ID, &u.Name, &u.Agency, &u.State, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", false, fmt.Errorf("user %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return u, "", false, err
	}
	rows, err := q.QueryContext(ctx, s.q(`SELECT role FROM user_roles WHERE user_id = ? ORDER BY role`), u.ID)
	if err != nil {
		return u, "", false, err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return u, "", false, err
		}
		u.Roles = append(u.Roles, access.Role(r))
	}
	return u, hash, disabled != 0, rows.Err()
}

// User returns the user with this name (ErrNotFound if none).
func (s *Sovereignty) User(ctx context.Context, name string) (access.User, error) {
	u, _, _, err := s.loadUser(ctx, s.rdb, `u.name = ?`, name)
	return u, err
}

// UserInfo is a user as listed for administrators.
type UserInfo struct {
	access.User
	Disabled bool
	Created  time.Time
}

// Users lists every user, by name.
func (s *Sovereignty) Users(ctx context.Context) ([]UserInfo, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT u.id, u.name, u.agency, a.state, u.disabled, u.created, r.role
		FROM users u JOIN agencies a ON a.code = u.agency LEFT JOIN user_roles r ON r.user_id = u.id ORDER BY u.name, r.role`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []UserInfo
	for rows.Next() {
		var ui UserInfo
		var d int
		var created int64
		var role sql.NullString
		if err := rows.Scan(&ui.ID, &ui.Name, &ui.Agency, &ui.State, &d, &created, &role); err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == ui.ID {
			if role.Valid {
				out[n-1].Roles = append(out[n-1].Roles, access.Role(role.String))
			}
			continue
		}
		ui.Disabled, ui.Created = d != 0, time.UnixMilli(created).UTC()
		if role.Valid {
			ui.Roles = []access.Role{access.Role(role.String)}
		}
		out = append(out, ui)
	}
	return out, rows.Err()
}

// Authenticate checks a user's password. Every failure (unknown user, wrong password,
// disabled user) returns an error wrapping ErrUnauthenticated, after the same work.
func (s *Sovereignty) Authenticate(ctx context.Context, name, password string) (access.User, error) {
	u, hash, disabled, err := s.loadUser(ctx, s.rdb, `u.name = ?`, name)
	if errors.Is(err, ErrNotFound) {
		CheckPassword(dummyHash(), password)
		return access.User{}, fmt.Errorf("login: %w", ErrUnauthenticated)
	}
	if err != nil {
		return access.User{}, fmt.Errorf("login: %w", err)
	}
	if !CheckPassword(hash, password) || disabled {
		return access.User{}, fmt.Errorf("login: %w", ErrUnauthenticated)
	}
	return u, nil
}

// Session kinds.
const (
	KindSession = "session" // browser session (cookie), with a CSRF token
	KindToken   = "token"   // API bearer token
)

func randomToken() (string, []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	t := base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(t))
	return t, h[:]
}

// HashToken returns the stored form of a token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Issue creates a browser session (kind "session", with a CSRF token) or an API token (kind
// "token") for u, valid for ttl, and returns the token, the CSRF token (sessions only) and the
// expiry. The tokens are shown once: only their SHA-256 is stored. The event is on the ledger;
// the token is not.
func (s *Sovereignty) Issue(ctx context.Context, u access.User, kind, label string, ttl time.Duration) (token, csrf string, expires time.Time, err error) {
	if kind != KindSession && kind != KindToken {
		return "", "", time.Time{}, fmt.Errorf("issue: kind %q: use session or token", kind)
	}
	if ttl <= 0 {
		return "", "", time.Time{}, fmt.Errorf("issue: validity %s must be positive", ttl)
	}
	tok, h := randomToken()
	iss := struct {
		Token, CSRF string
		Expires     time.Time
	}{Token: tok, Expires: s.now().Add(ttl).UTC()}
	var csrfHash []byte
	if kind == KindSession {
		iss.CSRF, csrfHash = randomToken()
	}
	err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO sessions (token_hash, user_id, kind, label, csrf_hash, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			h, u.ID, kind, label, csrfHash, s.now().UnixMilli(), iss.Expires.UnixMilli()); err != nil {
			return ledger.Event{}, err
		}
		// Record id: the first 8 bytes of the token hash, enough to name the session in audits.
		return event(u, kind+".issue", kind, fmt.Sprintf("%x", h[:8]), struct {
			User    int64
			Kind    string
			Expires int64
		}{u.ID, kind, iss.Expires.UnixMilli()})
	})
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("issue %s for %s: %w", kind, u.Name, err)
	}
	return iss.Token, iss.CSRF, iss.Expires, nil
}

// Session returns the user of a valid (known, unexpired, unrevoked, user enabled) session or
// token, its kind, and the SHA-256 of its CSRF token (nil for API tokens). Failures wrap
// ErrUnauthenticated.
func (s *Sovereignty) Session(ctx context.Context, token string) (access.User, string, []byte, error) {
	// One indexed query per request (it runs on every authenticated request): the token's
	// hash, its user, the agency's state and the roles, the last folded into one string.
	// No password hashing here: tokens are random 256-bit values, so their SHA-256 suffices.
	agg := "group_concat(role, ',')"
	if s.dialect == DialectPostgres {
		agg = "string_agg(role, ',')"
	}
	var u access.User
	var expires int64
	var kind string
	var revoked, disabled int
	var csrf []byte
	var roles sql.NullString
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT s.kind, s.csrf_hash, s.expires, s.revoked, u.id, u.name, u.agency, a.state, u.disabled,
		(SELECT `+agg+` FROM user_roles ur WHERE ur.user_id = u.id)
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN agencies a ON a.code = u.agency WHERE s.token_hash = ?`), HashToken(token)).
		Scan(&kind, &csrf, &expires, &revoked, &u.ID, &u.Name, &u.Agency, &u.State, &disabled, &roles)
	if err != nil || revoked != 0 || disabled != 0 || s.now().UnixMilli() >= expires {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return access.User{}, "", nil, fmt.Errorf("session: %w", err)
		}
		return access.User{}, "", nil, fmt.Errorf("session: %w", ErrUnauthenticated)
	}
	if roles.Valid && roles.String != "" {
		for _, r := range strings.Split(roles.String, ",") {
			u.Roles = append(u.Roles, access.Role(r))
		}
		slices.Sort(u.Roles)
	}
	return u, kind, csrf, nil
}

// Revoke ends a session or token (logout). Revoking an unknown token is not an error.
func (s *Sovereignty) Revoke(ctx context.Context, u access.User, token string) error {
	h := HashToken(token)
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET revoked = 1 WHERE token_hash = ? AND user_id = ?`), h, u.ID); err != nil {
			return ledger.Event{}, err
		}
		return event(u, "session.revoke", "session", fmt.Sprintf("%x", h[:8]), struct {
			User    int64
			Revoked bool
		}{u.ID, true})
	})
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	return nil
}
