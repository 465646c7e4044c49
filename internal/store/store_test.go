package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"accord/internal/ingest"
	"accord/internal/vessel"
)

// TestSQLite runs the store suite against the embedded SQLite dialect.
func TestSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) Config { return Config{DataDir: t.TempDir()} })
	t.Logf("store suite: dialect=%s ran", DialectSQLite)
}

// TestPostgres runs the store suite against PostgreSQL: the server named by ACCORD_TEST_POSTGRES
// (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable), each subtest in a fresh
// schema that is dropped afterwards. Without a server it skips, unless CI=true.
func TestPostgres(t *testing.T) {
	dsn := os.Getenv("ACCORD_TEST_POSTGRES")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		msg := fmt.Sprintf("store suite: dialect=postgres NOT run: server %s unreachable: %v (set ACCORD_TEST_POSTGRES)", redact(dsn), err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	defer admin.Close(ctx)
	run := fmt.Sprintf("accord_test_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	var seq atomic.Int64
	runSuite(t, func(t *testing.T) Config {
		schema := fmt.Sprintf("%s_%d", run, seq.Add(1))
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return Config{DSN: u.String(), DataDir: t.TempDir()} // DataDir holds the ledger key
	})
	t.Logf("store suite: dialect=%s ran", DialectPostgres)
}

// runSuite is the one behaviour suite both dialects must pass. newConfig returns the
// configuration of a fresh, empty store; opening it twice opens the same store.
func runSuite(t *testing.T, newConfig func(t *testing.T) Config) {
	tests := []struct {
		name string
		fn   func(t *testing.T, cfg Config)
	}{
		{"MigrationsIdempotent", testMigrationsIdempotent},
		{"RoundTrip", testRoundTrip},
		{"NaNIsNull", testNaNIsNull},
		{"StaticMerge", testStaticMerge},
		{"BBox", testBBox},
		{"LatestMovesForward", testLatestMovesForward},
		{"Track", testTrack},
		{"FeedCounters", testFeedCounters},
		{"Validation", testValidation},
		{"Atomicity", testAtomicity},
		{"ConcurrentReaders", testConcurrentReaders},
		{"Durability", testDurability},
		{"EvidenceTamper", testEvidenceTamper},
		{"VesselLeakMatrix", testVesselLeakMatrix},
		{"FeedMarkings", testFeedMarkings},
		{"LatestBackfill", testLatestBackfill},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newConfig(t)) })
	}
}

func open(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// setHook installs a fault-injection hook called after each write step inside the transaction.
func setHook(s *Store, fn func(step string) error) {
	switch b := s.b.(type) {
	case *sqliteStore:
		b.hook = fn
	case *pgStore:
		b.hook = fn
	}
}

// setIndexEvery sets how many positions the SQLite dialect keeps outside track_segments, so
// that tests cross that boundary with few rows. It does nothing for PostgreSQL.
func setIndexEvery(s *Store, n int) {
	if b, ok := s.b.(*sqliteStore); ok {
		b.indexEvery = n
	}
}

// queryInt runs a dialect-specific query returning one integer.
func queryInt(t *testing.T, s *Store, sqliteQuery, pgQuery string) int64 {
	t.Helper()
	var n int64
	var err error
	switch b := s.b.(type) {
	case *sqliteStore:
		err = b.r.QueryRow(sqliteQuery).Scan(&n)
	case *pgStore:
		err = b.pool.QueryRow(context.Background(), pgQuery).Scan(&n)
	}
	if err != nil {
		t.Fatalf("query %q: %v", sqliteQuery, err)
	}
	return n
}

var t0 = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

func feed(name string, lines int64) ingest.FeedStats {
	return ingest.FeedStats{Name: name, Kind: "tcp-client", Originator: "SEMAR", TLP: "GREEN",
		Lines: lines, Sentences: lines - 1, Messages: lines - 2, BadChecksum: 1, Incomplete: 2, Unparseable: 3, Other: 4, Dropped: 5}
}

func pos(mmsi uint32, t time.Time, lat, lon float64, src string) vessel.Position {
	return vessel.Position{MMSI: mmsi, Time: t, Lat: lat, Lon: lon, SOG: 12.5, COG: 271.3, Heading: 270,
		NavStatus: 0, MsgType: 1, Source: src}
}

func write(t *testing.T, s *Store, b *ingest.Batch) {
	t.Helper()
	if err := s.WriteBatch(context.Background(), b); err != nil {
		t.Fatalf("WriteBatch: %v", err)
	}
}

func counts(t *testing.T, s *Store) Counts {
	t.Helper()
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	return c
}

// samePos compares positions treating NaN as equal to NaN.
func samePos(a, b vessel.Position) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return a.MMSI == b.MMSI && a.Time.Equal(b.Time) && a.Time.Location() == time.UTC && eq(a.Lat, b.Lat) && eq(a.Lon, b.Lon) &&
		eq(a.SOG, b.SOG) && eq(a.COG, b.COG) && eq(a.Heading, b.Heading) && a.NavStatus == b.NavStatus &&
		a.MsgType == b.MsgType && a.Source == b.Source
}

func sameStatic(a, b vessel.Static) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return a.MMSI == b.MMSI && a.IMO == b.IMO && a.Name == b.Name && a.CallSign == b.CallSign && a.ShipType == b.ShipType &&
		eq(a.Length, b.Length) && eq(a.Beam, b.Beam) && eq(a.Draught, b.Draught) && a.Destination == b.Destination &&
		a.Flag == b.Flag && a.ClassB == b.ClassB && a.Time.Equal(b.Time) && a.Source == b.Source
}

func testMigrationsIdempotent(t *testing.T, cfg Config) {
	steps, err := migrations(open(t, cfg).Dialect())
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, cfg) // second open on the same database: nothing to apply, no error
	got := queryInt(t, s, `SELECT count(*) FROM schema_migrations`, `SELECT count(*) FROM schema_migrations`)
	if got != int64(len(steps)) {
		t.Errorf("schema_migrations has %d rows, want %d", got, len(steps))
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func testRoundTrip(t *testing.T, cfg Config) {
	s := open(t, cfg)
	ctx := context.Background()
	ms123 := t0.Add(123 * time.Millisecond)
	b := &ingest.Batch{
		Feeds: []ingest.FeedStats{feed("tcp:a", 10), feed("file:b.txt", 20)},
		Positions: []vessel.Position{
			pos(366123456, ms123, 19.1, -96.1, "tcp:a"),
			pos(366123456, ms123.Add(time.Second), 19.2, -96.2, "tcp:a"),
			pos(345000001, t0, 22.5, -97.8, "file:b.txt"),
		},
		Statics: []vessel.Static{{MMSI: 366123456, IMO: 9321483, Name: "EVER GIVEN", CallSign: "H3RC", ShipType: 70,
			Length: 400, Beam: 59, Draught: 15.7, Destination: "VERACRUZ", Flag: "PAN", Time: t0, Source: "tcp:a"}},
		Raw: []vessel.RawSentence{
			{Source: "tcp:a", Received: ms123, Line: "!AIVDM,1,1,,A,15N9?cP01BGR1ttC>C03Tjon00S@,0*24"},
			{Source: "file:b.txt", Received: t0, Line: "!AIVDM,1,1,,B,13A><b0P010qaGPOo2Gcl?w208C?,0*04"},
			{Source: "tcp:a", Received: ms123.Add(time.Second), Line: "$GPGGA,garbage"},
		},
	}
	write(t, s, b)

	if got, want := counts(t, s), (Counts{Positions: 3, Vessels: 2, Statics: 1, RawSentences: 3, Feeds: 2}); got != want {
		t.Errorf("Counts: got %+v, want %+v", got, want)
	}
	snap, err := s.Vessel(ctx, testReader, 366123456)
	if err != nil {
		t.Fatalf("Vessel: %v", err)
	}
	if !samePos(snap.Position, b.Positions[1]) {
		t.Errorf("Vessel position: got %+v, want %+v", snap.Position, b.Positions[1])
	}
	if !sameStatic(snap.Static, b.Statics[0]) {
		t.Errorf("Vessel static: got %+v, want %+v", snap.Static, b.Statics[0])
	}
	snap, err = s.Vessel(ctx, testReader, 345000001)
	if err != nil {
		t.Fatalf("Vessel: %v", err)
	}
	if snap.Static.MMSI != 0 {
		t.Errorf("Vessel without static data: got Static.MMSI %d, want 0", snap.Static.MMSI)
	}
	if _, err := s.Vessel(ctx, testReader, 111111111); !errors.Is(err, ErrNotFound) {
		t.Errorf("Vessel(unknown): got %v, want ErrNotFound", err)
	}
	tr, err := s.Track(ctx, testReader, 366123456, t0, time.Time{}, 0)
	if err != nil {
		t.Fatalf("Track: %v", err)
	}
	if len(tr) != 2 || !samePos(tr[0], b.Positions[0]) || !samePos(tr[1], b.Positions[1]) {
		t.Errorf("Track: got %+v, want the two positions written", tr)
	}
	feeds, err := s.Feeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []ingest.FeedStats{b.Feeds[1], b.Feeds[0]}; !reflect.DeepEqual(feeds, want) {
		t.Errorf("Feeds: got %+v, want %+v", feeds, want)
	}
	raw, err := s.RawSentences(ctx, "tcp:a", time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatalf("RawSentences: %v", err)
	}
	if want := []vessel.RawSentence{b.Raw[0], b.Raw[2]}; !slices.EqualFunc(raw, want, func(a, b vessel.RawSentence) bool {
		return a.Source == b.Source && a.Line == b.Line && a.Received.Equal(b.Received)
	}) {
		t.Errorf("RawSentences: got %+v, want %+v", raw, want)
	}
	raw, err = s.RawSentences(ctx, "tcp:a", ms123.Add(time.Millisecond), time.Time{}, 0)
	if err != nil || len(raw) != 1 || raw[0].Line != b.Raw[2].Line {
		t.Errorf("RawSentences from a time: got %+v, %v; want only %q", raw, err, b.Raw[2].Line)
	}
}

func testNaNIsNull(t *testing.T, cfg Config) {
	s := open(t, cfg)
	p := vessel.Position{MMSI: 338000001, Time: t0, Lat: 25, Lon: -80, SOG: vessel.NA, COG: vessel.NA, Heading: vessel.NA,
		NavStatus: -1, MsgType: 18, Source: "udp:x"}
	st := vessel.Static{MMSI: 338000001, Name: "SEA RAY", Length: vessel.NA, Beam: vessel.NA, Draught: vessel.NA, ClassB: true,
		Time: t0, Source: "udp:x"}
	write(t, s, &ingest.Batch{Feeds: []ingest.FeedStats{feed("udp:x", 3)}, Positions: []vessel.Position{p}, Statics: []vessel.Static{st}})
	nulls := queryInt(t, s, `SELECT count(*) FROM positions WHERE sog IS NULL AND cog IS NULL AND heading IS NULL AND nav_status IS NULL`,
		`SELECT count(*) FROM positions WHERE sog IS NULL AND cog IS NULL AND heading IS NULL AND nav_status IS NULL`)
	if nulls != 1 {
		t.Errorf("positions with NULL sog, cog, heading, status: got %d, want 1", nulls)
	}
	snap, err := s.Vessel(context.Background(), testReader, p.MMSI)
	if err != nil {
		t.Fatal(err)
	}
	if !samePos(snap.Position, p) {
		t.Errorf("got %+v, want %+v", snap.Position, p)
	}
	if !sameStatic(snap.Static, st) {
		t.Errorf("got %+v, want %+v", snap.Static, st)
	}
}

func testStaticMerge(t *testing.T, cfg Config) {
	s := open(t, cfg)
	const m = 367000042
	f := []ingest.FeedStats{feed("tcp:a", 1)}
	partA := vessel.Static{MMSI: m, Name: "LUCKY STAR", Length: vessel.NA, Beam: vessel.NA, Draught: vessel.NA, ClassB: true,
		Time: t0, Source: "tcp:a"}
	partB := vessel.Static{MMSI: m, CallSign: "WDA1234", ShipType: 37, Length: 12, Beam: 4, Draught: vessel.NA, ClassB: true,
		Time: t0.Add(time.Minute), Source: "tcp:a"}
	// Both parts in one batch, then a later report that knows only the destination.
	write(t, s, &ingest.Batch{Feeds: f, Positions: []vessel.Position{pos(m, t0, 30, -88, "tcp:a")}, Statics: []vessel.Static{partA, partB}})
	later := vessel.Static{MMSI: m, Destination: "TAMPICO", Length: vessel.NA, Beam: vessel.NA, Draught: 2.1, ClassB: true,
		Time: t0.Add(time.Hour), Source: "tcp:a"}
	write(t, s, &ingest.Batch{Feeds: f, Statics: []vessel.Static{later}})
	want := vessel.Static{MMSI: m, Name: "LUCKY STAR", CallSign: "WDA1234", ShipType: 37, Length: 12, Beam: 4, Draught: 2.1,
		Destination: "TAMPICO", ClassB: true, Time: later.Time, Source: "tcp:a"}
	snap, err := s.Vessel(context.Background(), testReader, m)
	if err != nil {
		t.Fatal(err)
	}
	if !sameStatic(snap.Static, want) {
		t.Errorf("merged static: got %+v, want %+v", snap.Static, want)
	}
	// A name change replaces the name.
	rename := vessel.Static{MMSI: m, Name: "LUCKY STAR II", Length: vessel.NA, Beam: vessel.NA, Draught: vessel.NA, ClassB: true,
		Time: t0.Add(2 * time.Hour), Source: "tcp:a"}
	write(t, s, &ingest.Batch{Feeds: f, Statics: []vessel.Static{rename}})
	want.Name, want.Time = rename.Name, rename.Time
	if snap, _ = s.Vessel(context.Background(), testReader, m); !sameStatic(snap.Static, want) {
		t.Errorf("after rename: got %+v, want %+v", snap.Static, want)
	}
}

func testBBox(t *testing.T, cfg Config) {
	s := open(t, cfg)
	ps := []vessel.Position{
		pos(100000001, t0, 10, 179.5, "f"), pos(100000002, t0, -10, -179.5, "f"), pos(100000003, t0, 0, 0, "f"),
		pos(100000004, t0, 45, 10, "f"), pos(100000005, t0, 5, -180, "f"), pos(100000006, t0, 5, 180, "f"),
	}
	write(t, s, &ingest.Batch{Feeds: []ingest.FeedStats{feed("f", 1)}, Positions: ps})
	tests := []struct {
		name                           string
		minLon, minLat, maxLon, maxLat float64
		limit                          int
		want                           []uint32
	}{
		{"world", -180, -90, 180, 90, 0, []uint32{100000001, 100000002, 100000003, 100000004, 100000005, 100000006}},
		{"europe", -10, 30, 30, 60, 0, []uint32{100000004}},
		{"bounds inclusive", 0, 0, 10, 45, 0, []uint32{100000003, 100000004}},
		{"antimeridian", 170, -20, -170, 20, 0, []uint32{100000001, 100000002, 100000005, 100000006}},
		{"antimeridian north only", 170, 0, -170, 20, 0, []uint32{100000001, 100000005, 100000006}},
		{"limit", -180, -90, 180, 90, 2, []uint32{100000001, 100000002}},
		{"empty", 50, 50, 60, 60, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.VesselsInBBox(context.Background(), testReader, tc.minLon, tc.minLat, tc.maxLon, tc.maxLat, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint32
			for _, v := range got {
				ids = append(ids, v.Position.MMSI)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("got %v, want %v", ids, tc.want)
			}
		})
	}
	if _, err := s.VesselsInBBox(context.Background(), testReader, 0, 10, 1, 5, 0); err == nil {
		t.Error("minLat > maxLat: got no error")
	}
}

func testLatestMovesForward(t *testing.T, cfg Config) {
	s := open(t, cfg)
	const m = 244000001
	f := []ingest.FeedStats{feed("f", 1)}
	newest := pos(m, t0.Add(time.Minute), 1, 1, "f")
	// In one batch: the newest is not last; two positions share the newest time (the later one wins).
	write(t, s, &ingest.Batch{Feeds: f, Positions: []vessel.Position{pos(m, t0, 0, 0, "f"), pos(m, t0.Add(time.Minute), 9, 9, "f"),
		newest, pos(m, t0.Add(30*time.Second), 2, 2, "f")}})
	// A later batch carrying an older position must not move the vessel back.
	write(t, s, &ingest.Batch{Feeds: f, Positions: []vessel.Position{pos(m, t0.Add(-time.Hour), 3, 3, "f")}})
	snap, err := s.Vessel(context.Background(), testReader, m)
	if err != nil {
		t.Fatal(err)
	}
	if !samePos(snap.Position, newest) {
		t.Errorf("latest: got %+v, want %+v", snap.Position, newest)
	}
	if c := counts(t, s); c.Positions != 5 || c.Vessels != 1 {
		t.Errorf("counts: got %+v, want 5 positions of 1 vessel", c)
	}
}

func testTrack(t *testing.T, cfg Config) {
	s := open(t, cfg)
	// With SQLite, the first two batches end up in track_segments and the last one in the tail.
	setIndexEvery(s, 8)
	const m = 538000001
	f := []ingest.FeedStats{feed("f", 1)}
	// Written out of order across batches, interleaved with another vessel.
	var all []vessel.Position
	for _, order := range [][]int{{5, 1, 3}, {0, 4, 2, 6}, {8, 7}} {
		var ps []vessel.Position
		for _, i := range order {
			p := pos(m, t0.Add(time.Duration(i)*time.Minute), float64(i), float64(i), "f")
			ps = append(ps, p, pos(m+1, p.Time, 0, 0, "f"))
			all = append(all, p)
		}
		write(t, s, &ingest.Batch{Feeds: f, Positions: ps})
	}
	slices.SortFunc(all, func(a, b vessel.Position) int { return a.Time.Compare(b.Time) })
	tests := []struct {
		name     string
		from, to time.Time
		limit    int
		want     []vessel.Position
	}{
		{"all", time.Time{}, time.Time{}, 0, all},
		{"from inclusive, to exclusive", t0.Add(2 * time.Minute), t0.Add(5 * time.Minute), 0, all[2:5]},
		{"across index and tail", t0.Add(6 * time.Minute), t0.Add(8 * time.Minute), 0, all[6:8]},
		{"limit keeps the oldest", t0.Add(time.Minute), time.Time{}, 3, all[1:4]},
		{"empty range", t0.Add(time.Hour), t0.Add(2 * time.Hour), 0, nil},
	}
	check := func(t *testing.T, s *Store) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Track(context.Background(), testReader, m, tc.from, tc.to, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.EqualFunc(got, tc.want, samePos) {
					t.Errorf("got %d positions %v, want %d %v", len(got), times(got), len(tc.want), times(tc.want))
				}
			})
		}
	}
	check(t, s)
	// After a reopen (which rebuilds the SQLite tail) and one more batch that indexes it.
	s.Close()
	s = open(t, cfg)
	setIndexEvery(s, 8)
	write(t, s, &ingest.Batch{Feeds: f, Positions: []vessel.Position{pos(m+1, t0, 0, 0, "f"), pos(m+1, t0, 0, 0, "f"),
		pos(m+1, t0, 0, 0, "f"), pos(m+1, t0, 0, 0, "f")}})
	t.Run("reopened", func(t *testing.T) { check(t, s) })
	if b, ok := s.b.(*sqliteStore); ok {
		n := queryInt(t, s, `SELECT count(*) FROM track_segments WHERE mmsi = 538000001`, "")
		if n != 2 || b.tailLen != 0 {
			t.Errorf("SQLite track index: got %d segments of vessel and %d tail positions, want 2 and 0", n, b.tailLen)
		}
	}
}

func times(ps []vessel.Position) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Time.Format("15:04:05"))
	}
	return out
}

func testFeedCounters(t *testing.T, cfg Config) {
	s := open(t, cfg)
	ctx := context.Background()
	write(t, s, &ingest.Batch{Feeds: []ingest.FeedStats{feed("a", 10), feed("b", 7)}})
	upd := feed("a", 25)
	upd.TLP, upd.Originator, upd.Dropped = "AMBER", "USCG", 99
	// The same feed twice in one batch: the last entry wins.
	write(t, s, &ingest.Batch{Feeds: []ingest.FeedStats{feed("a", 12), upd}})
	got, err := s.Feeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []ingest.FeedStats{upd, feed("b", 7)}; !reflect.DeepEqual(got, want) {
		t.Errorf("Feeds: got %+v, want %+v", got, want)
	}
	// A batch may reference a stored feed without repeating its stats.
	write(t, s, &ingest.Batch{Positions: []vessel.Position{pos(200000001, t0, 1, 1, "b")}})
	if c := counts(t, s); c.Feeds != 2 || c.Positions != 1 {
		t.Errorf("counts: got %+v, want 2 feeds and 1 position", c)
	}
}

func testValidation(t *testing.T, cfg Config) {
	s := open(t, cfg)
	f := []ingest.FeedStats{feed("f", 1)}
	noOrig := feed("g", 1)
	noOrig.Originator = ""
	badTLP := feed("g", 1)
	badTLP.TLP = "WHITE"
	tests := []struct {
		name string
		b    *ingest.Batch
		want string
	}{
		{"no originator", &ingest.Batch{Feeds: []ingest.FeedStats{noOrig}}, "originator"},
		{"bad TLP", &ingest.Batch{Feeds: []ingest.FeedStats{badTLP}}, `TLP "WHITE"`},
		{"latitude", &ingest.Batch{Feeds: f, Positions: []vessel.Position{pos(1, t0, 1, 1, "f"), pos(2, t0, 91, 1, "f")}}, "position 1 (MMSI 000000002"},
		{"NaN longitude", &ingest.Batch{Feeds: f, Positions: []vessel.Position{pos(2, t0, 1, math.NaN(), "f")}}, "longitude NaN"},
		{"unknown feed", &ingest.Batch{Feeds: f, Positions: []vessel.Position{pos(2, t0, 1, 1, "nowhere")}}, `feed "nowhere" is not stored`},
		{"raw without feed", &ingest.Batch{Raw: []vessel.RawSentence{{Received: t0, Line: "x"}}}, "raw sentence 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.WriteBatch(context.Background(), tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if c := counts(t, s); c != (Counts{}) {
		t.Errorf("after rejected batches: got %+v, want nothing stored", c)
	}
}

// bigBatch returns a batch of n positions (and n raw sentences) of vessels first..first+vessels-1,
// timed from start at 1 ms steps.
func bigBatch(feedName string, lines int64, n, vessels int, first uint32, start time.Time, r *rand.Rand) *ingest.Batch {
	b := &ingest.Batch{Feeds: []ingest.FeedStats{feed(feedName, lines)},
		Positions: make([]vessel.Position, n), Raw: make([]vessel.RawSentence, n)}
	const sixbit = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"
	var payload [28]byte
	for i := range n {
		tm := start.Add(time.Duration(i) * time.Millisecond)
		m := first + uint32(r.IntN(vessels))
		b.Positions[i] = vessel.Position{MMSI: m, Time: tm, Lat: -60 + 120*r.Float64(), Lon: -180 + 360*r.Float64(),
			SOG: float64(r.IntN(300)) / 10, COG: float64(r.IntN(3600)) / 10, Heading: float64(r.IntN(360)),
			NavStatus: r.IntN(16), MsgType: 1 + r.IntN(3), Source: feedName}
		if i%5 == 0 {
			b.Positions[i].Heading = vessel.NA
		}
		for k := range payload {
			payload[k] = sixbit[r.IntN(len(sixbit))]
		}
		b.Raw[i] = vessel.RawSentence{Source: feedName, Received: tm, Line: "!AIVDM,1,1,,A," + string(payload[:]) + ",0*24"}
	}
	return b
}

func testAtomicity(t *testing.T, cfg Config) {
	s := open(t, cfg)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	first := bigBatch("f", 100, 1000, 50, 300000000, t0, r)
	write(t, s, first)
	before := counts(t, s)
	feedsBefore, _ := s.Feeds(ctx)
	snapBefore, err := s.Vessel(ctx, testReader, first.Positions[0].MMSI)
	if err != nil {
		t.Fatal(err)
	}
	injected := errors.New("injected fault")
	for _, step := range []string{"feeds", "evidence", "positions", "latest", "vessels"} {
		for _, how := range []string{"error", "cancel"} {
			t.Run(step+"/"+how, func(t *testing.T) {
				b := bigBatch("f", 200, 1000, 50, 300000000, t0.Add(time.Hour), r)
				b.Statics = []vessel.Static{{MMSI: 300000000, Name: "NEW", Length: vessel.NA, Beam: vessel.NA, Draught: vessel.NA,
					Time: t0.Add(time.Hour), Source: "f"}}
				cctx, cancel := context.WithCancel(ctx)
				defer cancel()
				setHook(s, func(got string) error {
					if got != step {
						return nil
					}
					if how == "cancel" {
						cancel()
						return cctx.Err()
					}
					return injected
				})
				defer setHook(s, nil)
				err := s.WriteBatch(cctx, b)
				if err == nil {
					t.Fatal("WriteBatch: got no error, want the injected fault")
				}
				if how == "error" && !errors.Is(err, injected) {
					t.Errorf("got %v, want the injected fault", err)
				}
				if how == "cancel" && !errors.Is(err, context.Canceled) {
					t.Errorf("got %v, want context.Canceled", err)
				}
				setHook(s, nil)
				if got := counts(t, s); got != before {
					t.Errorf("counts after failed batch: got %+v, want %+v", got, before)
				}
				if got, _ := s.Feeds(ctx); !reflect.DeepEqual(got, feedsBefore) {
					t.Errorf("feeds after failed batch: got %+v, want %+v", got, feedsBefore)
				}
				if got, _ := s.Vessel(ctx, testReader, snapBefore.Position.MMSI); !samePos(got.Position, snapBefore.Position) || got.Static.MMSI != 0 {
					t.Errorf("vessel after failed batch: got %+v, want %+v", got, snapBefore)
				}
			})
		}
	}
	// The store still works after the failures.
	write(t, s, bigBatch("f", 300, 10, 5, 300000000, t0.Add(2*time.Hour), r))
	if got := counts(t, s); got.Positions != before.Positions+10 {
		t.Errorf("after recovery: got %d positions, want %d", got.Positions, before.Positions+10)
	}
}

func testConcurrentReaders(t *testing.T, cfg Config) {
	s := open(t, cfg)
	ctx := context.Background()
	const batches, size = 20, 500
	r := rand.New(rand.NewPCG(3, 4))
	bs := make([]*ingest.Batch, batches)
	for i := range bs {
		bs[i] = bigBatch("f", int64(i+1), size, 100, 400000000, t0.Add(time.Duration(i)*time.Minute), r)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var reads atomic.Int64
	errs := make(chan error, 16)
	for k := range 3 {
		wg.Go(func() {
			var last int64
			for {
				select {
				case <-done:
					return
				default:
				}
				var err error
				switch k {
				case 0:
					var c Counts
					if c, err = s.Counts(ctx); err == nil {
						// A reader sees whole batches only, and never goes back.
						if c.Positions%size != 0 || c.RawSentences != c.Positions || c.Positions < last {
							err = fmt.Errorf("reader saw a partial or older state: %+v after %d positions", c, last)
						}
						last = c.Positions
					}
				case 1:
					_, err = s.VesselsInBBox(ctx, testReader, -180, -90, 180, 90, 50)
				case 2:
					_, err = s.Track(ctx, testReader, 400000001, time.Time{}, time.Time{}, 100)
				}
				if err != nil {
					errs <- err
					return
				}
				reads.Add(1)
			}
		})
	}
	for _, b := range bs {
		if err := s.WriteBatch(ctx, b); err != nil {
			t.Errorf("WriteBatch: %v", err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("reader: %v", err)
	}
	if got := counts(t, s).Positions; got != batches*size {
		t.Errorf("positions: got %d, want %d", got, batches*size)
	}
	if reads.Load() == 0 {
		t.Error("readers completed no read during the writes")
	}
}

func testDurability(t *testing.T, cfg Config) {
	ctx := context.Background()
	s, err := Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := bigBatch("f", 42, 300, 20, 500000000, t0, rand.New(rand.NewPCG(5, 6)))
	if err := s.WriteBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	want := counts(t, s)
	wantFeeds, _ := s.Feeds(ctx)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = open(t, cfg)
	if got := counts(t, s); got != want {
		t.Errorf("after reopen: got %+v, want %+v", got, want)
	}
	if got, _ := s.Feeds(ctx); !reflect.DeepEqual(got, wantFeeds) {
		t.Errorf("feeds after reopen: got %+v, want %+v", got, wantFeeds)
	}
	// The reopened store resolves the stored feed without its stats in the batch.
	write(t, s, &ingest.Batch{Positions: []vessel.Position{pos(500000001, t0.Add(time.Hour), 1, 1, "f")}})
}

func testEvidenceTamper(t *testing.T, cfg Config) {
	s := open(t, cfg)
	write(t, s, bigBatch("f", 1, 50, 5, 600000000, t0, rand.New(rand.NewPCG(7, 8))))
	if _, err := s.RawSentences(context.Background(), "f", time.Time{}, time.Time{}, 0); err != nil {
		t.Fatalf("RawSentences before tampering: %v", err)
	}
	// Replace one sentence inside the compressed block, keeping the stored hash.
	b := bigBatch("f", 1, 50, 5, 600000000, t0, rand.New(rand.NewPCG(7, 8)))
	b.Raw[7].Line = "!AIVDM,1,1,,A,FORGED,0*00"
	ev, err := packEvidence(b.Raw)
	if err != nil {
		t.Fatal(err)
	}
	switch bk := s.b.(type) {
	case *sqliteStore:
		_, err = bk.w.Exec(`UPDATE evidence SET payload = ?`, ev[0].payload)
	case *pgStore:
		_, err = bk.pool.Exec(context.Background(), `UPDATE evidence SET payload = $1`, ev[0].payload)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RawSentences(context.Background(), "f", time.Time{}, time.Time{}, 0); err == nil || !strings.Contains(err.Error(), "altered") {
		t.Errorf("RawSentences after tampering: got %v, want an error saying the block was altered", err)
	}
}

// BenchmarkWriteBatch measures WriteBatch on the embedded SQLite store: batches of 5,000
// positions with 5,000 raw sentences from one feed, over a number of distinct vessels.
// It reports positions written per second (rows/s).
func BenchmarkWriteBatch(b *testing.B) {
	for _, vessels := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("vessels=%d", vessels), func(b *testing.B) {
			s := open(b, Config{DataDir: b.TempDir()})
			r := rand.New(rand.NewPCG(9, 10))
			const size = 5000
			batches := make([]*ingest.Batch, 16)
			for i := range batches {
				batches[i] = bigBatch("f", 1, size, vessels, 200000000, t0.Add(time.Duration(i)*5*time.Second), r)
			}
			ctx := context.Background()
			rows := 0
			start := time.Now()
			for i := 0; b.Loop(); i++ {
				if err := s.WriteBatch(ctx, batches[i%len(batches)]); err != nil {
					b.Fatal(err)
				}
				rows += size
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
		})
	}
}
