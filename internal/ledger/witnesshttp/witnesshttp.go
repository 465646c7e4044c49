// Package witnesshttp carries witness cosigning over HTTP, following the C2SP tlog-witness
// protocol: a log POSTs an add-checkpoint request (see [ledger.CosignRequest.MarshalText]: "old
// SIZE", the consistency proof hashes in base64, an empty line, the signed checkpoint) to
// /add-checkpoint and gets back the witness's C2SP tlog-cosignature line.
//
// Status codes (as in tlog-witness):
//   - 200: the body is the cosignature line ("— name base64\n"), to append to the checkpoint;
//   - 400: the request is malformed;
//   - 403: the checkpoint's log signature does not verify;
//   - 404: the witness does not know the checkpoint's origin;
//   - 409: the old size is not the witness's; the body (Content-Type text/x.tlog.size) is the
//     size it last cosigned, to retry with a proof from there;
//   - 422: the consistency proof does not verify: the log forked or was rewritten.
package witnesshttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"accord/internal/ledger"
)

// Path is the add-checkpoint endpoint, relative to the witness's base URL.
const Path = "/add-checkpoint"

// maxRequest bounds a request body: 63 proof hashes and a checkpoint with cosignatures.
const maxRequest = 64 << 10

// Cosigner is what the handler serves: *ledger.Witness.
type Cosigner interface {
	Cosign(ctx context.Context, req ledger.CosignRequest) (ledger.CosignResponse, error)
}

// Handler serves POST /add-checkpoint for w. Refusals are logged at warn level with the reason
// (a fork at error level: it means two views of the log exist).
func Handler(w Cosigner, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path, func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxRequest))
		if err != nil {
			http.Error(rw, "request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		req, err := ledger.ParseCosignRequest(body)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		resp, err := w.Cosign(r.Context(), req)
		var conflict *ledger.ConflictError
		switch {
		case err == nil:
			rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
			rw.Write(resp.Signature)
			return
		case errors.As(err, &conflict):
			log.Warn("witness: old size conflict", "remote", r.RemoteAddr, "request_old", req.OldSize, "witness_size", conflict.Size)
			rw.Header().Set("Content-Type", "text/x.tlog.size")
			rw.WriteHeader(http.StatusConflict)
			fmt.Fprintf(rw, "%d\n", conflict.Size)
			return
		case errors.Is(err, ledger.ErrFork):
			log.Error("witness: refused a checkpoint inconsistent with the witnessed log (fork)", "remote", r.RemoteAddr, "err", err)
			http.Error(rw, err.Error(), http.StatusUnprocessableEntity)
		case errors.Is(err, ledger.ErrUnknownLog):
			log.Warn("witness: unknown log", "remote", r.RemoteAddr, "err", err)
			http.Error(rw, err.Error(), http.StatusNotFound)
		case errors.Is(err, ledger.ErrInvalidCheckpoint):
			log.Warn("witness: invalid checkpoint", "remote", r.RemoteAddr, "err", err)
			http.Error(rw, err.Error(), http.StatusForbidden)
		default:
			log.Error("witness: cosign failed", "err", err)
			http.Error(rw, "witness error", http.StatusInternalServerError)
		}
	})
	return mux
}

// Client asks a remote witness to cosign; it implements ledgersql.Cosigner and turns the
// status codes back into the errors of [ledger.Witness.Cosign].
type Client struct {
	// URL is the witness's base URL, e.g. https://witness.example.org (Path is appended).
	URL string
	// HTTP is the client to use; nil means one with a 30 s timeout.
	HTTP *http.Client
}

// Cosign sends req and returns the witness's cosignature line.
func (c *Client) Cosign(ctx context.Context, req ledger.CosignRequest) (ledger.CosignResponse, error) {
	body, err := req.MarshalText()
	if err != nil {
		return ledger.CosignResponse{}, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	url := strings.TrimSuffix(c.URL, "/") + Path
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return ledger.CosignResponse{}, fmt.Errorf("witness %s: %w", c.URL, err)
	}
	r.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := hc.Do(r)
	if err != nil {
		return ledger.CosignResponse{}, fmt.Errorf("witness %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxRequest))
	if err != nil {
		return ledger.CosignResponse{}, fmt.Errorf("witness %s: read response: %w", c.URL, err)
	}
	msg := strings.TrimSpace(string(out))
	switch resp.StatusCode {
	case http.StatusOK:
		if !bytes.HasPrefix(out, []byte("— ")) || bytes.Count(out, []byte("\n")) != 1 || out[len(out)-1] != '\n' {
			return ledger.CosignResponse{}, fmt.Errorf("witness %s: malformed cosignature line %.80q", c.URL, out)
		}
		return ledger.CosignResponse{Signature: out}, nil
	case http.StatusConflict:
		n, err := strconv.ParseInt(msg, 10, 64)
		if err != nil || n < 0 {
			return ledger.CosignResponse{}, fmt.Errorf("witness %s: 409 with malformed size %.40q", c.URL, msg)
		}
		return ledger.CosignResponse{}, &ledger.ConflictError{Size: n}
	case http.StatusUnprocessableEntity:
		return ledger.CosignResponse{}, fmt.Errorf("witness %s: %w: %s", c.URL, ledger.ErrFork, msg)
	case http.StatusNotFound:
		return ledger.CosignResponse{}, fmt.Errorf("witness %s: %w: %s", c.URL, ledger.ErrUnknownLog, msg)
	case http.StatusForbidden:
		return ledger.CosignResponse{}, fmt.Errorf("witness %s: %w: %s", c.URL, ledger.ErrInvalidCheckpoint, msg)
	default:
		return ledger.CosignResponse{}, fmt.Errorf("witness %s: HTTP %d: %.200s", c.URL, resp.StatusCode, msg)
	}
}
