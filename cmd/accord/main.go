// Command accord is the single binary of Accord, the information system of a binational
// security partnership: it serves the shared maritime picture, ingests and decodes AIS, simulates
// traffic, and answers jurisdiction and policy questions. Run `accord help` for the subcommands.
//
// main only wires: all behaviour lives in internal packages, and run is testable in-process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsageShown) {
			fmt.Fprintln(os.Stderr, "accord:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errUsageShown reports that usage text was already printed; the exit code is 2.
var errUsageShown = errors.New("usage shown")

// exitError carries a specific exit code (e.g. 1 for "verification failed").
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, errUsageShown) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// env is what every subcommand receives: its I/O and the environment.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"version":  {"print the version and build information", cmdVersion},
		"serve":    {"serve the map, the API and metrics; ingest feeds (--simulate SCENARIO for demo traffic)", cmdServe},
		"ingest":   {"ingest NMEA AIS files (plain or .gz, globs) into the store", cmdIngest},
		"simulate": {"generate AIS traffic for a named scenario, with its ground truth", cmdSimulate},
		"ais":      {"AIS tools: `accord ais decode [--format json|gpsd] [--stats] [FILE...|-]`", cmdAIS},
		"policy":   {"decide an operation under the law as rules: `accord policy check FILE|-`, `accord policy rules`", cmdPolicy},
		"init":     {"prepare a node: data directory, signing key (0600), database and ledger: `accord init --data DIR`", cmdInit},
		"ledger":   {"tamper-evident ledger: `accord ledger verify|checkpoint|proof|verify-bundle|vkey`", cmdLedger},
		"witness":  {"witness role: cosign consistent checkpoints of other logs: `accord witness serve --log-key VKEY`", cmdWitness},
		"where":    {"jurisdiction of a point: `accord where [--json] LAT LON`, or `accord where --csv` on lat,lon lines", cmdWhere},
		"detect":   {"behaviour alerts (gap, encounter, loitering, zone_entry, speed, identity) over recorded AIS: `accord detect [--json] FILE...`", cmdDetect},
		"user":     {"administer users, roles, tokens: `accord user add --name N --agency SEMAR --role analyst` (password on stdin)", cmdUser},
	}
}

// run is the whole program: args excludes the program name.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return errUsageShown
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return fmt.Errorf("unknown subcommand %q: %w", args[0], errUsageShown)
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: accord <subcommand> [flags]\n\nsubcommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `accord <subcommand> -h` for its flags. Configuration: docs/config.md.")
}

// newFlagSet returns a flag set that prints to e.stderr and returns errors instead of exiting.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: accord %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsageShown
		}
		return fmt.Errorf("%w: %w", err, errUsageShown)
	}
	return nil
}

// commonFlags registers --config, --data, --dsn and --log-level, loading the file and the
// environment into cfg after parsing. Call the returned function after fs.Parse.
func commonFlags(fs *flag.FlagSet, e *env, cfg *Config) func() error {
	*cfg = defaultConfig()
	configPath := fs.String("config", "", "JSON configuration file (ACCORD_CONFIG); see docs/config.md")
	data := fs.String("data", "", "data directory for the embedded store and keys (ACCORD_DATA; default ./var)")
	dsn := fs.String("dsn", "", "PostgreSQL DSN, postgres://…; empty uses embedded SQLite (ACCORD_DSN)")
	level := fs.String("log-level", "", "debug, info, warn or error (ACCORD_LOG_LEVEL)")
	return func() error {
		if err := loadConfig(cfg, *configPath, e.getenv); err != nil {
			return err
		}
		if *data != "" {
			cfg.DataDir = *data
		}
		if *dsn != "" {
			cfg.DSN = *dsn
		}
		if *level != "" {
			cfg.Log.Level = *level
		}
		return nil
	}
}

// version is set at build time with -ldflags "-X main.version=…"; otherwise it comes from the
// module's build information.
var version = ""

func versionString() string {
	v := version
	rev, dirty := "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if dirty {
			v += "-dirty"
		}
	}
	return v
}

func cmdVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "accord %s\n", strings.TrimSpace(versionString()))
	return nil
}
