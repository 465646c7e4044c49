// Package ledgersql persists the ledger (package ledger) in SQLite or PostgreSQL, and is the
// product's one write path: every state change is written together with its ledger entry in
// one transaction, through [Log.Record] (inside the caller's transaction) or [Log.Apply]
// (group-committed with other changes).
//
// Appends are durable when they return: the entry, its tree hashes (in the entry's row) and
// the tree size are committed together. Concurrent [Log.Append] and [Log.Apply] calls are batched by one writer
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
	"sync"
	"time"

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

	last lastCache // last seq of recently appended records (append.go)
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
	l.last.size = -1
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
	if err := l.packHashes(ctx); err != nil {
		return err
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
	a, err := l.appendEvents(ctx, txConn{l, tx}, evs)
	if err != nil {
		return err
	}
	if err := l.hook("commit", false); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	l.last.committed(a.start, a.end, a.last)
	if err := l.hook("commit", true); err != nil {
		return err // persisted, but reported as failed: callers must tolerate this
	}
	for i, j := range ok {
		j.seq = a.seqs[i]
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
	a, err := l.appendEvents(ctx, txConn{l, tx}, []ledger.Event{ev})
	if err != nil {
		return 0, err
	}
	return a.seqs[0], nil
}

func (l *Log) hook(point string, after bool) error {
	if l.cfg.fault == nil {
		return nil
	}
	return l.cfg.fault(point, after)
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

// Checkpoints implements [ledger.LogReader]: every stored checkpoint, by increasing size.
func (r *Reader) Checkpoints(ctx context.Context) ([][]byte, error) {
	return r.notes(ctx, `SELECT note FROM ledger_checkpoints ORDER BY size`)
}

// LatestCheckpoints returns the n stored checkpoints of largest size, largest first: what a
// status view lists, read without every older checkpoint.
func (r *Reader) LatestCheckpoints(ctx context.Context, n int) ([][]byte, error) {
	return r.notes(ctx, r.d.q(`SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT ?`), n)
}

// notes runs a query of checkpoint notes.
func (r *Reader) notes(ctx context.Context, query string, args ...any) ([][]byte, error) {
	rows, err := r.db.QueryContext(ctx, query, args...)
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
