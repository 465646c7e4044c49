package ledger

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Sentinel errors of [Witness.Cosign]; check them with errors.Is. A conflict is reported as a
// *[ConflictError], which matches ErrConflict.
var (
	// ErrFork means the checkpoint is not consistent with the last one the witness cosigned:
	// the log has been rewritten or is showing different views to different parties.
	ErrFork = errors.New("checkpoint is not consistent with the witnessed log (fork)")
	// ErrConflict means the request's OldSize is not the size the witness last saw; retry
	// with ConflictError.Size and a consistency proof from that size.
	ErrConflict = errors.New("old size does not match the witness's view")
	// ErrUnknownLog means the witness is not configured for the checkpoint's origin.
	ErrUnknownLog = errors.New("unknown log origin")
)

// ConflictError reports the tree size the witness last cosigned for the log.
type ConflictError struct {
	Size int64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%v: witness has size %d", ErrConflict, e.Size)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// CosignRequest asks a witness to cosign a checkpoint, in the manner of C2SP tlog-witness
// add-checkpoint: the size of the last checkpoint the witness cosigned for this log, a
// consistency proof from that size to the new one, and the new signed checkpoint.
type CosignRequest struct {
	OldSize    int64
	Proof      tlog.TreeProof // empty when OldSize is 0 or equals the new size
	Checkpoint []byte         // signed note
}

// MarshalText encodes r as in C2SP tlog-witness: "old N", one base64 proof hash per line, an
// empty line, then the signed checkpoint.
func (r CosignRequest) MarshalText() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", r.OldSize)
	for _, h := range r.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(r.Checkpoint)
	return b.Bytes(), nil
}

// ParseCosignRequest decodes what [CosignRequest.MarshalText] encodes. It does not verify the
// checkpoint; [Witness.Cosign] does.
func ParseCosignRequest(b []byte) (CosignRequest, error) {
	var r CosignRequest
	head, cp, ok := bytes.Cut(b, []byte("\n\n"))
	if !ok {
		return r, errors.New("cosign request: want header lines, an empty line, then the checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	v, ok := strings.CutPrefix(lines[0], "old ")
	if !ok {
		return r, errors.New("cosign request: line 1: want \"old SIZE\"")
	}
	n, err := parseInt(v)
	if err != nil {
		return r, fmt.Errorf("cosign request: line 1: %v", err)
	}
	r.OldSize = n
	if len(lines)-1 > 63 {
		return r, errors.New("cosign request: more than 63 proof hashes")
	}
	for i, l := range lines[1:] {
		h, err := parseHash(l)
		if err != nil {
			return r, fmt.Errorf("cosign request: line %d: %v", i+2, err)
		}
		r.Proof = append(r.Proof, h)
	}
	r.Checkpoint = cp
	return r, nil
}

func parseHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("want a base64 SHA-256 hash, got %.60q", s)
	}
	copy(h[:], b)
	return h, nil
}

// CosignResponse carries the witness's cosignature as a signed-note signature line
// ("— name base64\n") to append to the checkpoint with [AddSignatures].
type CosignResponse struct {
	Signature []byte
}

// Witness cosigns checkpoints of the logs it knows, only when each is consistent with the last
// one it cosigned for that log. Its state (the last checkpoint per log) is kept in one file,
// replaced atomically (temporary file, fsync, rename, directory fsync) before any cosignature is
// returned, so a crash never lets it cosign two inconsistent checkpoints. A Witness is safe for
// concurrent use; two Witness values must not share a state file.
type Witness struct {
	path   string
	signer note.Signer
	logs   map[string]note.Verifier

	mu    sync.Mutex
	state witnessState
}

type witnessState struct {
	// Logs maps a log origin to the body of the last checkpoint cosigned for it.
	Logs map[string]string `json:"logs"`
}

// NewWitness loads (or starts) the witness state at statePath. signer is the witness's cosigner
// key ([LoadOrCreateCosignerKey]); logs are the verifier keys of the logs it witnesses, each
// named by the log's origin.
func NewWitness(statePath string, signer note.Signer, logs ...note.Verifier) (*Witness, error) {
	w := &Witness{path: statePath, signer: signer, logs: map[string]note.Verifier{}, state: witnessState{Logs: map[string]string{}}}
	for _, v := range logs {
		w.logs[v.Name()] = v
	}
	b, err := os.ReadFile(statePath)
	if errors.Is(err, fs.ErrNotExist) {
		return w, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read witness state: %w", err)
	}
	if err := json.Unmarshal(b, &w.state); err != nil {
		return nil, fmt.Errorf("witness state %s: %v; restore it from backup (never start a witness afresh for a log it has cosigned)", statePath, err)
	}
	if w.state.Logs == nil {
		w.state.Logs = map[string]string{}
	}
	for origin, body := range w.state.Logs {
		if _, err := ParseCheckpoint([]byte(body)); err != nil {
			return nil, fmt.Errorf("witness state %s: log %s: %w", statePath, origin, err)
		}
	}
	return w, nil
}

// Latest returns the last checkpoint the witness cosigned for origin.
func (w *Witness) Latest(origin string) (Checkpoint, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	body, ok := w.state.Logs[origin]
	if !ok {
		return Checkpoint{}, false
	}
	c, err := ParseCheckpoint([]byte(body))
	return c, err == nil
}

// Cosign verifies the request's checkpoint (log signature, then consistency with the last
// checkpoint cosigned for its log), records it as the latest and returns a cosignature.
// Errors: [ErrUnknownLog], [ErrInvalidCheckpoint], *[ConflictError] when OldSize is not the
// witness's size, [ErrFork] when the proof does not show consistency.
func (w *Witness) Cosign(ctx context.Context, req CosignRequest) (CosignResponse, error) {
	if err := ctx.Err(); err != nil {
		return CosignResponse{}, err
	}
	text, _, err := splitNote(req.Checkpoint)
	if err != nil {
		return CosignResponse{}, err
	}
	origin, _, _ := strings.Cut(string(text), "\n")
	v, ok := w.logs[origin]
	if !ok {
		return CosignResponse{}, fmt.Errorf("%w: %.100q", ErrUnknownLog, origin)
	}
	sc, err := OpenCheckpoint(req.Checkpoint, v)
	if err != nil {
		return CosignResponse{}, err
	}
	c := sc.Checkpoint

	w.mu.Lock()
	defer w.mu.Unlock()
	old := Checkpoint{Origin: origin, Hash: emptyTreeHash()}
	if body, ok := w.state.Logs[origin]; ok {
		if old, err = ParseCheckpoint([]byte(body)); err != nil {
			return CosignResponse{}, err
		}
	}
	if req.OldSize != old.Size {
		return CosignResponse{}, &ConflictError{Size: old.Size}
	}
	switch {
	case c.Size < old.Size:
		return CosignResponse{}, &ConflictError{Size: old.Size}
	case c.Size == old.Size:
		if c.Hash != old.Hash || len(req.Proof) != 0 {
			return CosignResponse{}, fmt.Errorf("%w: size %d has root %v, witnessed %v", ErrFork, c.Size, c.Hash, old.Hash)
		}
	case old.Size == 0:
		if len(req.Proof) != 0 {
			return CosignResponse{}, fmt.Errorf("%w: unexpected proof from size 0", ErrFork)
		}
	default:
		if err := tlog.CheckTree(req.Proof, c.Size, c.Hash, old.Size, old.Hash); err != nil {
			return CosignResponse{}, fmt.Errorf("%w: size %d is not an extension of witnessed size %d: %v", ErrFork, c.Size, old.Size, err)
		}
	}
	next := witnessState{Logs: make(map[string]string, len(w.state.Logs)+1)}
	for k, b := range w.state.Logs {
		next.Logs[k] = b
	}
	next.Logs[origin] = string(text)
	b, err := json.MarshalIndent(next, "", "\t")
	if err != nil {
		return CosignResponse{}, err
	}
	if err := writeFileSync(w.path, b, 0o600, false); err != nil {
		return CosignResponse{}, fmt.Errorf("save witness state: %w", err)
	}
	w.state = next
	signed, err := note.Sign(&note.Note{Text: string(text)}, w.signer)
	if err != nil {
		return CosignResponse{}, fmt.Errorf("cosign: %w", err)
	}
	return CosignResponse{Signature: signed[len(text)+1:]}, nil
}

// emptyTreeHash is the RFC 6962 hash of the empty tree.
func emptyTreeHash() tlog.Hash {
	h, _ := tlog.TreeHash(0, nil)
	return h
}
