package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/ingest"
	"accord/internal/vessel"
)

// testReader reads the feeds of the store suite (SEMAR, GREEN without REL TO).
var testReader = access.User{ID: 1, Name: "reader", Agency: "SEMAR", State: "MEX", Roles: []access.Role{access.RoleAnalyst}}

// The vessel picture's leak matrix: every role × agency (two states) × feed marking (TLP level
// × REL TO variant, two originators) × read path (box list, single vessel, track, and the box
// list around each feed's report of a vessel all feeds see). Expectations come from
// leakOracle (sovereignty_leak_test.go), a statement of the rules over plain strings, not
// from package access or the SQL under test.
//
// Each feed i has its own vessel (three positions and a static report) and reports the shared
// vessel: its position at t0+10+i minutes (so the feed with the highest index is the newest)
// and its static data at t0+30-i minutes (so the lowest index is the newest static report).
// A reader must see the shared vessel at the position of the highest-indexed feed releasable
// to him, with the static data of the lowest-indexed one, and nowhere else.
func testVesselLeakMatrix(t *testing.T, cfg Config) {
	s := open(t, cfg)
	setIndexEvery(s, 50) // part of the tracks in track_segments, part in the tail (SQLite)
	ctx := context.Background()

	var users []access.User
	var lusers []leakUser
	ids := map[string]int64{}
	for _, a := range leakAgencies {
		for _, r := range access.Roles {
			name := a.code + "-" + string(r)
			u := access.User{ID: int64(len(users) + 1), Name: name, Agency: a.code, State: a.state, Roles: []access.Role{r}}
			users = append(users, u)
			lusers = append(lusers, leakUser{name: name, agency: a.code, state: a.state, role: string(r)})
			ids[name] = u.ID
		}
	}
	marks := append(leakMarks("SEMAR"), leakMarks("USCG")...)
	feedStats := func(i int, m leakMark) ingest.FeedStats {
		f := ingest.FeedStats{Name: fmt.Sprintf("feed-%02d", i), Kind: "file", Originator: m.orig, TLP: m.tlp, Lines: int64(i)}
		f.RelTo = append(f.RelTo, m.states...) // a bare three-letter code is a state
		for _, ag := range m.agencies {
			f.RelTo = append(f.RelTo, "agency:"+ag)
		}
		for _, n := range m.users {
			f.RelTo = append(f.RelTo, "user:"+strconv.FormatInt(ids[n], 10))
		}
		return f
	}
	const shared = uint32(300000001)
	own := func(i int) uint32 { return 200000000 + uint32(i) }
	ownLat := func(i int) float64 { return 10 + float64(i)*0.1 }
	sharedLat := func(i int) float64 { return 40 + float64(i)*0.5 }
	var all []ingest.FeedStats
	for i, m := range marks {
		f := feedStats(i, m)
		all = append(all, f)
		b := &ingest.Batch{Feeds: []ingest.FeedStats{f}}
		for k := range 3 {
			b.Positions = append(b.Positions, pos(own(i), t0.Add(time.Duration(k)*time.Minute), ownLat(i), 20+float64(k)*0.01, f.Name))
		}
		b.Positions = append(b.Positions, pos(shared, t0.Add(time.Duration(10+i)*time.Minute), sharedLat(i), -40, f.Name))
		b.Statics = append(b.Statics,
			vessel.Static{MMSI: own(i), Name: fmt.Sprintf("OWN %d", i), IMO: 9000000 + uint32(i), Time: t0, Source: f.Name, Length: math.NaN(), Beam: math.NaN(), Draught: math.NaN()},
			vessel.Static{MMSI: shared, Name: fmt.Sprintf("SHARED %d", i), Time: t0.Add(time.Duration(30-i) * time.Minute), Source: f.Name, Length: math.NaN(), Beam: math.NaN(), Draught: math.NaN()})
		write(t, s, b)
	}
	// The counters of every feed again, markings unchanged: the audience stays as written.
	write(t, s, &ingest.Batch{Feeds: all})

	cases := 0
	check := func(ok bool, format string, args ...any) {
		t.Helper()
		cases++
		if !ok {
			t.Errorf(format, args...)
		}
	}
	for ui, u := range users {
		lu := lusers[ui]
		newest, newestStatic := -1, -1
		for i, m := range marks {
			if leakOracle(lu, m) {
				newest = i
				if newestStatic < 0 {
					newestStatic = i
				}
			}
		}

		// Box list of the whole world.
		world, err := s.VesselsInBBox(ctx, u, -180, -90, 180, 90, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := map[uint32]vessel.Snapshot{}
		for _, v := range world {
			got[v.Position.MMSI] = v
		}
		for i, m := range marks {
			want := leakOracle(lu, m)
			v, have := got[own(i)]
			check(have == want, "%s, feed %d %+v: box list has own vessel %v, want %v", u.Name, i, m, have, want)
			if have && (v.Position.Source != all[i].Name || v.Position.Lat != ownLat(i) || v.Static.Name != fmt.Sprintf("OWN %d", i)) {
				t.Errorf("%s: own vessel %d: got %+v", u.Name, i, v)
			}
		}
		sv, have := got[shared]
		check(have == (newest >= 0), "%s: box list has the shared vessel %v, want %v", u.Name, have, newest >= 0)
		if have {
			check(sv.Position.Source == all[newest].Name && sv.Position.Lat == sharedLat(newest),
				"%s: shared vessel at %s %g, want the newest releasable feed %s %g", u.Name, sv.Position.Source, sv.Position.Lat, all[newest].Name, sharedLat(newest))
			check(sv.Static.Name == fmt.Sprintf("SHARED %d", newestStatic) && sv.Static.Source == all[newestStatic].Name,
				"%s: shared vessel's static data %q from %s, want %q", u.Name, sv.Static.Name, sv.Static.Source, fmt.Sprintf("SHARED %d", newestStatic))
		}
		if len(world) != len(got) {
			t.Errorf("%s: box list has %d rows for %d vessels", u.Name, len(world), len(got))
		}

		// Box list around each feed's report of the shared vessel: only the newest releasable.
		for i := range marks {
			box, err := s.VesselsInBBox(ctx, u, -40.1, sharedLat(i)-0.1, -39.9, sharedLat(i)+0.1, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := i == newest
			check(len(box) == map[bool]int{true: 1, false: 0}[want], "%s: box around feed %d's report has %d vessels, want it %v", u.Name, i, len(box), want)
		}

		// Single vessel.
		for i, m := range marks {
			want := leakOracle(lu, m)
			v, err := s.Vessel(ctx, u, own(i))
			switch {
			case want && err != nil:
				check(false, "%s, feed %d %+v: vessel: %v, want it", u.Name, i, m, err)
			case !want && !errors.Is(err, ErrNotFound):
				check(false, "%s, feed %d %+v: vessel: got %+v, %v, want not found", u.Name, i, m, v, err)
			default:
				check(!want || v.Static.IMO == 9000000+uint32(i), "%s: vessel %d: static %+v", u.Name, i, v.Static)
			}
		}
		v, err := s.Vessel(ctx, u, shared)
		if newest < 0 {
			check(errors.Is(err, ErrNotFound), "%s: shared vessel: got %+v, %v, want not found", u.Name, v, err)
		} else {
			check(err == nil && v.Position.Source == all[newest].Name && v.Static.Source == all[newestStatic].Name,
				"%s: shared vessel: got %s/%s, %v; want %s/%s", u.Name, v.Position.Source, v.Static.Source, err, all[newest].Name, all[newestStatic].Name)
		}

		// Tracks (also what the GeoJSON export serves).
		for i, m := range marks {
			want := 0
			if leakOracle(lu, m) {
				want = 3
			}
			tr, err := s.Track(ctx, u, own(i), time.Time{}, time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			check(len(tr) == want, "%s, feed %d %+v: track has %d positions, want %d", u.Name, i, m, len(tr), want)
		}
		tr, err := s.Track(ctx, u, shared, time.Time{}, time.Time{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var srcs []string
		for _, p := range tr {
			srcs = append(srcs, p.Source)
		}
		for i, m := range marks {
			want := leakOracle(lu, m)
			check(slices.Contains(srcs, all[i].Name) == want, "%s, feed %d %+v: shared track has the feed's position %v, want %v", u.Name, i, m, !want, want)
		}
	}

	// Re-marking a feed re-marks what it delivered: feed 0 (SEMAR, CLEAR) becomes AMBER+STRICT.
	dea := users[slices.IndexFunc(users, func(u access.User) bool { return u.Name == "DEA-analyst" })]
	if _, err := s.Vessel(ctx, dea, own(0)); err != nil {
		t.Fatalf("before re-marking: %v", err)
	}
	f := all[0]
	f.TLP = "AMBER+STRICT"
	write(t, s, &ingest.Batch{Feeds: []ingest.FeedStats{f}})
	_, err := s.Vessel(ctx, dea, own(0))
	check(errors.Is(err, ErrNotFound), "after re-marking feed 0 AMBER+STRICT: DEA reads its vessel (%v)", err)
	semar := users[slices.IndexFunc(users, func(u access.User) bool { return u.Name == "SEMAR-analyst" })]
	_, err = s.Vessel(ctx, semar, own(0))
	check(err == nil, "after re-marking feed 0: its originator SEMAR cannot read it: %v", err)

	if min := len(users) * len(marks) * 4; cases < min {
		t.Errorf("%d cases checked, want at least %d", cases, min)
	}
	t.Logf("vessel leak matrix: dialect=%s, %d users × %d feed markings, %d cases", s.Dialect(), len(users), len(marks), cases)
}

// testFeedMarkings checks the validation of a feed's markings and their round trip.
func testFeedMarkings(t *testing.T, cfg Config) {
	s := open(t, cfg)
	ctx := context.Background()
	for _, tc := range []struct {
		tlp   string
		relTo []string
		want  string // substring of the error; "" for none
	}{
		{"GREEN", []string{"MEX", "agency:DEA"}, ""},
		{"AMBER", []string{"state:USA"}, ""},
		{"RED", []string{"user:7"}, ""},
		{"CLEAR", []string{"MEX"}, "CLEAR is public"},
		{"AMBER+STRICT", []string{"DEA"}, "AMBER+STRICT stays"},
		{"RED", []string{"MEX"}, "RED goes to named recipients"},
		{"GREEN", []string{"user:7"}, "named recipients are for RED"},
		{"AMBER", []string{"state:mex"}, `REL TO entry "state:mex"`},
		{"AMBER", []string{"MEX", "state:MEX"}, "twice"},
	} {
		f := ingest.FeedStats{Name: "m-" + tc.tlp, Kind: "file", Originator: "SEMAR", TLP: tc.tlp, RelTo: tc.relTo}
		err := s.WriteBatch(ctx, &ingest.Batch{Feeds: []ingest.FeedStats{f}})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %v: %v", tc.tlp, tc.relTo, err)
		case tc.want != "" && (err == nil || !errors.Is(err, ingest.ErrRejected) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), f.Name)):
			t.Errorf("%s %v: got %v, want a rejection naming the feed and %q", tc.tlp, tc.relTo, err, tc.want)
		}
	}
	feeds, err := s.Feeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range feeds {
		got[f.Name] = f.RelTo
	}
	if !slices.Equal(got["m-GREEN"], []string{"state:MEX", "agency:DEA"}) || !slices.Equal(got["m-RED"], []string{"user:7"}) {
		t.Errorf("stored REL TO: %v", got)
	}
	// Two writers of one feed's markings: the audience follows the last batch, whatever each
	// writer wrote before.
	s2 := open(t, cfg)
	amber := ingest.FeedStats{Name: "shared", Kind: "file", Originator: "SEMAR", TLP: "AMBER"}
	green := amber
	green.TLP = "GREEN"
	dea := access.User{ID: 9, Agency: "DEA", State: "USA", Roles: []access.Role{access.RoleAnalyst}}
	const m = 345000077
	for i, step := range []struct {
		s    *Store
		f    ingest.FeedStats
		want bool
	}{{s, amber, false}, {s2, green, true}, {s, amber, false}, {s, amber, false}, {s2, green, true}} {
		b := &ingest.Batch{Feeds: []ingest.FeedStats{step.f}}
		if step.s == s { // positions through one writer: SQLite assigns their ids in the writing process
			b.Positions = []vessel.Position{pos(m, t0.Add(time.Duration(i)*time.Minute), 19, -96, "shared")}
		}
		write(t, step.s, b)
		_, err := s.Vessel(ctx, dea, m)
		if (err == nil) != step.want {
			t.Errorf("step %d (%s written by store %d): DEA reads the vessel: %v, want %v", i, step.f.TLP, map[bool]int{true: 1, false: 2}[step.s == s], err == nil, step.want)
		}
	}
}

// BenchmarkVesselPicture reads the picture of 20,000 vessels, each reported by two feeds (a
// GREEN one for everyone and a newer AMBER one released to the United States), on SQLite: the
// whole box for a Mexican reader (older feed) and a US reader (newer feed), and one vessel.
func BenchmarkVesselPicture(b *testing.B) {
	s := open(b, Config{DataDir: b.TempDir()})
	ctx := context.Background()
	green := ingest.FeedStats{Name: "green", Kind: "file", Originator: "SEMAR", TLP: "GREEN"}
	amber := ingest.FeedStats{Name: "amber", Kind: "file", Originator: "USCG", TLP: "AMBER", RelTo: []string{"USA"}}
	const n = 20000
	batch := &ingest.Batch{Feeds: []ingest.FeedStats{green, amber}}
	for i := range n {
		m := uint32(200000000 + i)
		lat, lon := -60+120*float64(i)/n, -170+340*float64(i%997)/997
		batch.Positions = append(batch.Positions, pos(m, t0, lat, lon, "green"), pos(m, t0.Add(time.Minute), lat+0.01, lon, "amber"))
		batch.Statics = append(batch.Statics, vessel.Static{MMSI: m, Name: "V", Time: t0, Source: "green", Length: math.NaN(), Beam: math.NaN(), Draught: math.NaN()})
	}
	if err := s.WriteBatch(ctx, batch); err != nil {
		b.Fatal(err)
	}
	mx := access.User{ID: 1, Agency: "SEMAR", State: "MEX", Roles: []access.Role{access.RoleAnalyst}}
	us := access.User{ID: 2, Agency: "DEA", State: "USA", Roles: []access.Role{access.RoleAnalyst}}
	for _, r := range []struct {
		name string
		u    access.User
	}{{"mex", mx}, {"usa", us}} {
		b.Run("box-world-"+r.name, func(b *testing.B) {
			for b.Loop() {
				v, err := s.VesselsInBBox(ctx, r.u, -180, -90, 180, 90, 0)
				if err != nil || len(v) != n {
					b.Fatalf("%d vessels, %v", len(v), err)
				}
			}
		})
		b.Run("vessel-"+r.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Vessel(ctx, r.u, 200000123); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// testLatestBackfill checks migration 0009: a store migrated to version 8 kept one latest row
// per vessel (the newest feed's); reapplying 0009 restores the other feeds' latest positions
// from positions, so that a reader of an older feed only finds the vessel again.
func testLatestBackfill(t *testing.T, cfg Config) {
	s := open(t, cfg)
	ctx := context.Background()
	a := ingest.FeedStats{Name: "a", Kind: "file", Originator: "SEMAR", TLP: "GREEN"}
	b := ingest.FeedStats{Name: "b", Kind: "file", Originator: "USCG", TLP: "AMBER"}
	const m = 366000042
	write(t, s, &ingest.Batch{Feeds: []ingest.FeedStats{a, b}, Positions: []vessel.Position{
		pos(m, t0, 20, -90, "a"), pos(m, t0.Add(time.Minute), 21, -91, "a"), pos(m, t0.Add(2*time.Minute), 22, -92, "b")}})
	dea := access.User{ID: 7, Agency: "DEA", State: "USA", Roles: []access.Role{access.RoleAnalyst}}
	// The state version 8 left: only the newest feed's latest row.
	for _, q := range []string{`DELETE FROM latest WHERE feed_id = (SELECT id FROM feeds WHERE name = 'a')`, `DELETE FROM schema_migrations WHERE version = 9`} {
		var err error
		switch be := s.b.(type) {
		case *sqliteStore:
			_, err = be.w.Exec(q)
		case *pgStore:
			_, err = be.pool.Exec(ctx, q)
		}
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.Vessel(ctx, dea, m); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before the backfill: got %v, want not found", err)
	}
	s.Close()
	s = open(t, cfg)
	v, err := s.Vessel(ctx, dea, m)
	if err != nil || v.Position.Source != "a" || v.Position.Lat != 21 {
		t.Errorf("after the backfill: got %+v, %v; want feed a's newest position (lat 21)", v.Position, err)
	}
	uscg := access.User{ID: 8, Agency: "USCG", State: "USA", Roles: []access.Role{access.RoleAnalyst}}
	if v, err := s.Vessel(ctx, uscg, m); err != nil || v.Position.Source != "b" {
		t.Errorf("USCG after the backfill: got %+v, %v; want feed b", v.Position, err)
	}
	if n := counts(t, s).Vessels; n != 1 {
		t.Errorf("%d vessels, want 1", n)
	}
}
