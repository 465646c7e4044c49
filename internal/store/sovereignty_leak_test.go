package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// The leak matrix: every role × agency (two states) × TLP level × releasability variant ×
// read path. The expectation comes from leakOracle, a separate statement of the rules written
// over plain strings, not from package access or the SQL under test.

// leakMark is a marking as the oracle sees it.
type leakMark struct {
	orig     string   // originating agency
	tlp      string   // CLEAR, GREEN, AMBER, AMBER+STRICT, RED
	states   []string // REL TO states
	agencies []string // REL TO agencies
	users    []string // RED recipients, by user name
}

// leakUser is a user as the oracle sees it.
type leakUser struct {
	name, agency, state, role string
}

// leakOracle says whether u may receive a record marked m. Written from DESIGN.md §2 and the
// issue's rules: monitors see no record; the originating agency always; CLEAR everyone; GREEN
// the community, narrowed by REL TO when given; AMBER only REL TO audiences; AMBER+STRICT only
// the originating agency; RED only named recipients.
func leakOracle(u leakUser, m leakMark) bool {
	if u.role == "monitor" {
		return false
	}
	if u.agency == m.orig {
		return true
	}
	inStates := slices.Contains(m.states, u.state)
	inAgencies := slices.Contains(m.agencies, u.agency)
	switch m.tlp {
	case "CLEAR":
		return true
	case "GREEN":
		return len(m.states) == 0 && len(m.agencies) == 0 || inStates || inAgencies
	case "AMBER":
		return inStates || inAgencies
	case "RED":
		return slices.Contains(m.users, u.name)
	}
	return false
}

var leakAgencies = []struct{ code, state string }{{"SEMAR", "MEX"}, {"FGR", "MEX"}, {"USCG", "USA"}, {"DEA", "USA"}}

// leakMarks returns the releasability variants for one originator.
func leakMarks(orig string) []leakMark {
	return []leakMark{
		{orig: orig, tlp: "CLEAR"},
		{orig: orig, tlp: "GREEN"},
		{orig: orig, tlp: "GREEN", states: []string{"MEX"}},
		{orig: orig, tlp: "GREEN", states: []string{"USA"}},
		{orig: orig, tlp: "GREEN", agencies: []string{"DEA"}},
		{orig: orig, tlp: "GREEN", agencies: []string{"FGR", "USCG"}},
		{orig: orig, tlp: "AMBER"},
		{orig: orig, tlp: "AMBER", states: []string{"MEX"}},
		{orig: orig, tlp: "AMBER", states: []string{"USA"}},
		{orig: orig, tlp: "AMBER", agencies: []string{"DEA"}},
		{orig: orig, tlp: "AMBER", states: []string{"USA"}, agencies: []string{"FGR"}},
		{orig: orig, tlp: "AMBER+STRICT"},
		{orig: orig, tlp: "RED"},
		{orig: orig, tlp: "RED", users: []string{"DEA-analyst"}},
		{orig: orig, tlp: "RED", users: []string{"FGR-legal", "USCG-watch_officer", "SEMAR-monitor"}},
	}
}

// addLeakUsers adds one user per leak agency and role, and returns them by name and as
// leakUsers in agency, then role order.
func addLeakUsers(t *testing.T, sv *Sovereignty) (map[string]access.User, []leakUser) {
	t.Helper()
	users := map[string]access.User{}
	var lusers []leakUser
	for _, a := range leakAgencies {
		for _, r := range access.Roles {
			name := a.code + "-" + string(r)
			u, err := sv.AddUser(context.Background(), System, NewUser{Name: name, Agency: a.code, Roles: []access.Role{r}, Password: "matrix password 1"})
			if err != nil {
				t.Fatal(err)
			}
			users[name] = u
			lusers = append(lusers, leakUser{name: name, agency: a.code, state: a.state, role: string(r)})
		}
	}
	return users, lusers
}

// markings converts m to access markings, naming its users by their ids in users.
func (m leakMark) markings(users map[string]access.User) access.Markings {
	am := access.Markings{Originator: m.orig, TLP: access.TLP(m.tlp)}
	for _, st := range m.states {
		am.RelTo = append(am.RelTo, access.Target{Type: access.TargetState, Value: st})
	}
	for _, ag := range m.agencies {
		am.RelTo = append(am.RelTo, access.Target{Type: access.TargetAgency, Value: ag})
	}
	for _, n := range m.users {
		am.RelTo = append(am.RelTo, access.Target{Type: access.TargetUser, Value: strconv.FormatInt(users[n].ID, 10)})
	}
	return am
}

// leakCounter counts the (user, record, path) decisions checked.
type leakCounter map[string]int

func TestLeakMatrix(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sv := s.Sovereignty()
		mustSeed(t, sv)
		users, lusers := addLeakUsers(t, sv)
		toMarkings := func(m leakMark) access.Markings { return m.markings(users) }
		marks := append(leakMarks("SEMAR"), leakMarks("USCG")...)
		n := len(marks)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		entityMark := map[int64]leakMark{}
		reportMark := map[int64]leakMark{}
		linkMark := map[int64]leakMark{}
		linkEnds := map[int64][2]int64{}
		supporter := map[int64]int64{} // entity → the report supporting it
		entIDs := make([]int64, n)
		for i, m := range marks {
			id, err := sv.CreateEntity(ctx, System, intel.Entity{Kind: intel.Person, Name: fmt.Sprintf("Person %d", i), Markings: toMarkings(m)})
			if err != nil {
				t.Fatalf("entity %d %+v: %v", i, m, err)
			}
			entIDs[i], entityMark[id] = id, m
		}
		for i, m := range marks {
			// Each report supports its own entity and mentions another with other markings,
			// so that a mention could leak an entity.
			other := entIDs[(i+7)%n]
			id, err := sv.CreateReport(ctx, System, intel.Report{Markings: toMarkings(m), Discipline: intel.Disciplines[i%len(intel.Disciplines)],
				Grade: access.Grade{Reliability: 'B', Credibility: 2}, Source: fmt.Sprintf("src-%d", i), Observed: now.Add(-time.Duration(i) * time.Minute),
				Location: &intel.Point{Lat: 22 + float64(i)*0.001, Lon: -97}, Place: "Golfo", Title: fmt.Sprintf("Report %d matrixword", i),
				Entities: []intel.Mention{{EntityID: entIDs[i], Stance: intel.Supports}, {EntityID: other, Stance: intel.Mentions}}}, nil)
			if err != nil {
				t.Fatalf("report %d: %v", i, err)
			}
			reportMark[id], supporter[entIDs[i]] = m, id
			lid, err := sv.CreateLink(ctx, System, intel.Link{Source: entIDs[i], Target: entIDs[(i+1)%n], Kind: "associated-with", ValidFrom: now.AddDate(-1, 0, 0), Markings: toMarkings(m)})
			if err != nil {
				t.Fatalf("link %d: %v", i, err)
			}
			linkMark[lid], linkEnds[lid] = m, [2]int64{entIDs[i], entIDs[(i+1)%n]}
		}
		cnt := leakCounter{}
		for _, lu := range lusers {
			u := users[lu.name]
			wantReport := func(id int64) bool { return leakOracle(lu, reportMark[id]) }
			wantEntity := func(id int64) bool { return leakOracle(lu, entityMark[id]) }
			wantLink := func(id int64) bool {
				e := linkEnds[id]
				return leakOracle(lu, linkMark[id]) && wantEntity(e[0]) && wantEntity(e[1])
			}
			checkReports := func(path string, got []intel.Report, universe map[int64]leakMark) {
				t.Helper()
				seen := map[int64]bool{}
				for _, r := range got {
					seen[r.ID] = true
					if !wantReport(r.ID) {
						t.Errorf("LEAK %s: user %s received report %d marked %+v", path, lu.name, r.ID, reportMark[r.ID])
					}
					for _, m := range r.Entities {
						cnt["mention"]++
						if !wantEntity(m.EntityID) {
							t.Errorf("LEAK %s: user %s saw entity %d (marked %+v) through report %d", path, lu.name, m.EntityID, entityMark[m.EntityID], r.ID)
						}
					}
				}
				for id := range universe {
					cnt[path]++
					if wantReport(id) && !seen[id] {
						t.Errorf("%s: user %s did not receive report %d marked %+v", path, lu.name, id, reportMark[id])
					}
				}
			}
			all, err := sv.Reports(ctx, u, intel.ReportFilter{Limit: -1}, "list")
			if err != nil {
				t.Fatal(err)
			}
			checkReports("list", all, reportMark)
			found, err := sv.Reports(ctx, u, intel.ReportFilter{Text: "MATRIXWORD", Limit: -1}, "search")
			if err != nil {
				t.Fatal(err)
			}
			checkReports("search", found, reportMark)
			onMap, err := sv.Reports(ctx, u, intel.ReportFilter{BBox: &intel.BBox{MinLon: -98, MinLat: 21, MaxLon: -96, MaxLat: 23}, Limit: -1}, "map")
			if err != nil {
				t.Fatal(err)
			}
			checkReports("map", onMap, reportMark)
			// Filtering by an entity must not reveal which reports name an entity the user may
			// not read.
			for _, eid := range entIDs {
				byEnt, err := sv.Reports(ctx, u, intel.ReportFilter{EntityID: eid, Limit: -1}, "list")
				if err != nil {
					t.Fatal(err)
				}
				cnt["entity-filter"]++
				if len(byEnt) > 0 && !wantEntity(eid) {
					t.Errorf("LEAK entity filter: user %s learnt that reports %d... name entity %d marked %+v", lu.name, byEnt[0].ID, eid, entityMark[eid])
				}
				for _, r := range byEnt {
					if !wantReport(r.ID) {
						t.Errorf("LEAK entity filter: user %s received report %d", lu.name, r.ID)
					}
				}
			}
			x, err := sv.Export(ctx, u, intel.ReportFilter{})
			if err != nil {
				t.Fatal(err)
			}
			checkReports("export", x.Reports, reportMark)
			for id := range reportMark {
				cnt["get"]++
				r, err := sv.Report(ctx, u, id, "get")
				switch {
				case err == nil && !wantReport(id):
					t.Errorf("LEAK get: user %s read report %d marked %+v", lu.name, id, reportMark[id])
				case err == nil:
					checkReports("get-mentions", []intel.Report{r}, nil)
				case !errors.Is(err, ErrNotFound):
					t.Fatal(err)
				case wantReport(id):
					t.Errorf("get: user %s denied report %d marked %+v", lu.name, id, reportMark[id])
				}
			}
			checkEntities := func(path string, got []intel.Entity) {
				seen := map[int64]bool{}
				for _, e := range got {
					seen[e.ID] = true
					if !wantEntity(e.ID) {
						t.Errorf("LEAK %s: user %s received entity %d marked %+v", path, lu.name, e.ID, entityMark[e.ID])
					}
				}
				for id := range entityMark {
					cnt[path]++
					if wantEntity(id) && !seen[id] {
						t.Errorf("%s: user %s did not receive entity %d", path, lu.name, id)
					}
				}
			}
			es, err := sv.Entities(ctx, u, intel.EntityFilter{Limit: -1}, "list")
			if err != nil {
				t.Fatal(err)
			}
			checkEntities("entity-list", es)
			es, err = sv.Entities(ctx, u, intel.EntityFilter{Text: "person", Limit: -1}, "search")
			if err != nil {
				t.Fatal(err)
			}
			checkEntities("entity-search", es)
			checkEntities("entity-export", x.Entities)
			checkLinks := func(path string, got []intel.Link) {
				seen := map[int64]bool{}
				for _, l := range got {
					seen[l.ID] = true
					if !wantLink(l.ID) {
						t.Errorf("LEAK %s: user %s received link %d marked %+v", path, lu.name, l.ID, linkMark[l.ID])
					}
				}
				for id := range linkMark {
					cnt[path]++
					if wantLink(id) && !seen[id] {
						t.Errorf("%s: user %s did not receive link %d", path, lu.name, id)
					}
				}
			}
			ls, err := sv.Links(ctx, u, intel.LinkFilter{Limit: -1}, "list")
			if err != nil {
				t.Fatal(err)
			}
			checkLinks("link-list", ls)
			checkLinks("link-export", x.Links)
			for _, id := range entIDs {
				cnt["corroboration"]++
				sc, err := sv.Corroboration(ctx, u, intel.Claim{EntityID: id, Center: &intel.Point{Lat: 22, Lon: -97}, RadiusNM: 30}, intel.Params{Now: now})
				if err != nil {
					if !errors.Is(err, ErrNotFound) {
						t.Fatal(err)
					}
					if wantEntity(id) {
						t.Errorf("corroboration: user %s denied entity %d", lu.name, id)
					}
					continue
				}
				if !wantEntity(id) {
					t.Errorf("LEAK corroboration: user %s scored entity %d marked %+v", lu.name, id, entityMark[id])
				}
				var used []int64
				for _, g := range sc.Groups {
					for _, rid := range g.Reports {
						used = append(used, rid)
						if !wantReport(rid) {
							t.Errorf("LEAK corroboration: user %s's score for entity %d used report %d marked %+v", lu.name, id, rid, reportMark[rid])
						}
					}
				}
				if sup := supporter[id]; wantReport(sup) != slices.Contains(used, sup) || len(used) > 1 {
					t.Errorf("corroboration: user %s, entity %d: used reports %v, supporting report %d readable %v", lu.name, id, used, sup, wantReport(sup))
				}
			}
			// Aggregates: a monitor's counts never exceed what its agency could read.
			agg, err := sv.Aggregates(ctx, u, now.AddDate(0, 0, -1), now.AddDate(0, 0, 1))
			if err != nil {
				t.Fatal(err)
			}
			var total int64
			for _, a := range agg {
				total += a.Count
			}
			asReader := lu
			asReader.role = "analyst"
			asReader.name = "" // no RED recipient
			var limit int64
			for id := range reportMark {
				cnt["aggregate"]++
				if leakOracle(asReader, reportMark[id]) {
					limit++
				}
			}
			if total != limit {
				t.Errorf("aggregates: user %s counted %d reports, its agency may read %d", lu.name, total, limit)
			}
		}
		sum := 0
		for _, c := range cnt {
			sum += c
		}
		t.Logf("leak matrix (%s): %d users (%d roles × %d agencies) × %d marking variants; %d checks: %v",
			s.Dialect(), len(lusers), len(access.Roles), len(leakAgencies), n, sum, map[string]int(cnt))
	})
}

// TestLeakStixID checks that creating a record with a given STIX id answers the same whatever
// the records hidden from the writer: a STIX id is unique within its originator's records
// only, so a writer conflicts with its own agency's records (all readable by it) and never
// with another agency's. For every report, entity and link of the matrix's markings (two
// originators), each writer (analyst and watch officer of four agencies) creates a record of
// the same kind with its STIX id: the writer's own agency's record conflicts, any other is no
// obstacle (created, as with a fresh id); afterwards the writer still reads exactly what the
// oracle allows, and a look-up by that STIX id returns exactly the readable records carrying it.
func TestLeakStixID(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sv := s.Sovereignty()
		mustSeed(t, sv)
		users, all := addLeakUsers(t, sv)
		var writers []leakUser
		for _, lu := range all {
			if lu.role == string(access.RoleAnalyst) || lu.role == string(access.RoleWatchOfficer) {
				writers = append(writers, lu)
			}
		}
		toMarkings := func(m leakMark) access.Markings { return m.markings(users) }
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		type rec struct {
			kind   string // report, entity, link
			id     int64
			stixID string
			mark   leakMark
		}
		var recs []rec
		marks := append(leakMarks("SEMAR"), leakMarks("USCG")...)
		for i, m := range marks {
			es, rs, lsx := newStixID("identity"), newStixID("report"), newStixID("relationship")
			eid, err := sv.CreateEntity(ctx, System, intel.Entity{StixID: es, Kind: intel.Person, Name: fmt.Sprintf("Hidden %d", i), Markings: toMarkings(m)})
			if err != nil {
				t.Fatal(err)
			}
			eid2, err := sv.CreateEntity(ctx, System, intel.Entity{Kind: intel.Person, Name: fmt.Sprintf("Hidden %d b", i), Markings: toMarkings(m)})
			if err != nil {
				t.Fatal(err)
			}
			rid, err := sv.CreateReport(ctx, System, intel.Report{StixID: rs, Markings: toMarkings(m), Discipline: intel.OSINT, Grade: access.Grade{Reliability: 'B', Credibility: 2},
				Observed: now, Title: fmt.Sprintf("Hidden report %d", i)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			lid, err := sv.CreateLink(ctx, System, intel.Link{StixID: lsx, Source: eid, Target: eid2, Kind: "alias-of", ValidFrom: now, Markings: toMarkings(m)})
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, rec{"entity", eid, es, m}, rec{"report", rid, rs, m}, rec{"link", lid, lsx, m})
		}
		// taken holds the (agency, kind, STIX id) already on the node: the originals, then each
		// writer's records. A writer conflicts exactly with its own agency's.
		taken := map[[3]string]bool{}
		for _, rc := range recs {
			taken[[3]string{rc.mark.orig, rc.kind, rc.stixID}] = true
		}
		checks := 0
		for _, w := range writers {
			u := users[w.name]
			// Two entities of the writer's own agency, for its links.
			var own [2]int64
			for i := range own {
				var err error
				own[i], err = sv.CreateEntity(ctx, u, intel.Entity{Kind: intel.Person, Name: fmt.Sprintf("own %s %d", w.name, i), Markings: access.Markings{Originator: w.agency, TLP: access.TLPAmberStrict}})
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, rc := range recs {
				mk := access.Markings{Originator: w.agency, TLP: access.TLPAmberStrict}
				create := func() error {
					var err error
					switch rc.kind {
					case "entity":
						_, err = sv.CreateEntity(ctx, u, intel.Entity{StixID: rc.stixID, Kind: intel.Person, Name: "probe", Markings: mk})
					case "report":
						_, err = sv.CreateReport(ctx, u, intel.Report{StixID: rc.stixID, Markings: mk, Discipline: intel.OSINT,
							Grade: access.Grade{Reliability: 'F', Credibility: 6}, Observed: now, Title: "probe"}, nil)
					case "link":
						_, err = sv.CreateLink(ctx, u, intel.Link{StixID: rc.stixID, Source: own[0], Target: own[1], Kind: "probe", ValidFrom: now, Markings: mk})
					}
					return err
				}
				checks++
				err := create()
				readable := leakOracle(w, rc.mark)
				key := [3]string{w.agency, rc.kind, rc.stixID}
				switch {
				case taken[key]:
					// Its own agency's record, which it reads (the original when its agency
					// originated it: the oracle must agree): the documented conflict.
					if w.agency == rc.mark.orig && !readable || !errors.Is(err, ErrConflict) {
						t.Errorf("%s: %s %d (%+v), STIX id its agency holds: got %v, want a conflict", w.name, rc.kind, rc.id, rc.mark, err)
					}
					continue
				case err != nil:
					t.Errorf("LEAK? %s: %s with the STIX id of %s %d (%+v, readable %v): %v, want created as with a fresh id", w.name, rc.kind, rc.kind, rc.id, rc.mark, readable, err)
					continue
				}
				taken[key] = true
				// Its own record now carries the id: a second create conflicts, whoever else holds it.
				if err := create(); !errors.Is(err, ErrConflict) {
					t.Errorf("%s: second %s with STIX id %s: got %v, want a conflict", w.name, rc.kind, rc.stixID, err)
				}
			}
			// Reading is unchanged, and a look-up by STIX id returns exactly the readable records.
			for _, rc := range recs {
				readable := leakOracle(w, rc.mark)
				var got []int64
				var err error
				switch rc.kind {
				case "report":
					_, err = sv.Report(ctx, u, rc.id, "get")
					var rs []intel.Report
					rs, _ = sv.Reports(ctx, u, intel.ReportFilter{StixID: rc.stixID, Limit: -1}, "list")
					for _, r := range rs {
						got = append(got, r.ID)
					}
				case "entity":
					_, err = sv.Entity(ctx, u, rc.id, "get")
					var es []intel.Entity
					es, _ = sv.Entities(ctx, u, intel.EntityFilter{StixID: rc.stixID, Limit: -1}, "list")
					for _, e := range es {
						got = append(got, e.ID)
					}
				case "link":
					ls, lerr := sv.Links(ctx, u, intel.LinkFilter{Limit: -1}, "list")
					if lerr != nil {
						t.Fatal(lerr)
					}
					err = ErrNotFound
					for _, l := range ls {
						if l.ID == rc.id {
							err = nil
						}
						if l.StixID == rc.stixID {
							got = append(got, l.ID)
						}
					}
				}
				if (err == nil) != readable {
					t.Errorf("LEAK? %s reads %s %d (%+v): %v, oracle says %v", w.name, rc.kind, rc.id, rc.mark, err, readable)
				}
				// The writer's own record with this id (its agency's: its own copy, or the
				// original when its agency originated it) and the original when readable.
				want := 1
				if readable && w.agency != rc.mark.orig {
					want = 2
				}
				if slices.Contains(got, rc.id) != readable || len(got) != want {
					t.Errorf("%s: %s look-up by STIX id %s: got ids %v, want %d including %d: %v", w.name, rc.kind, rc.stixID, got, want, rc.id, readable)
				}
			}
		}
		t.Logf("STIX id leak checks (%s): %d writers × %d records: %d creates", s.Dialect(), len(writers), len(recs), checks)
	})
}

// TestMigration10Rebuild runs the SQLite statements of migration 0010 (the rebuild of reports,
// entities and links without the global UNIQUE (stix_id)) again over a populated store, as an
// upgrade from version 9 would run them, and checks that every record reads back the same,
// with the same ids (search through reports_fts included), that the per-originator unique
// index is in place, and that the ledger still verifies against the records.
func TestMigration10Rebuild(t *testing.T) {
	ctx := context.Background()
	s := open(t, Config{DataDir: t.TempDir()})
	registerAll(s)
	sv := s.Sovereignty()
	mustSeed(t, sv)
	ana, err := sv.AddUser(ctx, System, NewUser{Name: "ana", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	dea, err := sv.AddUser(ctx, System, NewUser{Name: "dan", Agency: "DEA", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	green := access.Markings{Originator: "SEMAR", TLP: access.TLPGreen}
	var ents [2]int64
	for i := range ents {
		if ents[i], err = sv.CreateEntity(ctx, ana, intel.Entity{Kind: intel.Vessel, Name: fmt.Sprintf("Lancha %d", i), Aliases: []string{"alias"}, Markings: green}); err != nil {
			t.Fatal(err)
		}
	}
	rid, err := sv.CreateReport(ctx, ana, intel.Report{StixID: "report--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", Markings: green, Discipline: intel.HUMINT,
		Grade: access.Grade{Reliability: 'B', Credibility: 2}, Observed: now, Location: &intel.Point{Lat: 22, Lon: -97}, Place: "Tampico",
		Title: "Reunión en Tampico", Text: "palabraunica", Entities: []intel.Mention{{EntityID: ents[0], Stance: intel.Supports}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.CreateLink(ctx, ana, intel.Link{Source: ents[0], Target: ents[1], Kind: "tows", ValidFrom: now, Markings: green}); err != nil {
		t.Fatal(err)
	}
	if _, err := sv.CreateReport(ctx, dea, intel.Report{StixID: "report--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", Markings: access.Markings{Originator: "DEA", TLP: access.TLPAmberStrict},
		Discipline: intel.SIGINT, Grade: access.Grade{Reliability: 'C', Credibility: 3}, Observed: now, Title: "same id, DEA"}, nil); err != nil {
		t.Fatal(err)
	}
	type snapshot struct {
		Reports, Found []intel.Report
		Entities       []intel.Entity
		Links          []intel.Link
	}
	snap := func() snapshot {
		var x snapshot
		var err error
		if x.Reports, err = sv.Reports(ctx, ana, intel.ReportFilter{Limit: -1}, "list"); err != nil {
			t.Fatal(err)
		}
		if x.Found, err = sv.Reports(ctx, ana, intel.ReportFilter{Text: "PALABRAUNICA", Limit: -1}, "search"); err != nil {
			t.Fatal(err)
		}
		if x.Entities, err = sv.Entities(ctx, ana, intel.EntityFilter{Limit: -1}, "list"); err != nil {
			t.Fatal(err)
		}
		if x.Links, err = sv.Links(ctx, ana, intel.LinkFilter{Limit: -1}, "list"); err != nil {
			t.Fatal(err)
		}
		return x
	}
	before := snap()
	if len(before.Found) != 1 || before.Found[0].ID != rid || len(before.Reports) != 1 || len(before.Entities) != 2 || len(before.Links) != 1 {
		t.Fatalf("before: %+v", before)
	}
	ms, err := migrations(DialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 10 || ms[9].version != 10 {
		t.Fatalf("migration 10 not found")
	}
	if _, err := s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if _, err := tx.ExecContext(ctx, ms[9].sql); err != nil {
			return ledger.Event{}, err
		}
		return ledger.Event{Actor: ledger.Actor{User: "test", Agency: "node", State: "node"}, Action: "test.rebuild", RecordType: "test", RecordID: "1", Content: ledger.NoContent}, nil
	}); err != nil {
		t.Fatalf("migration 0010 again: %v", err)
	}
	if after := snap(); !reflect.DeepEqual(before, after) {
		t.Errorf("records changed by the rebuild:\nbefore %+v\nafter  %+v", before, after)
	}
	for _, ix := range []string{"reports_stix_originator", "entities_stix_originator", "links_stix_originator", "reports_observed", "entities_name", "links_source"} {
		var n int
		if err := sv.rdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, ix).Scan(&n); err != nil || n != 1 {
			t.Errorf("index %s after the rebuild: %d %v", ix, n, err)
		}
	}
	if _, err := sv.CreateReport(ctx, ana, intel.Report{StixID: "report--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", Markings: green, Discipline: intel.OSINT,
		Grade: access.Grade{Reliability: 'F', Credibility: 6}, Observed: now, Title: "dup"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("SEMAR's own STIX id after the rebuild: %v, want a conflict", err)
	}
	if rep := verifyStore(t, s); !rep.OK() {
		t.Errorf("ledger after the rebuild: %v", rep.Problems)
	}
}
