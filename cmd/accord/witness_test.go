package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
	"accord/internal/ledger/witnesshttp"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns a pool trusting it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "witness.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestWitnessServesTLS runs `accord witness serve` with --tls-cert and --tls-key: a node that
// trusts the certificate gets its checkpoint cosigned over HTTPS, a log the witness was not
// given is refused, and plain HTTP gets no cosignature.
func TestWitnessServesTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	logKey, err := ledger.LoadOrCreateKey(filepath.Join(dir, "log.key"), "accord/tls-node")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"witness", "serve", "--data", dir, "--name", "witness/tls", "--log-key", logKey.VerifierKey,
			"--listen", addr, "--tls-cert", certFile, "--tls-key", keyFile}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("witness serve: %v\n%s", err, errb.String())
		}
	}()
	for i := 0; !strings.Contains(out.String(), "serving on https://"); i++ {
		if i > 200 {
			t.Fatalf("witness did not start: %q %q", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	cp, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: logKey.Signer.Name(), Size: 1, Hash: tlog.RecordHash([]byte("entry"))}, logKey.Signer)
	if err != nil {
		t.Fatal(err)
	}
	trusted := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	c := &witnesshttp.Client{URL: "https://" + addr, HTTP: trusted}
	resp, err := c.Cosign(ctx, ledger.CosignRequest{Checkpoint: cp})
	if err != nil || !strings.HasPrefix(string(resp.Signature), "— witness/tls ") {
		t.Fatalf("cosign over HTTPS: %q %v", resp.Signature, err)
	}

	other, err := ledger.LoadOrCreateKey(filepath.Join(dir, "other.key"), "accord/other-node")
	if err != nil {
		t.Fatal(err)
	}
	ocp, _ := ledger.SignCheckpoint(ledger.Checkpoint{Origin: other.Signer.Name(), Size: 1, Hash: tlog.RecordHash([]byte("x"))}, other.Signer)
	if _, err := c.Cosign(ctx, ledger.CosignRequest{Checkpoint: ocp}); !errors.Is(err, ledger.ErrUnknownLog) {
		t.Errorf("a log the witness was not given: %v, want ErrUnknownLog", err)
	}
	// The same origin signed with another key is not this log.
	impostor, err := ledger.LoadOrCreateKey(filepath.Join(dir, "impostor.key"), logKey.Signer.Name())
	if err != nil {
		t.Fatal(err)
	}
	icp, _ := ledger.SignCheckpoint(ledger.Checkpoint{Origin: impostor.Signer.Name(), Size: 2, Hash: tlog.RecordHash([]byte("y"))}, impostor.Signer)
	if _, err := c.Cosign(ctx, ledger.CosignRequest{OldSize: 1, Checkpoint: icp}); !errors.Is(err, ledger.ErrInvalidCheckpoint) {
		t.Errorf("a checkpoint of the log's origin signed by another key: %v, want ErrInvalidCheckpoint", err)
	}

	plain := &witnesshttp.Client{URL: "http://" + addr, HTTP: &http.Client{Timeout: 10 * time.Second}}
	if _, err := plain.Cosign(ctx, ledger.CosignRequest{Checkpoint: cp}); err == nil {
		t.Error("plain HTTP to the TLS listener got a cosignature")
	}
	untrusting := &witnesshttp.Client{URL: "https://" + addr, HTTP: &http.Client{Timeout: 10 * time.Second}}
	if _, err := untrusting.Cosign(ctx, ledger.CosignRequest{Checkpoint: cp}); err == nil {
		t.Error("a client that does not trust the certificate got a cosignature")
	}

	// Only one of the two TLS flags is an error.
	if code, _, errs := accordRun(t, "witness", "serve", "--data", t.TempDir(), "--log-key", logKey.VerifierKey, "--listen", "127.0.0.1:0", "--tls-cert", certFile); code == 0 || !strings.Contains(errs, "--tls-key") {
		t.Errorf("--tls-cert alone: exit %d, %q", code, errs)
	}
}
