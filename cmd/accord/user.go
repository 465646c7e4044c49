package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/stix"
	"accord/internal/store"
	"accord/internal/web"
)

// cmdUser administers users of the node: `accord user add|list|roles|disable|enable|passwd|
// token|agencies`. Every change goes on the ledger, made by the actor "system" (the local
// administrator). Passwords come from ACCORD_PASSWORD or the first line of standard input,
// never from a flag, and are never printed or logged.
func cmdUser(ctx context.Context, e *env, args []string) error {
	subs := map[string]func(context.Context, *env, []string) error{
		"add":      cmdUserAdd,
		"list":     cmdUserList,
		"roles":    cmdUserRoles,
		"disable":  func(ctx context.Context, e *env, a []string) error { return cmdUserDisable(ctx, e, a, true) },
		"enable":   func(ctx context.Context, e *env, a []string) error { return cmdUserDisable(ctx, e, a, false) },
		"passwd":   cmdUserPasswd,
		"token":    cmdUserToken,
		"agencies": cmdUserAgencies,
	}
	if len(args) == 0 || subs[args[0]] == nil {
		fmt.Fprint(e.stderr, `usage: accord user <command> [flags]

commands:
  add       --name NAME --agency CODE --role ROLE[,ROLE]: create a user; the password is read
            from ACCORD_PASSWORD or the first line of standard input (at least 12 characters)
  list      list users (--json)
  roles     --name NAME --role ROLE[,ROLE]: replace a user's roles
  disable   --name NAME: disable a user and revoke its sessions and tokens
  enable    --name NAME: enable a user again
  passwd    --name NAME: set a new password (ACCORD_PASSWORD or standard input); revokes sessions
  token     --name NAME [--ttl 720h] [--label L]: issue an API bearer token, printed once
  agencies  list the states' agencies users can belong to

roles: analyst, watch_officer, approver, legal, consular, oversight, monitor, admin.
The states and agencies of DESIGN.md (MEX, USA) are seeded on first use. See docs/sovereignty.md.
`)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return errUsageShown
		}
		return fmt.Errorf("user: unknown command %q: %w", args[0], errUsageShown)
	}
	return subs[args[0]](ctx, e, args[1:])
}

// intelWeb seeds the partnership's states and agencies and returns the web configuration of
// login and the intelligence routes over st. If seeding fails, the routes are left out (and
// the failure logged): the vessel picture still serves.
func intelWeb(ctx context.Context, st *store.Store, log *slog.Logger) web.IntelConfig {
	sv := st.Sovereignty()
	if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
		log.Error("intelligence routes disabled: seeding agencies failed", "err", err)
		return web.IntelConfig{}
	}
	return web.IntelConfig{
		Store:    sv,
		Sessions: sv,
		STIX: func(ctx context.Context, x intel.Export, u access.User) ([]byte, error) {
			return stix.ExportWithContents(ctx, x, sv, u)
		},
	}
}

// openSovereignty opens the store of cfg and seeds the partnership's states and agencies.
func openSovereignty(ctx context.Context, e *env, cfg Config) (*store.Store, *store.Sovereignty, error) {
	log, err := quietLogger(cfg, e.stderr)
	if err != nil {
		return nil, nil, err
	}
	sc := storeConfig(cfg)
	sc.CheckpointInterval = 0
	st, err := store.Open(ctx, sc, log)
	if err != nil {
		return nil, nil, fmt.Errorf("open store (%s): %w", storeWhere(cfg), err)
	}
	sv := st.Sovereignty()
	if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("seed agencies: %w", err)
	}
	return st, sv, nil
}

// readPassword returns ACCORD_PASSWORD or the first line of standard input.
func readPassword(e *env) (string, error) {
	if p := e.getenv("ACCORD_PASSWORD"); p != "" {
		return p, nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password: set ACCORD_PASSWORD or write it on the first line of standard input (never on the command line)")
	}
	p := strings.TrimRight(line, "\r\n")
	if len(p) < store.MinPasswordLen {
		return "", fmt.Errorf("password too short: at least %d characters", store.MinPasswordLen)
	}
	return p, nil
}

func parseRoles(list multiFlag) ([]access.Role, error) {
	var roles []access.Role
	for _, v := range list {
		for _, r := range strings.Split(v, ",") {
			if strings.TrimSpace(r) == "" {
				continue
			}
			role, err := access.ParseRole(r)
			if err != nil {
				return nil, fmt.Errorf("--role: %w", err)
			}
			roles = append(roles, role)
		}
	}
	if len(roles) == 0 {
		return nil, errors.New("--role is required: analyst, watch_officer, approver, legal, consular, oversight, monitor or admin")
	}
	return roles, nil
}

func cmdUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user add", "user add --name NAME --agency CODE --role ROLE[,ROLE] [--data DIR | --dsn DSN]  (password: ACCORD_PASSWORD or stdin)")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	name := fs.String("name", "", "login name (required)")
	agency := fs.String("agency", "", "agency code, e.g. SEMAR or USCG (required; see `accord user agencies`)")
	var roles multiFlag
	fs.Var(&roles, "role", "role, repeatable or comma-separated (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	if *name == "" || *agency == "" {
		return fmt.Errorf("user add: --name and --agency are required: %w", errUsageShown)
	}
	rs, err := parseRoles(roles)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	pw, err := readPassword(e)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	st, sv, err := openSovereignty(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := sv.AddUser(ctx, store.System, store.NewUser{Name: *name, Agency: *agency, Roles: rs, Password: pw})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s (id %d) of %s (%s) added with roles %s\n", u.Name, u.ID, u.Agency, u.State, joinRoles(u.Roles))
	return nil
}

func joinRoles(rs []access.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func cmdUserList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user list", "user list [--json] [--data DIR | --dsn DSN]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	asJSON := fs.Bool("json", false, "write JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	st, sv, err := openSovereignty(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	us, err := sv.Users(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			ID       int64    `json:"id"`
			Name     string   `json:"name"`
			Agency   string   `json:"agency"`
			State    string   `json:"state"`
			Roles    []string `json:"roles"`
			Disabled bool     `json:"disabled"`
			Created  string   `json:"created"`
		}
		out := make([]row, 0, len(us))
		for _, u := range us {
			out = append(out, row{u.ID, u.Name, u.Agency, u.State, strings.Split(joinRoles(u.Roles), ","), u.Disabled, u.Created.Format(time.RFC3339)})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tAGENCY\tSTATE\tROLES\tSTATUS")
	for _, u := range us {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Agency, u.State, joinRoles(u.Roles), status)
	}
	return w.Flush()
}

func cmdUserRoles(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user roles", "user roles --name NAME --role ROLE[,ROLE] [--data DIR | --dsn DSN]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	name := fs.String("name", "", "login name (required)")
	var roles multiFlag
	fs.Var(&roles, "role", "role, repeatable or comma-separated (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	rs, err := parseRoles(roles)
	if err != nil {
		return fmt.Errorf("user roles: %w", err)
	}
	st, sv, err := openSovereignty(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := sv.SetRoles(ctx, store.System, *name, rs); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s now has roles %s\n", *name, joinRoles(rs))
	return nil
}

func cmdUserDisable(ctx context.Context, e *env, args []string, disable bool) error {
	verb := "enable"
	if disable {
		verb = "disable"
	}
	fs := newFlagSet(e, "user "+verb, "user "+verb+" --name NAME [--data DIR | --dsn DSN]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	name := fs.String("name", "", "login name (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	st, sv, err := openSovereignty(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := sv.SetDisabled(ctx, store.System, *name, disable); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s %sd\n", *name, verb)
	return nil
}

func cmdUserPasswd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user passwd", "user passwd --name NAME [--data DIR | --dsn DSN]  (password: ACCORD_PASSWORD or stdin)")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	name := fs.String("name", "", "login name (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return fmt.Errorf("user passwd: %w", err)
	}
	st, sv, err := openSovereignty(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := sv.SetPassword(ctx, store.System, *name, pw); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password of %s changed; its sessions and tokens are revoked\n", *name)
	return nil
}

func cmdUserToken(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user token", "user token --name NAME [--ttl 720h] [--label LABEL] [--data DIR | --dsn DSN]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	name := fs.String("name", "", "login name (required)")
	ttl := fs.Duration("ttl", 30*24*time.Hour, "validity of the token")
	label := fs.String("label", "cli", "what the token is for, shown in audits")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	st, sv, err := openSovereignty(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := sv.User(ctx, *name)
	if err != nil {
		return err
	}
	tok, _, expires, err := sv.Issue(ctx, u, store.KindToken, *label, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "API token for %s, valid until %s; it is shown once: send it as \"Authorization: Bearer <token>\"\n", u.Name, expires.Format(time.RFC3339))
	fmt.Fprintln(e.stdout, tok)
	return nil
}

func cmdUserAgencies(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user agencies", "user agencies [--data DIR | --dsn DSN]")
	var cfg Config
	apply := commonFlags(fs, e, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := apply(); err != nil {
		return err
	}
	st, sv, err := openSovereignty(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ags, err := sv.Agencies(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STATE\tAGENCY\tNAME")
	for _, a := range ags {
		fmt.Fprintf(w, "%s\t%s\t%s\n", a.State, a.Code, a.Name)
	}
	return w.Flush()
}
