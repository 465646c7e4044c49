package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/note"

	"accord/internal/ledger"
	"accord/internal/ledger/witnesshttp"
)

// cmdWitness runs the witness role, for a partner node or an oversight body: it cosigns a
// log's checkpoints (C2SP tlog-cosignature) only when each is consistent with the last one it
// cosigned, keeping that state atomically in one file.
func cmdWitness(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "serve" && args[0] != "vkey") {
		fmt.Fprint(e.stderr, `usage: accord witness <command> [flags]

commands:
  serve   cosign checkpoints of the given logs over HTTP (POST /add-checkpoint, C2SP tlog-witness)
  vkey    print the witness's public key (generating the key if missing), for the logs' verifiers

Run `+"`accord witness <command> -h`"+` for its flags. See docs/ledger.md.
`)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return errUsageShown
		}
		return fmt.Errorf("witness: unknown command %q: %w", args[0], errUsageShown)
	}
	sub := args[0]
	fs := newFlagSet(e, "witness "+sub, "witness "+sub+" [--data DIR] [--key FILE] [--name NAME] [--state FILE] [--log-key VKEY]... [--listen ADDR] [--tls-cert FILE --tls-key FILE]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	keyFile := fs.String("key", "", "the witness's signing key (mode 0600; generated if missing; default DATA/witness/witness.key)")
	name := fs.String("name", "", "the witness's name, used when the key is generated (default \"witness/<node id>\")")
	statePath := fs.String("state", "", "the witness state file: the last checkpoint cosigned per log (default DATA/witness/state.json)")
	listen := fs.String("listen", "127.0.0.1:8090", "HTTP listen address of `witness serve`")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM, with its chain); needs --tls-key")
	tlsKey := fs.String("tls-key", "", "the private key (PEM) of --tls-cert")
	var logKeys multiFlag
	fs.Var(&logKeys, "log-key", "public key (vkey, or a file holding it) of a log to witness (repeatable; at least one for serve)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	dir := filepath.Join(cfg.DataDir, "witness")
	if *keyFile == "" {
		*keyFile = filepath.Join(dir, "witness.key")
	}
	if *statePath == "" {
		*statePath = filepath.Join(dir, "state.json")
	}
	if *name == "" {
		*name = "witness/" + cfg.Node.ID
	}
	for _, p := range []string{*keyFile, *statePath} {
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			return fmt.Errorf("witness: %w", err)
		}
	}
	key, err := loadWitnessKey(*keyFile, *name)
	if err != nil {
		return err
	}
	if sub == "vkey" {
		_, err := fmt.Fprintln(e.stdout, key.VerifierKey)
		return err
	}
	if len(logKeys) == 0 {
		fs.Usage()
		return fmt.Errorf("witness serve: give the public key of each log to witness with --log-key (from `accord ledger vkey` on that node): %w", errUsageShown)
	}
	var logs []note.Verifier
	for _, k := range logKeys {
		v, err := logVerifier(k)
		if err != nil {
			return fmt.Errorf("--log-key: %w", err)
		}
		logs = append(logs, v)
	}
	w, err := ledger.NewWitness(*statePath, key.Signer, logs...)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.Log, e.stderr)
	if err != nil {
		return err
	}
	ln, scheme, err := witnessListener(*listen, *tlsCert, *tlsKey)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: witnesshttp.Handler(w, log), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "witness %s serving on %s://%s%s\nwitness public key: %s\n", key.Signer.Name(), scheme, ln.Addr(), witnesshttp.Path, key.VerifierKey)
	for _, v := range logs {
		log.Info("witnessing log", "origin", v.Name())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// witnessListener listens on addr, with TLS (1.2 or later) when a certificate and key are
// given, and returns the URL scheme to announce.
func witnessListener(addr, certFile, keyFile string) (net.Listener, string, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, "", errors.New("witness serve: give both --tls-cert and --tls-key, or neither")
	}
	var cfg *tls.Config
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, "", fmt.Errorf("witness serve: TLS certificate: %w", err)
		}
		cfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("witness: listen on %s: %w (choose another address with --listen)", addr, err)
	}
	if cfg == nil {
		return ln, "http", nil
	}
	return tls.NewListener(ln, cfg), "https", nil
}

// loadWitnessKey loads the witness key whatever its name, or generates it named name.
func loadWitnessKey(path, name string) (*ledger.Key, error) {
	if b, err := os.ReadFile(path); err == nil {
		if n, ok := skeyName(string(b)); ok {
			name = n
		}
	}
	return ledger.LoadOrCreateCosignerKey(path, name)
}

// skeyName returns the name in a "PRIVATE+KEY+name+hash+base64" signer key, without
// validating the rest (loading does).
func skeyName(skey string) (string, bool) {
	const prefix = "PRIVATE+KEY+"
	if len(skey) <= len(prefix) || skey[:len(prefix)] != prefix {
		return "", false
	}
	rest := skey[len(prefix):]
	for i := range len(rest) {
		if rest[i] == '+' {
			return rest[:i], true
		}
	}
	return "", false
}
