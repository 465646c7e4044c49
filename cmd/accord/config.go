package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
)

// Config is Accord's whole configuration, one struct passed down to every component.
//
// It is filled in this order, each source overriding the one before: the defaults below, a JSON
// file (flag --config or ACCORD_CONFIG), environment variables (ACCORD_*, named on each field),
// then command-line flags.
type Config struct {
	// DataDir holds the embedded SQLite store (accord.db), the node's signing key and caches.
	// ACCORD_DATA, --data. Default "./var".
	DataDir string `json:"data_dir"`
	// DSN selects the PostgreSQL server store when set (postgres://user@host:5432/db). Empty
	// means the embedded SQLite store in DataDir. ACCORD_DSN, --dsn.
	DSN string `json:"dsn"`
	// Listen is the HTTP address of `accord serve`. ACCORD_LISTEN, --listen. Default 127.0.0.1:8080.
	Listen string `json:"listen"`
	// Node is this deployment's identity.
	Node NodeConfig `json:"node"`
	// Feeds are the AIS feeds `accord serve` ingests.
	Feeds []FeedConfig `json:"feeds"`
	// Ingest tunes batching and the write queue.
	Ingest IngestConfig `json:"ingest"`
	// Log sets the log level (debug, info, warn, error; ACCORD_LOG_LEVEL) and format (text or
	// json; ACCORD_LOG_FORMAT). Logs go to stderr.
	Log LogConfig `json:"log"`
}

// NodeConfig identifies one deployment. Every record a node creates names the node, so that
// federation between sovereign nodes can tell whose it is.
type NodeConfig struct {
	ID    string `json:"id"`    // stable identifier, e.g. "mx-semar-c4"; ACCORD_NODE_ID; default "accord-demo"
	State string `json:"state"` // ISO 3166 alpha-3 of the state running the node; ACCORD_NODE_STATE; default "MEX"
	Name  string `json:"name"`  // human-readable name
}

// FeedConfig is one AIS feed.
type FeedConfig struct {
	Name string `json:"name"` // unique; defaults to kind:addr
	// Kind is tcp-client (connect to a receiver's NMEA port), tcp-server (receivers push to
	// Addr), udp (listen on Addr) or file (Paths, globs allowed, .gz accepted).
	Kind       string   `json:"kind"`
	Addr       string   `json:"addr"`
	Paths      []string `json:"paths"`
	Originator string   `json:"originator"` // owning agency, e.g. "SEMAR"; default the node's state
	TLP        string   `json:"tlp"`        // TLP 2.0 marking of the feed's data; default "GREEN"
}

// IngestConfig tunes the ingest pipeline.
type IngestConfig struct {
	BatchSize     int      `json:"batch_size"`     // messages per batch; default 4096
	FlushInterval Duration `json:"flush_interval"` // longest wait before a batch is written; default 200ms
	QueueDepth    int      `json:"queue_depth"`    // batches in the write queue; default 64
	KeepRaw       *bool    `json:"keep_raw"`       // keep raw sentences as evidence; default true
}

// LogConfig configures log/slog.
type LogConfig struct {
	Level  string `json:"level"`
	Format string `json:"format"`
}

// Duration is a time.Duration written as a Go duration string ("200ms", "6h") in JSON.
type Duration struct{ time.Duration }

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration string such as \"200ms\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalJSON writes a duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func defaultConfig() Config {
	return Config{
		DataDir: "./var",
		Listen:  "127.0.0.1:8080",
		Node:    NodeConfig{ID: "accord-demo", State: "MEX", Name: "Accord demo node"},
		Log:     LogConfig{Level: "info", Format: "text"},
	}
}

// loadConfig applies the file named by path (if any) and then the environment to cfg. Flags are
// applied afterwards by each subcommand.
func loadConfig(cfg *Config, path string, getenv func(string) string) error {
	if path == "" {
		path = getenv("ACCORD_CONFIG")
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("config: %w", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(cfg); err != nil {
			return fmt.Errorf("config %s: %w (see docs/config.md for the fields)", path, describeJSONError(b, err))
		}
	}
	for name, dst := range map[string]*string{
		"ACCORD_DATA":       &cfg.DataDir,
		"ACCORD_DSN":        &cfg.DSN,
		"ACCORD_LISTEN":     &cfg.Listen,
		"ACCORD_NODE_ID":    &cfg.Node.ID,
		"ACCORD_NODE_STATE": &cfg.Node.State,
		"ACCORD_LOG_LEVEL":  &cfg.Log.Level,
		"ACCORD_LOG_FORMAT": &cfg.Log.Format,
	} {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	return nil
}

// describeJSONError adds the line number to a JSON syntax or type error.
func describeJSONError(b []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return err
	}
	line := 1 + strings.Count(string(b[:off]), "\n")
	return fmt.Errorf("line %d: %w", line, err)
}

// newLogger builds the process logger. Secrets never reach it: no component logs a DSN's
// password, a key or a token (redactDSN is used where a DSN is mentioned).
func newLogger(cfg LogConfig, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", cfg.Level)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch cfg.Format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", cfg.Format)
}

// redactDSN hides the password of a DSN for logs and errors.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":xxxxx" + dsn[at:]
	}
	return dsn
}
