package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// ErrConflict is returned (wrapped) when a write would duplicate a unique record (a user name,
// a STIX id); check it with errors.Is. It is [intel.ErrConflict].
var ErrConflict = intel.ErrConflict

// ErrUnauthenticated is returned (wrapped) by [Sovereignty.Authenticate] and
// [Sovereignty.Session] when the credentials or token are wrong, expired, revoked or belong to
// a disabled user. It never says which. It is [access.ErrUnauthenticated].
var ErrUnauthenticated = access.ErrUnauthenticated

// ApplyFunc is the ledger's single write path: it runs fn in a write transaction and appends
// the event fn returns in the same transaction (see [Store.Apply]).
type ApplyFunc func(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) (ledger.Event, error)) (int64, error)

// AppendFunc appends an event with no accompanying change (reads of AMBER and RED records).
type AppendFunc func(ctx context.Context, ev ledger.Event) (int64, error)

// Sovereignty is the store of the sovereignty core: states, agencies, users and their
// sessions, intelligence reports, entities and links, each record with its markings.
//
// Every read takes the reading [access.User] and enforces releasability in the SQL query
// itself (see visible): a record the user may not read is never fetched. Every write goes
// through the ledger's single write path (ApplyFunc) with one ledger event per change. Reads
// of AMBER, AMBER+STRICT and RED records are appended to the ledger (action "record.read")
// before the records are returned; if the ledger refuses, the read fails.
//
// Times are stored as Unix milliseconds, UTC, in both dialects. Methods are safe for
// concurrent use.
type Sovereignty struct {
	db      *sql.DB // read pool
	rdb     *stmtCache
	dialect string
	apply   ApplyFunc
	append  AppendFunc
	now     func() time.Time

	qmu     sync.Mutex
	queries map[string]string // "?" query → dialect query

	reads   *readBatcher // reads waiting to be logged
	journal *readJournal // nil: reads are written to the database directly
}

// NewSovereignty returns the sovereignty store over an open, migrated database. db serves
// reads; apply and appendEv are the ledger's write path.
func NewSovereignty(db *sql.DB, dialect string, apply ApplyFunc, appendEv AppendFunc) *Sovereignty {
	return &Sovereignty{db: db, rdb: &stmtCache{db: db}, dialect: dialect, apply: apply, append: appendEv, now: time.Now, queries: map[string]string{}, reads: &readBatcher{}}
}

// q rewrites a query written with "?" placeholders for the dialect ($1, $2, ... for
// PostgreSQL). Placeholders are never inside string literals in this file's queries.
func (s *Sovereignty) q(query string) string {
	if s.dialect != DialectPostgres {
		return query
	}
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if r, ok := s.queries[query]; ok {
		return r
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	r := b.String()
	if len(s.queries) < 10000 {
		s.queries[query] = r
	}
	return r
}

// write runs fn through the ledger's write path.
func (s *Sovereignty) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) (ledger.Event, error)) error {
	_, err := s.apply(ctx, fn)
	return err
}

// event builds a ledger event for a change to a record by actor.
func event(actor access.User, action, recordType, recordID string, content any, meta ...ledger.Meta) (ledger.Event, error) {
	sum := ledger.NoContent
	if content != nil {
		b, err := json.Marshal(content)
		if err != nil {
			return ledger.Event{}, fmt.Errorf("canonical content: %w", err)
		}
		sum = sha256.Sum256(b)
	}
	return ledger.Event{
		Actor:      ledgerActor(actor),
		Action:     action,
		RecordType: recordType,
		RecordID:   recordID,
		Content:    sum,
		Meta:       meta,
	}, nil
}

func ledgerActor(u access.User) ledger.Actor {
	a := ledger.Actor{User: u.Name, Agency: u.Agency, State: u.State}
	if a.User == "" {
		a = ledger.Actor{User: "system", Agency: "node", State: "node"}
	}
	return a
}

// System is the actor of changes made by the node itself or by the local administrator's
// command line (seeding, `accord user add`).
var System = access.User{Name: "system", Agency: "node", State: "node", Roles: []access.Role{access.RoleAdmin}}

// newStixID returns "<type>--<random UUID v4>".
func newStixID(typ string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%s--%x-%x-%x-%x-%x", typ, b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Seed inserts the states and agencies that are missing, each through the ledger. It is
// idempotent: existing rows are left as they are.
func (s *Sovereignty) Seed(ctx context.Context, states []access.State, agencies []access.Agency) error {
	for _, st := range states {
		if err := s.AddState(ctx, System, st); err != nil && !errors.Is(err, ErrConflict) {
			return err
		}
	}
	for _, a := range agencies {
		if err := s.AddAgency(ctx, System, a); err != nil && !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return nil
}

// AddState records a state. It returns an error wrapping ErrConflict if the code exists.
func (s *Sovereignty) AddState(ctx context.Context, actor access.User, st access.State) error {
	if !access.ValidStateCode(st.Code) || strings.TrimSpace(st.Name) == "" {
		return fmt.Errorf("add state %q: use an ISO 3166-1 alpha-3 code and a name", st.Code)
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM states WHERE code = ?`), st.Code).Scan(&n); err != nil {
			return ledger.Event{}, err
		}
		if n > 0 {
			return ledger.Event{}, ErrConflict
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO states (code, name) VALUES (?, ?)`), st.Code, st.Name); err != nil {
			return ledger.Event{}, err
		}
		return event(actor, "state.add", "state", st.Code, st)
	})
	if err != nil {
		return fmt.Errorf("add state %s: %w", st.Code, err)
	}
	return nil
}

// AddAgency records an agency of a known state. It returns an error wrapping ErrConflict if
// the code exists and ErrNotFound if the state is unknown.
func (s *Sovereignty) AddAgency(ctx context.Context, actor access.User, a access.Agency) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("add agency: %w", err)
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM agencies WHERE code = ?`), a.Code).Scan(&n); err != nil {
			return ledger.Event{}, err
		}
		if n > 0 {
			return ledger.Event{}, ErrConflict
		}
		if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM states WHERE code = ?`), a.State).Scan(&n); err != nil {
			return ledger.Event{}, err
		}
		if n == 0 {
			return ledger.Event{}, fmt.Errorf("state %s: %w (add the state first)", a.State, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO agencies (code, state, name) VALUES (?, ?, ?)`), a.Code, a.State, a.Name); err != nil {
			return ledger.Event{}, err
		}
		return event(actor, "agency.add", "agency", a.Code, a)
	})
	if err != nil {
		return fmt.Errorf("add agency %s: %w", a.Code, err)
	}
	return nil
}

// Agencies returns every agency, ordered by state and code. Agencies are not marked: the
// directory of partners is known to every user.
func (s *Sovereignty) Agencies(ctx context.Context) ([]access.Agency, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, state, name FROM agencies ORDER BY state, code`)
	if err != nil {
		return nil, fmt.Errorf("agencies: %w", err)
	}
	defer rows.Close()
	var out []access.Agency
	for rows.Next() {
		var a access.Agency
		if err := rows.Scan(&a.Code, &a.State, &a.Name); err != nil {
			return nil, fmt.Errorf("agencies: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// logReads records that u received the AMBER, AMBER+STRICT and RED records among recs, and
// returns once that record is durable; the caller returns the records only if it succeeds
// ("logged before returned"). Each such record gets one read_log row (user, via, time, record,
// level).
//
// Reads are batched: the first read to arrive starts a write; reads arriving while it is in
// flight queue and go together in the next one (at most maxReadBatch reads per write). With
// the read journal (SQLite; see read_journal.go) a write is one fsynced journal line, and the
// journaled reads are folded into read_log and the ledger every second in one write. Without
// it (PostgreSQL), a write inserts the batch's rows with one statement and appends one ledger
// entry. Either way the ledger entry has action "record.read", record type "read", content
// the SHA-256 of the canonical list of its reads with their user, path, time, rows and line
// id (the read_id of their rows), and as actor the reader when there is one, the node
// otherwise, with the counts in its meta. No read is dropped or merged: a read fails if its
// write fails. A single read waits for no one: batching costs no latency, it only absorbs
// concurrent reads into the write that would otherwise queue behind the one in flight.
func (s *Sovereignty) logReads(ctx context.Context, u access.User, via string, recs []readRec) error {
	var rows []readRow
	for _, r := range recs {
		switch r.tlp {
		case access.TLPAmber, access.TLPAmberStrict, access.TLPRed:
			rows = append(rows, readRow{r.kind, r.id, string(r.tlp), fmt.Sprintf("%x", r.content)})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	j := &readJob{ctx: ctx, user: u, via: via, at: s.now().UnixMilli(), rows: rows, done: make(chan error, 1)}
	if s.journal == nil && s.apply == nil {
		return errors.New("log reads: no ledger")
	}
	s.reads.mu.Lock()
	s.reads.pending = append(s.reads.pending, j)
	if !s.reads.running {
		s.reads.running = true
		go s.flushReads()
	}
	s.reads.mu.Unlock()
	if err := <-j.done; err != nil {
		return fmt.Errorf("log reads on the ledger: %w", err)
	}
	return nil
}

// maxReadBatch bounds the reads logged by one write.
const maxReadBatch = 256

// readBatcher queues reads to log (see logReads).
type readBatcher struct {
	mu      sync.Mutex
	pending []*readJob
	running bool // a flushReads goroutine is running
}

// readJob is one read waiting to be logged.
type readJob struct {
	ctx  context.Context
	user access.User
	via  string
	at   int64 // Unix ms
	rows []readRow
	done chan error
}

// readRow is one record of a read, in the canonical content of the ledger entry.
type readRow struct {
	Kind    string `json:"kind"`
	ID      int64  `json:"id"`
	TLP     string `json:"tlp"`
	Content string `json:"content"`
}

// flushReads writes the queued reads, batch after batch, until the queue is empty.
func (s *Sovereignty) flushReads() {
	for {
		s.reads.mu.Lock()
		n := min(len(s.reads.pending), maxReadBatch)
		if n == 0 {
			s.reads.running = false
			s.reads.mu.Unlock()
			return
		}
		batch := slices.Clone(s.reads.pending[:n])
		s.reads.pending = slices.Delete(s.reads.pending, 0, n)
		s.reads.mu.Unlock()
		var err error
		if s.journal != nil {
			err = s.journal.append(batch)
		} else {
			err = s.writeReads(context.WithoutCancel(batch[0].ctx), readLines(batch))
		}
		for _, j := range batch {
			j.done <- err
		}
	}
}

// readLines gives a batch of reads written directly (no journal) one line id, which becomes
// the read_id of all their rows, as a journal line would.
func readLines(batch []*readJob) []journalLine {
	l := journalLine{ID: newReadID(), Reads: make([]journalRead, len(batch))}
	for i, j := range batch {
		l.Reads[i] = journalReadOf(j)
	}
	return []journalLine{l}
}

// writeReads writes the reads of lines in one write (see logReads and the read journal): one
// read_log row per record read, with the read_id of its line, and one ledger entry whose record
// id is a new read id (the line's id when there is one line).
func (s *Sovereignty) writeReads(ctx context.Context, lines []journalLine) error {
	if len(lines) == 0 {
		return nil
	}
	readID := lines[0].ID
	if len(lines) > 1 {
		readID = newReadID()
	}
	type readJSON struct {
		Read string    `json:"read"`
		User int64     `json:"user"`
		Via  string    `json:"via"`
		At   int64     `json:"at"`
		Rows []readRow `json:"rows"`
	}
	var content []readJSON
	var list [][7]any // user, via, at, kind, id, level, read id
	counts := map[string]int{}
	vias := map[string]bool{}
	readers := map[int64]bool{}
	var actor access.User
	for _, l := range lines {
		for _, j := range l.Reads {
			content = append(content, readJSON{l.ID, j.User, j.Via, j.At, j.Rows})
			for _, r := range j.Rows {
				list = append(list, [7]any{j.User, j.Via, j.At, r.Kind, r.ID, r.TLP, l.ID})
				counts["tlp."+strings.ToLower(strings.ReplaceAll(r.TLP, "+", "_"))]++
			}
			vias[j.Via], readers[j.User] = true, true
		}
	}
	js, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if len(readers) == 1 {
		r := lines[0].Reads[0]
		actor = access.User{ID: r.User, Name: r.Name, Agency: r.Agency, State: r.State}
	}
	meta := []ledger.Meta{{Key: "records", Value: strconv.Itoa(len(list))}, {Key: "reads", Value: strconv.Itoa(len(content))},
		{Key: "readers", Value: strconv.Itoa(len(readers))}, {Key: "via", Value: strings.Join(slices.Sorted(maps.Keys(vias)), ",")}}
	if len(lines) > 1 {
		meta = append(meta, ledger.Meta{Key: "lines", Value: strconv.Itoa(len(lines))})
	}
	for k, n := range counts {
		meta = append(meta, ledger.Meta{Key: k, Value: strconv.Itoa(n)})
	}
	slices.SortFunc(meta, func(a, b ledger.Meta) int { return strings.Compare(a.Key, b.Key) })
	q := `INSERT INTO read_log (read_id, at, user_id, via, kind, record_id, tlp)
		SELECT j.value ->> 6, j.value ->> 2, j.value ->> 0, j.value ->> 1, j.value ->> 3, j.value ->> 4, j.value ->> 5 FROM json_each(?) j`
	if s.dialect == DialectPostgres {
		q = `INSERT INTO read_log (read_id, at, user_id, via, kind, record_id, tlp)
		SELECT j ->> 6, (j ->> 2)::bigint, (j ->> 0)::bigint, j ->> 1, j ->> 3, (j ->> 4)::bigint, j ->> 5 FROM jsonb_array_elements(CAST(? AS jsonb)) j`
	}
	return s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, s.q(q), string(js)); err != nil {
			return ledger.Event{}, err
		}
		return event(actor, "record.read", "read", readID, content, meta...)
	})
}

// readRec is one marked record returned to a user, for the read log.
type readRec struct {
	kind    string
	id      int64
	tlp     access.TLP
	content [32]byte
}

// padSum returns a stored SHA-256 as 32 bytes (a damaged value reads as zeros padded or cut).
func padSum(b []byte) []byte {
	out := make([]byte, 32)
	copy(out, b)
	return out
}

// Sovereignty returns the sovereignty store of s: reads on [Store.ReadDB], writes through
// [Store.Apply], read logs through the ledger's Append. It is cheap; keep the value.
func (s *Store) Sovereignty() *Sovereignty {
	sv := NewSovereignty(s.ReadDB(), s.dialect, s.Apply, s.Ledger().Append)
	sv.journal = s.journal
	return sv
}

// stmtCache runs read queries through statements prepared once per query text (database/sql
// re-prepares them per connection as needed). Parsing the releasability clause on every call
// was ~40% of a list request's CPU time. At most maxStmts texts are kept; others run
// unprepared.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

const maxStmts = 2000

func (c *stmtCache) stmt(ctx context.Context, q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[q]; ok {
		return st
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	if len(c.stmts) >= maxStmts {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared query will report the error
	}
	c.stmts[q] = st
	return st
}

// QueryContext is db.QueryContext through a cached statement.
func (c *stmtCache) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, q, args...)
}

// QueryRowContext is db.QueryRowContext through a cached statement.
func (c *stmtCache) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := c.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, q, args...)
}
