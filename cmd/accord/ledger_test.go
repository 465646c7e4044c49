package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/ledger/witnesshttp"
	"accord/internal/store"
)

// accordRun runs the CLI in-process and returns its exit code, stdout and stderr.
func accordRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	if err != nil {
		fmt.Fprintln(&errb, "accord:", err)
	}
	code := 0
	if err != nil {
		code = exitCode(err)
	}
	return code, out.String(), errb.String()
}

// ledgerNode is a node prepared by `accord init` with a few records written through the
// store's one write path.
type ledgerNode struct {
	dir, dsn string
	flags    []string // --data DIR [--dsn DSN]
	raw      *sql.DB  // direct access for tampering
	rebind   func(string) string
}

// ledgerBackends returns the store locations to test: SQLite always, PostgreSQL when a
// server answers (required under CI=true).
func ledgerBackends(t *testing.T) []string {
	out := []string{""}
	base := os.Getenv("ACCORD_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	db, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
		db.Close()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable and CI=true: %v", base, err)
		}
		t.Logf("ledger CLI on PostgreSQL NOT tested: %s unreachable: %v (set ACCORD_TEST_POSTGRES)", base, err)
		return out
	}
	return append(out, base)
}

func newLedgerNode(t *testing.T, pgBase string) *ledgerNode {
	t.Helper()
	n := &ledgerNode{dir: t.TempDir()}
	n.flags = []string{"--data", n.dir}
	if pgBase != "" {
		admin, err := sql.Open("pgx", pgBase)
		if err != nil {
			t.Fatal(err)
		}
		var b [6]byte
		rand.Read(b[:])
		schema := "accord_cli_" + hex.EncodeToString(b[:])
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		u, _ := url.Parse(pgBase)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		n.dsn = u.String()
		n.flags = append(n.flags, "--dsn", n.dsn)
	}
	if code, out, errs := accordRun(t, append([]string{"init", "--node-id", "mx-test"}, n.flags...)...); code != 0 {
		t.Fatalf("init: %d\n%s%s", code, out, errs)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DSN: n.dsn, DataDir: n.dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs := ledgersql.NewRecords(st.ReadDB(), st.LedgerDialect())
	for i, r := range []struct{ id, content string }{
		{"r1", "release of vessel 366123456 track to USCG"},
		{"r2", "release of vessel 345000001 track to USCG"},
		{"r3", "release of vessel 345000002 track to SEMAR"},
		{"r2", "release of vessel 345000001 track to USCG, amended"},
	} {
		if _, err := st.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
			h, err := recs.Put(ctx, tx, "release", r.id, []byte(r.content))
			return ledger.Event{
				Time:  time.Date(2026, 3, 1, 12, i, 0, 0, time.UTC),
				Actor: ledger.Actor{User: "ana.lopez", Agency: "SEMAR", State: "MEX"}, Action: "record.release",
				RecordType: "release", RecordID: r.id, Content: h,
			}, err
		}); err != nil {
			t.Fatal(err)
		}
	}
	n.rebind = st.Rebind
	st.Close()
	if n.dsn != "" {
		n.raw, err = sql.Open("pgx", n.dsn)
	} else {
		n.raw, err = sql.Open("sqlite3", "file:"+filepath.Join(n.dir, "accord.db")+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.raw.Close() })
	return n
}

func (n *ledgerNode) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := n.raw.Exec(n.rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func (n *ledgerNode) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return accordRun(t, append(args, n.flags...)...)
}

// TestLedgerVerifyDetectsTampering tampers with the database directly, then runs `accord
// ledger verify`: it must exit non-zero and name the record concerned.
func TestLedgerVerifyDetectsTampering(t *testing.T) {
	for _, pg := range ledgerBackends(t) {
		name := "sqlite"
		if pg != "" {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) {
			tests := []struct {
				name   string
				tamper func(t *testing.T, n *ledgerNode) []string // returns extra verify args
				want   []string                                   // substrings of the report
			}{
				{"edit record", func(t *testing.T, n *ledgerNode) []string {
					n.exec(t, `UPDATE ledger_records SET content = ? WHERE record_type = 'release' AND record_id = 'r3'`, []byte("release to nobody"))
					return nil
				}, []string{"edited-record", "record release/r3"}},
				{"delete record", func(t *testing.T, n *ledgerNode) []string {
					n.exec(t, `DELETE FROM ledger_records WHERE record_id = 'r1'`)
					return nil
				}, []string{"deleted-record", "record release/r1"}},
				{"delete last entry", func(t *testing.T, n *ledgerNode) []string {
					n.exec(t, `DELETE FROM ledger_entries WHERE seq = 4`) // r2's amendment
					return nil
				}, []string{"head-mismatch", "forked-checkpoint checkpoint 5", "edited-record seq 2 record release/r2"}},
				{"delete middle entry", func(t *testing.T, n *ledgerNode) []string {
					n.exec(t, `DELETE FROM ledger_entries WHERE seq = 2`) // r2's creation
					return nil
				}, []string{"missing-entry seq 2", "release/r2"}},
				{"swap entries", func(t *testing.T, n *ledgerNode) []string {
					var e2, e3 []byte
					if err := n.raw.QueryRow(`SELECT entry FROM ledger_entries WHERE seq = 2`).Scan(&e2); err != nil {
						t.Fatal(err)
					}
					if err := n.raw.QueryRow(`SELECT entry FROM ledger_entries WHERE seq = 3`).Scan(&e3); err != nil {
						t.Fatal(err)
					}
					n.exec(t, `UPDATE ledger_entries SET entry = ?, record_id = 'r3' WHERE seq = 2`, e3)
					n.exec(t, `UPDATE ledger_entries SET entry = ?, record_id = 'r2' WHERE seq = 3`, e2)
					return nil
				}, []string{"reordered-entry seq 2", "reordered-entry seq 3", "release/r2", "release/r3"}},
				{"rewrite checkpoint", func(t *testing.T, n *ledgerNode) []string {
					var note []byte
					if err := n.raw.QueryRow(`SELECT note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note); err != nil {
						t.Fatal(err)
					}
					forged := bytes.Replace(note, []byte("\n5\n"), []byte("\n4\n"), 1)
					n.exec(t, `UPDATE ledger_checkpoints SET note = ? WHERE size = 5`, forged)
					return nil
				}, []string{"bad-checkpoint checkpoint 4", "signature by accord/mx-test does not verify"}},
				{"forked checkpoint", func(t *testing.T, n *ledgerNode) []string {
					// A checkpoint signed with the node's key for a tree this store does not
					// hold: another view of the log.
					k, err := ledger.LoadKey(filepath.Join(n.dir, "ledger.key"))
					if err != nil {
						t.Fatal(err)
					}
					var root [32]byte
					root[0] = 1
					cp, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: k.Signer.Name(), Size: 3, Hash: root}, k.Signer)
					if err != nil {
						t.Fatal(err)
					}
					f := filepath.Join(t.TempDir(), "fork.cp")
					os.WriteFile(f, cp, 0o644)
					return []string{"--checkpoint", f}
				}, []string{"forked-checkpoint checkpoint 3"}},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					n := newLedgerNode(t, pg)
					if code, out, errs := n.run(t, "ledger", "checkpoint"); code != 0 {
						t.Fatalf("checkpoint: %d %s %s", code, out, errs)
					}
					code, out, errs := n.run(t, "ledger", "verify")
					if code != 0 || !strings.Contains(out, ": OK") || !strings.Contains(out, "records checked 3") {
						t.Fatalf("verify before tampering: exit %d\n%s%s", code, out, errs)
					}
					extra := tc.tamper(t, n)
					code, out, errs = n.run(t, append([]string{"ledger", "verify"}, extra...)...)
					if code == 0 {
						t.Fatalf("verify after tampering exited 0:\n%s", out)
					}
					for _, w := range tc.want {
						if !strings.Contains(out, w) {
							t.Errorf("report lacks %q:\n%s%s", w, out, errs)
						}
					}
				})
			}
		})
	}
}

// TestLedgerProofsOffline gets a bundle and a consistency proof through the CLI and checks
// them with verify-bundle, with no database; a corrupted bundle fails.
func TestLedgerProofsOffline(t *testing.T) {
	n := newLedgerNode(t, "")
	tmp := t.TempDir()
	cp1 := filepath.Join(tmp, "cp1")
	if code, _, errs := n.run(t, "ledger", "checkpoint", "--out", cp1); code != 0 {
		t.Fatal(errs)
	}
	_, vkey, _ := n.run(t, "ledger", "vkey")
	vkey = strings.TrimSpace(vkey)
	bundle := filepath.Join(tmp, "b2")
	if code, _, errs := n.run(t, "ledger", "proof", "--seq", "2", "--out", bundle); code != 0 {
		t.Fatal(errs)
	}
	// Offline: only the file and the public key.
	code, out, errs := accordRun(t, "ledger", "verify-bundle", "--log-key", vkey, bundle)
	if code != 0 || !strings.Contains(out, "OK: entry 2 (record.release release/r2") {
		t.Fatalf("verify-bundle: %d\n%s%s", code, out, errs)
	}
	b, _ := os.ReadFile(bundle)
	bad := filepath.Join(tmp, "bad")
	os.WriteFile(bad, bytes.Replace(b, []byte("index 2"), []byte("index 1"), 1), 0o644)
	if code, out, _ := accordRun(t, "ledger", "verify-bundle", "--log-key", vkey, bad); code == 0 || !strings.Contains(out, "FAILED") {
		t.Errorf("corrupted bundle accepted: %s", out)
	}
	if code, _, _ := accordRun(t, "ledger", "verify-bundle", "--log-key", vkey, "--min-cosignatures", "1", bundle); code == 0 {
		t.Error("bundle without cosignature accepted with --min-cosignatures 1")
	}
	// Grow the log, then prove consistency with the first checkpoint.
	st, err := store.Open(context.Background(), store.Config{DataDir: n.dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ledger().Append(context.Background(), ledger.Event{Actor: ledger.Actor{User: "system", Agency: "accord", State: "MEX"},
		Action: "export.made", RecordType: "export", RecordID: "x1", Content: ledger.NoContent}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, _, errs := n.run(t, "ledger", "checkpoint"); code != 0 {
		t.Fatal(errs)
	}
	cons := filepath.Join(tmp, "cons")
	if code, _, errs := n.run(t, "ledger", "proof", "--from", "5", "--out", cons); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs = accordRun(t, "ledger", "verify-bundle", "--log-key", vkey, "--old-checkpoint", cp1, cons)
	if code != 0 || !strings.Contains(out, "checkpoint 6") || !strings.Contains(out, "extends checkpoint 5") {
		t.Fatalf("consistency: %d\n%s%s", code, out, errs)
	}
}

// TestWitnessCosignsAndRefusesFork runs a witness over HTTP: the node's checkpoints are
// cosigned and published with the cosignature; a forked log with the same key is refused.
func TestWitnessCosignsAndRefusesFork(t *testing.T) {
	n := newLedgerNode(t, "")
	_, vkey, _ := n.run(t, "ledger", "vkey")
	vkey = strings.TrimSpace(vkey)
	wdir := t.TempDir()
	_, wvkey, errs := accordRun(t, "witness", "vkey", "--data", wdir, "--name", "witness/oversight")
	wvkey = strings.TrimSpace(wvkey)
	if !strings.HasPrefix(wvkey, "witness/oversight+") {
		t.Fatalf("witness vkey: %q %s", wvkey, errs)
	}
	wkey, err := ledger.LoadOrCreateCosignerKey(filepath.Join(wdir, "witness", "witness.key"), "witness/oversight")
	if err != nil {
		t.Fatal(err)
	}
	lv, err := logVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ledger.NewWitness(filepath.Join(wdir, "witness", "state.json"), wkey.Signer, lv)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(witnesshttp.Handler(w, nil))
	defer srv.Close()

	code, out, errs := n.run(t, "ledger", "checkpoint", "--witness", srv.URL)
	if code != 0 || !strings.Contains(out, "— witness/oversight ") {
		t.Fatalf("cosigned checkpoint: %d\n%s%s", code, out, errs)
	}
	code, out, errs = n.run(t, "ledger", "verify", "--witness-key", wvkey)
	if code != 0 || !strings.Contains(out, "cosignatures 1") {
		t.Fatalf("verify with witness: %d\n%s%s", code, out, errs)
	}
	// The API's checkpoint and the bundle carry the cosignature.
	bundle := filepath.Join(t.TempDir(), "b")
	n.run(t, "ledger", "proof", "--seq", "0", "--out", bundle)
	if code, out, _ := accordRun(t, "ledger", "verify-bundle", "--log-key", vkey, "--witness-key", wvkey, "--min-cosignatures", "1", bundle); code != 0 {
		t.Errorf("cosigned bundle: %s", out)
	}

	// A fork: another database, same log key, different history.
	fork := t.TempDir()
	key, _ := os.ReadFile(filepath.Join(n.dir, "ledger.key"))
	os.WriteFile(filepath.Join(fork, "ledger.key"), key, 0o600)
	st, err := store.Open(context.Background(), store.Config{DataDir: fork}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		if _, err := st.Ledger().Append(context.Background(), ledger.Event{Actor: ledger.Actor{User: "mallory", Agency: "X", State: "MEX"},
			Action: "record.release", RecordType: "release", RecordID: fmt.Sprint("f", i), Content: ledger.NoContent}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	code, out, errs = accordRun(t, "ledger", "checkpoint", "--data", fork, "--witness", srv.URL)
	if code == 0 || !strings.Contains(errs, "fork") {
		t.Fatalf("forked checkpoint was not refused: %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "— witness/oversight ") {
		t.Error("forked checkpoint carries the witness's cosignature")
	}
	// The witness still holds the honest view.
	if c, ok := w.Latest(lv.Name()); !ok || c.Size != 5 {
		t.Errorf("witness state after the fork: %+v %v, want size 5", c, ok)
	}
}

func TestLedgerUsage(t *testing.T) {
	for _, args := range [][]string{{"ledger"}, {"ledger", "nope"}, {"ledger", "proof", "--data", t.TempDir()}, {"witness"}, {"witness", "serve", "--data", t.TempDir()}} {
		if code, _, _ := accordRun(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader on different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServePublishesCheckpoints runs `accord serve` with a witness configured: it signs
// checkpoints at the interval as the log grows, has them cosigned, and serves them.
func TestServePublishesCheckpoints(t *testing.T) {
	n := newLedgerNode(t, "")
	_, vkey, _ := n.run(t, "ledger", "vkey")
	lv, err := logVerifier(strings.TrimSpace(vkey))
	if err != nil {
		t.Fatal(err)
	}
	wdir := t.TempDir()
	wkey, err := ledger.LoadOrCreateCosignerKey(filepath.Join(wdir, "w.key"), "witness/test")
	if err != nil {
		t.Fatal(err)
	}
	w, err := ledger.NewWitness(filepath.Join(wdir, "state.json"), wkey.Signer, lv)
	if err != nil {
		t.Fatal(err)
	}
	ws := httptest.NewServer(witnesshttp.Handler(w, nil))
	defer ws.Close()
	conf := filepath.Join(t.TempDir(), "accord.json")
	os.WriteFile(conf, []byte(`{"ledger": {"checkpoint_interval": "100ms", "witnesses": ["`+ws.URL+`"]}}`), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", conf, "--data", n.dir, "--listen", "127.0.0.1:0", "--log-level", "warn"},
			func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errb.String())
		}
	}()
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == ""; {
		if _, rest, ok := strings.Cut(out.String(), "serving on http://"); ok {
			addr, _, _ = strings.Cut(rest, "/")
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s %s", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Another writer on the same database grows the log while serve runs.
	st, err := store.Open(context.Background(), store.Config{DataDir: n.dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ledger().Append(context.Background(), ledger.Event{Actor: ledger.Actor{User: "system", Agency: "accord", State: "MEX"},
		Action: "export.made", RecordType: "export", RecordID: "x1", Content: ledger.NoContent}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var last string
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/api/v1/ledger/checkpoint")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last = string(b)
			sc, err := ledger.OpenCheckpoint(b, lv, wkey.Verifier)
			// Other components of serve may append too: at least the 6 entries written here.
			if err == nil && sc.Size >= 6 && len(sc.Cosignatures) == 1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cosigned checkpoint of size >= 6 served; last:\n%s\nstderr: %s", last, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if c, ok := w.Latest(lv.Name()); !ok || c.Size < 6 {
		t.Errorf("witness state: %+v", c)
	}
}

// TestInitRotatesKey replaces the node key: init records the rotation, and verification
// accepts the old checkpoints only with the old key given as retired.
func TestInitRotatesKey(t *testing.T) {
	n := newLedgerNode(t, "")
	n.run(t, "ledger", "checkpoint")
	_, old, _ := n.run(t, "ledger", "vkey")
	if err := os.Rename(filepath.Join(n.dir, "ledger.key"), filepath.Join(t.TempDir(), "old.key")); err != nil {
		t.Fatal(err)
	}
	code, out, errs := n.run(t, "init", "--node-id", "mx-test")
	if code != 0 || !strings.Contains(out, "key rotated") {
		t.Fatalf("init with a new key: %d %s %s", code, out, errs)
	}
	if code, out, _ := n.run(t, "ledger", "verify"); code == 0 || !strings.Contains(out, "bad-checkpoint checkpoint 5") {
		t.Errorf("old checkpoint accepted without the retired key:\n%s", out)
	}
	if code, out, _ := n.run(t, "ledger", "verify", "--retired-key", strings.TrimSpace(old)); code != 0 {
		t.Errorf("verify with the retired key: %s", out)
	}
	b, _ := accordRunEntry(t, n, 5)
	if !strings.Contains(b, "action ledger.key.rotate") {
		t.Errorf("entry 5 is not the rotation: %s", b)
	}
	// A key for another origin is refused and not left behind.
	os.Rename(filepath.Join(n.dir, "ledger.key"), filepath.Join(t.TempDir(), "new.key"))
	if code, _, errs := n.run(t, "init", "--node-id", "other"); code == 0 || !strings.Contains(errs, `holds the ledger "accord/mx-test"`) {
		t.Errorf("init with another origin: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(n.dir, "ledger.key")); err == nil {
		t.Error("a key for the wrong origin was left in the data directory")
	}
}

// accordRunEntry returns entry seq of the node's log, decoded from a proof bundle.
func accordRunEntry(t *testing.T, n *ledgerNode, seq int) (string, error) {
	f := filepath.Join(t.TempDir(), "b")
	if code, _, errs := n.run(t, "ledger", "proof", "--seq", fmt.Sprint(seq), "--out", f); code != 0 {
		t.Fatal(errs)
	}
	data, _ := os.ReadFile(f)
	b, err := ledger.ParseBundle(data)
	return string(b.Entry), err
}

// TestVerifyWithoutPrivateKey is an oversight body's check: a copy of the database and the
// log's public key, no private key; verification creates no key.
func TestVerifyWithoutPrivateKey(t *testing.T) {
	n := newLedgerNode(t, "")
	n.run(t, "ledger", "checkpoint")
	_, vkey, _ := n.run(t, "ledger", "vkey")
	audit := t.TempDir()
	n.raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	b, err := os.ReadFile(filepath.Join(n.dir, "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(audit, "accord.db"), b, 0o600)
	if code, out, errs := accordRun(t, "ledger", "verify", "--data", audit); code == 0 || !strings.Contains(errs, "--log-key") {
		t.Errorf("verify with neither key: %d %s %s", code, out, errs)
	}
	code, out, errs := accordRun(t, "ledger", "verify", "--data", audit, "--log-key", strings.TrimSpace(vkey))
	if code != 0 || !strings.Contains(out, "records checked 3") {
		t.Fatalf("auditor verify: %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(audit, "ledger.key")); err == nil {
		t.Error("verification created a signing key")
	}
}
