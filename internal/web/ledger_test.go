package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/store"
)

// ledgerServer returns a server over a real ledger (the store's, in SQLite) holding n entries
// and checkpoints of sizes 3 and n.
func ledgerServer(t *testing.T, n int) (*Server, *ledger.Key) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Config{DataDir: dir, Origin: "accord/web-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i := range n {
		if _, err := st.Ledger().Append(ctx, ledger.Event{Actor: ledger.Actor{User: "ana", Agency: "SEMAR", State: "MEX"},
			Action: "record.release", RecordType: "release", RecordID: strings.Repeat("r", i+1), Content: ledger.NoContent}); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if _, err := st.Ledger().Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := st.Ledger().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	key, err := store.LoadKey(store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, func(c *Config) {
		c.Ledger = st.Ledger()
		c.LedgerNotFound = ledgersql.ErrNotFound
	})
	return s, key
}

func TestLedgerCheckpointRoute(t *testing.T) {
	s, key := ledgerServer(t, 7)
	w := get(t, s, "/api/v1/ledger/checkpoint")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("status %d, type %q: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	sc, err := ledger.OpenCheckpoint(w.Body.Bytes(), key.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Size != 7 || sc.Origin != "accord/web-test" {
		t.Errorf("checkpoint %+v", sc.Checkpoint)
	}
	// Without a ledger: 503; an empty ledger: 404.
	s2, _ := newTestServer(t, nil)
	if w := get(t, s2, "/api/v1/ledger/checkpoint"); w.Code != 503 {
		t.Errorf("no ledger: %d", w.Code)
	}
	s3, _ := ledgerServerEmpty(t)
	if w := get(t, s3, "/api/v1/ledger/checkpoint"); w.Code != 404 {
		t.Errorf("no checkpoint: %d %s", w.Code, w.Body)
	}
}

func ledgerServerEmpty(t *testing.T) (*Server, *store.Store) {
	st, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, _ := newTestServer(t, func(c *Config) { c.Ledger = st.Ledger(); c.LedgerNotFound = ledgersql.ErrNotFound })
	return s, st
}

func decodeHashes(t *testing.T, in []string) []tlog.Hash {
	out := make([]tlog.Hash, len(in))
	for i, s := range in {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			t.Fatalf("hash %q: %v", s, err)
		}
		copy(out[i][:], b)
	}
	return out
}

func TestLedgerInclusionRoute(t *testing.T) {
	s, key := ledgerServer(t, 7)
	for _, tc := range []struct {
		query    string
		seq, siz int64
	}{{"seq=0", 0, 7}, {"seq=6", 6, 7}, {"seq=2&size=3", 2, 3}} {
		w := get(t, s, "/api/v1/ledger/proof/inclusion?"+tc.query)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", tc.query, w.Code, w.Body)
		}
		var got inclusionJSON
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		sc, err := ledger.OpenCheckpoint([]byte(got.Checkpoint), key.Verifier)
		if err != nil {
			t.Fatal(err)
		}
		entry, _ := base64.StdEncoding.DecodeString(got.Entry)
		if got.Seq != tc.seq || got.Size != tc.siz || sc.Size != tc.siz {
			t.Errorf("%s: seq %d size %d checkpoint %d", tc.query, got.Seq, got.Size, sc.Size)
		}
		if err := ledger.CheckInclusion(sc.Checkpoint, got.Seq, entry, decodeHashes(t, got.Proof)); err != nil {
			t.Errorf("%s: proof does not verify: %v", tc.query, err)
		}
		if _, err := ledger.VerifyBundle([]byte(got.Bundle), key.Verifier); err != nil {
			t.Errorf("%s: bundle: %v", tc.query, err)
		}
	}
	for _, tc := range []struct {
		query string
		code  int
		msg   string
	}{
		{"", 400, "seq is required"},
		{"seq=-1", 400, "non-negative"},
		{"seq=x", 400, "non-negative"},
		{"seq=7", 400, "not in the checkpoint of size 7"},
		{"seq=1&size=5", 400, "no checkpoint of size 5"},
		{"seq=1&sise=5", 400, "unknown query parameter"},
	} {
		w := get(t, s, "/api/v1/ledger/proof/inclusion?"+tc.query)
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.msg) {
			t.Errorf("%q: %d %s, want %d %q", tc.query, w.Code, w.Body, tc.code, tc.msg)
		}
	}
}

func TestLedgerConsistencyRoute(t *testing.T) {
	s, key := ledgerServer(t, 7)
	w := get(t, s, "/api/v1/ledger/checkpoint?")
	w3 := get(t, s, "/api/v1/ledger/proof/inclusion?seq=0&size=3")
	var inc inclusionJSON
	json.Unmarshal(w3.Body.Bytes(), &inc)
	old, err := ledger.OpenCheckpoint([]byte(inc.Checkpoint), key.Verifier)
	if err != nil {
		t.Fatal(err, w.Body)
	}
	w = get(t, s, "/api/v1/ledger/proof/consistency?from=3")
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var got consistencyJSON
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	newer, err := ledger.OpenCheckpoint([]byte(got.Checkpoint), key.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	if got.From != 3 || got.To != 7 {
		t.Errorf("from %d to %d", got.From, got.To)
	}
	if err := ledger.CheckConsistency(old.Checkpoint, newer.Checkpoint, decodeHashes(t, got.Proof)); err != nil {
		t.Errorf("consistency proof does not verify: %v", err)
	}
	for _, tc := range []struct {
		query string
		msg   string
	}{{"", "from is required"}, {"from=8", "beyond the checkpoint's size 7"}, {"from=1&to=4", "no checkpoint of size 4"}} {
		w := get(t, s, "/api/v1/ledger/proof/consistency?"+tc.query)
		if w.Code != 400 || !strings.Contains(w.Body.String(), tc.msg) {
			t.Errorf("%q: %d %s", tc.query, w.Code, w.Body)
		}
	}
}
