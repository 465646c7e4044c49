// Package ledgersql persists the ledger (package ledger) in SQLite or PostgreSQL, and is the
// product's one write path: every state change is written together with its ledger entry in
// one transaction, through [Log.Record] (inside the caller's transaction) or [Log.Apply]
// (group-committed with other changes).
//
// Appends are durable when they return: the entry, its tree hashes and the tree size are
// committed together. Concurrent [Log.Append] and [Log.Apply] calls are batched by one writer
// goroutine into a single transaction and a single fsync (group commit). [Log.Record] serialises
// with everything else through the row lock on ledger_head, so entries from any number of
// processes sharing the database stay in one consistent tree.
package ledgersql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
)

// ErrClosed is returned by Append and Apply after Close.
var ErrClosed = errors.New("ledger is closed")

// Config configures a [Log].
type Config struct {
	Dialect Dialect
	// Key is the log's signing key ([ledger.LoadOrCreateKey]); its name is the log's origin.
	Key *ledger.Key
	// CheckpointInterval is how often a new checkpoint is signed when the tree has grown and
	// sent to Witnesses ([Log.Publish]). Zero disables periodic checkpoints; [Log.Checkpoint]
	// and [Log.Publish] make one on demand.
	CheckpointInterval time.Duration
	// Witnesses are asked to cosign each new checkpoint by [Log.Publish].
	Witnesses []Cosigner
	// MaxBatch caps the number of Append/Apply calls committed in one transaction. Default 4096.
	MaxBatch int
	// Logger receives errors of background work. Default slog.Default().
	Logger *slog.Logger
	// Now gives entry times for events without one. Default time.Now.
	Now func() time.Time
	// ReadDB, when set, serves the reads (size, entries, hashes, checkpoints, proofs) instead
	// of the writer's *sql.DB: with SQLite, a query-only pool next to a single-connection
	// writer, so reads never queue behind the writer and never need its connection.
	ReadDB *sql.DB

	// fault, set only by tests, is called before and after every write with its name; an
	// error makes the write fail (after=false: before it happened; after=true: after it
	// persisted).
	fault func(point string, after bool) error
}

// Log is an open ledger. Its methods are safe for concurrent use.
type Log struct {
	*Reader
	w   *sql.DB // the writer's handle (Reader.db may be a separate read pool)
	cfg Config

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	queue  chan *job
	wg     sync.WaitGroup
	stop   context.CancelFunc

	cpMu sync.Mutex // serialises checkpoint signing

	pubMu     sync.Mutex
	published map[int]int64 // witness index → size it last cosigned, in this process
	stmts     sync.Map      // query -> *sql.Stmt prepared on db
}

type job struct {
	ev   ledger.Event
	fn   func(tx *sql.Tx) (ledger.Event, error)
	seq  int64
	err  error
	done chan struct{}
}

// Open creates the ledger tables if needed, checks that the database holds the log of
// cfg.Key, and starts the writer (and the checkpointer if cfg.CheckpointInterval > 0). Call
// Close to stop them.
func Open(ctx context.Context, db *sql.DB, cfg Config) (*Log, error) {
	if cfg.Key == nil {
		return nil, errors.New("open ledger: no signing key; load one with ledger.LoadOrCreateKey")
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 4096
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	rdb := cfg.ReadDB
	if rdb == nil {
		rdb = db
	}
	l := &Log{Reader: NewReader(rdb, cfg.Dialect), w: db, cfg: cfg, queue: make(chan *job, cfg.MaxBatch)}
	if err := l.migrate(ctx); err != nil {
		return nil, err
	}
	if err := l.prepareAll(ctx); err != nil {
		l.closeStmts()
		return nil, err
	}
	bg, stop := context.WithCancel(context.Background())
	l.stop = stop
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.writer()
	}()
	if cfg.CheckpointInterval > 0 {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.checkpointer(bg)
		}()
	}
	return l, nil
}

func (l *Log) origin() string { return l.cfg.Key.Signer.Name() }

func (l *Log) migrate(ctx context.Context) error {
	for _, s := range l.d.schema() {
		if _, err := l.w.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("create ledger tables (%s): %w", l.d, err)
		}
	}
	if _, err := l.w.ExecContext(ctx, l.d.q(`INSERT INTO ledger_head (id, size, origin) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING`), l.origin()); err != nil {
		return fmt.Errorf("create ledger head: %w", err)
	}
	var origin string
	if err := l.w.QueryRowContext(ctx, `SELECT origin FROM ledger_head WHERE id = 1`).Scan(&origin); err != nil {
		return fmt.Errorf("read ledger head: %w", err)
	}
	if origin != l.origin() {
		return fmt.Errorf("this database holds the ledger %q, but the key is for %q: use that log's key, or see docs/ledger.md to rotate keys", origin, l.origin())
	}
	return nil
}

// Close stops accepting appends, commits those already queued, stops the checkpointer and
// waits for both. It does not close the *sql.DB.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()
	l.stop()
	l.wg.Wait()
	l.closeStmts()
	return nil
}

func (l *Log) closeStmts() {
	l.stmts.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
}

// prepareAll prepares, on the writer's handle, every statement the append path uses. A
// writer limited to one connection (the store's SQLite writer) cannot prepare a statement
// while a transaction holds that connection, so none may be left to prepare on first use.
func (l *Log) prepareAll(ctx context.Context) error {
	var queries []string
	for rows := 1; rows <= maxRows; rows *= 2 {
		queries = append(queries,
			entriesInsert+values(rows, 4),
			hashesInsert+values(rows, 2),
			lastSeqsQuery(rows))
	}
	for _, q := range queries {
		q = l.d.q(q)
		s, err := l.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("ledger: prepare %.60s: %w", q, err)
		}
		l.stmts.Store(q, s)
	}
	return nil
}

const (
	entriesInsert = "INSERT INTO ledger_entries (seq, record_type, record_id, entry) VALUES "
	hashesInsert  = "INSERT INTO ledger_hashes (idx, hash) VALUES "
)

// lastSeqsQuery finds the last entry of each of rows (record_type, record_id) pairs.
func lastSeqsQuery(rows int) string {
	if rows == 1 {
		return `SELECT record_type, record_id, MAX(seq) FROM ledger_entries WHERE record_type = ? AND record_id = ? GROUP BY record_type, record_id`
	}
	return `SELECT record_type, record_id, MAX(seq) FROM ledger_entries WHERE (record_type, record_id) IN (VALUES ` +
		values(rows, 2) + `) GROUP BY record_type, record_id`
}

// Append records an event that has no accompanying change in the database (e.g. an export was
// made, an access was denied). It returns the entry's seq once the entry is durable. Concurrent
// calls share transactions.
func (l *Log) Append(ctx context.Context, ev ledger.Event) (int64, error) {
	return l.submit(ctx, &job{ev: ev})
}

// Apply runs fn inside a transaction and appends the event it returns in the same transaction:
// either both the change and its entry are committed, or neither. fn may run in a transaction
// shared with other Apply and Append calls (group commit), inside its own savepoint: if fn
// returns an error, or the event is invalid, only its own changes are rolled back. fn must not
// commit or roll back tx, and must only use tx. It returns the entry's seq once durable.
func (l *Log) Apply(ctx context.Context, fn func(tx *sql.Tx) (ledger.Event, error)) (int64, error) {
	return l.submit(ctx, &job{fn: fn})
}

func (l *Log) submit(ctx context.Context, j *job) (int64, error) {
	j.done = make(chan struct{})
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return 0, ErrClosed
	}
	select {
	case l.queue <- j:
	case <-ctx.Done():
		l.mu.RUnlock()
		return 0, ctx.Err()
	}
	l.mu.RUnlock()
	// Once queued, the job will be committed or failed; wait for the outcome even if ctx ends,
	// so the caller never mistakes a durable entry for a lost one.
	<-j.done
	return j.seq, j.err
}

// writer commits queued jobs in batches until the queue is closed and drained.
// maxGather bounds the yields the writer makes to let a batch grow before committing it.
const maxGather = 64

func (l *Log) writer() {
	batch := make([]*job, 0, l.cfg.MaxBatch)
	for j := range l.queue {
		batch = append(batch[:0], j)
		// The callers woken by the previous commit are queueing their next jobs: let them
		// run while the queue still grows, so that they share this batch's single fsync
		// instead of each paying for a small one. With one caller this returns at once.
		for range maxGather {
			n := len(l.queue)
			if n >= l.cfg.MaxBatch-len(batch) {
				break
			}
			runtime.Gosched()
			if len(l.queue) == n {
				break
			}
		}
	fill:
		for len(batch) < l.cfg.MaxBatch {
			select {
			case j, ok := <-l.queue:
				if !ok {
					break fill
				}
				batch = append(batch, j)
			default:
				break fill
			}
		}
		l.commitBatch(batch)
	}
}

func (l *Log) commitBatch(batch []*job) {
	ctx := context.Background()
	err := l.runBatch(ctx, batch)
	for _, j := range batch {
		if err != nil && j.err == nil {
			j.err = err
		}
		close(j.done)
	}
}

func (l *Log) runBatch(ctx context.Context, batch []*job) (err error) {
	if err := l.hook("begin", false); err != nil {
		return err
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := l.hook("begin", true); err != nil {
		return err
	}
	var evs []ledger.Event
	var ok []*job
	for i, j := range batch {
		if j.fn == nil {
			if err := l.prepare(&j.ev); err != nil {
				j.err = err
				continue
			}
			evs, ok = append(evs, j.ev), append(ok, j)
			continue
		}
		sp := fmt.Sprintf("ledger_apply_%d", i)
		if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			return fmt.Errorf("ledger: savepoint: %w", err)
		}
		ev, ferr := callApply(j.fn, tx)
		if ferr == nil {
			ferr = l.prepare(&ev)
		}
		if ferr != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); err != nil {
				return fmt.Errorf("ledger: rollback to savepoint after %v: %w", ferr, err)
			}
			j.err = ferr
			continue
		}
		if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
			return fmt.Errorf("ledger: release savepoint: %w", err)
		}
		evs, ok = append(evs, ev), append(ok, j)
	}
	if len(evs) == 0 {
		return tx.Rollback()
	}
	seqs, err := l.appendEvents(ctx, tx, evs)
	if err != nil {
		return err
	}
	if err := l.hook("commit", false); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	if err := l.hook("commit", true); err != nil {
		return err // persisted, but reported as failed: callers must tolerate this
	}
	for i, j := range ok {
		j.seq = seqs[i]
	}
	return nil
}

func callApply(fn func(*sql.Tx) (ledger.Event, error), tx *sql.Tx) (ev ledger.Event, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("ledger: apply function panicked: %v", r)
		}
	}()
	return fn(tx)
}

// prepare fills in defaults and validates.
func (l *Log) prepare(ev *ledger.Event) error {
	if ev.Time.IsZero() {
		ev.Time = l.cfg.Now()
	}
	ev.Time = ev.Time.UTC()
	return ev.Validate()
}

// Record appends ev inside the caller's transaction tx, which must also hold the change the
// event describes; the entry is durable when the caller commits. The transaction holds the
// ledger's head lock from this call until it ends, so call Record last, just before Commit.
// The returned seq is valid only if tx commits.
func (l *Log) Record(ctx context.Context, tx *sql.Tx, ev ledger.Event) (int64, error) {
	if err := l.prepare(&ev); err != nil {
		return 0, err
	}
	seqs, err := l.appendEvents(ctx, tx, []ledger.Event{ev})
	if err != nil {
		return 0, err
	}
	return seqs[0], nil
}

func (l *Log) hook(point string, after bool) error {
	if l.cfg.fault == nil {
		return nil
	}
	return l.cfg.fault(point, after)
}

type recKey struct{ typ, id string }

// appendEvents assigns seqs to validated events and writes their entries and tree hashes in tx.
func (l *Log) appendEvents(ctx context.Context, tx *sql.Tx, evs []ledger.Event) ([]int64, error) {
	n := int64(len(evs))
	// Take the head lock (SQLite: the write lock; PostgreSQL: the row lock) and reserve seqs.
	if err := l.hook("head", false); err != nil {
		return nil, err
	}
	var end int64
	if err := tx.QueryRowContext(ctx, l.d.q(`UPDATE ledger_head SET size = size + ? WHERE id = 1 RETURNING size`), n).Scan(&end); err != nil {
		return nil, fmt.Errorf("ledger: head: %w", err)
	}
	if err := l.hook("head", true); err != nil {
		return nil, err
	}
	start := end - n

	prev, err := l.lastSeqs(ctx, tx, evs)
	if err != nil {
		return nil, err
	}
	seqs := make([]int64, n)
	encoded := make([][]byte, n)
	for i := range evs {
		seq := start + int64(i)
		k := recKey{evs[i].RecordType, evs[i].RecordID}
		p, ok := prev[k]
		if !ok {
			p = -1
		}
		e := ledger.Entry{Seq: seq, Prev: p, Event: evs[i]}
		b, err := e.Marshal()
		if err != nil {
			return nil, err
		}
		seqs[i], encoded[i] = seq, b
		prev[k] = seq
	}

	// Tree hashes: new ones in memory, earlier ones (the right edge) from the database.
	overlay := make(map[int64]tlog.Hash, 2*n+64)
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		var missing []int64
		for i, x := range idx {
			h, ok := overlay[x]
			if !ok {
				missing = append(missing, x)
				continue
			}
			out[i] = h
		}
		if len(missing) > 0 {
			got, err := readHashes(ctx, tx, l.d, missing)
			if err != nil {
				return nil, err
			}
			for i, x := range idx {
				if h, ok := got[x]; ok {
					out[i] = h
					overlay[x] = h
				} else if _, ok := overlay[x]; !ok {
					return nil, fmt.Errorf("ledger: stored hash %d is missing", x)
				}
			}
		}
		return out, nil
	})
	hashRows := make([]any, 0, 4*n+8)
	for i, b := range encoded {
		seq := seqs[i]
		hs, err := tlog.StoredHashesForRecordHash(seq, ledger.LeafHash(b), reader)
		if err != nil {
			return nil, fmt.Errorf("ledger: compute tree hashes: %w", err)
		}
		base := tlog.StoredHashIndex(0, seq)
		for j, h := range hs {
			overlay[base+int64(j)] = h
			hashRows = append(hashRows, base+int64(j), h[:])
		}
	}

	entryRows := make([]any, 0, 4*n)
	for i, b := range encoded {
		entryRows = append(entryRows, seqs[i], evs[i].RecordType, evs[i].RecordID, b)
	}
	if err := l.insertRows(ctx, tx, "entries", entriesInsert, 4, entryRows); err != nil {
		return nil, err
	}
	if err := l.insertRows(ctx, tx, "hashes", hashesInsert, 2, hashRows); err != nil {
		return nil, err
	}
	return seqs, nil
}

// maxRows is the largest number of rows in one multi-row statement. Batches are split into
// statements of power-of-two sizes up to maxRows, so a handful of prepared statements serve
// any batch without parsing SQL again.
const maxRows = 256

// chunk returns the number of rows of the next statement for n remaining rows.
func chunk(n int) int {
	if n >= maxRows {
		return maxRows
	}
	c := 1
	for c*2 <= n {
		c *= 2
	}
	return c
}

// stmt returns the statement for query within tx: one prepared at Open (prepareAll), or
// else one prepared on tx's own connection for this transaction only.
func (l *Log) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	query = l.d.q(query)
	if s, ok := l.stmts.Load(query); ok {
		return tx.StmtContext(ctx, s.(*sql.Stmt)), nil
	}
	return tx.PrepareContext(ctx, query)
}

// insertRows inserts rows given flat, cols values per row, in multi-row statements.
func (l *Log) insertRows(ctx context.Context, tx *sql.Tx, point, prefix string, cols int, flat []any) error {
	for len(flat) > 0 {
		rows := chunk(len(flat) / cols)
		if err := l.hook(point, false); err != nil {
			return err
		}
		st, err := l.stmt(ctx, tx, prefix+values(rows, cols))
		if err == nil {
			_, err = st.ExecContext(ctx, flat[:rows*cols]...)
		}
		if err != nil {
			return fmt.Errorf("ledger: %s: %w", point, err)
		}
		if err := l.hook(point, true); err != nil {
			return err
		}
		flat = flat[rows*cols:]
	}
	return nil
}

// lastSeqs returns the seq of the last entry of each record the events concern.
func (l *Log) lastSeqs(ctx context.Context, tx *sql.Tx, evs []ledger.Event) (map[recKey]int64, error) {
	keys := make([]recKey, 0, len(evs))
	seen := make(map[recKey]bool, len(evs))
	for _, ev := range evs {
		k := recKey{ev.RecordType, ev.RecordID}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	out := make(map[recKey]int64, len(keys))
	for len(keys) > 0 {
		c := keys[:chunk(len(keys))]
		keys = keys[len(c):]
		args := make([]any, 0, 2*len(c))
		for _, k := range c {
			args = append(args, k.typ, k.id)
		}
		st, err := l.stmt(ctx, tx, lastSeqsQuery(len(c)))
		if err != nil {
			return nil, fmt.Errorf("ledger: find previous entries: %w", err)
		}
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			return nil, fmt.Errorf("ledger: find previous entries: %w", err)
		}
		for rows.Next() {
			var k recKey
			var s int64
			if err := rows.Scan(&k.typ, &k.id, &s); err != nil {
				rows.Close()
				return nil, fmt.Errorf("ledger: find previous entries: %w", err)
			}
			out[k] = s
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("ledger: find previous entries: %w", err)
		}
	}
	return out, nil
}

// querier is *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readHashes(ctx context.Context, q querier, d Dialect, idx []int64) (map[int64]tlog.Hash, error) {
	out := make(map[int64]tlog.Hash, len(idx))
	for len(idx) > 0 {
		c := idx[:min(len(idx), 1000)]
		idx = idx[len(c):]
		args := make([]any, len(c))
		for i, x := range c {
			args[i] = x
		}
		rows, err := q.QueryContext(ctx, d.q(`SELECT idx, hash FROM ledger_hashes WHERE idx IN (`+strings.TrimSuffix(strings.Repeat("?,", len(c)), ",")+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("read tree hashes: %w", err)
		}
		for rows.Next() {
			var x int64
			var b []byte
			if err := rows.Scan(&x, &b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read tree hashes: %w", err)
			}
			if len(b) != tlog.HashSize {
				rows.Close()
				return nil, fmt.Errorf("read tree hashes: hash %d has %d bytes", x, len(b))
			}
			out[x] = tlog.Hash(b)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("read tree hashes: %w", err)
		}
	}
	return out, nil
}

// hashReader reads committed tree hashes.
func (r *Reader) hashReader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		got, err := readHashes(ctx, r.db, r.d, idx)
		if err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			h, ok := got[x]
			if !ok {
				return nil, fmt.Errorf("ledger: stored hash %d is missing", x)
			}
			out[i] = h
		}
		return out, nil
	})
}

// Reader reads a ledger stored in a database without its signing key: what verifiers and
// proof servers need. It implements [ledger.LogReader]. It is safe for concurrent use.
type Reader struct {
	db *sql.DB
	d  Dialect
}

// NewReader returns a reader of the ledger tables in db.
func NewReader(db *sql.DB, d Dialect) *Reader { return &Reader{db: db, d: d} }

// Size implements [ledger.LogReader]: the committed tree size.
func (r *Reader) Size(ctx context.Context) (int64, error) {
	var n int64
	if err := r.db.QueryRowContext(ctx, `SELECT size FROM ledger_head WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read ledger size: %w", err)
	}
	return n, nil
}

// Entries implements [ledger.LogReader].
func (r *Reader) Entries(ctx context.Context, from int64, limit int) ([]ledger.StoredEntry, error) {
	rows, err := r.db.QueryContext(ctx, r.d.q(`SELECT seq, entry FROM ledger_entries WHERE seq >= ? ORDER BY seq LIMIT ?`), from, limit)
	if err != nil {
		return nil, fmt.Errorf("read entries: %w", err)
	}
	defer rows.Close()
	var out []ledger.StoredEntry
	for rows.Next() {
		var e ledger.StoredEntry
		if err := rows.Scan(&e.Seq, &e.Data); err != nil {
			return nil, fmt.Errorf("read entries: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// StoredHashes implements [ledger.LogReader].
func (r *Reader) StoredHashes(ctx context.Context, from, to int64) ([]ledger.StoredHash, error) {
	rows, err := r.db.QueryContext(ctx, r.d.q(`SELECT idx, hash FROM ledger_hashes WHERE idx >= ? AND idx < ? ORDER BY idx`), from, to)
	if err != nil {
		return nil, fmt.Errorf("read tree hashes: %w", err)
	}
	defer rows.Close()
	var out []ledger.StoredHash
	for rows.Next() {
		var x int64
		var b []byte
		if err := rows.Scan(&x, &b); err != nil {
			return nil, fmt.Errorf("read tree hashes: %w", err)
		}
		var h tlog.Hash
		copy(h[:], b) // a wrong length shows as a mismatch
		out = append(out, ledger.StoredHash{Index: x, Hash: h})
	}
	return out, rows.Err()
}

// Checkpoints implements [ledger.LogReader]: every stored checkpoint, by increasing size.
func (r *Reader) Checkpoints(ctx context.Context) ([][]byte, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT note FROM ledger_checkpoints ORDER BY size`)
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("read checkpoints: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Entry returns the encoded entry at seq.
func (r *Reader) Entry(ctx context.Context, seq int64) ([]byte, error) {
	var b []byte
	err := r.db.QueryRowContext(ctx, r.d.q(`SELECT entry FROM ledger_entries WHERE seq = ?`), seq).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger entry %d: %w", seq, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read ledger entry %d: %w", seq, err)
	}
	return b, nil
}

// ErrNotFound is returned when an entry or checkpoint does not exist.
var ErrNotFound = errors.New("not found")
