package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/ledger/witnesshttp"
	"accord/internal/store"
)

// defaultCheckpointInterval is how often `accord serve` signs a checkpoint while the log grows.
const defaultCheckpointInterval = time.Minute

// storeConfig is the store configuration of cfg, with the ledger's key, checkpoint interval
// and witnesses. The key's origin, "accord/<node id>", applies only when the key is generated:
// an existing key is used whatever its origin.
func storeConfig(cfg Config) store.Config {
	sc := store.Config{DSN: cfg.DSN, DataDir: cfg.DataDir, KeyFile: cfg.Ledger.KeyFile}
	if _, err := os.Stat(sc.KeyPath()); errors.Is(err, os.ErrNotExist) {
		sc.Origin = nodeOrigin(cfg)
	}
	sc.CheckpointInterval = defaultCheckpointInterval
	if cfg.Ledger.CheckpointInterval != nil {
		sc.CheckpointInterval = cfg.Ledger.CheckpointInterval.Duration
	}
	for _, u := range cfg.Ledger.Witnesses {
		sc.Witnesses = append(sc.Witnesses, &witnesshttp.Client{URL: u})
	}
	return sc
}

// startLedger signs a checkpoint of the log as it is at start, so the API serves one at once;
// later ones follow at the configured interval (store.Config.CheckpointInterval), cosigned by
// the configured witnesses.
func startLedger(ctx context.Context, st *store.Store, log *slog.Logger) error {
	cp, err := st.Ledger().Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("ledger: checkpoint at start: %w", err)
	}
	first, _, _ := bytes.Cut(cp, []byte("\n\n"))
	log.Info("ledger checkpoint", "checkpoint", strings.ReplaceAll(string(first), "\n", " "))
	return nil
}

// nodeOrigin is the log origin of a node: "accord/<node id>".
func nodeOrigin(cfg Config) string { return "accord/" + cfg.Node.ID }

// registerRecordSources tells the store's ledger verification where each record type's
// current content is. Packages owning record types add their sources here.
func registerRecordSources(ctx context.Context, st *store.Store) error {
	recs := ledgersql.NewRecords(st.ReadDB(), st.LedgerDialect())
	types, err := recs.RecordTypes(ctx)
	if err != nil {
		return err
	}
	for _, t := range types {
		st.RegisterRecordSource(t, recs)
	}
	for _, t := range store.OperationRecordTypes {
		st.RegisterRecordSource(t, st.OperationRecords())
	}
	st.RegisterRecordSource(store.AlertRecordType, st.AlertRecords())
	for _, t := range store.SovereigntyRecordTypes {
		st.RegisterRecordSource(t, st.SovereigntyRecords())
	}
	st.RegisterRecordSource(store.CaseRecordType, st.CaseRecords())
	return nil
}

func cmdLedger(ctx context.Context, e *env, args []string) error {
	subs := map[string]func(context.Context, *env, []string) error{
		"verify":        cmdLedgerVerify,
		"checkpoint":    cmdLedgerCheckpoint,
		"proof":         cmdLedgerProof,
		"verify-bundle": cmdLedgerVerifyBundle,
		"vkey":          cmdLedgerVKey,
	}
	if len(args) == 0 || subs[args[0]] == nil {
		fmt.Fprint(e.stderr, `usage: accord ledger <command> [flags]

commands:
  verify         recompute the tree from the store, check every record, checkpoint and cosignature
  checkpoint     sign a checkpoint of the current tree, have the witnesses cosign it, print it
  proof          --seq N: an offline proof bundle (C2SP tlog-proof) of entry N;
                 --from A [--to B]: a consistency proof between two checkpoints
  verify-bundle  check a proof bundle or consistency proof offline, without the database
  vkey           print the log's public key, to give to witnesses and verifiers

Run `+"`accord ledger <command> -h`"+` for its flags. See docs/ledger.md.
`)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return errUsageShown
		}
		return fmt.Errorf("ledger: unknown command %q: %w", args[0], errUsageShown)
	}
	return subs[args[0]](ctx, e, args[1:])
}

// openLedgerStore opens the store of cfg with its ledger (without periodic checkpoints) and
// registers the record sources.
func openLedgerStore(ctx context.Context, cfg Config, log *slog.Logger) (*store.Store, error) {
	sc := storeConfig(cfg)
	sc.CheckpointInterval = 0
	st, err := store.Open(ctx, sc, log)
	if err != nil {
		return nil, fmt.Errorf("open store (%s): %w", storeWhere(cfg), err)
	}
	if err := registerRecordSources(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// quietLogger logs warnings and errors only: ledger commands print their results on stdout.
func quietLogger(cfg Config, w io.Writer) (*slog.Logger, error) {
	if cfg.Log.Level == "info" {
		cfg.Log.Level = "warn"
	}
	return newLogger(cfg.Log, w)
}

func cmdLedgerVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ledger verify", "ledger verify [--data DIR | --dsn DSN] [--checkpoint FILE]... [--log-key VKEY] [--witness-key VKEY]... [--json]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	var checkpoints, witnessKeys, retired multiFlag
	fs.Var(&checkpoints, "checkpoint", "a signed checkpoint obtained elsewhere (published, cosigned, kept by oversight) the log must be consistent with (repeatable)")
	fs.Var(&witnessKeys, "witness-key", "a witness's public key (vkey, or a file holding it) whose cosignatures must verify (repeatable; adds to the configured ledger.witness_keys)")
	fs.Var(&retired, "retired-key", "an earlier public key of this log (after a key rotation) whose checkpoints are accepted (repeatable)")
	logKey := fs.String("log-key", "", "the log's public key (vkey, or a file holding it); default: derived from the node's key file")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	log, err := quietLogger(cfg, e.stderr)
	if err != nil {
		return err
	}
	var opts ledger.VerifyOptions
	if *logKey != "" {
		if opts.Log, err = logVerifier(*logKey); err != nil {
			return fmt.Errorf("--log-key: %w", err)
		}
	} else {
		k, err := ledger.LoadKey(storeConfig(cfg).KeyPath())
		if err != nil {
			return fmt.Errorf("%w: give the log's public key with --log-key VKEY", err)
		}
		opts.Log = k.Verifier
	}
	// Verification never writes and needs no private key.
	sc := storeConfig(cfg)
	sc.CheckpointInterval, sc.LedgerReadOnly = 0, true
	st, err := store.Open(ctx, sc, log)
	if err != nil {
		return fmt.Errorf("open store (%s): %w", storeWhere(cfg), err)
	}
	defer st.Close()
	if err := registerRecordSources(ctx, st); err != nil {
		return err
	}
	opts.Sources = st.RecordSources()
	for _, v := range retired {
		rv, err := logVerifier(v)
		if err != nil {
			return fmt.Errorf("--retired-key: %w", err)
		}
		opts.RetiredLogKeys = append(opts.RetiredLogKeys, rv)
	}
	if opts.Witnesses, err = witnessVerifiers(append(cfg.Ledger.WitnessKeys, witnessKeys...)); err != nil {
		return err
	}
	for _, f := range checkpoints {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("--checkpoint: %w", err)
		}
		opts.Checkpoints = append(opts.Checkpoints, b)
	}
	rep := ledger.Verify(ctx, st.LedgerReader(), opts)
	if *asJSON {
		if err := writeVerifyJSON(e.stdout, rep); err != nil {
			return err
		}
	} else if err := rep.WriteText(e.stdout); err != nil {
		return err
	}
	if !rep.OK() {
		return &exitError{code: 1, err: fmt.Errorf("ledger verification failed: %d problems", len(rep.Problems))}
	}
	return nil
}

// writeVerifyJSON writes a verification report as one JSON object.
func writeVerifyJSON(w io.Writer, r ledger.Report) error {
	type problem struct {
		Kind       string `json:"kind"`
		Seq        *int64 `json:"seq,omitempty"`
		Checkpoint *int64 `json:"checkpoint,omitempty"`
		RecordType string `json:"record_type,omitempty"`
		RecordID   string `json:"record_id,omitempty"`
		Detail     string `json:"detail"`
	}
	out := struct {
		OK           bool      `json:"ok"`
		Origin       string    `json:"origin"`
		Size         int64     `json:"size"`
		Head         int64     `json:"head"`
		Root         string    `json:"root"`
		Records      int       `json:"records_checked"`
		Unchecked    int       `json:"records_unchecked"`
		Checkpoints  int       `json:"checkpoints"`
		Cosignatures int       `json:"cosignatures"`
		Problems     []problem `json:"problems"`
	}{OK: r.OK(), Origin: r.Origin, Size: r.Size, Head: r.Head, Root: r.Root.String(), Records: r.Records,
		Unchecked: r.Unchecked, Checkpoints: r.Checkpoints, Cosignatures: r.Cosignatures, Problems: []problem{}}
	for _, p := range r.Problems {
		q := problem{Kind: string(p.Kind), RecordType: p.RecordType, RecordID: p.RecordID, Detail: p.Detail}
		if p.Seq >= 0 {
			q.Seq = &p.Seq
		}
		if p.Size >= 0 {
			q.Checkpoint = &p.Size
		}
		out.Problems = append(out.Problems, q)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// keyArg returns a vkey given inline or as the name of a file holding it.
func keyArg(v string) (string, error) {
	v = strings.TrimSpace(v)
	if _, err := os.Stat(v); err != nil {
		return v, nil // not a file: the key itself
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// logVerifier parses a log's public key (inline or in a file).
func logVerifier(v string) (note.Verifier, error) {
	k, err := keyArg(v)
	if err != nil {
		return nil, err
	}
	nv, err := note.NewVerifier(k)
	if err != nil {
		return nil, fmt.Errorf("log public key %.60q: %w", k, err)
	}
	return nv, nil
}

// witnessVerifiers parses witness public keys (cosignature/v1 vkeys, inline or in files).
func witnessVerifiers(keys []string) ([]note.Verifier, error) {
	var out []note.Verifier
	for _, v := range keys {
		k, err := keyArg(v)
		if err != nil {
			return nil, fmt.Errorf("witness key: %w", err)
		}
		wv, err := ledger.NewCosignatureVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("witness key %.60q: %w", k, err)
		}
		out = append(out, wv)
	}
	return out, nil
}

func cmdLedgerCheckpoint(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ledger checkpoint", "ledger checkpoint [--data DIR | --dsn DSN] [--witness URL]... [--out FILE]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	var witnesses multiFlag
	fs.Var(&witnesses, "witness", "base URL of a witness to ask for a cosignature (repeatable; adds to the configured ledger.witnesses)")
	out := fs.String("out", "", "write the checkpoint to this file instead of stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	cfg.Ledger.Witnesses = append(cfg.Ledger.Witnesses, witnesses...)
	log, err := quietLogger(cfg, e.stderr)
	if err != nil {
		return err
	}
	st, err := openLedgerStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	cp, pubErr := st.Ledger().Publish(ctx)
	if cp == nil {
		return fmt.Errorf("checkpoint: %w", pubErr)
	}
	if err := writeOut(e, *out, cp); err != nil {
		return err
	}
	if pubErr != nil {
		return fmt.Errorf("checkpoint signed, but not every witness cosigned it: %w", pubErr)
	}
	return nil
}

// writeOut writes b to the named file (mode 0644), or to stdout when name is empty.
func writeOut(e *env, name string, b []byte) error {
	if name == "" {
		_, err := e.stdout.Write(b)
		return err
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// consistencyHeader starts the text of a consistency proof file; the rest is a C2SP
// tlog-witness add-checkpoint body: "old SIZE", the proof hashes, an empty line, the newer
// signed checkpoint.
const consistencyHeader = "accord.ledger/consistency-proof@v1"

func cmdLedgerProof(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ledger proof", "ledger proof [--data DIR | --dsn DSN] (--seq N | --from SIZE [--to SIZE]) [--out FILE]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	seq := fs.Int64("seq", -1, "entry sequence number: write an offline bundle proving it is in the log (C2SP tlog-proof)")
	from := fs.Int64("from", -1, "older tree size: write a consistency proof from this size")
	to := fs.Int64("to", 0, "newer tree size, that of a stored checkpoint (default: the latest checkpoint)")
	out := fs.String("out", "", "write the proof to this file instead of stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	if (*seq >= 0) == (*from >= 0) {
		fs.Usage()
		return fmt.Errorf("ledger proof: give either --seq N or --from SIZE: %w", errUsageShown)
	}
	log, err := quietLogger(cfg, e.stderr)
	if err != nil {
		return err
	}
	st, err := openLedgerStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	l := st.Ledger()
	if *seq >= 0 {
		size, err := l.Size(ctx)
		if err != nil {
			return err
		}
		if *seq >= size {
			return fmt.Errorf("ledger proof: --seq %d: the log has %d entries (0..%d)", *seq, size, size-1)
		}
		b, err := l.Bundle(ctx, *seq)
		if err != nil {
			return err
		}
		return writeOut(e, *out, b)
	}
	var cp []byte
	if *to > 0 {
		cp, err = l.CheckpointAt(ctx, *to)
	} else {
		cp, err = l.LatestCheckpoint(ctx)
	}
	if err != nil {
		return fmt.Errorf("ledger proof: newer checkpoint: %w (sign one with `accord ledger checkpoint`; --to must be a stored checkpoint's size)", err)
	}
	k, err := store.LoadKey(storeConfig(cfg))
	if err != nil {
		return err
	}
	sc, err := ledger.OpenCheckpoint(cp, k.Verifier)
	if err != nil {
		return err
	}
	if *from > sc.Size {
		return fmt.Errorf("ledger proof: --from %d is beyond the checkpoint's size %d", *from, sc.Size)
	}
	proof, err := l.ConsistencyProof(ctx, *from, sc.Size)
	if err != nil {
		return err
	}
	body, err := ledger.CosignRequest{OldSize: *from, Proof: proof, Checkpoint: cp}.MarshalText()
	if err != nil {
		return err
	}
	return writeOut(e, *out, append([]byte(consistencyHeader+"\n"), body...))
}

func cmdLedgerVerifyBundle(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ledger verify-bundle", "ledger verify-bundle [--log-key VKEY | --data DIR] [--witness-key VKEY]... [--min-cosignatures N] [--old-checkpoint FILE] FILE")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	logKey := fs.String("log-key", "", "the log's public key (vkey, or a file holding it); default: derived from the node's key file")
	var witnessKeys multiFlag
	fs.Var(&witnessKeys, "witness-key", "a witness's public key (vkey or file) whose cosignature counts (repeatable)")
	minCosig := fs.Int("min-cosignatures", 0, "fail unless the checkpoint carries at least this many valid witness cosignatures")
	oldCP := fs.String("old-checkpoint", "", "for a consistency proof: the older signed checkpoint it starts from")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("ledger verify-bundle: name one bundle file: %w", errUsageShown)
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	var lv note.Verifier
	if *logKey != "" {
		if lv, err = logVerifier(*logKey); err != nil {
			return fmt.Errorf("--log-key: %w", err)
		}
	} else {
		path := storeConfig(cfg).KeyPath()
		k, err := ledger.LoadKey(path)
		if err != nil {
			return fmt.Errorf("no --log-key given and the node key is unusable: %w", err)
		}
		lv = k.Verifier
	}
	wv, err := witnessVerifiers(append(cfg.Ledger.WitnessKeys, witnessKeys...))
	if err != nil {
		return err
	}
	fail := func(err error) error {
		fmt.Fprintf(e.stdout, "%s: FAILED: %v\n", fs.Arg(0), err)
		return &exitError{code: 1, err: fmt.Errorf("verify %s: %w", fs.Arg(0), err)}
	}
	if rest, ok := bytes.CutPrefix(data, []byte(consistencyHeader+"\n")); ok {
		return verifyConsistencyFile(e, fs, rest, *oldCP, lv, wv, *minCosig, fail)
	}
	vb, err := ledger.VerifyBundle(data, lv, wv...)
	if err != nil {
		return fail(err)
	}
	if n := len(vb.Checkpoint.Cosignatures); n < *minCosig {
		return fail(fmt.Errorf("checkpoint %d has %d valid witness cosignatures, want at least %d", vb.Checkpoint.Size, n, *minCosig))
	}
	en := vb.Entry
	fmt.Fprintf(e.stdout, "%s: OK: entry %d (%s %s/%s by %s/%s/%s at %s, content %x) is in %s checkpoint %d (root %s), cosigned by %d witness(es)\n",
		fs.Arg(0), en.Seq, en.Action, en.RecordType, en.RecordID, en.Actor.User, en.Actor.Agency, en.Actor.State,
		en.Time.UTC().Format(time.RFC3339), en.Content, vb.Checkpoint.Origin, vb.Checkpoint.Size, vb.Checkpoint.Hash, len(vb.Checkpoint.Cosignatures))
	return nil
}

// verifyConsistencyFile checks a consistency proof file against the older checkpoint.
func verifyConsistencyFile(e *env, fs *flag.FlagSet, body []byte, oldPath string, lv note.Verifier, wv []note.Verifier, minCosig int, fail func(error) error) error {
	req, err := ledger.ParseCosignRequest(body)
	if err != nil {
		return fail(err)
	}
	newer, err := ledger.OpenCheckpoint(req.Checkpoint, lv, wv...)
	if err != nil {
		return fail(err)
	}
	if n := len(newer.Cosignatures); n < minCosig {
		return fail(fmt.Errorf("checkpoint %d has %d valid witness cosignatures, want at least %d", newer.Size, n, minCosig))
	}
	if oldPath == "" {
		return fmt.Errorf("ledger verify-bundle: %s is a consistency proof: give the older checkpoint with --old-checkpoint FILE: %w", fs.Arg(0), errUsageShown)
	}
	ob, err := os.ReadFile(oldPath)
	if err != nil {
		return err
	}
	older, err := ledger.OpenCheckpoint(ob, lv)
	if err != nil {
		return fail(fmt.Errorf("--old-checkpoint: %w", err))
	}
	if older.Size != req.OldSize {
		return fail(fmt.Errorf("the proof starts at size %d but --old-checkpoint has size %d", req.OldSize, older.Size))
	}
	if err := ledger.CheckConsistency(older.Checkpoint, newer.Checkpoint, req.Proof); err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "%s: OK: %s checkpoint %d (root %s) extends checkpoint %d (root %s), cosigned by %d witness(es)\n",
		fs.Arg(0), newer.Origin, newer.Size, newer.Hash, older.Size, older.Hash, len(newer.Cosignatures))
	return nil
}

func cmdLedgerVKey(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ledger vkey", "ledger vkey [--data DIR]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	k, err := ledger.LoadKey(storeConfig(cfg).KeyPath())
	if err != nil {
		return fmt.Errorf("%w (create it with `accord init`)", err)
	}
	_, err = fmt.Fprintln(e.stdout, k.VerifierKey)
	return err
}
