package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/jurisdiction"
	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
	"accord/internal/store"
)

// cmdPolicy is `accord policy check FILE` (the what-if interface for legal officers) and
// `accord policy rules` (the rule table). See docs/policy.md.
func cmdPolicy(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "check" && args[0] != "rules") {
		fmt.Fprintln(e.stderr, "usage: accord policy check [flags] FILE|-   decide one operation (JSON, docs/policy.md)\n       accord policy rules [--json]         list the rules with their citations")
		return errUsageShown
	}
	if args[0] == "rules" {
		return policyRules(e, args[1:])
	}
	fs := newFlagSet(e, "policy check", "policy check [--root DIR] [--cache DIR] [--region BOX] [--policy-config FILE] FILE|-")
	root := fs.String("root", ".", "repository root holding node_modules (boundary and population data) with ../shared/data beside it (ACCORD_ROOT)")
	cache := fs.String("cache", "", "jurisdiction cache directory, ~30 MB (ACCORD_JURISDICTION_CACHE; default <user cache dir>/accord/jurisdiction, shared with the tests)")
	polCfg := fs.String("policy-config", "", "JSON file of policy settings (rule switches, thresholds, authorities); see docs/policy.md")
	record := fs.String("record", "", "also store the operation under this id and record the decision on the ledger (store of --data/--dsn)")
	user := fs.String("user", "", "with --record: the user recording (ledger actor)")
	agency := fs.String("agency", "", "with --record: the user's agency, e.g. SRE (the state is the node's, node.state); the operation's originator")
	tlp := fs.String("tlp", "GREEN", "with --record: the operation's TLP, GREEN or AMBER (released to the states involved)")
	region := fs.String("region", "", "answer only this box, MINLAT,MINLON,MAXLAT,MAXLON in degrees (faster first load; places outside are denied as unknown); default 0,-125,35,-55")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("policy check: want exactly one FILE (or - for stdin): %w", errUsageShown)
	}
	name := fs.Arg(0)
	b, err := readInput(e, name)
	if err != nil {
		return fmt.Errorf("policy check: %w", err)
	}
	op, err := ops.ParseJSON(b)
	if err != nil {
		return fmt.Errorf("policy check %s:\n%w\n(the format is in docs/policy.md)", name, err)
	}
	if *record != "" && (*user == "" || *agency == "") {
		return fmt.Errorf("policy check: --record needs --user and --agency (the ledger records who decided)")
	}
	if *tlp != "GREEN" && *tlp != "AMBER" {
		return fmt.Errorf("policy check: --tlp %q: an operation is GREEN or AMBER", *tlp)
	}
	pc := policy.DefaultConfig()
	if *polCfg != "" {
		if pc, err = loadPolicyConfig(*polCfg); err != nil {
			return err
		}
		if err := pc.Validate(); err != nil {
			return fmt.Errorf("%s: %w", *polCfg, err)
		}
	}
	if r := e.getenv("ACCORD_ROOT"); r != "" && *root == "." {
		*root = r
	}
	if *cache == "" {
		*cache = e.getenv("ACCORD_JURISDICTION_CACHE")
	}
	if *cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			*cache = filepath.Join(d, "accord", "jurisdiction")
		} else {
			*cache = filepath.Join(cfg.DataDir, "cache", "jurisdiction")
		}
	}
	log, err := newLogger(cfg.Log, e.stderr)
	if err != nil {
		return err
	}
	jc := jurisdiction.DefaultConfig(*root, *cache)
	if *region != "" {
		var b jurisdiction.Box
		if n, err := fmt.Sscanf(*region, "%g,%g,%g,%g", &b.MinLat, &b.MinLon, &b.MaxLat, &b.MaxLon); err != nil || n != 4 ||
			b.MinLat >= b.MaxLat || b.MinLon >= b.MaxLon || b.MinLat < -90 || b.MaxLat > 90 || b.MinLon < -180 || b.MaxLon > 180 {
			return fmt.Errorf("policy check: --region %q: want MINLAT,MINLON,MAXLAT,MAXLON in degrees, e.g. 20,-110,27,-104", *region)
		}
		jc.Region = b
	}
	where, err := jurisdiction.Load(ctx, jc, log)
	if err != nil {
		return fmt.Errorf("policy check: jurisdiction engine (boundary data under %s; run `npm ci`, or set --root): %w", *root, err)
	}
	people, err := policy.LoadCities(policy.CitiesPath(*root))
	if err != nil {
		return fmt.Errorf("policy check: %w", err)
	}
	eng, err := policy.New(pc, where, people)
	if err != nil {
		return err
	}
	d := eng.Decide(op)
	if *record != "" {
		if err := recordDecision(ctx, cfg, log, *record, op, d, *tlp, ledger.Actor{User: *user, Agency: *agency, State: cfg.Node.State}, e); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// recordDecision stores the operation with its markings and the decision, in one transaction
// with their ledger entries. The markings are those of an operation proposed through the API
// (POST /api/v1/operations): originator the actor's agency, of the node's state, TLP tlp,
// released to its audience: the node's state, the participants' states, the states of the
// places decided on and every state whose consent the decision requires. It asks no consent:
// that is the proposal's, through the API.
func recordDecision(ctx context.Context, cfg Config, log *slog.Logger, id string, op *ops.Operation, d policy.Decision, tlp string, actor ledger.Actor, e *env) error {
	st, err := store.Open(ctx, storeConfig(cfg), log)
	if err != nil {
		return fmt.Errorf("open store (%s): %w", storeWhere(cfg), err)
	}
	defer st.Close()
	now := time.Now().UTC()
	meta := ops.Meta{ID: id, Originator: actor.Agency, OriginatorState: actor.State, TLP: tlp, CreatedBy: actor.User,
		Created: now, Audience: operationAudience(actor.State, op, d)}
	seqs, err := st.ProposeOperation(ctx, op, meta, id+"/"+now.Format(time.RFC3339Nano), d, now, nil, actor)
	if errors.Is(err, store.ErrAlreadyRecorded) {
		return fmt.Errorf("policy check --record %s: an operation with this id is already recorded; choose another id", id)
	}
	if err != nil {
		return fmt.Errorf("policy check --record %s: %w", id, err)
	}
	fmt.Fprintf(e.stderr, "recorded operation %s (%s, %s, released to %s) and its decision (%s) as ledger entries %d-%d\n",
		id, actor.Agency, tlp, strings.Join(meta.Audience, ", "), d.Decision, seqs[0], seqs[len(seqs)-1])
	return nil
}

// operationAudience is the audience of an operation decided as d and recorded by a user of
// state, as the API computes it for a proposal: state, the participants' states, the valid
// states of the places, and the states whose consent is required; sorted, without repeats.
func operationAudience(state string, op *ops.Operation, d policy.Decision) []string {
	aud := append([]string{state}, op.States()...)
	for _, p := range d.Places {
		if access.ValidStateCode(p.State) {
			aud = append(aud, p.State)
		}
	}
	for _, c := range d.RequiredConsents {
		aud = append(aud, c.State)
	}
	aud = slices.DeleteFunc(aud, func(s string) bool { return !access.ValidStateCode(s) })
	slices.Sort(aud)
	return slices.Compact(aud)
}

func readInput(e *env, name string) ([]byte, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, ops.MaxJSONBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

func loadPolicyConfig(path string) (policy.Config, error) {
	pc := policy.DefaultConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		return pc, fmt.Errorf("policy config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pc); err != nil {
		return pc, fmt.Errorf("policy config %s: %w (see docs/policy.md for the fields)", path, describeJSONError(b, err))
	}
	return pc, nil
}

func policyRules(e *env, args []string) error {
	fs := newFlagSet(e, "policy rules", "policy rules [--json]")
	asJSON := fs.Bool("json", false, "print the rules as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rules := policy.Rules()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rules)
	}
	for _, r := range rules {
		fmt.Fprintf(e.stdout, "%s v%d\n  %s\n  [%s]\n", r.ID, r.Version, r.Summary, r.Citation)
	}
	return nil
}
