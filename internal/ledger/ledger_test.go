package ledger

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func testEntry() Entry {
	return Entry{Seq: 17, Prev: 12, Event: Event{
		Time:       time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CST", -6*3600)),
		Actor:      Actor{User: "ana.lopez", Agency: "SEMAR", State: "MEX"},
		Action:     "consent.grant",
		RecordType: "consent_request",
		RecordID:   "CR-2026-0001",
		Content:    ContentHash([]byte("canonical content")),
		Meta:       []Meta{{"decision", "allow"}, {"scope", "territorial sea, 48 h"}},
	}}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
	}
}

func TestEntryEncoding(t *testing.T) {
	e := testEntry()
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "entry.txt", b)
	got, err := ParseEntry(b)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := got.Marshal()
	if !bytes.Equal(again, b) {
		t.Errorf("round trip: got\n%s\nwant\n%s", again, b)
	}
	if !got.Time.Equal(e.Time) || got.Time.Location() != time.UTC {
		t.Errorf("time: got %v, want %v in UTC", got.Time, e.Time)
	}
	first := e
	first.Prev = -1
	if b, _ := first.Marshal(); !bytes.Contains(b, []byte("\nprev -\n")) {
		t.Errorf("first entry of a record: got\n%s\nwant a \"prev -\" line", b)
	}
}

func TestEntryRejects(t *testing.T) {
	events := []struct {
		name string
		edit func(*Entry)
	}{
		{"empty user", func(e *Entry) { e.Actor.User = "" }},
		{"newline in id", func(e *Entry) { e.RecordID = "a\nb" }},
		{"upper-case action", func(e *Entry) { e.Action = "Consent" }},
		{"space in type", func(e *Entry) { e.RecordType = "consent request" }},
		{"unsorted meta", func(e *Entry) { e.Meta = []Meta{{"b", "1"}, {"a", "2"}} }},
		{"duplicate meta", func(e *Entry) { e.Meta = []Meta{{"a", "1"}, {"a", "2"}} }},
		{"empty meta value", func(e *Entry) { e.Meta = []Meta{{"a", ""}} }},
		{"long id", func(e *Entry) { e.RecordID = strings.Repeat("x", MaxValueLen+1) }},
		{"prev not before seq", func(e *Entry) { e.Prev = e.Seq }},
		{"invalid UTF-8", func(e *Entry) { e.Actor.Agency = "\xff" }},
	}
	for _, tc := range events {
		t.Run(tc.name, func(t *testing.T) {
			e := testEntry()
			tc.edit(&e)
			if _, err := e.Marshal(); !errors.Is(err, ErrInvalidEntry) {
				t.Errorf("got %v, want ErrInvalidEntry", err)
			}
		})
	}
	good, _ := func() ([]byte, error) { e := testEntry(); return e.Marshal() }()
	encodings := []struct{ name, old, new string }{
		{"leading zero", "seq 17", "seq 017"},
		{"upper-case hex", "content ", "content F"},
		{"non-UTC time", ".123456789Z", ".123456789+00:00"},
		{"short nanoseconds", ".123456789Z", ".123Z"},
		{"field order", "user ana.lopez\nagency SEMAR", "agency SEMAR\nuser ana.lopez"},
		{"header", EntryHeader, "accord.ledger.entry/v2"},
		{"trailing line", "meta scope territorial sea, 48 h\n", "meta scope territorial sea, 48 h\nextra\n"},
		{"no final newline", "48 h\n", "48 h"},
	}
	for _, tc := range encodings {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(strings.Replace(string(good), tc.old, tc.new, 1))
			if bytes.Equal(b, good) {
				t.Fatal("test edit changed nothing")
			}
			if _, err := ParseEntry(b); !errors.Is(err, ErrInvalidEntry) {
				t.Errorf("got %v, want ErrInvalidEntry", err)
			}
		})
	}
}

// memLog is an in-memory tlog tree for tests.
type memLog struct {
	hashes  []tlog.Hash
	entries [][]byte
}

func (m *memLog) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memLog) add(t testing.TB, data []byte) {
	hs, err := tlog.StoredHashes(int64(len(m.entries)), data, m)
	if err != nil {
		t.Fatal(err)
	}
	m.hashes = append(m.hashes, hs...)
	m.entries = append(m.entries, data)
}

func (m *memLog) checkpoint(t testing.TB, origin string) Checkpoint {
	h, err := tlog.TreeHash(int64(len(m.entries)), m)
	if err != nil {
		t.Fatal(err)
	}
	return Checkpoint{Origin: origin, Size: int64(len(m.entries)), Hash: h}
}

func TestTreeBuilderMatchesTlog(t *testing.T) {
	var m memLog
	var tb treeBuilder
	var emitted []tlog.Hash
	for n := range 70 {
		data := []byte{byte(n), 'x'}
		m.add(t, data)
		tb.add(LeafHash(data), func(i int64, h tlog.Hash) {
			if i != int64(len(emitted)) {
				t.Fatalf("leaf %d: emitted index %d, want %d", n, i, len(emitted))
			}
			emitted = append(emitted, h)
		})
		if got, want := tb.root(), m.checkpoint(t, "o").Hash; got != want {
			t.Fatalf("size %d: root %v, want %v", n+1, got, want)
		}
	}
	for i := range m.hashes {
		if emitted[i] != m.hashes[i] {
			t.Fatalf("stored hash %d differs", i)
		}
	}
}

func testKeys(t *testing.T) (log, witness *Key) {
	t.Helper()
	dir := t.TempDir()
	log, err := LoadOrCreateKey(filepath.Join(dir, "log.key"), "accord.test/ledger")
	if err != nil {
		t.Fatal(err)
	}
	witness, err = LoadOrCreateCosignerKey(filepath.Join(dir, "witness.key"), "oversight.test/w1")
	if err != nil {
		t.Fatal(err)
	}
	return log, witness
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.key")
	k1, err := LoadOrCreateKey(path, "accord.test/ledger")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	k2, err := LoadOrCreateKey(path, "accord.test/ledger")
	if err != nil {
		t.Fatal(err)
	}
	if k1.VerifierKey != k2.VerifierKey {
		t.Errorf("reloaded key %s, want %s", k2.VerifierKey, k1.VerifierKey)
	}
	if _, err := note.NewVerifier(k1.VerifierKey); err != nil {
		t.Errorf("verifier key does not parse: %v", err)
	}
	if _, err := LoadOrCreateKey(path, "accord.test/other"); err == nil || !strings.Contains(err.Error(), "rotate") {
		t.Errorf("other origin: got %v, want an error pointing to rotation", err)
	}
	if _, err := LoadOrCreateKey(filepath.Join(dir, "x.key"), "bad name"); err == nil {
		t.Error("name with a space accepted")
	}
	os.Chmod(path, 0o644)
	if _, err := LoadOrCreateKey(path, "accord.test/ledger"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key: got %v, want an error saying chmod 600", err)
	}
	os.WriteFile(filepath.Join(dir, "garbage.key"), []byte("PRIVATE+KEY+x+00000000+AAAA\n"), 0o600)
	if _, err := LoadOrCreateKey(filepath.Join(dir, "garbage.key"), "x"); err == nil {
		t.Error("garbage key accepted")
	}
}

func TestCosignatureFormat(t *testing.T) {
	logKey, wKey := testKeys(t)
	c := Checkpoint{Origin: "accord.test/ledger", Size: 5, Hash: tlog.RecordHash([]byte("x"))}
	msg, err := SignCheckpoint(c, logKey.Signer)
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Unix(1767225600, 0)
	skey, vkey, err := GenerateCosignerKey("oversight.test/w2")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewCosignerSigner(skey, func() time.Time { return fixed })
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(&note.Note{Text: string(c.Marshal())}, s)
	if err != nil {
		t.Fatal(err)
	}
	msg, err = AddSignatures(msg, cosigned[len(c.Marshal())+1:])
	if err != nil {
		t.Fatal(err)
	}
	// Check the C2SP layout by hand: key ID, timestamp, signed message.
	line := string(cosigned[len(c.Marshal())+1:])
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(line, "— oversight.test/w2 ")))
	pub, _ := base64.StdEncoding.DecodeString(strings.SplitN(vkey, "+", 3)[2])
	id := sha256.Sum256(append([]byte("oversight.test/w2\n"), pub...))
	if !bytes.Equal(raw[:4], id[:4]) || pub[0] != 0x04 {
		t.Errorf("key ID %x, want %x (type 0x04)", raw[:4], id[:4])
	}
	if ts := binary.BigEndian.Uint64(raw[4:12]); ts != uint64(fixed.Unix()) {
		t.Errorf("timestamp %d, want %d", ts, fixed.Unix())
	}
	signed := "cosignature/v1\ntime 1767225600\n" + string(c.Marshal())
	if !ed25519.Verify(pub[1:], []byte(signed), raw[12:]) {
		t.Error("cosignature does not verify over the cosignature/v1 message")
	}
	v, err := NewCosignatureVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := OpenCheckpoint(msg, logKey.Verifier, v, wKey.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Cosignatures) != 1 || sc.Cosignatures[0].Name != "oversight.test/w2" || !sc.Cosignatures[0].Time.Equal(fixed) {
		t.Errorf("cosignatures %+v, want one by oversight.test/w2 at %v", sc.Cosignatures, fixed)
	}
}

func TestWitness(t *testing.T) {
	ctx := context.Background()
	logKey, wKey := testKeys(t)
	origin := logKey.Signer.Name()
	statePath := filepath.Join(t.TempDir(), "witness.state")
	w, err := NewWitness(statePath, wKey.Signer, logKey.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	var m memLog
	sign := func(c Checkpoint) []byte {
		msg, err := SignCheckpoint(c, logKey.Signer)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	grow := func(n int) {
		for range n {
			m.add(t, []byte{byte(len(m.entries))})
		}
	}
	grow(3)
	c3 := m.checkpoint(t, origin)
	resp, err := w.Cosign(ctx, CosignRequest{Checkpoint: sign(c3)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(append(sign(c3), resp.Signature...), logKey.Verifier, wKey.Verifier); err != nil {
		t.Errorf("cosigned checkpoint does not open: %v", err)
	}
	grow(4)
	c7 := m.checkpoint(t, origin)
	proof, err := tlog.ProveTree(7, 3, &m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Cosign(ctx, CosignRequest{OldSize: 3, Proof: proof, Checkpoint: sign(c7)}); err != nil {
		t.Fatalf("consistent checkpoint refused: %v", err)
	}
	// A fork: another tree of size 9 that does not extend the witnessed size 7.
	var fork memLog
	for i := range 9 {
		fork.add(t, []byte{byte(i), 'f'})
	}
	forkProof, _ := tlog.ProveTree(9, 7, &fork)
	forked := fork.checkpoint(t, origin)
	sameSize := c7
	sameSize.Hash = tlog.RecordHash([]byte("other"))
	badSig := sign(c7)
	badSig[len(badSig)-5] ^= 1
	other, _ := LoadOrCreateKey(filepath.Join(t.TempDir(), "o.key"), "accord.test/other")
	otherMsg, _ := SignCheckpoint(Checkpoint{Origin: "accord.test/other", Size: 1}, other.Signer)
	cases := []struct {
		name string
		req  CosignRequest
		want error
	}{
		{"stale old size", CosignRequest{OldSize: 3, Proof: proof, Checkpoint: sign(c7)}, ErrConflict},
		{"inconsistent larger tree", CosignRequest{OldSize: 7, Proof: forkProof, Checkpoint: sign(forked)}, ErrFork},
		{"two roots for one size", CosignRequest{OldSize: 7, Checkpoint: sign(sameSize)}, ErrFork},
		{"bad log signature", CosignRequest{OldSize: 7, Checkpoint: badSig}, ErrInvalidCheckpoint},
		{"unknown log", CosignRequest{Checkpoint: otherMsg}, ErrUnknownLog},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := w.Cosign(ctx, tc.req); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	var ce *ConflictError
	if _, err := w.Cosign(ctx, CosignRequest{OldSize: 0, Checkpoint: sign(c7)}); !errors.As(err, &ce) || ce.Size != 7 {
		t.Errorf("conflict: got %v, want ConflictError with size 7", err)
	}
	// State survives a restart, in a private file.
	w2, err := NewWitness(statePath, wKey.Signer, logKey.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := w2.Latest(origin); !ok || c.Size != 7 || c.Hash != c7.Hash {
		t.Errorf("reloaded witness latest %+v, want size 7", c)
	}
	if st, _ := os.Stat(statePath); st.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", st.Mode().Perm())
	}
	// Request text round trip.
	req := CosignRequest{OldSize: 3, Proof: proof, Checkpoint: sign(c7)}
	text, _ := req.MarshalText()
	back, err := ParseCosignRequest(text)
	if err != nil || back.OldSize != 3 || len(back.Proof) != len(proof) || !bytes.Equal(back.Checkpoint, req.Checkpoint) {
		t.Errorf("cosign request round trip: %+v, %v", back, err)
	}
}

func TestBundle(t *testing.T) {
	logKey, wKey := testKeys(t)
	var m memLog
	var encoded [][]byte
	for i := range 11 {
		e := testEntry()
		e.Seq, e.Prev = int64(i), -1
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		encoded = append(encoded, b)
		m.add(t, b)
	}
	c := m.checkpoint(t, logKey.Signer.Name())
	msg, _ := SignCheckpoint(c, logKey.Signer)
	w, _ := NewWitness(filepath.Join(t.TempDir(), "w.state"), wKey.Signer, logKey.Verifier)
	resp, err := w.Cosign(context.Background(), CosignRequest{Checkpoint: msg})
	if err != nil {
		t.Fatal(err)
	}
	msg, _ = AddSignatures(msg, resp.Signature)
	proof, _ := tlog.ProveRecord(11, 6, &m)
	b := Bundle{Entry: encoded[6], Index: 6, Proof: proof, Checkpoint: msg}.Marshal()
	vb, err := VerifyBundle(b, logKey.Verifier, wKey.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	if vb.Entry.Seq != 6 || len(vb.Checkpoint.Cosignatures) != 1 {
		t.Errorf("verified bundle: seq %d, %d cosignatures; want 6, 1", vb.Entry.Seq, len(vb.Checkpoint.Cosignatures))
	}
	if !strings.HasPrefix(string(b), BundleHeader+"\nextra ") {
		t.Errorf("bundle does not start with the tlog-proof header:\n%s", b)
	}
	proof5, _ := tlog.ProveRecord(11, 5, &m)
	other, _ := LoadOrCreateKey(filepath.Join(t.TempDir(), "o.key"), logKey.Signer.Name())
	badProof := append(tlog.RecordProof{}, proof...)
	badProof[0][0] ^= 1
	tampered := []struct {
		name string
		b    Bundle
		log  note.Verifier
	}{
		{"other entry", Bundle{Entry: encoded[5], Index: 6, Proof: proof, Checkpoint: msg}, logKey.Verifier},
		{"entry and index moved", Bundle{Entry: encoded[5], Index: 5, Proof: proof, Checkpoint: msg}, logKey.Verifier},
		{"index beyond tree", Bundle{Entry: encoded[6], Index: 11, Proof: proof5, Checkpoint: msg}, logKey.Verifier},
		{"proof hash", Bundle{Entry: encoded[6], Index: 6, Proof: badProof, Checkpoint: msg}, logKey.Verifier},
		{"another log key", Bundle{Entry: encoded[6], Index: 6, Proof: proof, Checkpoint: msg}, other.Verifier},
	}
	for _, tc := range tampered {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := VerifyBundle(tc.b.Marshal(), tc.log); !errors.Is(err, ErrInvalidBundle) {
				t.Errorf("got %v, want ErrInvalidBundle", err)
			}
		})
	}
	// Fuzz seeds are generated from real bundles.
	if *update {
		os.WriteFile(filepath.Join("testdata", "bundle.txt"), b, 0o644)
		text, _ := CosignRequest{OldSize: 6, Proof: tlog.TreeProof(proof), Checkpoint: msg}.MarshalText()
		os.WriteFile(filepath.Join("testdata", "cosign-request.txt"), text, 0o644)
		os.WriteFile(filepath.Join("testdata", "checkpoint.txt"), msg, 0o644)
	}
}
