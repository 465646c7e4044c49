package ledgersql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
)

// Checkpoint signs a checkpoint of the current tree and stores it, unless the latest stored
// checkpoint already covers the current size, in which case that one is returned. It returns
// the signed note (with any cosignatures gathered so far).
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	l.cpMu.Lock()
	defer l.cpMu.Unlock()
	size, err := l.Size(ctx)
	if err != nil {
		return nil, err
	}
	latest, latestSize, err := l.latest(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err == nil && latestSize >= size {
		return latest, nil
	}
	root, err := tlog.TreeHash(size, l.hashReader(ctx))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: tree hash of %d entries: %w", size, err)
	}
	msg, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: l.origin(), Size: size, Hash: root}, l.cfg.Key.Signer)
	if err != nil {
		return nil, err
	}
	if err := l.hook("checkpoint", false); err != nil {
		return nil, err
	}
	if _, err := l.w.ExecContext(ctx, l.d.q(`INSERT INTO ledger_checkpoints (size, note, created_at) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING`),
		size, msg, l.cfg.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return nil, fmt.Errorf("store checkpoint: %w", err)
	}
	if err := l.hook("checkpoint", true); err != nil {
		return nil, err
	}
	return l.checkpointAt(ctx, size)
}

// LatestCheckpoint returns the stored checkpoint of the largest size, with its cosignatures.
// It returns an error wrapping [ErrNotFound] if none has been made.
func (r *Reader) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	msg, _, err := r.latest(ctx)
	return msg, err
}

func (r *Reader) latest(ctx context.Context) ([]byte, int64, error) {
	var msg []byte
	var size int64
	err := r.db.QueryRowContext(ctx, `SELECT note, size FROM ledger_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&msg, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("checkpoint: %w", ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read latest checkpoint: %w", err)
	}
	return msg, size, nil
}

// CheckpointAt returns the stored checkpoint of the given size, with its cosignatures, or an
// error wrapping [ErrNotFound].
func (r *Reader) CheckpointAt(ctx context.Context, size int64) ([]byte, error) {
	return r.checkpointAt(ctx, size)
}

func (r *Reader) checkpointAt(ctx context.Context, size int64) ([]byte, error) {
	var msg []byte
	err := r.db.QueryRowContext(ctx, r.d.q(`SELECT note FROM ledger_checkpoints WHERE size = ?`), size).Scan(&msg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("checkpoint of size %d: %w", size, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint %d: %w", size, err)
	}
	return msg, nil
}

// Publish signs a checkpoint of the current tree (see [Log.Checkpoint]) and asks each of
// Config.Witnesses that has not yet cosigned a checkpoint of this size (in this process) to
// cosign it, storing the cosignatures with it. It returns the checkpoint with the
// cosignatures gathered, and the witnesses' errors joined: a witness that is down does not
// stop the others, and a fork reported by one ([ledger.ErrFork]) must be investigated.
func (l *Log) Publish(ctx context.Context) ([]byte, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	sc, err := ledger.OpenCheckpoint(cp, l.cfg.Key.Verifier)
	if err != nil {
		return nil, err
	}
	l.pubMu.Lock()
	defer l.pubMu.Unlock()
	if l.published == nil {
		l.published = map[int]int64{}
	}
	var errs []error
	for i, w := range l.cfg.Witnesses {
		if last, ok := l.published[i]; ok && last >= sc.Size {
			continue
		}
		out, err := l.Cosign(ctx, w)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		l.published[i] = sc.Size
		cp = out
	}
	return cp, errors.Join(errs...)
}

// checkpointer signs a checkpoint every interval while ctx lives.
func (l *Log) checkpointer(ctx context.Context) {
	t := time.NewTicker(l.cfg.CheckpointInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := l.Publish(ctx); err != nil && ctx.Err() == nil {
				l.cfg.Logger.Error("ledger checkpoint failed", "origin", l.origin(), "err", err)
			}
		}
	}
}

// InclusionProof returns the RFC 6962 proof that entry seq is in the tree of the given size.
func (r *Reader) InclusionProof(ctx context.Context, seq, size int64) (tlog.RecordProof, error) {
	p, err := tlog.ProveRecord(size, seq, r.hashReader(ctx))
	if err != nil {
		return nil, fmt.Errorf("inclusion proof of %d in %d: %w", seq, size, err)
	}
	return p, nil
}

// ConsistencyProof returns the RFC 6962 proof that the tree of size newSize extends the tree
// of size oldSize.
func (r *Reader) ConsistencyProof(ctx context.Context, oldSize, newSize int64) (tlog.TreeProof, error) {
	if oldSize == 0 || oldSize == newSize {
		return tlog.TreeProof{}, nil
	}
	p, err := tlog.ProveTree(newSize, oldSize, r.hashReader(ctx))
	if err != nil {
		return nil, fmt.Errorf("consistency proof from %d to %d: %w", oldSize, newSize, err)
	}
	return p, nil
}

// Bundle returns an offline proof bundle ([ledger.Bundle]) for entry seq against the latest
// checkpoint, signing a new checkpoint first if the latest does not cover seq.
func (l *Log) Bundle(ctx context.Context, seq int64) ([]byte, error) {
	entry, err := l.Entry(ctx, seq)
	if err != nil {
		return nil, err
	}
	msg, size, err := l.latest(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil || size <= seq {
		if msg, err = l.Checkpoint(ctx); err != nil {
			return nil, err
		}
		sc, err := ledger.OpenCheckpoint(msg, l.cfg.Key.Verifier)
		if err != nil {
			return nil, err
		}
		size = sc.Size
	}
	proof, err := l.InclusionProof(ctx, seq, size)
	if err != nil {
		return nil, err
	}
	return ledger.Bundle{Entry: entry, Index: seq, Proof: proof, Checkpoint: msg}.Marshal(), nil
}

// Cosigner is a witness as seen by the log: *ledger.Witness, or a client of a remote one.
type Cosigner interface {
	Cosign(ctx context.Context, req ledger.CosignRequest) (ledger.CosignResponse, error)
}

// Cosign asks a witness to cosign the latest checkpoint and stores the cosignature with it,
// so the checkpoint is published with its cosignatures. If the witness last saw another size,
// Cosign retries once with a consistency proof from that size. A witness that reports
// [ledger.ErrFork] has seen a view of the log inconsistent with this one: investigate, never
// retry blindly.
func (l *Log) Cosign(ctx context.Context, w Cosigner) ([]byte, error) {
	msg, size, err := l.latest(ctx)
	if err != nil {
		return nil, err
	}
	req := ledger.CosignRequest{Checkpoint: msg}
	resp, err := w.Cosign(ctx, req)
	var conflict *ledger.ConflictError
	if errors.As(err, &conflict) {
		if conflict.Size > size {
			return nil, fmt.Errorf("cosign: witness has seen size %d, beyond this log's latest checkpoint %d: %w", conflict.Size, size, ledger.ErrFork)
		}
		req.OldSize = conflict.Size
		if req.Proof, err = l.ConsistencyProof(ctx, conflict.Size, size); err != nil {
			return nil, err
		}
		resp, err = w.Cosign(ctx, req)
	}
	if err != nil {
		return nil, fmt.Errorf("cosign checkpoint %d: %w", size, err)
	}
	l.cpMu.Lock()
	defer l.cpMu.Unlock()
	cur, err := l.checkpointAt(ctx, size)
	if err != nil {
		return nil, err
	}
	out, err := ledger.AddSignatures(cur, resp.Signature)
	if err != nil {
		return nil, err
	}
	if err := l.hook("cosignature", false); err != nil {
		return nil, err
	}
	if _, err := l.w.ExecContext(ctx, l.d.q(`UPDATE ledger_checkpoints SET note = ? WHERE size = ?`), out, size); err != nil {
		return nil, fmt.Errorf("store cosignature: %w", err)
	}
	if err := l.hook("cosignature", true); err != nil {
		return nil, err
	}
	return out, nil
}
