package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKill9 checks the WriteBatch contract against the hardest stop: a child process writes
// batches to an SQLite store and reports each acknowledged one; it is killed with SIGKILL
// mid-stream. The reopened store must hold every acknowledged batch, whole batches only, and
// pass SQLite's integrity check.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test skipped in -short mode")
	}
	dir := t.TempDir()
	acked := killChild(t, "TestKill9Child", 30, "ACCORD_STORE_KILL_DIR="+dir)
	if acked < 30 {
		t.Fatalf("child acknowledged %d batches before it stopped, want 30", acked)
	}

	s := open(t, Config{DataDir: dir})
	c := counts(t, s)
	const size = killBatch
	if c.Positions%size != 0 || c.Positions < int64(acked*size) || c.RawSentences != c.Positions {
		t.Errorf("after kill -9 with %d batches acknowledged: got %+v, want whole batches of %d, at least %d positions",
			acked, c, size, acked*size)
	}
	feeds, err := s.Feeds(context.Background())
	if err != nil || len(feeds) != 1 || feeds[0].Lines != c.Positions/size {
		t.Errorf("feed counters after kill -9: got %+v, %v; want Lines = %d batches", feeds, err, c.Positions/size)
	}
	var check string
	if err := s.b.(*sqliteStore).r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity check: got %q, %v; want ok", check, err)
	}
	if _, err := s.RawSentences(context.Background(), "f", time.Time{}, time.Time{}, 0); err != nil {
		t.Errorf("evidence after kill -9: %v", err)
	}
	t.Logf("kill -9 after %d acknowledged batches: store holds %d positions", acked, c.Positions)
}

const killBatch = 1000

// killChild runs the test named child of this binary with env added, reads the "acked N" lines
// it prints, and kills it with SIGKILL once N reaches want (or after 60 s). It returns the last
// N read.
func killChild(t *testing.T, child string, want int, env ...string) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := 0
	sc := bufio.NewScanner(out)
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
			acked, _ = strconv.Atoi(n)
			if acked >= want {
				break
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	return acked
}

// TestKill9Child is the writer process of TestKill9; it does nothing unless started by it.
func TestKill9Child(t *testing.T) {
	dir := os.Getenv("ACCORD_STORE_KILL_DIR")
	if dir == "" {
		t.Skip("helper process of TestKill9")
	}
	s, err := Open(context.Background(), Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	for i := 1; ; i++ {
		b := bigBatch("f", int64(i), killBatch, 300, 700000000, t0.Add(time.Duration(i)*time.Second), r)
		if err := s.WriteBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "acked %d\n", i)
	}
}
