package ledgersql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"accord/internal/ledger"
)

var errInjected = errors.New("injected fault")

// injector fails every nth write at one point, either before or after it persists.
type injector struct {
	point string
	after bool
	nth   int

	mu    sync.Mutex
	hits  int
	fired int
}

func (in *injector) hook(point string, after bool) error {
	if point != in.point || after != in.after {
		return nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.hits++
	if in.hits%in.nth != 0 {
		return nil
	}
	in.fired++
	return fmt.Errorf("%w (%s, after=%v)", errInjected, point, after)
}

// ackedEntry is what a caller was told is durable.
type ackedEntry struct {
	typ, id string
	content [32]byte
}

// TestFaultInjection fails each write of the log, before and after it persists, while a
// workload runs, and after every step re-verifies the whole log (in the manner of sunlight's
// test log): it must always verify, and every acknowledged entry must be in it.
func TestFaultInjection(t *testing.T) {
	points := []string{"begin", "head", "entries", "commit", "checkpoint", "cosignature"}
	forEachBackend(t, func(t *testing.T, be backend) {
		for _, point := range points {
			for _, after := range []bool{false, true} {
				if point == "begin" && after && be.dialect == Postgres {
					continue // same as before: nothing persisted yet; tested once on SQLite
				}
				t.Run(fmt.Sprintf("%s/after=%v", point, after), func(t *testing.T) {
					in := &injector{point: point, after: after, nth: 3}
					env := newEnv(t, be, func(c *Config) { c.fault = in.hook })
					runFaultWorkload(t, env)
					if in.fired == 0 {
						t.Errorf("fault point %s (after=%v) was never reached", point, after)
					}
				})
			}
		}
	})
}

func runFaultWorkload(t *testing.T, env *testEnv) {
	ctx := context.Background()
	w := newTestWitness(t, env)
	acked := map[int64]ackedEntry{}
	var mu sync.Mutex
	ack := func(seq int64, ev ledger.Event) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := acked[seq]; dup {
			t.Errorf("seq %d acknowledged twice", seq)
		}
		acked[seq] = ackedEntry{ev.RecordType, ev.RecordID, ev.Content}
	}
	var cosigned [][]byte // checkpoints the witness cosigned: the log must stay consistent with them
	failures := 0
	steps := []struct {
		name string
		run  func(round int) error
	}{
		{"apply burst", func(round int) error {
			var wg sync.WaitGroup
			var errs [8]error
			for i := range 8 {
				wg.Go(func() {
					id := fmt.Sprintf("CR-%d", i%3) // records updated repeatedly
					var ev ledger.Event
					seq, err := env.log.Apply(ctx, func(tx *sql.Tx) (ledger.Event, error) {
						h, err := env.records.Put(ctx, tx, "consent_request", id, []byte(fmt.Sprintf("r%d-%d", round, i)))
						ev = event("consent.update", "consent_request", id, h)
						return ev, err
					})
					if err == nil {
						ack(seq, ev)
					}
					errs[i] = err
				})
			}
			wg.Wait()
			return errors.Join(errs[:]...)
		}},
		{"append", func(round int) error {
			ev := event("record.export", "export", fmt.Sprintf("EX-%d", round), ledger.ContentHash([]byte("export")))
			seq, err := env.log.Append(ctx, ev)
			if err == nil {
				ack(seq, ev)
			}
			return err
		}},
		{"record in caller transaction", func(round int) error {
			tx, err := env.db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			id := fmt.Sprintf("OP-%d", round%2)
			h, err := env.records.Put(ctx, tx, "operation", id, []byte(fmt.Sprintf("round %d", round)))
			if err != nil {
				tx.Rollback()
				return err
			}
			ev := event("operation.plan", "operation", id, h)
			ev.Time = ev.Time.Add(1) // distinct from other events
			seq, err := env.log.Record(ctx, tx, ev)
			if err != nil {
				tx.Rollback()
				return err
			}
			if err := tx.Commit(); err != nil {
				return err
			}
			ack(seq, ev)
			return nil
		}},
		{"checkpoint", func(int) error {
			_, err := env.log.Checkpoint(ctx)
			return err
		}},
		{"cosign", func(int) error {
			msg, err := env.log.Cosign(ctx, w.w)
			if err == nil {
				cosigned = append(cosigned, msg)
			}
			return err
		}},
	}
	for round := range 6 {
		for _, st := range steps {
			if err := st.run(round); err != nil {
				if !errors.Is(err, errInjected) && !errors.Is(err, ledger.ErrConflict) {
					t.Fatalf("round %d %s: unexpected error %v", round, st.name, err)
				}
				failures++
			}
			checkInvariants(t, env, acked, cosigned, w.key, fmt.Sprintf("round %d after %s", round, st.name))
		}
	}
	if failures == 0 {
		t.Error("no step failed")
	}
}

// checkInvariants re-verifies the whole log and every acknowledged entry.
func checkInvariants(t *testing.T, env *testEnv, acked map[int64]ackedEntry, cosigned [][]byte, witness *ledger.Key, when string) {
	t.Helper()
	opts := env.verifyOptions(witness)
	opts.Checkpoints = cosigned
	rep := env.verify(opts)
	if !rep.OK() {
		t.Fatalf("%s: log does not verify:\n%s", when, problemsString(rep))
	}
	for seq, a := range acked {
		b, err := env.log.Entry(context.Background(), seq)
		if err != nil {
			t.Fatalf("%s: acknowledged entry %d: %v", when, seq, err)
		}
		e, err := ledger.ParseEntry(b)
		if err != nil {
			t.Fatal(err)
		}
		if e.RecordType != a.typ || e.RecordID != a.id || e.Content != a.content {
			t.Fatalf("%s: entry %d is %s/%s, acknowledged %s/%s", when, seq, e.RecordType, e.RecordID, a.typ, a.id)
		}
	}
}
