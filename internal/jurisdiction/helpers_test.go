package jurisdiction

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = up
	}
}

// testCacheDir is where tests keep the regional extraction and index between runs:
// $ACCORD_JURISDICTION_CACHE, else <user cache dir>/accord/jurisdiction, else a temp dir.
func testCacheDir() string {
	if d := os.Getenv("ACCORD_JURISDICTION_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "accord", "jurisdiction")
	}
	return filepath.Join(os.TempDir(), "accord-jurisdiction-cache")
}

// skipOrFatal skips a test that needs data outside CI and fails it in CI (CI=true).
func skipOrFatal(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

var (
	engOnce sync.Once
	engVal  *Engine
	engErr  error
)

// testEngine loads the engine over the real boundary data once per test binary.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	root := moduleRoot(t)
	cfg := DefaultConfig(root, testCacheDir())
	for _, p := range []string{cfg.LandPath, cfg.TreatyPath} {
		if _, err := os.Stat(p); err != nil {
			skipOrFatal(t, "boundary data not installed (%v); run `npm ci` and provide ../shared/data", err)
		}
	}
	engOnce.Do(func() {
		lvl := slog.LevelWarn
		if testing.Verbose() {
			lvl = slog.LevelInfo
		}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
		engVal, engErr = Load(context.Background(), cfg, log)
	})
	if engErr != nil {
		t.Fatalf("Load: %v", engErr)
	}
	return engVal
}
