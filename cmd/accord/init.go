package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"accord/internal/ledger"
	"accord/internal/store"
)

// cmdInit prepares a node: the data directory, the node's log signing key (mode 0600) and the
// database with its tables and ledger. Running it again changes nothing and reports what is
// there.
func cmdInit(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "init", "init [--data DIR | --dsn DSN] [--node-id ID]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	nodeID := fs.String("node-id", "", "this node's stable identifier (ACCORD_NODE_ID); names the log \"accord/<id>\"")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("init: unexpected argument %q: %w", fs.Arg(0), errUsageShown)
	}
	if *nodeID != "" {
		cfg.Node.ID = *nodeID
	}
	log, err := quietLogger(cfg, e.stderr)
	if err != nil {
		return err
	}
	if cfg.DataDir == "" {
		return errors.New("init: no data directory: give --data DIR")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("init: create data directory: %w", err)
	}
	sc := storeConfig(cfg)
	keyPath := sc.KeyPath()
	_, statErr := os.Stat(keyPath)
	created := errors.Is(statErr, os.ErrNotExist)
	if created {
		// Generate the key now, named after this node, rather than on first start.
		if _, err := ledger.LoadOrCreateKey(keyPath, nodeOrigin(cfg)); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	sc.CheckpointInterval = 0
	st, err := store.Open(ctx, sc, log)
	if err != nil {
		if created {
			os.Remove(keyPath) // never leave a key that does not match the database
		}
		return fmt.Errorf("init: open store (%s): %w", storeWhere(cfg), err)
	}
	defer st.Close()
	key, err := store.LoadKey(sc)
	if err != nil {
		return err
	}
	size, err := st.Ledger().Size(ctx)
	if err != nil {
		return err
	}
	if size > 0 && created {
		// A new key for an existing log: a key rotation (docs/ledger.md). Record it, so the
		// switch is itself on the record; checkpoints from now on are signed by the new key.
		if _, err := st.Ledger().Append(ctx, ledger.Event{
			Actor:      ledger.Actor{User: "system", Agency: "accord", State: cfg.Node.State},
			Action:     "ledger.key.rotate",
			RecordType: "node",
			RecordID:   cfg.Node.ID,
			Content:    ledger.ContentHash([]byte(key.VerifierKey)),
			Meta:       []ledger.Meta{{Key: "log-key", Value: key.VerifierKey}},
		}); err != nil {
			return fmt.Errorf("init: record the key rotation: %w", err)
		}
		fmt.Fprintf(e.stdout, "new log key for an existing ledger of %d entries: key rotated; verify older checkpoints with --retired-key OLD-VKEY\n", size)
	}
	if size == 0 {
		// The first entry records the node's creation, so even an idle log has a signed head.
		if _, err := st.Ledger().Append(ctx, ledger.Event{
			Actor:      ledger.Actor{User: "system", Agency: "accord", State: cfg.Node.State},
			Action:     "node.init",
			RecordType: "node",
			RecordID:   cfg.Node.ID,
			Content:    ledger.ContentHash([]byte(key.VerifierKey)),
			Meta:       []ledger.Meta{{Key: "log-key", Value: key.VerifierKey}},
		}); err != nil {
			return fmt.Errorf("init: first ledger entry: %w", err)
		}
	}
	cp, err := st.Ledger().Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("init: checkpoint: %w", err)
	}
	sc2, err := ledger.OpenCheckpoint(cp, key.Verifier)
	if err != nil {
		return err
	}
	state := "existing"
	if created {
		state = "new"
	}
	fmt.Fprintf(e.stdout, "data directory: %s\nstore: %s (%s)\nlog key: %s (%s, mode 0600; keep it secret, back it up)\nlog origin: %s\nlog public key: %s\nledger: %d entries, checkpoint %d\n",
		cfg.DataDir, storeWhere(cfg), st.Dialect(), keyPath, state, key.Signer.Name(), key.VerifierKey, sc2.Size, sc2.Size)
	return nil
}
