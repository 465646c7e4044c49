package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The read journal makes logged reads durable cheaply and moves them into the store in bulk.
//
// A read of AMBER, AMBER+STRICT or RED intelligence must be durable before the records are
// returned (see [Sovereignty.logReads]). Writing each read (or each small batch of concurrent
// reads) to the database costs a transaction, an INSERT, a ledger entry and an fsync; with
// SQLite every such commit also resets the page cache of every reader connection (a connection
// drops its cache when the WAL has changed), so the next list reads its pages again. Under a
// steady stream of marked reads that was most of a list's cost.
//
// With the journal, a read is acknowledged once its line is fsynced in DataDir/reads.journal:
// reads that arrive while an fsync is in flight share the next one (group commit). Every
// FoldEvery (default 1 s) the journaled reads are folded into the database in one write: their
// read_log rows and one ledger entry (action "record.read", record type "read", record id the
// fold's id, content the canonical list of the reads, each with its journal line id). At open,
// reads journaled before a crash and not folded are folded first. A line is folded at most
// once: its id is the read_id of its read_log rows, and a line whose id is already in read_log
// is skipped, so a crash between a fold's commit and the removal of the folded journal file
// doubles nothing.
//
// One process at a time owns a data directory's journal: it holds an exclusive lock on
// reads.journal.lock. Another process opening the same store meanwhile (an admin command next
// to a running server) writes its reads to the database directly.
//
// Files: reads.journal takes new lines; at the start of a fold it is renamed reads.journal.1
// (unless that file is still there after a failed fold) and a new reads.journal is started;
// reads.journal.1 is removed once its lines are folded. Each line is the JSON of a
// [journalLine]. A torn last line (the process died during its write, before its fsync, so its
// reads were never returned) is ignored and counted; any other unreadable line stops the open
// with an error naming the file and line.

const (
	journalLock   = "reads.journal.lock"
	journalName   = "reads.journal"
	journalFolded = "reads.journal.1"
	// defaultFoldEvery is the fold interval when [Config.ReadFoldEvery] is zero.
	defaultFoldEvery = time.Second
	// foldEarlyRows starts a fold before its time when this many rows wait.
	foldEarlyRows = 20000
)

// journalLine is one group-committed write of the journal: the reads that shared an fsync.
type journalLine struct {
	ID    string        `json:"id"` // read_id of the line's read_log rows
	Reads []journalRead `json:"reads"`
}

// journalRead is one logged read: who (user id, and the name, agency and state the ledger
// entry names when the read is the only one of its fold), how, when (Unix ms) and which marked
// records.
type journalRead struct {
	User   int64     `json:"user"`
	Name   string    `json:"name"`
	Agency string    `json:"agency"`
	State  string    `json:"state"`
	Via    string    `json:"via"`
	At     int64     `json:"at"`
	Rows   []readRow `json:"rows"`
}

func journalReadOf(r *readJob) journalRead {
	return journalRead{User: r.user.ID, Name: r.user.Name, Agency: r.user.Agency, State: r.user.State, Via: r.via, At: r.at, Rows: r.rows}
}

// readJournal is the journal of one store (see the comment above). Safe for concurrent use.
type readJournal struct {
	dir   string
	lock  *os.File // held lock file (reads.journal.lock)
	every time.Duration
	fold  func(ctx context.Context, lines []journalLine) error // one database write
	log   *slog.Logger

	wmu  sync.Mutex // held for a line's write and fsync, and for a rotation
	f    *os.File
	size int64 // bytes of f that hold whole, fsynced lines
	bad  error // set when f could not be restored after a failed write: every append fails

	mu       sync.Mutex // guards unfolded and rows
	unfolded []journalLine
	rows     int

	foldMu    sync.Mutex // one fold at a time
	closeOnce sync.Once
	closeErr  error
	kick      chan struct{}
	stop      chan struct{}
	done      chan struct{}
}

// openReadJournal takes dir's journal lock, folds what the journal files hold (recovery after
// a crash), then starts an empty journal and its fold loop. exists reports whether read_id is
// already in read_log. It returns nil and no error when another process holds the lock.
func openReadJournal(ctx context.Context, dir string, every time.Duration, log *slog.Logger,
	fold func(ctx context.Context, lines []journalLine) error, exists func(ctx context.Context, readID string) (bool, error)) (*readJournal, error) {
	if every <= 0 {
		every = defaultFoldEvery
	}
	lock, err := lockJournal(filepath.Join(dir, journalLock))
	if err != nil {
		return nil, fmt.Errorf("read journal: lock: %w", err)
	}
	if lock == nil {
		log.Info("read journal held by another process; this one logs reads to the database directly", "dir", dir)
		return nil, nil
	}
	j := &readJournal{dir: dir, lock: lock, every: every, fold: fold, log: log,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	fail := func(err error) (*readJournal, error) {
		lock.Close()
		return nil, err
	}
	for _, name := range []string{journalFolded, journalName} {
		if err := j.recover(ctx, filepath.Join(dir, name), exists); err != nil {
			return fail(err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fail(fmt.Errorf("read journal: %w", err))
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return fail(fmt.Errorf("read journal: %w", err))
	}
	j.f = f
	go j.loop()
	return j, nil
}

// recover folds the lines of the journal file path that are not in read_log yet, then removes
// the file. A missing file is not an error.
func (j *readJournal) recover(ctx context.Context, path string, exists func(ctx context.Context, readID string) (bool, error)) error {
	lines, torn, err := readJournalFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var todo []journalLine
	for _, l := range lines {
		ok, err := exists(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("read journal %s: %w", path, err)
		}
		if !ok {
			todo = append(todo, l)
		}
	}
	if len(todo) > 0 {
		if err := j.fold(ctx, todo); err != nil {
			return fmt.Errorf("read journal %s: fold %d reads logged before the last stop: %w", path, len(todo), err)
		}
	}
	if torn > 0 || len(todo) > 0 {
		j.log.Info("read journal recovered", "file", path, "lines", len(lines), "folded", len(todo),
			"already_folded", len(lines)-len(todo), "torn_tail_bytes", torn)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	return nil
}

// readJournalFile parses a journal file. torn is the size of an incomplete last line (no
// newline), which is ignored; a complete line that does not parse is an error naming the line.
func readJournalFile(path string) (lines []journalLine, torn int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if i := bytes.LastIndexByte(b, '\n'); i+1 < len(b) {
		torn, b = len(b)-(i+1), b[:i+1]
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, len(b)+1)
	for n := 1; sc.Scan(); n++ {
		var l journalLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.ID == "" || len(l.Reads) == 0 {
			if err == nil {
				err = errors.New("no id or no reads")
			}
			return nil, 0, fmt.Errorf("read journal %s:%d: unreadable line (%v); the reads on it were acknowledged "+
				"but cannot be folded into the read log: keep the file for the oversight record and move it "+
				"out of the data directory to start", path, n, err)
		}
		lines = append(lines, l)
	}
	return lines, torn, sc.Err()
}

// append writes the batch's reads as one line and fsyncs it; it returns once they are durable
// (nil) or failed (no read of the batch may be returned then).
func (j *readJournal) append(batch []*readJob) error {
	l := journalLine{ID: newReadID(), Reads: make([]journalRead, len(batch))}
	rows := 0
	for i, r := range batch {
		l.Reads[i] = journalReadOf(r)
		rows += len(r.rows)
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	// The line joins unfolded before wmu is released: a rotation (under wmu) then either
	// happens before the write, or moves the file with the line and folds the line with it.
	j.wmu.Lock()
	if err := j.writeLine(b); err != nil {
		j.wmu.Unlock()
		return fmt.Errorf("read journal: %w", err)
	}
	j.mu.Lock()
	j.unfolded = append(j.unfolded, l)
	j.rows += rows
	early := j.rows >= foldEarlyRows
	j.mu.Unlock()
	j.wmu.Unlock()
	if early {
		select {
		case j.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

// writeLine appends b to the journal file and fsyncs it. On failure it cuts the file back to
// its last whole line, so that a later line is not glued to a partial one; if even that fails,
// the journal refuses every later append. Callers hold wmu.
func (j *readJournal) writeLine(b []byte) error {
	if j.bad != nil {
		return j.bad
	}
	if j.f == nil {
		return errors.New("closed")
	}
	_, err := j.f.Write(b)
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		if terr := j.f.Truncate(j.size); terr != nil {
			j.bad = fmt.Errorf("unusable after a failed write (%w; truncate: %w)", err, terr)
		} else if _, serr := j.f.Seek(j.size, io.SeekStart); serr != nil {
			j.bad = fmt.Errorf("unusable after a failed write (%w; seek: %w)", err, serr)
		}
		return err
	}
	j.size += int64(len(b))
	return nil
}

// loop folds every j.every, or sooner when many rows wait, until close.
func (j *readJournal) loop() {
	defer close(j.done)
	t := time.NewTicker(j.every)
	defer t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
		case <-j.kick:
		}
		if err := j.foldNow(context.Background()); err != nil {
			j.log.Error("read journal fold failed; retrying at the next interval", "err", err)
		}
	}
}

// foldNow folds every read journaled so far into the database.
func (j *readJournal) foldNow(ctx context.Context) error {
	j.foldMu.Lock()
	defer j.foldMu.Unlock()
	// Rotate so that the folded lines sit in a file of their own, removable once folded. If a
	// previous fold failed, reads.journal.1 is still there: fold all that waits and keep both.
	j.wmu.Lock()
	rotated := false
	if _, err := os.Stat(filepath.Join(j.dir, journalFolded)); errors.Is(err, os.ErrNotExist) && j.f != nil && j.size > 0 {
		if err := j.rotate(); err != nil {
			j.wmu.Unlock()
			return err
		}
		rotated = true
	}
	j.mu.Lock()
	lines := j.unfolded
	j.unfolded, j.rows = nil, 0
	j.mu.Unlock()
	j.wmu.Unlock()
	if len(lines) > 0 {
		if err := j.fold(ctx, lines); err != nil {
			j.mu.Lock()
			j.unfolded = append(lines, j.unfolded...)
			for _, l := range lines {
				for _, r := range l.Reads {
					j.rows += len(r.Rows)
				}
			}
			j.mu.Unlock()
			return err
		}
	}
	if !rotated {
		// Folded lines of a failed fold's reads.journal.1, if any, are in read_log now.
		if _, err := os.Stat(filepath.Join(j.dir, journalFolded)); err != nil {
			return nil
		}
	}
	if err := os.Remove(filepath.Join(j.dir, journalFolded)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read journal: %w", err)
	}
	return nil
}

// rotate renames the journal to reads.journal.1 and starts a new one. Callers hold wmu.
func (j *readJournal) rotate() error {
	cur := filepath.Join(j.dir, journalName)
	if err := os.Rename(cur, filepath.Join(j.dir, journalFolded)); err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	f, err := os.OpenFile(cur, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		err = syncDir(j.dir)
	}
	if err != nil {
		// The old file (renamed) still takes the lines: nothing is lost, the next fold retries.
		if f != nil {
			f.Close()
			os.Remove(cur)
		}
		return fmt.Errorf("read journal: start a new file: %w", err)
	}
	j.f.Close()
	j.f, j.size = f, 0
	return nil
}

// close stops the fold loop, folds what remains and removes the journal files when all is
// folded.
func (j *readJournal) close(ctx context.Context) error {
	j.closeOnce.Do(func() { j.closeErr = j.shut(ctx) })
	return j.closeErr
}

func (j *readJournal) shut(ctx context.Context) error {
	close(j.stop)
	<-j.done
	err := j.foldNow(ctx)
	j.wmu.Lock()
	defer j.wmu.Unlock()
	defer j.lock.Close() // releases the lock, last
	if j.f == nil {
		return err
	}
	cerr := j.f.Close()
	j.f = nil
	j.mu.Lock()
	left := len(j.unfolded)
	j.mu.Unlock()
	if err == nil && cerr == nil && left == 0 {
		cerr = os.Remove(filepath.Join(j.dir, journalName))
	}
	return errors.Join(err, cerr)
}

// newReadID returns a read id: 24 hex digits, the current time in Unix nanoseconds then 32
// random bits. Ids of later writes sort later, so read_log's read_id index grows at its end
// instead of dirtying a random page per write.
func newReadID() string {
	var rb [4]byte
	rand.Read(rb[:]) // never fails (crypto/rand)
	return fmt.Sprintf("%016x%08x", uint64(time.Now().UnixNano()), rb)
}

// syncDir fsyncs a directory, making the creation, rename or removal of its files durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// readIDExists reports whether read_log has a row of read_id (the journal's recovery check).
func readIDExists(db *sql.DB, dialect string) func(ctx context.Context, readID string) (bool, error) {
	q := `SELECT EXISTS (SELECT 1 FROM read_log WHERE read_id = ?)`
	if dialect == DialectPostgres {
		q = `SELECT EXISTS (SELECT 1 FROM read_log WHERE read_id = $1)`
	}
	return func(ctx context.Context, readID string) (bool, error) {
		var ok bool
		err := db.QueryRowContext(ctx, q, readID).Scan(&ok)
		return ok, err
	}
}
