package ledgersql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"accord/internal/ledger"
)

func TestAppendProveVerify(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		env := newEnv(t, be)
		ctx := context.Background()

		// Concurrent appends, applies and caller-transaction records share one tree.
		var wg sync.WaitGroup
		var mu sync.Mutex
		acked := map[int64]string{}
		for g := range 8 {
			wg.Go(func() {
				for i := range 25 {
					id := fmt.Sprintf("CR-%d-%d", g, i%5)
					var seq int64
					var err error
					switch i % 3 {
					case 0:
						seq, err = env.log.Append(ctx, event("record.export", "export", id, ledger.ContentHash([]byte(id))))
					case 1:
						seq, err = env.log.Apply(ctx, func(tx *sql.Tx) (ledger.Event, error) {
							h, err := env.records.Put(ctx, tx, "consent_request", id, []byte(fmt.Sprintf("v%d", i)))
							return event("consent.request", "consent_request", id, h), err
						})
					case 2:
						var tx *sql.Tx
						tx, err = env.db.BeginTx(ctx, nil)
						if err == nil {
							var h [32]byte
							h, err = env.records.Put(ctx, tx, "operation", id, []byte(fmt.Sprintf("op%d", i)))
							if err == nil {
								seq, err = env.log.Record(ctx, tx, event("operation.plan", "operation", id, h))
							}
							if err == nil {
								err = tx.Commit()
							} else {
								tx.Rollback()
							}
						}
					}
					if err != nil {
						t.Errorf("append: %v", err)
						return
					}
					mu.Lock()
					if _, dup := acked[seq]; dup {
						t.Errorf("seq %d acknowledged twice", seq)
					}
					acked[seq] = id
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		size, err := env.log.Size(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if size != int64(len(acked)) {
			t.Fatalf("size %d, want %d acknowledged", size, len(acked))
		}
		cp1, err := env.log.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Release records released by "the other side" with a Release a bit later.
		for i := range 10 {
			env.put("release", fmt.Sprintf("REL-%d", i), "released")
		}
		cp2, err := env.log.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rep := env.verify(env.verifyOptions())
		if !rep.OK() {
			t.Fatalf("verify reported problems on an untouched log:\n%s", problemsString(rep))
		}
		if rep.Size != size+10 || rep.Checkpoints != 2 || rep.Records == 0 {
			t.Errorf("report: size %d checkpoints %d records %d, want %d, 2, >0", rep.Size, rep.Checkpoints, rep.Records, size+10)
		}

		// Every entry: bundle verifies offline and names the right record.
		for seq := int64(0); seq < size+10; seq++ {
			b, err := env.log.Bundle(ctx, seq)
			if err != nil {
				t.Fatal(err)
			}
			vb, err := ledger.VerifyBundle(b, env.key.Verifier)
			if err != nil {
				t.Fatalf("bundle %d: %v", seq, err)
			}
			if want, ok := acked[seq]; ok && vb.Entry.RecordID != want {
				t.Errorf("bundle %d names record %s, want %s", seq, vb.Entry.RecordID, want)
			}
		}
		// Consistency between the two checkpoints.
		c1, _ := ledger.OpenCheckpoint(cp1, env.key.Verifier)
		c2, _ := ledger.OpenCheckpoint(cp2, env.key.Verifier)
		p, err := env.log.ConsistencyProof(ctx, c1.Size, c2.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.CheckConsistency(c1.Checkpoint, c2.Checkpoint, p); err != nil {
			t.Errorf("consistency %d -> %d: %v", c1.Size, c2.Size, err)
		}
		// Reopening keeps the log; a different key is refused.
		env.log.Close()
		env.open()
		other, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"), "accord.test/other")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, env.db, Config{Dialect: be.dialect, Key: other}); err == nil {
			t.Error("Open with another log's key succeeded, want an error")
		}
	})
}

func TestApplyRollsBackOnlyTheFailingChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		env := newEnv(t, be)
		ctx := context.Background()
		errRefused := errors.New("refused")
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				id := fmt.Sprintf("OP-%d", i)
				_, err := env.log.Apply(ctx, func(tx *sql.Tx) (ledger.Event, error) {
					h, err := env.records.Put(ctx, tx, "operation", id, []byte("planned"))
					if err != nil {
						return ledger.Event{}, err
					}
					switch i % 4 {
					case 1:
						return ledger.Event{}, errRefused
					case 2:
						ev := event("operation.plan", "operation", id, h)
						ev.Action = "Bad Action" // invalid: must be rolled back too
						return ev, nil
					case 3:
						panic("boom")
					}
					return event("operation.plan", "operation", id, h), nil
				})
				if (err == nil) != (i%4 == 0) {
					t.Errorf("apply %d: err %v", i, err)
				}
				if i%4 == 1 && !errors.Is(err, errRefused) {
					t.Errorf("apply %d: got %v, want the function's error", i, err)
				}
			})
		}
		wg.Wait()
		if _, err := env.log.Append(ctx, ledger.Event{Action: "x"}); !errors.Is(err, ledger.ErrInvalidEntry) {
			t.Errorf("append of an invalid event: got %v, want ErrInvalidEntry", err)
		}
		for i := range 40 {
			_, found, err := env.records.Get(ctx, "operation", fmt.Sprintf("OP-%d", i))
			if err != nil {
				t.Fatal(err)
			}
			if found != (i%4 == 0) {
				t.Errorf("record OP-%d exists = %v, want %v", i, found, i%4 == 0)
			}
		}
		if rep := env.verify(env.verifyOptions()); !rep.OK() || rep.Size != 10 {
			t.Errorf("verify: size %d, want 10; problems:\n%s", rep.Size, problemsString(rep))
		}
	})
}

func TestKeyRotation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		env := newEnv(t, be)
		ctx := context.Background()
		env.put("operation", "OP-1", "planned")
		if _, err := env.log.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		old := env.key
		env.log.Close()
		// A new key for the same origin, in a new file; the old one is kept offline.
		newKey, err := ledger.LoadOrCreateKey(filepath.Join(t.TempDir(), "ledger-2.key"), testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		env.key, env.cfg.Key = newKey, newKey
		env.open()
		env.put("operation", "OP-1", "approved")
		if _, err := env.log.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		opts := env.verifyOptions()
		if rep := env.verify(opts); rep.OK() {
			t.Error("checkpoint signed by the retired key verified without it being listed")
		}
		opts.RetiredLogKeys = append(opts.RetiredLogKeys, old.Verifier)
		if rep := env.verify(opts); !rep.OK() || rep.Checkpoints != 2 {
			t.Errorf("after rotation: %d checkpoints, problems:\n%s", rep.Checkpoints, problemsString(rep))
		}
	})
}

func TestPeriodicCheckpoints(t *testing.T) {
	env := newEnv(t, sqliteBackend, func(c *Config) { c.CheckpointInterval = 10 * time.Millisecond })
	ctx := context.Background()
	for i := range 5 {
		env.put("operation", fmt.Sprintf("OP-%d", i), "planned")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		msg, err := env.log.LatestCheckpoint(ctx)
		if err == nil {
			sc, err := ledger.OpenCheckpoint(msg, env.key.Verifier)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Size == 5 {
				break
			}
		} else if !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint of size 5 after 5 s (latest: %v)", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if rep := env.verify(env.verifyOptions()); !rep.OK() {
		t.Fatalf("verify:\n%s", problemsString(rep))
	}
}

// TestLatestCheckpoints: the n largest checkpoints, largest first, are the tail of
// Checkpoints in reverse; more than are stored gives them all.
func TestLatestCheckpoints(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		env := newEnv(t, be)
		ctx := context.Background()
		for i := range 6 {
			env.put("operation", fmt.Sprintf("OP-%d", i), "planned")
			if _, err := env.log.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
		}
		all, err := env.log.Reader.Checkpoints(ctx)
		if err != nil || len(all) != 6 {
			t.Fatalf("Checkpoints: %d, %v", len(all), err)
		}
		for _, n := range []int{1, 3, 6, 10} {
			got, err := env.log.Reader.LatestCheckpoints(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != min(n, 6) {
				t.Fatalf("LatestCheckpoints(%d): %d", n, len(got))
			}
			for i, msg := range got {
				if want := all[len(all)-1-i]; string(msg) != string(want) {
					t.Errorf("LatestCheckpoints(%d)[%d] is not the %d-th largest", n, i, i+1)
				}
			}
		}
	})
}
