package ledgersql

import (
	"context"
	"encoding/base64"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
)

// history is the sequence of changes every tampering case starts from: seq i changes puts[i].
var history = []struct{ typ, id, content string }{
	{"consent_request", "CR-1", "v1"}, // 0
	{"operation", "OP-1", "planned"},  // 1
	{"release", "REL-1", "released"},  // 2
	{"consent_request", "CR-1", "v2"}, // 3
	{"consent_request", "CR-2", "v1"}, // 4
	{"operation", "OP-2", "planned"},  // 5
	{"consent_request", "CR-1", "v3"}, // 6
	{"release", "REL-2", "released"},  // 7
	{"operation", "OP-3", "planned"},  // 8
	{"consent_request", "CR-3", "v1"}, // 9
}

type wantProblem struct {
	kind    ledger.ProblemKind
	typ, id string // record named; empty: no record expected
	seq     int64  // entry named, or -1 for any
}

func TestTamperingIsDetected(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		cases := []struct {
			name   string
			tamper func(t *testing.T, env *testEnv) ledger.VerifyOptions
			want   []wantProblem
		}{
			{
				name: "edit a record",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					env.mustExec(`UPDATE ledger_records SET content = ? WHERE record_id = ?`, []byte("forged"), "CR-2")
					return env.verifyOptions()
				},
				want: []wantProblem{{ledger.ProblemEditedRecord, "consent_request", "CR-2", 4}},
			},
			{
				name: "delete a record",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					env.mustExec(`DELETE FROM ledger_records WHERE record_id = ?`, "OP-2")
					return env.verifyOptions()
				},
				want: []wantProblem{{ledger.ProblemDeletedRecord, "operation", "OP-2", 5}},
			},
			{
				name: "add a record outside the ledger",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					env.mustExec(`INSERT INTO ledger_records (record_type, record_id, content) VALUES (?, ?, ?)`, "release", "REL-9", []byte("x"))
					return env.verifyOptions()
				},
				want: []wantProblem{{ledger.ProblemUnrecorded, "release", "REL-9", -1}},
			},
			{
				name: "delete an entry",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					env.mustExec(`DELETE FROM ledger_entries WHERE seq = 3`)
					return env.verifyOptions()
				},
				want: []wantProblem{
					{ledger.ProblemMissingEntry, "", "", 3},
					{ledger.ProblemBrokenChain, "consent_request", "CR-1", 6},
					{ledger.ProblemForkCheckpoint, "", "", -1},
				},
			},
			{
				name: "delete a record's last entry",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					env.mustExec(`DELETE FROM ledger_entries WHERE seq = 6`)
					return env.verifyOptions()
				},
				want: []wantProblem{
					{ledger.ProblemMissingEntry, "", "", 6},
					{ledger.ProblemEditedRecord, "consent_request", "CR-1", 3},
				},
			},
			{
				name: "delete the tail and rewind the head",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					env.mustExec(`DELETE FROM ledger_entries WHERE seq = 9`)
					env.mustExec(`UPDATE ledger_head SET size = 9`)
					return env.verifyOptions()
				},
				want: []wantProblem{
					{ledger.ProblemForkCheckpoint, "", "", -1},
					{ledger.ProblemUnrecorded, "consent_request", "CR-3", -1},
				},
			},
			{
				name: "swap two entries",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					a, _ := env.log.Entry(context.Background(), 2)
					b, _ := env.log.Entry(context.Background(), 4)
					env.mustExec(`UPDATE ledger_entries SET entry = ? WHERE seq = 2`, b)
					env.mustExec(`UPDATE ledger_entries SET entry = ? WHERE seq = 4`, a)
					return env.verifyOptions()
				},
				want: []wantProblem{
					{ledger.ProblemReordered, "consent_request", "CR-2", 2},
					{ledger.ProblemReordered, "release", "REL-1", 4},
				},
			},
			{
				name: "rewrite an entry",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					env.mustExec(`UPDATE ledger_entries SET entry = ? WHERE seq = 5`, reencode(t, env, 5, func(e *ledger.Entry) { e.Actor.User = "someone.else" }))
					return env.verifyOptions()
				},
				want: []wantProblem{
					{ledger.ProblemStoredHash, "operation", "OP-2", 5},
					{ledger.ProblemForkCheckpoint, "", "", -1},
				},
			},
			{
				name: "rewrite a checkpoint",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					msg, _ := env.log.LatestCheckpoint(context.Background())
					lines := strings.SplitN(string(msg), "\n", 4)
					lines[1] = "11"
					env.mustExec(`UPDATE ledger_checkpoints SET note = ?`, []byte(strings.Join(lines, "\n")))
					return env.verifyOptions()
				},
				want: []wantProblem{{ledger.ProblemBadCheckpoint, "", "", -1}},
			},
			{
				name: "forge a cosignature",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					w := newTestWitness(t, env)
					if _, err := env.log.Cosign(context.Background(), w.w); err != nil {
						t.Fatal(err)
					}
					msg, _ := env.log.LatestCheckpoint(context.Background())
					i := strings.LastIndex(string(msg), "— "+w.key.Signer.Name()+" ")
					sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(msg[i+len("— "+w.key.Signer.Name()+" "):])))
					if err != nil {
						t.Fatal(err)
					}
					sig[len(sig)-1] ^= 1
					forged := string(msg[:i]) + "— " + w.key.Signer.Name() + " " + base64.StdEncoding.EncodeToString(sig) + "\n"
					env.mustExec(`UPDATE ledger_checkpoints SET note = ?`, []byte(forged))
					return env.verifyOptions(w.key)
				},
				want: []wantProblem{{ledger.ProblemBadCheckpoint, "", "", -1}},
			},
			{
				name: "rewrite history and re-sign with the log key",
				tamper: func(t *testing.T, env *testEnv) ledger.VerifyOptions {
					ctx := context.Background()
					w := newTestWitness(t, env)
					cosigned, err := env.log.Cosign(ctx, w.w)
					if err != nil {
						t.Fatal(err)
					}
					// The operator rewrites entry 5, recomputes every tree hash and re-signs.
					env.mustExec(`UPDATE ledger_entries SET entry = ? WHERE seq = 5`, reencode(t, env, 5, func(e *ledger.Entry) { e.Actor.User = "someone.else" }))
					rehash(t, env)
					env.mustExec(`DELETE FROM ledger_checkpoints`)
					env.put("release", "REL-3", "released")
					if _, err := env.log.Checkpoint(ctx); err != nil {
						t.Fatal(err)
					}
					if rep := env.verify(env.verifyOptions()); !rep.OK() {
						t.Fatalf("a consistent rewrite should pass without outside checkpoints:\n%s", problemsString(rep))
					}
					// The witness refuses to cosign the forked log.
					if _, err := env.log.Cosign(ctx, w.w); !errors.Is(err, ledger.ErrFork) {
						t.Errorf("witness on forked log: got %v, want ErrFork", err)
					}
					// An oversight body's copy of the cosigned checkpoint exposes it.
					opts := env.verifyOptions(w.key)
					opts.Checkpoints = [][]byte{cosigned}
					return opts
				},
				want: []wantProblem{{ledger.ProblemForkCheckpoint, "", "", -1}},
			},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				env := newEnv(t, be)
				for i, h := range history {
					if seq := env.put(h.typ, h.id, h.content); seq != int64(i) {
						t.Fatalf("put %d got seq %d", i, seq)
					}
				}
				if _, err := env.log.Checkpoint(context.Background()); err != nil {
					t.Fatal(err)
				}
				if rep := env.verify(env.verifyOptions()); !rep.OK() {
					t.Fatalf("before tampering:\n%s", problemsString(rep))
				}
				opts := tc.tamper(t, env)
				rep := env.verify(opts)
				t.Logf("problems:\n%s", problemsString(rep))
				for _, w := range tc.want {
					if !hasProblem(rep, w) {
						t.Errorf("missing problem %s seq %d record %s/%s; got:\n%s", w.kind, w.seq, w.typ, w.id, problemsString(rep))
					}
				}
			})
		}
	})
}

func hasProblem(rep ledger.Report, w wantProblem) bool {
	for _, p := range rep.Problems {
		if p.Kind == w.kind && p.RecordType == w.typ && p.RecordID == w.id && (w.seq < 0 || p.Seq == w.seq) {
			return true
		}
	}
	return false
}

// reencode returns entry seq modified by f, validly encoded.
func reencode(t *testing.T, env *testEnv, seq int64, f func(*ledger.Entry)) []byte {
	t.Helper()
	b, err := env.log.Entry(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ledger.ParseEntry(b)
	if err != nil {
		t.Fatal(err)
	}
	f(e)
	out, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rehash recomputes every stored tree hash from the stored entries, as an operator covering
// their tracks would.
func rehash(t *testing.T, env *testEnv) {
	t.Helper()
	entries, err := env.log.Entries(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]tlog.Hash{}
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for _, e := range entries {
		hs, err := tlog.StoredHashes(e.Seq, e.Data, r)
		if err != nil {
			t.Fatal(err)
		}
		var packed []byte
		for i, h := range hs {
			stored[tlog.StoredHashIndex(0, e.Seq)+int64(i)] = h
			packed = append(packed, h[:]...)
		}
		env.mustExec(`UPDATE ledger_entries SET hashes = ? WHERE seq = ?`, packed, e.Seq)
	}
}

type testWitness struct {
	w   *ledger.Witness
	key *ledger.Key
}

func newTestWitness(t *testing.T, env *testEnv) testWitness {
	t.Helper()
	dir := t.TempDir()
	key, err := ledger.LoadOrCreateCosignerKey(filepath.Join(dir, "witness.key"), "oversight.test/witness")
	if err != nil {
		t.Fatal(err)
	}
	w, err := ledger.NewWitness(filepath.Join(dir, "witness.state"), key.Signer, env.key.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	return testWitness{w, key}
}
