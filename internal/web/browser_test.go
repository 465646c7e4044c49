package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
	"accord/internal/jurisdiction"
	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/store"
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

// browserEnv checks what the browser tests need (built assets, node, playwright-core,
// Chromium) and returns the module root, node and the Chromium binary; it skips (fails under CI)
// when something is missing.
func browserEnv(t *testing.T) (root, node, browser string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	root = moduleRoot(t)
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
	browser = os.Getenv("CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		skipOrFail(t, "chromium not found at %s (set CHROMIUM): %v", browser, err)
	}
	return root, node, browser
}

// screenshotDir is $ACCORD_SCREENSHOTS/sub (kept, for CI artefacts) or a temporary directory.
func screenshotDir(t *testing.T, sub string) string {
	if d := os.Getenv("ACCORD_SCREENSHOTS"); d != "" {
		dir := filepath.Join(d, sub)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// runNode runs a browser test script with the server URL and screenshot directory.
func runNode(t *testing.T, root, node, browser, script, url, shots string, timeout time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "web", "test", script), url, shots)
	env := []string{"CHROMIUM=" + browser}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ACCORD_SCREENSHOTS=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("%s output:\n%s", script, out)
	if err != nil {
		t.Fatalf("%s failed: %v", script, err)
	}
	return string(out)
}

var (
	engOnce sync.Once
	engVal  *jurisdiction.Engine
	engErr  error
)

// testJurisdiction loads the jurisdiction engine over the real boundary data (npm @geo-maps and
// ../shared/data), once per test binary, with its cache in $ACCORD_JURISDICTION_CACHE or the
// user cache directory. It skips (fails under CI) when the data is missing.
func testJurisdiction(t *testing.T, root string) func() (Locator, error) {
	t.Helper()
	cache := os.Getenv("ACCORD_JURISDICTION_CACHE")
	if cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(d, "accord", "jurisdiction")
		} else {
			cache = filepath.Join(os.TempDir(), "accord-jurisdiction-cache")
		}
	}
	cfg := jurisdiction.DefaultConfig(root, cache)
	for _, p := range []string{cfg.LandPath, cfg.MaritimePath, cfg.TreatyPath} {
		if _, err := os.Stat(p); err != nil {
			skipOrFail(t, "boundary data not installed (%v); run `npm ci` and provide ../shared/data", err)
		}
	}
	engOnce.Do(func() {
		start := time.Now()
		engVal, engErr = jurisdiction.Load(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		t.Logf("jurisdiction engine loaded in %v", time.Since(start).Round(time.Millisecond))
	})
	if engErr != nil {
		t.Fatalf("jurisdiction.Load: %v", engErr)
	}
	return func() (Locator, error) { return engVal, nil }
}

// TestBrowserE2E serves the embedded UI with a few fake vessels and runs web/test/e2e.mjs
// against it in headless Chromium: map, vessel panel, every page, keyboard use, contrast, the
// language switch and no request to any other host. Screenshots go to $ACCORD_SCREENSHOTS/e2e
// when set.
func TestBrowserE2E(t *testing.T) {
	root, node, browser := browserEnv(t)
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
	alerts := uiAlerts{
		{ID: "a1", Kind: "speed", Severity: "high", MMSI: []uint32{345000003}, Start: now.Add(-40 * time.Minute), End: now.Add(-10 * time.Minute),
			Lat: 18.2, Lon: -94.6, State: "MEX", Zone: "eez", Authority: "SEMAR", ShoreNM: 60, Place: "18.20°N 94.60°W", Detail: "go_fast",
			Note: "small craft at 38 kn far from shore", Open: true,
			Evidence: []detect.Evidence{{MMSI: 345000003, Time: now.Add(-40 * time.Minute), Lat: 18.2, Lon: -94.6, SOG: 38, COG: 10}}},
		{ID: "a2", Kind: "loitering", Severity: "medium", MMSI: []uint32{345000007}, Start: now.Add(-6 * time.Hour), End: now.Add(-time.Hour),
			Lat: 25.4, Lon: -92.6, State: "", Zone: "high_seas", Authority: "", ShoreNM: 190, Place: "25.40°N 92.60°W", Detail: "",
			Note: "average 1.2 kn for 5 h", Evidence: []detect.Evidence{}},
	}
	// Accounts: a real SQLite store with the seed agencies and a SEMAR watch officer.
	db, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir(), Origin: "accord/e2e"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sv := db.Sovereignty()
	if err := sv.Seed(context.Background(), access.SeedStates, access.SeedAgencies); err != nil {
		t.Fatal(err)
	}
	const user, password = "oficial.semar", "guardia de altamar 2026"
	if _, err := sv.AddUser(context.Background(), store.System, store.NewUser{Name: user, Agency: "SEMAR",
		Roles: []access.Role{access.RoleWatchOfficer}, Password: password}); err != nil {
		t.Fatal(err)
	}
	// The alerts live in the store, read with the user's releasability, so that "Open case"
	// opens a real case (routed to SEMAR: the first alert is in Mexico's EEZ).
	for _, a := range alerts {
		if _, err := db.PutAlert(context.Background(), a, store.AlertMarking{Originator: "SEMAR", TLP: "GREEN"},
			ledger.Actor{User: "system", Agency: "SEMAR", State: "MEX"}); err != nil {
			t.Fatal(err)
		}
	}
	// The ledger grows while the browser looks: an entry and a checkpoint every second, so the
	// oversight page's second visit must verify a consistency proof.
	if _, err := db.Ledger().Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	var grow sync.WaitGroup
	grow.Add(1)
	go func() {
		defer grow.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if _, err := db.Ledger().Append(ctx, ledger.Event{Actor: ledger.Actor{User: user, Agency: "SEMAR", State: "MEX"},
				Action: "record.release", RecordType: "release", RecordID: fmt.Sprintf("e2e-%d", i), Content: ledger.NoContent}); err != nil {
				if ctx.Err() == nil {
					t.Errorf("ledger append: %v", err)
				}
				return
			}
			if _, err := db.Ledger().Checkpoint(ctx); err != nil {
				if ctx.Err() == nil {
					t.Errorf("ledger checkpoint: %v", err)
				}
				return
			}
		}
	}()
	defer grow.Wait()
	defer stop()
	s := New(Config{Vessels: storeNotFound{st}, NotFound: store.ErrNotFound, Jurisdiction: testJurisdiction(t, root), Alerts: storeAlertReader{db},
		Cases: db, Intel: IntelConfig{Store: sv, Sessions: sv}, Ledger: db.Ledger(), LedgerNotFound: ledgersql.ErrNotFound},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s)
	defer srv.Close()
	shots := screenshotDir(t, "e2e")
	t.Setenv("E2E_USER", user)
	t.Setenv("E2E_PASSWORD", password)
	runNode(t, root, node, browser, "e2e.mjs", srv.URL, shots, 3*time.Minute)
	entries, _ := os.ReadDir(shots)
	if len(entries) < 8 {
		t.Errorf("expected a screenshot per step in %s, found %d", shots, len(entries))
	}
	for _, e := range entries {
		if fi, err := e.Info(); err != nil || fi.Size() < 5000 {
			t.Errorf("screenshot %s missing or too small (%v)", e.Name(), err)
		}
	}
}

// browserUser opens a store with the seed agencies and a SEMAR watch officer, and tells the
// browser scripts who to sign in as (E2E_USER, E2E_PASSWORD): the picture needs a signed-in user.
func browserUser(t *testing.T, user, password string) *store.Sovereignty {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sv := db.Sovereignty()
	if err := sv.Seed(context.Background(), access.SeedStates, access.SeedAgencies); err != nil {
		t.Fatal(err)
	}
	if _, err := sv.AddUser(context.Background(), store.System, store.NewUser{Name: user, Agency: "SEMAR",
		Roles: []access.Role{access.RoleWatchOfficer}, Password: password}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("E2E_USER", user)
	t.Setenv("E2E_PASSWORD", password)
	return sv
}

// storeNotFound makes a fake VesselReader's "not found" the store's, so that one NotFound
// sentinel serves the vessels (fake) and the alerts and cases (real store).
type storeNotFound struct{ *fakeStore }

func (s storeNotFound) Vessel(ctx context.Context, _ access.User, mmsi uint32) (vessel.Snapshot, error) {
	v, err := s.fakeStore.Vessel(ctx, access.User{}, mmsi)
	if errors.Is(err, errNotFound) {
		err = fmt.Errorf("vessel %d: %w", mmsi, store.ErrNotFound)
	}
	return v, err
}

func (s storeNotFound) Track(ctx context.Context, _ access.User, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error) {
	p, err := s.fakeStore.Track(ctx, access.User{}, mmsi, from, to, limit)
	if errors.Is(err, errNotFound) {
		err = fmt.Errorf("vessel %d: %w", mmsi, store.ErrNotFound)
	}
	return p, err
}

// nightDepartureWait is how long after t the simulator's planted go-fast leaves (internal/sim:
// it departs at the first moment at or after t+10 min when local time in Quintana Roo, UTC−5,
// lies between 20:00 and 02:00).
func nightDepartureWait(t time.Time) time.Duration {
	dep := t.Add(10 * time.Minute)
	local := dep.UTC().Add(-5 * time.Hour)
	tod := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute + time.Duration(local.Second())*time.Second
	if tod >= 20*time.Hour || tod < 2*time.Hour {
		return 10 * time.Minute
	}
	return 10*time.Minute + 20*time.Hour - tod
}

// TestBrowserScenarios plays the acceptance scenarios of the web UI (web/test/e2e.mjs with
// E2E_SCENARIOS=1) against the real `accord serve`, built from this tree, fed by the simulator
// (scenario "planted": a go-fast runs into the Mexican territorial sea off Quintana Roo) through
// the live detectors, with users added by `accord user add`: a SEMAR watch officer sees the
// go-fast enter Mexican waters and opens a case; a DEA analyst proposes a joint patrol on
// Mexican territory; the SRE approver grants consent for a smaller area and the decision
// changes; the language switches; the inspector's oversight view verifies the ledger. The
// simulator's speed-up is chosen so that the go-fast crosses the 12 nm line about 2 min after
// start, whatever the time of day. Screenshots go to $ACCORD_SCREENSHOTS/scenarios.
func TestBrowserScenarios(t *testing.T) {
	root, node, browser := browserEnv(t)
	// The server loads the boundary data itself; without it, skip (fail under CI).
	jc := jurisdiction.DefaultConfig(root, t.TempDir())
	for _, p := range []string{jc.LandPath, jc.MaritimePath, jc.TreatyPath} {
		if _, err := os.Stat(p); err != nil {
			skipOrFail(t, "boundary data not installed (%v); run `npm ci` and provide ../shared/data", err)
		}
	}
	bin := filepath.Join(t.TempDir(), "accord")
	build := exec.Command("go", "build", "-o", bin, "./cmd/accord")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/accord: %v\n%s", err, out)
	}
	data := t.TempDir()
	const password = "contraseña de prueba 2026"
	for _, u := range [][3]string{
		{"oficial.semar", "SEMAR", "watch_officer"},
		{"analista.dea", "DEA", "analyst"},
		{"aprobador.sre", "SRE", "approver"},
		{"inspectora", "Senado", "oversight"},
	} {
		cmd := exec.Command(bin, "user", "add", "--data", data, "--name", u[0], "--agency", u[1], "--role", u[2])
		cmd.Env = append(os.Environ(), "ACCORD_PASSWORD="+password)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("accord user add %s: %v\n%s", u[0], err, out)
		}
	}
	// Simulated seconds until the go-fast is in the territorial sea: its departure, then about
	// 93 min at 38–42 kn from 63 nm out (measured: 5,590 s).
	start := time.Now()
	simSeconds := (nightDepartureWait(start) + 5600*time.Second).Seconds()
	// About 2 min of wall time before the crossing: the browser must sign in and find the go-fast
	// on the map first, on a loaded machine.
	speedup := math.Max(45, simSeconds/120)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs strings.Builder
	srv := exec.Command(bin, "serve", "--data", data, "--listen", addr, "--simulate", "planted",
		"--speedup", strconv.FormatFloat(speedup, 'f', 1, 64), "--log-level", "warn")
	srv.Dir = root // boundaries (node_modules/@geo-maps) and ../shared/data/ports are found from here
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- srv.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			srv.Process.Kill()
			<-done
		}
		t.Logf("accord serve output:\n%s", logs.String())
	}()
	t.Logf("accord serve on %s, simulator speed-up %.0f (go-fast departs in %v of simulated time)", addr, speedup, nightDepartureWait(start))
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("accord serve not healthy after 60 s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	shots := screenshotDir(t, "scenarios")
	t.Setenv("E2E_SCENARIOS", "1")
	t.Setenv("E2E_PASSWORD", password)
	runNode(t, root, node, browser, "e2e.mjs", base, shots, 10*time.Minute)
	entries, _ := os.ReadDir(shots)
	n := 0
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "s") && fi.Size() >= 5000 {
			n++
		}
	}
	if n < 13 {
		t.Errorf("expected 13 scenario screenshots in %s, found %d", shots, n)
	}
}

// uiAlerts serves a fixed list of alerts, whatever the query.
type uiAlerts []detect.Alert

func (f uiAlerts) Alerts(ctx context.Context, u access.User, q AlertQuery) ([]detect.Alert, error) {
	return f, nil
}

func (f uiAlerts) Alert(ctx context.Context, u access.User, id string) (detect.Alert, error) {
	for _, a := range f {
		if a.ID == id {
			return a, nil
		}
	}
	return detect.Alert{}, errNotFound
}

// movingFleet is a VesselReader of n synthetic vessels that move with time: vessel i starts at
// a fixed pseudo-random place in the Gulf of Mexico and Caribbean box and steams on a constant
// course at 5–35 kn, so every request sees new positions (a stand-in for a live feed).
type movingFleet struct {
	n     int
	start time.Time
}

func (f *movingFleet) at(i int, now time.Time) vessel.Snapshot {
	h := uint32(i)*2654435761 + 12345
	rnd := func() float64 { h ^= h << 13; h ^= h >> 17; h ^= h << 5; return float64(h) / math.MaxUint32 }
	lat0, lon0 := 8+rnd()*22, -98+rnd()*36
	cog, sog := rnd()*360, 5+rnd()*30
	hours := now.Sub(f.start).Hours()
	d := sog * hours / 60 // degrees of arc
	lat := lat0 + d*math.Cos(cog*math.Pi/180)
	lon := lon0 + d*math.Sin(cog*math.Pi/180)/math.Cos(lat0*math.Pi/180)
	mmsi := uint32(200000000 + i)
	return vessel.Snapshot{
		Position: vessel.Position{MMSI: mmsi, Time: now, Lat: lat, Lon: lon, SOG: sog, COG: cog, Heading: vessel.NA, MsgType: 1},
		Static:   vessel.Static{MMSI: mmsi, Name: fmt.Sprintf("SYNTH %05d", i), ShipType: 30 + i%60, Length: vessel.NA, Beam: vessel.NA, Draught: vessel.NA},
	}
}

func (f *movingFleet) VesselsInBBox(ctx context.Context, _ access.User, minLon, minLat, maxLon, maxLat float64, limit int) ([]vessel.Snapshot, error) {
	now := time.Now()
	out := make([]vessel.Snapshot, 0, f.n)
	for i := range f.n {
		s := f.at(i, now)
		if p := s.Position; p.Lon >= minLon && p.Lon <= maxLon && p.Lat >= minLat && p.Lat <= maxLat && len(out) < limit {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *movingFleet) Vessel(ctx context.Context, _ access.User, mmsi uint32) (vessel.Snapshot, error) {
	i := int(mmsi) - 200000000
	if i < 0 || i >= f.n {
		return vessel.Snapshot{}, fmt.Errorf("vessel %d: %w", mmsi, errNotFound)
	}
	return f.at(i, time.Now()), nil
}

func (f *movingFleet) Track(ctx context.Context, _ access.User, mmsi uint32, from, to time.Time, limit int) ([]vessel.Position, error) {
	i := int(mmsi) - 200000000
	if i < 0 || i >= f.n {
		return nil, fmt.Errorf("vessel %d: %w", mmsi, errNotFound)
	}
	var out []vessel.Position
	for t := from; t.Before(to) && len(out) < limit; t = t.Add(10 * time.Minute) {
		if !t.Before(f.start) {
			out = append(out, f.at(i, t).Position)
		}
	}
	return out, nil
}

// TestBrowserPerf10k serves 10,000 moving vessels and runs web/test/perf.mjs: the map refreshes
// every 2 s for about 10 s while the page measures the time between animation frames. It prints
// p50/p95/max and fails only on a stall (a frame over 2 s, or vessels not updating); the figures
// themselves are reported, not asserted (they depend on the machine and on software WebGL).
func TestBrowserPerf10k(t *testing.T) {
	root, node, browser := browserEnv(t)
	fleet := &movingFleet{n: 10000, start: time.Now().Add(-time.Hour)}
	sv := browserUser(t, "oficial.perf", "guardia de altamar 2026")
	s := New(Config{Vessels: fleet, NotFound: errNotFound, Intel: IntelConfig{Store: sv, Sessions: sv}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s)
	defer srv.Close()
	out := runNode(t, root, node, browser, "perf.mjs", srv.URL, screenshotDir(t, "perf"), 4*time.Minute)
	if !strings.Contains(out, "frame times") {
		t.Errorf("perf.mjs printed no frame-time figures")
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

// ---- catalogs, literals and palette (no browser needed) -------------------------------------------

// flatten lists the keys of a message catalog as dotted paths with their values; a plural
// object ({"one": ..., "other": ...}) is one message.
func flatten(prefix string, v any, out map[string]string) {
	m, ok := v.(map[string]any)
	if !ok {
		s, _ := v.(string)
		out[prefix] = s
		return
	}
	if _, plural := m["other"]; plural {
		forms := make([]string, 0, len(m))
		for k, f := range m {
			s, _ := f.(string)
			forms = append(forms, k+"="+s)
		}
		sort.Strings(forms)
		out[prefix] = strings.Join(forms, "|")
		return
	}
	if len(m) == 0 {
		out[prefix+".{}"] = ""
	}
	for k, c := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		flatten(p, c, out)
	}
}

func loadCatalog(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]string{}
	flatten("", v, out)
	return out
}

var placeholderRE = regexp.MustCompile(`\{(\w+)\}`)

func placeholders(s string) string {
	var names []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return strings.Join(slicesCompact(names), ",")
}

func slicesCompact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// TestUICatalogs checks that the Spanish and English catalogs have the same keys, no empty
// message, the same placeholders in both languages, and that every literal key the code uses
// (t('...'), data-i18n="...") exists.
func TestUICatalogs(t *testing.T) {
	root := moduleRoot(t)
	dir := filepath.Join(root, "web", "src", "i18n")
	es, en := loadCatalog(t, filepath.Join(dir, "es.json")), loadCatalog(t, filepath.Join(dir, "en.json"))
	for k := range es {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is in es.json but not in en.json", k)
		}
	}
	for k := range en {
		if _, ok := es[k]; !ok {
			t.Errorf("key %q is in en.json but not in es.json", k)
		}
	}
	for k, v := range es {
		if strings.HasSuffix(k, ".{}") {
			continue
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("es.json: %s is empty", k)
		}
		if e, ok := en[k]; ok {
			if strings.TrimSpace(e) == "" {
				t.Errorf("en.json: %s is empty", k)
			}
			if placeholders(v) != placeholders(e) {
				t.Errorf("%s: placeholders differ: es {%s}, en {%s}", k, placeholders(v), placeholders(e))
			}
		}
	}
	// Every literal key used by the code exists (dynamic keys, built from data, are checked at
	// run time: a missing one logs "missing message", which the browser test fails on).
	used := regexp.MustCompile(`(?:\bt\(|data-i18n(?:-label)?["']?\s*[=:]\s*)['"]([a-zA-Z][\w.]*)['"]`)
	walkSources(t, root, func(path, src string) {
		for _, m := range used.FindAllStringSubmatch(src, -1) {
			if _, ok := es[m[1]]; !ok {
				t.Errorf("%s: message key %q is not in the catalogs", rel(root, path), m[1])
			}
		}
	})
}

func rel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return p
	}
	return r
}

// walkSources calls f for every .js file under web/src and the page template.
func walkSources(t *testing.T, root string, f func(path, src string)) {
	t.Helper()
	var files []string
	filepath.WalkDir(filepath.Join(root, "web", "src"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".js") {
			files = append(files, p)
		}
		return err
	})
	files = append(files, filepath.Join(root, "internal", "web", "templates", "index.html"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f(p, string(b))
	}
}

// jsString matches a JavaScript string literal ('...', "..." or a template literal without
// substitutions spanning lines).
var jsString = regexp.MustCompile("'(?:[^'\\\\\\n]|\\\\.)*'|\"(?:[^\"\\\\\\n]|\\\\.)*\"|`(?:[^`\\\\]|\\\\.)*`")

// looksLikeProse reports whether a string literal reads as words for people: two or more words
// of letters separated by white space, or one capitalised word (identifiers, CSS, URLs, event names, keys and GLSL are
// not prose).
func looksLikeProse(s string) bool {
	s = regexp.MustCompile(`\$\{[^}]*\}`).ReplaceAllString(s, " ")
	if regexp.MustCompile(`^[\s\W\d]*$`).MatchString(s) {
		return false
	}
	if regexp.MustCompile(`(?:^|\s)\p{L}{2,}[,.;:!?]?\s+\p{L}{2,}`).MatchString(s) {
		return true
	}
	return regexp.MustCompile(`^\p{Lu}\p{Ll}{2,}[.!?]?$`).MatchString(strings.TrimSpace(s))
}

// TestUILiterals scans the UI sources for user-visible text outside the catalogs: prose string
// literals in web/src (a line may opt out with the comment "i18n-ignore", for log messages and
// the like), and text in the page template outside elements marked data-i18n (the page shown
// when the assets are not built is exempt: it is bilingual and rendered without script).
func TestUILiterals(t *testing.T) {
	root := moduleRoot(t)
	comment := regexp.MustCompile(`(?m)^\s*//.*$|/\*[\s\S]*?\*/`)
	walkSources(t, root, func(path, src string) {
		if strings.HasSuffix(path, ".html") {
			checkTemplate(t, rel(root, path), src)
			return
		}
		sc := bufio.NewScanner(strings.NewReader(src))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		inShader := false
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if strings.Contains(line, "#version 300 es") {
				inShader = true
			}
			if inShader {
				if strings.Contains(line, "}`;") {
					inShader = false
				}
				continue
			}
			if strings.Contains(line, "i18n-ignore") || strings.Contains(line, "console.") {
				continue
			}
			line = comment.ReplaceAllString(line, "")
			if i := strings.Index(line, " // "); i >= 0 {
				line = line[:i]
			}
			// Class lists and comparisons with key names are not text.
			line = regexp.MustCompile(`(?:class:\s*|className\s*=\s*|===?\s*)`+jsString.String()).ReplaceAllString(line, "")
			for _, lit := range jsString.FindAllString(line, -1) {
				body := lit[1 : len(lit)-1]
				if looksLikeProse(body) {
					t.Errorf("%s:%d: user-visible text %s is not from the message catalogs; add a key to web/src/i18n/{es,en}.json and use t()", rel(root, path), n, lit)
				}
			}
		}
	})
}

// checkTemplate fails on text in the built-page part of the template that is not inside an
// element with data-i18n.
func checkTemplate(t *testing.T, name, src string) {
	start := strings.Index(src, "<body>")
	end := strings.Index(src, "{{- else}}")
	if start < 0 || end < start {
		t.Fatalf("%s: cannot find the built page's body", name)
	}
	body := src[start:end]
	body = regexp.MustCompile(`(?s)<(\w+)[^>]*data-i18n="[^"]*"[^>]*>.*?</(\w+)>`).ReplaceAllString(body, "")
	body = regexp.MustCompile(`(?s)<option[^>]*>[^<]*</option>`).ReplaceAllString(body, "") // language names, replaced from the catalogs
	body = regexp.MustCompile(`<[^>]+>|\{\{[^}]*\}\}`).ReplaceAllString(body, " ")
	for _, w := range strings.Fields(body) {
		if regexp.MustCompile(`\p{L}{2,}`).MatchString(w) && w != "Accord" {
			t.Errorf("%s: text %q in the page template is not from the catalogs; mark its element data-i18n", name, w)
		}
	}
}

// TestUIPalette checks the contrast ratio of every "contrast-pair" declared in web/src/app.css
// against WCAG 2.x AA: 4.5:1 for text, 3:1 for pairs marked "large" (large text, focus rings).
func TestUIPalette(t *testing.T) {
	root := moduleRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "web", "src", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	vars := map[string][3]float64{}
	for _, m := range regexp.MustCompile(`(--[\w-]+):\s*#([0-9a-fA-F]{6})\s*;`).FindAllStringSubmatch(css, -1) {
		var c [3]float64
		for i := range 3 {
			v, _ := strconv.ParseUint(m[2][2*i:2*i+2], 16, 8)
			c[i] = float64(v)
		}
		vars[m[1]] = c
	}
	pairs := regexp.MustCompile(`contrast-pair:\s*(--[\w-]+) on (--[\w-]+)( large)?`).FindAllStringSubmatch(css, -1)
	if len(pairs) < 10 {
		t.Fatalf("only %d contrast-pair lines in app.css", len(pairs))
	}
	lum := func(c [3]float64) float64 {
		f := func(v float64) float64 {
			v /= 255
			if v <= 0.03928 {
				return v / 12.92
			}
			return math.Pow((v+0.055)/1.055, 2.4)
		}
		return 0.2126*f(c[0]) + 0.7152*f(c[1]) + 0.0722*f(c[2])
	}
	for _, p := range pairs {
		fg, ok1 := vars[p[1]]
		bg, ok2 := vars[p[2]]
		if !ok1 || !ok2 {
			t.Errorf("contrast-pair %s on %s: colour not defined as #rrggbb in :root", p[1], p[2])
			continue
		}
		a, b := lum(fg), lum(bg)
		r := (math.Max(a, b) + 0.05) / (math.Min(a, b) + 0.05)
		need := 4.5
		if p[3] != "" {
			need = 3
		}
		t.Logf("%s on %s: %.2f:1 (need %.1f)", p[1], p[2], r, need)
		if r < need {
			t.Errorf("%s on %s: contrast %.2f:1, below %.1f:1", p[1], p[2], r, need)
		}
	}
}
