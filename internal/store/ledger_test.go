package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"accord/internal/ledger"
)

// ledgerDialects returns, per dialect, a function giving the configuration of a fresh store.
// PostgreSQL runs when a server answers (ACCORD_TEST_POSTGRES, default local), and must
// under CI=true.
func ledgerDialects(t *testing.T) map[string]func(t *testing.T) Config {
	out := map[string]func(t *testing.T) Config{
		DialectSQLite: func(t *testing.T) Config { return Config{DataDir: t.TempDir()} },
	}
	dsn := os.Getenv("ACCORD_TEST_POSTGRES")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		msg := fmt.Sprintf("ledger on PostgreSQL NOT tested: server %s unreachable: %v (set ACCORD_TEST_POSTGRES)", redact(dsn), err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Log(msg)
		return out
	}
	t.Cleanup(func() { admin.Close(ctx) })
	run := fmt.Sprintf("accord_ledger_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	var n atomic.Int64
	out[DialectPostgres] = func(t *testing.T) Config {
		schema := fmt.Sprintf("%s_%d", run, n.Add(1))
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return Config{DSN: u.String(), DataDir: t.TempDir()}
	}
	return out
}

func forEachDialect(t *testing.T, f func(t *testing.T, cfg Config)) {
	for _, name := range []string{DialectSQLite, DialectPostgres} {
		newCfg, ok := ledgerDialects(t)[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) { f(t, newCfg(t)) })
	}
}

// noteTable is the record table of these tests: notes with an id and a body.
const noteTable = `CREATE TABLE IF NOT EXISTS test_notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)`

func noteEvent(id, body string) ledger.Event {
	return ledger.Event{
		Actor:      ledger.Actor{User: "ana.lopez", Agency: "SEMAR", State: "MEX"},
		Action:     "note.put",
		RecordType: "test_note",
		RecordID:   id,
		Content:    ledger.ContentHash([]byte(body)),
	}
}

// putNote writes a note and its ledger entry through Apply.
func putNote(ctx context.Context, s *Store, id, body string) (int64, error) {
	return s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, noteTable); err != nil {
			return ledger.Event{}, err
		}
		_, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO test_notes (id, body) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET body = excluded.body`), id, body)
		return noteEvent(id, body), err
	})
}

// noteSource reads the notes' current content hashes for verification.
type noteSource struct{ s *Store }

func (n noteSource) CurrentHash(ctx context.Context, typ, id string) ([32]byte, bool, error) {
	var body string
	err := n.s.ReadDB().QueryRowContext(ctx, n.s.Rebind(`SELECT body FROM test_notes WHERE id = ?`), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return [32]byte{}, false, nil
	}
	if err != nil {
		return [32]byte{}, false, err
	}
	return ledger.ContentHash([]byte(body)), true, nil
}

func countRows(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.ReadDB().QueryRowContext(context.Background(), s.Rebind(query), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func verifyStore(t *testing.T, s *Store) ledger.Report {
	t.Helper()
	key, err := LoadKey(Config{KeyFile: s.led.keyFile})
	if err != nil {
		t.Fatal(err)
	}
	return ledger.Verify(context.Background(), s.Ledger().Reader, ledger.VerifyOptions{Log: key.Verifier, Sources: s.RecordSources()})
}

func TestApplyCommitsChangeAndEntry(t *testing.T) {
	forEachDialect(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		s := open(t, cfg)
		s.RegisterRecordSource("test_note", noteSource{s})
		seq, err := putNote(ctx, s, "n1", "first")
		if err != nil {
			t.Fatal(err)
		}
		if seq != 0 {
			t.Errorf("first seq = %d, want 0", seq)
		}
		if seq, err = putNote(ctx, s, "n1", "second"); err != nil || seq != 1 {
			t.Fatalf("second put: seq %d, err %v; want 1, nil", seq, err)
		}
		if n := countRows(t, s, `SELECT count(*) FROM test_notes WHERE id = ? AND body = ?`, "n1", "second"); n != 1 {
			t.Errorf("note rows = %d, want 1", n)
		}
		if n, _ := s.Ledger().Size(ctx); n != 2 {
			t.Errorf("ledger size = %d, want 2", n)
		}
		b, err := s.Ledger().Entry(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		e, err := ledger.ParseEntry(b)
		if err != nil {
			t.Fatal(err)
		}
		if e.RecordID != "n1" || e.Prev != 0 || e.Content != ledger.ContentHash([]byte("second")) {
			t.Errorf("entry 1 = %+v", e)
		}
		if _, err := s.Ledger().Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		if r := verifyStore(t, s); !r.OK() {
			t.Fatalf("verify: %v", r.Problems)
		}
		// Tamper with the record behind the ledger's back: verification names it.
		if _, err := s.led.write.ExecContext(ctx, s.Rebind(`UPDATE test_notes SET body = ? WHERE id = ?`), "forged", "n1"); err != nil {
			t.Fatal(err)
		}
		r := verifyStore(t, s)
		if r.OK() || !strings.Contains(fmt.Sprint(r.Problems), "n1") {
			t.Fatalf("verify after tampering: want a problem naming n1, got %v", r.Problems)
		}
	})
}

func TestApplyRollsBackOnError(t *testing.T) {
	forEachDialect(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		s := open(t, cfg)
		if _, err := putNote(ctx, s, "keep", "kept"); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("refused by policy")
		_, err := s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
			if _, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO test_notes (id, body) VALUES (?, ?)`), "gone", "x"); err != nil {
				return ledger.Event{}, err
			}
			return noteEvent("gone", "x"), boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Apply error = %v, want %v", err, boom)
		}
		// An invalid event rolls the change back too.
		_, err = s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
			if _, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO test_notes (id, body) VALUES (?, ?)`), "bad", "x"); err != nil {
				return ledger.Event{}, err
			}
			ev := noteEvent("bad", "x")
			ev.Action = "Not A Verb"
			return ev, nil
		})
		if err == nil {
			t.Fatal("Apply accepted an invalid event")
		}
		// A panic is an error, not a crash, and rolls back.
		_, err = s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
			if _, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO test_notes (id, body) VALUES (?, ?)`), "panic", "x"); err != nil {
				return ledger.Event{}, err
			}
			panic("bug")
		})
		if err == nil {
			t.Fatal("Apply hid a panic")
		}
		if n := countRows(t, s, `SELECT count(*) FROM test_notes WHERE id <> ?`, "keep"); n != 0 {
			t.Errorf("%d rolled-back notes remain", n)
		}
		if n, _ := s.Ledger().Size(ctx); n != 1 {
			t.Errorf("ledger size = %d, want 1 (no entry for rolled-back changes)", n)
		}
		if n := countRows(t, s, `SELECT count(*) FROM ledger_entries`); n != 1 {
			t.Errorf("ledger entries = %d, want 1", n)
		}
		// The store keeps working after the failures.
		if seq, err := putNote(ctx, s, "after", "ok"); err != nil || seq != 1 {
			t.Fatalf("put after failures: seq %d, err %v", seq, err)
		}
	})
}

// TestApplyConcurrent checks group commit with failures mixed in: each call gets its own
// outcome, the ledger has exactly the successful changes, and the tree verifies after reopen.
func TestApplyConcurrent(t *testing.T) {
	forEachDialect(t, func(t *testing.T, cfg Config) {
		ctx := context.Background()
		s, err := Open(ctx, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := putNote(ctx, s, "init", "0"); err != nil {
			t.Fatal(err)
		}
		const workers, each = 8, 40
		var wg sync.WaitGroup
		var okCount atomic.Int64
		seqs := make(chan int64, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					id := fmt.Sprintf("w%d-%d", w, i)
					fail := i%5 == 0
					seq, err := s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
						if _, err := tx.ExecContext(ctx, s.Rebind(`INSERT INTO test_notes (id, body) VALUES (?, ?)`), id, id); err != nil {
							return ledger.Event{}, err
						}
						if fail {
							return ledger.Event{}, errors.New("no")
						}
						return noteEvent(id, id), nil
					})
					if fail != (err != nil) {
						t.Errorf("%s: fail=%v err=%v", id, fail, err)
					}
					if err == nil {
						okCount.Add(1)
						seqs <- seq
					}
				}
			})
		}
		wg.Wait()
		close(seqs)
		seen := map[int64]bool{}
		for q := range seqs {
			if seen[q] {
				t.Errorf("seq %d returned twice", q)
			}
			seen[q] = true
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = open(t, cfg)
		s.RegisterRecordSource("test_note", noteSource{s})
		want := okCount.Load() + 1
		if n, _ := s.Ledger().Size(ctx); n != want {
			t.Errorf("ledger size = %d, want %d", n, want)
		}
		if n := countRows(t, s, `SELECT count(*) FROM test_notes`); int64(n) != want {
			t.Errorf("notes = %d, want %d", n, want)
		}
		if _, err := s.Ledger().Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		if r := verifyStore(t, s); !r.OK() {
			t.Fatalf("verify: %v", r.Problems)
		}
	})
}

// TestApplyAlongsideWriteBatch checks that the ledger and bulk ingest share the writer
// without deadlock.
func TestApplyAlongsideWriteBatch(t *testing.T) {
	forEachDialect(t, func(t *testing.T, cfg Config) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		s := open(t, cfg)
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range 20 {
				b := bigBatch("f", int64(i+1)*50, 50, 5, 700000000, t0.Add(time.Duration(i)*time.Hour), rand.New(rand.NewPCG(uint64(i), 1)))
				if err := s.WriteBatch(ctx, b); err != nil {
					t.Errorf("WriteBatch: %v", err)
					return
				}
			}
		})
		for i := range 50 {
			if _, err := putNote(ctx, s, fmt.Sprint(i), "b"); err != nil {
				t.Fatal(err)
			}
		}
		wg.Wait()
		// 50 notes and one entry for each of the 20 batches of feed "f".
		if n, _ := s.Ledger().Size(ctx); n != 70 {
			t.Errorf("ledger size = %d, want 70", n)
		}
		if r := verifyStore(t, s); !r.OK() {
			t.Fatalf("verify: %v", r.Problems)
		}
	})
}

func TestReadDBIsQueryOnlyWithSQLite(t *testing.T) {
	s := open(t, Config{DataDir: t.TempDir()})
	if _, err := s.ReadDB().Exec(`CREATE TABLE x (a INTEGER)`); err == nil {
		t.Error("ReadDB accepted a write")
	}
}

func TestRebind(t *testing.T) {
	q := `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`
	for _, tc := range []struct {
		dialect, want string
	}{
		{DialectSQLite, q},
		{DialectPostgres, `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
	} {
		s := &Store{led: &ledgerState{}}
		if tc.dialect == DialectPostgres {
			s.led.dialect = 1
		}
		if got := s.Rebind(q); got != tc.want {
			t.Errorf("%s: Rebind = %q, want %q", tc.dialect, got, tc.want)
		}
	}
}

func TestLedgerKey(t *testing.T) {
	dir := t.TempDir()
	s := open(t, Config{DataDir: dir, Origin: "accord/mx-test"})
	path := filepath.Join(dir, KeyFileName)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key mode = %v, want 0600", st.Mode().Perm())
	}
	if _, err := putNote(context.Background(), s, "a", "b"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Reopening without an origin uses the key on disk, whatever its origin.
	s2 := open(t, Config{DataDir: dir})
	cp, err := s2.Ledger().Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(cp), "accord/mx-test\n") {
		t.Errorf("checkpoint origin: %q", cp)
	}
	s2.Close()
	// Another origin is refused, naming the problem.
	if _, err := Open(context.Background(), Config{DataDir: dir, Origin: "accord/other"}, nil); err == nil || !strings.Contains(err.Error(), "accord/mx-test") {
		t.Errorf("open with another origin: %v", err)
	}
	// A key readable by others is refused.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Config{DataDir: dir}, nil); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("open with a 0644 key: %v", err)
	}
	// Another log's key on an existing database is refused.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Config{DataDir: dir, KeyFile: filepath.Join(t.TempDir(), "other.key")}, nil); err == nil {
		t.Error("opened the ledger with another log's key")
	}
}

// TestApplyKill9 kills a process making concurrent Apply calls (and ingest batches on the same
// writer) with SIGKILL: after reopening, every acknowledged change and its entry are there,
// the log verifies, and the checkpoints signed before the kill are consistent with the tree.
func TestApplyKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test skipped in -short mode")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestApplyKill9Child$", "-test.v")
	cmd.Env = append(os.Environ(), "ACCORD_APPLY_KILL_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]int64{} // note id → seq
	sc := bufio.NewScanner(out)
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		var id string
		var seq int64
		if _, err := fmt.Sscanf(sc.Text(), "acked %s %d", &id, &seq); err == nil {
			acked[id] = seq
			if len(acked) >= 2000 {
				break
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if len(acked) < 2000 {
		t.Fatalf("child acknowledged %d changes before it stopped, want 2000", len(acked))
	}
	ctx := context.Background()
	s := open(t, Config{DataDir: dir})
	s.RegisterRecordSource("test_note", noteSource{s})
	for id, seq := range acked {
		b, err := s.Ledger().Entry(ctx, seq)
		if err != nil {
			t.Fatalf("acknowledged entry %d (%s) lost: %v", seq, id, err)
		}
		e, err := ledger.ParseEntry(b)
		if err != nil || e.RecordID != id {
			t.Fatalf("entry %d: %v, %+v; want record %s", seq, err, e, id)
		}
		if n := countRows(t, s, `SELECT count(*) FROM test_notes WHERE id = ?`, id); n != 1 {
			t.Fatalf("acknowledged note %s lost", id)
		}
	}
	if _, err := s.Ledger().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	r := verifyStore(t, s)
	if !r.OK() {
		t.Fatalf("log after kill -9 does not verify: %v", r.Problems)
	}
	t.Logf("kill -9 after %d acknowledged changes: %d entries, %d checkpoints verified", len(acked), r.Size, r.Checkpoints)
}

// TestApplyKill9Child is the writer process of TestApplyKill9.
func TestApplyKill9Child(t *testing.T) {
	dir := os.Getenv("ACCORD_APPLY_KILL_DIR")
	if dir == "" {
		t.Skip("helper process of TestApplyKill9")
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir, CheckpointInterval: 20 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := putNote(ctx, s, "init", "0"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	go func() {
		r := rand.New(rand.NewPCG(1, 2))
		for i := 1; ; i++ {
			if err := s.WriteBatch(ctx, bigBatch("f", int64(i)*100, 100, 20, 800000000, t0.Add(time.Duration(i)*time.Second), r)); err != nil {
				panic(err)
			}
		}
	}()
	for w := range 16 {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				seq, err := putNote(ctx, s, id, id)
				if err != nil {
					panic(err)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "acked %s %d\n", id, seq)
				mu.Unlock()
			}
		}()
	}
	select {}
}
