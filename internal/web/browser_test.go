package web

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"accord/internal/vessel"
)

// skipOrFail skips the test with reason outside CI and fails it when CI=true.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// TestBrowserSmoke serves the embedded map page with a few fake vessels and runs
// web/test/smoke.mjs against it in headless Chromium. It needs the built assets (node
// web/build.mjs), node, node_modules (npm ci) and Chromium ($CHROMIUM or /usr/bin/chromium).
func TestBrowserSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	root := moduleRoot(t)
	a := loadAssets(mustSub(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if !a.built() {
		skipOrFail(t, "web assets not built: run `node web/build.mjs` first")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node not found: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core")); err != nil {
		skipOrFail(t, "playwright-core not installed: run `npm ci` (%v)", err)
	}
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		skipOrFail(t, "chromium not found at %s (set CHROMIUM): %v", browser, err)
	}

	st := &fakeStore{tracks: map[uint32][]vessel.Position{}}
	now := time.Now().UTC()
	for i := range 50 {
		mmsi := uint32(345000000 + i)
		p := vessel.Position{MMSI: mmsi, Time: now, Lat: 12 + float64(i%10)*1.5, Lon: -98 + float64(i/10)*7,
			SOG: float64(i % 15), COG: float64(i * 37 % 360), Heading: vessel.NA, NavStatus: 0, MsgType: 1}
		st.snaps = append(st.snaps, vessel.Snapshot{Position: p,
			Static: vessel.Static{MMSI: mmsi, Name: fmt.Sprintf("SMOKE %02d", i), ShipType: 30 + i, Flag: "MEX"}})
		for k := range 10 {
			q := p
			q.Time = now.Add(-time.Duration(10-k) * 10 * time.Minute)
			q.Lon -= float64(10-k) * 0.05
			st.tracks[mmsi] = append(st.tracks[mmsi], q)
		}
	}
	s := New(Config{Vessels: st, NotFound: errNotFound}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	shot := filepath.Join(t.TempDir(), "map.png")
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "web", "test", "smoke.mjs"), srv.URL, shot)
	cmd.Env = append(os.Environ(), "CHROMIUM="+browser)
	out, err := cmd.CombinedOutput()
	t.Logf("smoke.mjs output:\n%s", out)
	if err != nil {
		t.Fatalf("browser smoke test failed: %v", err)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10000 {
		t.Errorf("screenshot %s missing or too small (%v)", shot, err)
	}
}

func mustSub(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}
