package web

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
)

// LedgerReader serves the /api/v1/ledger routes: the node's signed checkpoints and the proofs
// against them. *ledgersql.Log (store.Ledger()) implements it. Errors wrapping
// Config.LedgerNotFound are answered 404. Implementations must be safe for concurrent use.
type LedgerReader interface {
	// LatestCheckpoint returns the latest signed checkpoint note with its cosignatures.
	LatestCheckpoint(ctx context.Context) ([]byte, error)
	// CheckpointAt returns the stored checkpoint of exactly that tree size.
	CheckpointAt(ctx context.Context, size int64) ([]byte, error)
	// Entry returns the encoded entry at seq (ledger.Entry.Marshal).
	Entry(ctx context.Context, seq int64) ([]byte, error)
	// InclusionProof proves entry seq is in the tree of the given size.
	InclusionProof(ctx context.Context, seq, size int64) (tlog.RecordProof, error)
	// ConsistencyProof proves the tree of newSize extends the tree of oldSize.
	ConsistencyProof(ctx context.Context, oldSize, newSize int64) (tlog.TreeProof, error)
}

// ledgerErr maps a ledger reader error: one wrapping Config.LedgerNotFound is a 404 naming
// what is missing; any other is an internal error.
func (s *Server) ledgerErr(err error, what string) error {
	if s.cfg.LedgerNotFound != nil && errors.Is(err, s.cfg.LedgerNotFound) {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: what + " not found"}
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (s *Server) ledgerReader() (LedgerReader, error) {
	if s.cfg.Ledger == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server has no ledger"}
	}
	return s.cfg.Ledger, nil
}

// latestCheckpoint returns the latest checkpoint, parsed (its signature was made by this node;
// clients verify it with the node's public key).
func (s *Server) latestCheckpoint(ctx context.Context, l LedgerReader) ([]byte, ledger.Checkpoint, error) {
	msg, err := l.LatestCheckpoint(ctx)
	if err != nil {
		return nil, ledger.Checkpoint{}, s.ledgerErr(err, "checkpoint")
	}
	c, err := checkpointOf(msg)
	return msg, c, err
}

// checkpointOf parses the body of a signed checkpoint note.
func checkpointOf(msg []byte) (ledger.Checkpoint, error) {
	for i := 0; i+1 < len(msg); i++ {
		if msg[i] == '\n' && msg[i+1] == '\n' {
			return ledger.ParseCheckpoint(msg[:i+1])
		}
	}
	return ledger.Checkpoint{}, fmt.Errorf("stored checkpoint has no signature block")
}

// handleLedgerCheckpoint serves the latest signed checkpoint as the C2SP tlog-checkpoint signed
// note itself (text/plain), with the witnesses' cosignatures.
func (s *Server) handleLedgerCheckpoint(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknown(r.URL.Query()); err != nil {
		return err
	}
	l, err := s.ledgerReader()
	if err != nil {
		return err
	}
	msg, _, err := s.latestCheckpoint(r.Context(), l)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.Write(msg)
	return nil
}

// int64Param parses a required or optional non-negative integer query parameter.
func int64Param(q url.Values, name string, required bool) (int64, bool, error) {
	v := q.Get(name)
	if v == "" {
		if required {
			return 0, false, badRequest("%s is required: a non-negative integer, e.g. %s=0", name, name)
		}
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, badRequest("%s must be a non-negative integer, e.g. %s=0; got %q", name, name, v)
	}
	return n, true, nil
}

// checkpointFor returns the checkpoint of the given size (size given) or the latest one.
func (s *Server) checkpointFor(ctx context.Context, l LedgerReader, size int64, given bool) ([]byte, ledger.Checkpoint, error) {
	if !given {
		return s.latestCheckpoint(ctx, l)
	}
	msg, err := l.CheckpointAt(ctx, size)
	if err != nil {
		if s.cfg.LedgerNotFound != nil && errors.Is(err, s.cfg.LedgerNotFound) {
			return nil, ledger.Checkpoint{}, badRequest("no checkpoint of size %d: give the size of a published checkpoint, or omit it for the latest", size)
		}
		return nil, ledger.Checkpoint{}, fmt.Errorf("checkpoint %d: %w", size, err)
	}
	c, err := checkpointOf(msg)
	return msg, c, err
}

func hashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// inclusionJSON is an inclusion proof: the entry, its leaf hash, the proof hashes (leaf's
// sibling first, base64) and the signed checkpoint they lead to, and the same as a C2SP
// tlog-proof bundle verifiable offline with `accord ledger verify-bundle`.
type inclusionJSON struct {
	Seq        int64    `json:"seq"`
	Size       int64    `json:"size"`
	Entry      string   `json:"entry"`
	LeafHash   string   `json:"leaf_hash"`
	Proof      []string `json:"proof"`
	Checkpoint string   `json:"checkpoint"`
	Bundle     string   `json:"bundle"`
}

func (s *Server) handleLedgerInclusion(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "seq", "size"); err != nil {
		return err
	}
	seq, _, err := int64Param(q, "seq", true)
	if err != nil {
		return err
	}
	size, given, err := int64Param(q, "size", false)
	if err != nil {
		return err
	}
	l, err := s.ledgerReader()
	if err != nil {
		return err
	}
	msg, c, err := s.checkpointFor(r.Context(), l, size, given)
	if err != nil {
		return err
	}
	if seq >= c.Size {
		return badRequest("seq %d is not in the checkpoint of size %d: give seq < size (a newer checkpoint may cover it later)", seq, c.Size)
	}
	entry, err := l.Entry(r.Context(), seq)
	if err != nil {
		return s.ledgerErr(err, fmt.Sprintf("ledger entry %d", seq))
	}
	proof, err := l.InclusionProof(r.Context(), seq, c.Size)
	if err != nil {
		return fmt.Errorf("inclusion proof: %w", err)
	}
	leaf := ledger.LeafHash(entry)
	out := inclusionJSON{Seq: seq, Size: c.Size, Entry: base64.StdEncoding.EncodeToString(entry),
		LeafHash: base64.StdEncoding.EncodeToString(leaf[:]), Proof: hashes(proof), Checkpoint: string(msg),
		Bundle: string(ledger.Bundle{Entry: entry, Index: seq, Proof: proof, Checkpoint: msg}.Marshal())}
	writeJSON(w, http.StatusOK, "application/json", out)
	return nil
}

// consistencyJSON is a consistency proof between two checkpoints (base64 hashes).
type consistencyJSON struct {
	From       int64    `json:"from"`
	To         int64    `json:"to"`
	Proof      []string `json:"proof"`
	Checkpoint string   `json:"checkpoint"` // the signed checkpoint of size To
}

func (s *Server) handleLedgerConsistency(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := rejectUnknown(q, "from", "to"); err != nil {
		return err
	}
	from, _, err := int64Param(q, "from", true)
	if err != nil {
		return err
	}
	to, given, err := int64Param(q, "to", false)
	if err != nil {
		return err
	}
	l, err := s.ledgerReader()
	if err != nil {
		return err
	}
	msg, c, err := s.checkpointFor(r.Context(), l, to, given)
	if err != nil {
		return err
	}
	if from > c.Size {
		return badRequest("from %d is beyond the checkpoint's size %d: give from <= to", from, c.Size)
	}
	proof, err := l.ConsistencyProof(r.Context(), from, c.Size)
	if err != nil {
		return fmt.Errorf("consistency proof: %w", err)
	}
	writeJSON(w, http.StatusOK, "application/json", consistencyJSON{From: from, To: c.Size, Proof: hashes(proof), Checkpoint: string(msg)})
	return nil
}
