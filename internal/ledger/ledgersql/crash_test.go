package ledgersql

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"accord/internal/ledger"
)

// Environment of the crash child (TestCrashChild re-executed by TestCrash).
const (
	envCrashDriver = "ACCORD_LEDGER_CRASH_DRIVER"
	envCrashDSN    = "ACCORD_LEDGER_CRASH_DSN"
	envCrashKey    = "ACCORD_LEDGER_CRASH_KEY"
	envCrashDial   = "ACCORD_LEDGER_CRASH_DIALECT"
)

// TestCrash runs a child process that appends in a burst from many goroutines and signs
// checkpoints, kills it with SIGKILL mid-burst, reopens the log and checks that it verifies,
// that every acknowledged entry survived, and that every checkpoint the child published is
// consistent with the recovered log.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-executes the test binary")
	}
	forEachBackend(t, func(t *testing.T, be backend) {
		driver, dsn := be.fresh(t)
		keyPath := filepath.Join(t.TempDir(), "ledger.key")
		key, err := ledger.LoadOrCreateKey(keyPath, testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
		cmd.Env = append(os.Environ(), envCrashDriver+"="+driver, envCrashDSN+"="+dsn, envCrashKey+"="+keyPath,
			envCrashDial+"="+strconv.Itoa(int(be.dialect)))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		type acked struct {
			id      string
			content string
		}
		acks := map[int64]acked{}
		var checkpoints [][]byte
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		deadline := time.Now().Add(10 * time.Second)
		killed := false
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 4 && f[0] == "ack":
				seq, _ := strconv.ParseInt(f[1], 10, 64)
				acks[seq] = acked{f[2], f[3]}
			case len(f) == 2 && f[0] == "checkpoint":
				b, err := base64.StdEncoding.DecodeString(f[1])
				if err != nil {
					t.Fatal(err)
				}
				checkpoints = append(checkpoints, b)
			}
			if !killed && (len(acks) >= 3000 && len(checkpoints) >= 2 || time.Now().After(deadline)) {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		err = cmd.Wait()
		if !killed {
			t.Fatalf("child exited before being killed: %v", err)
		}
		if len(acks) == 0 || len(checkpoints) == 0 {
			t.Fatalf("child acknowledged %d entries and %d checkpoints before the kill", len(acks), len(checkpoints))
		}
		t.Logf("killed child after %d acknowledged entries, %d checkpoints", len(acks), len(checkpoints))

		// Restart.
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		l, err := Open(context.Background(), db, Config{Dialect: be.dialect, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		records := NewRecords(db, be.dialect)
		opts := ledger.VerifyOptions{Log: key.Verifier, Sources: map[string]ledger.RecordSource{"consent_request": records}, Checkpoints: checkpoints}
		rep := ledger.Verify(context.Background(), l.Reader, opts)
		if !rep.OK() {
			t.Fatalf("log does not verify after the crash:\n%s", problemsString(rep))
		}
		for seq, a := range acks {
			b, err := l.Entry(context.Background(), seq)
			if err != nil {
				t.Fatalf("acknowledged entry %d lost: %v", seq, err)
			}
			e, err := ledger.ParseEntry(b)
			if err != nil {
				t.Fatal(err)
			}
			if e.RecordID != a.id || hex.EncodeToString(e.Content[:]) != a.content {
				t.Fatalf("entry %d is %s, acknowledged %s", seq, e.RecordID, a.id)
			}
		}
		// The log keeps working after the crash.
		if _, err := l.Append(context.Background(), event("record.export", "export", "after-crash", ledger.ContentHash(nil))); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Checkpoint(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rep := ledger.Verify(context.Background(), l.Reader, opts); !rep.OK() {
			t.Fatalf("log does not verify after restart:\n%s", problemsString(rep))
		}
	})
}

// TestCrashChild is the child of TestCrash; it does nothing unless run by it.
func TestCrashChild(t *testing.T) {
	driver := os.Getenv(envCrashDriver)
	if driver == "" {
		t.Skip("run by TestCrash only")
	}
	d, _ := strconv.Atoi(os.Getenv(envCrashDial))
	db, err := sql.Open(driver, os.Getenv(envCrashDSN))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.LoadOrCreateKey(os.Getenv(envCrashKey), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	l, err := Open(ctx, db, Config{Dialect: Dialect(d), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	records := NewRecords(db, Dialect(d))
	var mu sync.Mutex
	emit := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format, args...) // unbuffered: a line out is an acknowledgement
	}
	go func() {
		for {
			time.Sleep(30 * time.Millisecond)
			msg, err := l.Checkpoint(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			emit("checkpoint %s\n", base64.StdEncoding.EncodeToString(msg))
		}
	}()
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("C-%d-%d", g, i)
				var h [32]byte
				seq, err := l.Apply(ctx, func(tx *sql.Tx) (ledger.Event, error) {
					var err error
					h, err = records.Put(ctx, tx, "consent_request", id, []byte(id))
					return event("consent.request", "consent_request", id, h), err
				})
				if err != nil {
					t.Error(err)
					return
				}
				emit("ack %d %s %s\n", seq, id, hex.EncodeToString(h[:]))
			}
		})
	}
	wg.Wait()
}
