package ledgersql

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"accord/internal/ledger"
)

// TestOldLayoutIsConverted opens a database of the first layout (one ledger_hashes row per tree
// hash) and checks that Open moves the hashes into the entries' rows: the log verifies against
// the checkpoint signed before, proofs work, and appends continue.
func TestOldLayoutIsConverted(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		env := newEnv(t, be)
		ctx := context.Background()
		for i := range 37 {
			env.put("operation", fmt.Sprintf("OP-%d", i%7), fmt.Sprintf("v%d", i))
		}
		cp, err := env.log.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		size, _ := env.log.Size(ctx)
		hs, err := env.log.StoredHashes(ctx, 0, 1<<40)
		if err != nil {
			t.Fatal(err)
		}
		env.log.Close()
		blob := "BLOB"
		if be.dialect == Postgres {
			blob = "BYTEA"
		}
		env.mustExec(`CREATE TABLE ledger_hashes (idx BIGINT PRIMARY KEY, hash ` + blob + ` NOT NULL)`)
		for _, h := range hs {
			env.mustExec(`INSERT INTO ledger_hashes (idx, hash) VALUES (?, ?)`, h.Index, h.Hash[:])
		}
		env.mustExec(`ALTER TABLE ledger_entries DROP COLUMN hashes`)

		env.open()
		var n int
		err = env.db.QueryRow(`SELECT count(*) FROM ledger_entries WHERE hashes IS NOT NULL`).Scan(&n)
		if err != nil || int64(n) != size {
			t.Fatalf("after conversion %d entries have hashes (%v), want %d", n, err, size)
		}
		if _, err := env.db.Exec(`SELECT count(*) FROM ledger_hashes`); err == nil {
			t.Error("ledger_hashes still exists after the conversion")
		}
		env.put("operation", "OP-new", "after")
		opts := env.verifyOptions()
		opts.Checkpoints = [][]byte{cp}
		if rep := env.verify(opts); !rep.OK() || rep.Size != size+1 {
			t.Fatalf("after conversion: size %d, problems:\n%s", rep.Size, problemsString(rep))
		}
		if _, err := env.log.Bundle(ctx, 3); err != nil {
			t.Errorf("bundle after conversion: %v", err)
		}
	})
}

// sqlQuerier adapts a *sql.Tx to [Querier], as a pgx.Tx adapter would.
type sqlQuerier struct{ tx *sql.Tx }

func (q sqlQuerier) Exec(ctx context.Context, query string, args ...any) error {
	_, err := q.tx.ExecContext(ctx, query, args...)
	return err
}

func (q sqlQuerier) Query(ctx context.Context, query string, args []any, each func(func(...any) error) error) error {
	rows, err := q.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	return eachRow(rows, each)
}

// TestRecordIn appends through a foreign transaction between group-committed appends of the
// same records: the records' chains and the tree stay right (the writer's cache of last seqs
// must notice the entries it did not write), and a rolled-back RecordIn leaves nothing.
func TestRecordIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		env := newEnv(t, be)
		ctx := context.Background()
		for round := range 6 {
			if _, err := env.log.Append(ctx, event("record.export", "export", "X-1", ledger.ContentHash([]byte("a")))); err != nil {
				t.Fatal(err)
			}
			tx, err := env.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			seqs, err := env.log.RecordIn(ctx, sqlQuerier{tx},
				event("record.export", "export", "X-1", ledger.ContentHash([]byte("b"))),
				event("record.export", "export", "X-2", ledger.ContentHash([]byte("c"))))
			if err != nil {
				t.Fatal(err)
			}
			if len(seqs) != 2 || seqs[1] != seqs[0]+1 {
				t.Fatalf("RecordIn seqs %v", seqs)
			}
			if round%2 == 1 {
				err = tx.Rollback()
			} else {
				err = tx.Commit()
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := env.log.Append(ctx, event("record.export", "export", "X-2", ledger.ContentHash([]byte("d")))); err != nil {
			t.Fatal(err)
		}
		size, _ := env.log.Size(ctx)
		if size != 6+3*2+1 {
			t.Errorf("size %d, want 13", size)
		}
		if rep := env.verify(env.verifyOptions()); !rep.OK() {
			t.Fatalf("problems:\n%s", problemsString(rep))
		}
	})
}
