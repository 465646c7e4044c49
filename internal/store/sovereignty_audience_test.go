package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// audienceFixture is a store with generated reports: random markings over four agencies of two
// states, random disciplines and observation times (some equal, to exercise the id tie-break),
// and the oracle's view of each.
type audienceFixture struct {
	sv      *Sovereignty
	users   []access.User
	lusers  []leakUser
	marks   map[int64]leakMark
	reports map[int64]intel.Report
}

func newAudienceFixture(t *testing.T, s *Store, n int) *audienceFixture {
	ctx := context.Background()
	sv := s.Sovereignty()
	mustSeed(t, sv)
	fx := &audienceFixture{sv: sv, marks: map[int64]leakMark{}, reports: map[int64]intel.Report{}}
	byName := map[string]access.User{}
	for _, a := range leakAgencies {
		for _, r := range []access.Role{access.RoleAnalyst, access.RoleMonitor, access.RoleLegal} {
			name := a.code + "-" + string(r)
			u, err := sv.AddUser(ctx, System, NewUser{Name: name, Agency: a.code, Roles: []access.Role{r}, Password: "audience password"})
			if err != nil {
				t.Fatal(err)
			}
			fx.users = append(fx.users, u)
			fx.lusers = append(fx.lusers, leakUser{name: name, agency: a.code, state: a.state, role: string(r)})
			byName[name] = u
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		orig := leakAgencies[rng.IntN(len(leakAgencies))].code
		variants := leakMarks(orig)
		m := variants[rng.IntN(len(variants))]
		am := access.Markings{Originator: m.orig, TLP: access.TLP(m.tlp)}
		for _, st := range m.states {
			am.RelTo = append(am.RelTo, access.Target{Type: access.TargetState, Value: st})
		}
		for _, ag := range m.agencies {
			am.RelTo = append(am.RelTo, access.Target{Type: access.TargetAgency, Value: ag})
		}
		for _, un := range m.users {
			if u, ok := byName[un]; ok {
				am.RelTo = append(am.RelTo, access.Target{Type: access.TargetUser, Value: strconv.FormatInt(u.ID, 10)})
			}
		}
		if m.tlp == "RED" && len(am.RelTo) == 0 {
			m.users = nil
		}
		var kept []string
		for _, un := range m.users {
			if _, ok := byName[un]; ok {
				kept = append(kept, un)
			}
		}
		m.users = kept
		r := intel.Report{Markings: am, Discipline: intel.Disciplines[rng.IntN(3)], Grade: access.Grade{Reliability: 'C', Credibility: 3},
			Observed: base.Add(time.Duration(rng.IntN(n/2+1)) * time.Hour), Location: &intel.Point{Lat: 20, Lon: -95},
			Place: "Golfo de México", Title: fmt.Sprintf("Report %d", i), Text: "Lancha rápida go-fast vista"}
		id, err := sv.CreateReport(ctx, System, r, nil)
		if err != nil {
			t.Fatalf("report %d %+v: %v", i, m, err)
		}
		r.ID = id
		fx.marks[id], fx.reports[id] = m, r
	}
	return fx
}

// want returns the ids the oracle releases to lu that match f, in listing order.
func (fx *audienceFixture) want(lu leakUser, f intel.ReportFilter) []int64 {
	var ids []int64
	for id, r := range fx.reports {
		if !leakOracle(lu, fx.marks[id]) {
			continue
		}
		if f.Discipline != "" && r.Discipline != f.Discipline || f.Originator != "" && r.Markings.Originator != f.Originator ||
			f.TLP != "" && r.Markings.TLP != f.TLP || !f.From.IsZero() && r.Observed.Before(f.From) || !f.To.IsZero() && !r.Observed.Before(f.To) {
			continue
		}
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		if c := fx.reports[b].Observed.Compare(fx.reports[a].Observed); c != 0 {
			return c
		}
		return int(b - a)
	})
	return ids
}

// TestFilteredListsAndPaging checks the audience-key list (the fast path) against the leak
// oracle: every user × filter combination, read in pages with the cursor, must give exactly the
// releasable matching reports in order, and the monitor's redacted list exactly what its agency
// could read (no RED unless its agency originated it).
func TestFilteredListsAndPaging(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		fx := newAudienceFixture(t, s, 240)
		from := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		to := from.Add(48 * time.Hour)
		filters := []intel.ReportFilter{{}, {Discipline: intel.Disciplines[1]}, {TLP: access.TLPGreen}, {TLP: access.TLPRed}, {TLP: access.TLPAmber},
			{Originator: "SEMAR"}, {Originator: "USCG", From: from}, {Discipline: intel.Disciplines[0], TLP: access.TLPAmber}, {From: from, To: to},
			{Discipline: intel.Disciplines[2], Originator: "DEA", TLP: access.TLPClear}}
		checks := 0
		for i, u := range fx.users {
			lu := fx.lusers[i]
			for _, f := range filters {
				for _, page := range []int{7, 1000} {
					var got []int64
					pf := f
					pf.Limit = page
					for {
						var ids []int64
						var last time.Time
						if lu.role == "monitor" {
							rs, err := fx.sv.RedactedReports(ctx, u, pf)
							if err != nil {
								t.Fatal(err)
							}
							for _, r := range rs {
								ids = append(ids, r.ID)
								last = r.Observed
								want := fx.reports[r.ID]
								if r.TLP != want.Markings.TLP || r.Originator != want.Markings.Originator || r.Discipline != want.Discipline || r.Grade != want.Grade || !r.Observed.Equal(want.Observed) {
									t.Errorf("redacted row %d: %+v does not match the report %+v", r.ID, r, want)
								}
							}
						} else {
							rs, err := fx.sv.Reports(ctx, u, pf, "list")
							if err != nil {
								t.Fatal(err)
							}
							for _, r := range rs {
								ids = append(ids, r.ID)
								last = r.Observed
							}
						}
						got = append(got, ids...)
						if len(ids) < page {
							break
						}
						pf.BeforeObserved, pf.BeforeID = last, ids[len(ids)-1]
					}
					ou := lu
					if lu.role == "monitor" {
						ou.role, ou.name = "analyst", "" // the agency's reach, no RED recipient
					}
					want := fx.want(ou, f)
					checks++
					if !slices.Equal(got, want) {
						t.Errorf("user %s, filter %+v, pages of %d: got %d reports %v, want %d %v", lu.name, f, page, len(got), head(got), len(want), head(want))
					}
				}
			}
		}
		// A monitor's redacted list takes no content filter.
		for i, u := range fx.users {
			if fx.lusers[i].role != "monitor" {
				continue
			}
			for _, f := range []intel.ReportFilter{{Text: "lancha"}, {BBox: &intel.BBox{MinLon: -100, MinLat: 10, MaxLon: -90, MaxLat: 30}}, {EntityID: 1}, {ID: 1}} {
				if _, err := fx.sv.RedactedReports(ctx, u, f); !errors.Is(err, access.ErrForbidden) {
					t.Errorf("monitor %s, filter %+v: err %v, want forbidden", u.Name, f, err)
				}
			}
		}
		t.Logf("%s: %d user × filter × page-size listings checked against the oracle over %d reports", s.Dialect(), checks, len(fx.reports))
	})
}

func head(ids []int64) []int64 {
	if len(ids) > 12 {
		return ids[:12]
	}
	return ids
}

// TestReportAudienceRows checks that every report carries exactly the audience rows of its
// markings, as written by CreateReport and as rebuilt by migration 0007's statements for
// reports stored before it.
func TestReportAudienceRows(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		fx := newAudienceFixture(t, s, 80)
		db := s.ReadDB()
		check := func(when string) {
			t.Helper()
			got := map[int64][]string{}
			rows, err := db.QueryContext(ctx, `SELECT report_id, audience FROM report_audience ORDER BY report_id, audience`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				var k string
				if err := rows.Scan(&id, &k); err != nil {
					t.Fatal(err)
				}
				got[id] = append(got[id], k)
			}
			rows.Close()
			for id, r := range fx.reports {
				want := access.Audiences(r.Markings)
				slices.Sort(want)
				if !slices.Equal(got[id], want) {
					t.Errorf("%s: report %d marked %+v: audience rows %v, want %v", when, id, r.Markings, got[id], want)
				}
			}
			if len(got) != len(fx.reports) {
				t.Errorf("%s: audience rows for %d reports, want %d", when, len(got), len(fx.reports))
			}
			for id, r := range fx.reports {
				var list string
				if err := db.QueryRowContext(ctx, s.Rebind(`SELECT rel_to_list FROM reports WHERE id = ?`), id).Scan(&list); err != nil {
					t.Fatal(err)
				}
				if want := relList(r.Markings.RelTo); list != want {
					t.Errorf("%s: report %d: rel_to_list %q, want %q", when, id, list, want)
				}
			}
		}
		check("written")
		ms, err := migrations(s.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		var backfill []string
		for _, m := range ms {
			if m.version != 7 {
				continue
			}
			for _, stmt := range strings.Split(m.sql, ";") {
				var lines []string
				for _, l := range strings.Split(stmt, "\n") {
					if !strings.HasPrefix(strings.TrimSpace(l), "--") {
						lines = append(lines, l)
					}
				}
				if st := strings.TrimSpace(strings.Join(lines, "\n")); strings.HasPrefix(st, "INSERT") && strings.Contains(st, "report_audience") ||
					strings.HasPrefix(st, "UPDATE reports SET rel_to_list") {
					backfill = append(backfill, st)
				}
			}
		}
		if len(backfill) != 4 {
			t.Fatalf("migration 0007: %d backfill statements, want 3 for report_audience and 1 for rel_to_list", len(backfill))
		}
		_, err = s.Apply(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM report_audience`); err != nil {
				return ledger.Event{}, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET rel_to_list = ''`); err != nil {
				return ledger.Event{}, err
			}
			for _, st := range backfill {
				if _, err := tx.ExecContext(ctx, st); err != nil {
					return ledger.Event{}, fmt.Errorf("%s: %w", st, err)
				}
			}
			return ledger.Event{Actor: ledger.Actor{User: "test", Agency: "node", State: "node"}, Action: "test.backfill", RecordType: "test", RecordID: "1", Content: ledger.NoContent}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		check("backfilled")
	})
}

// TestReportSearch checks full-text search on both dialects: whole words, any case, all words
// required, any word order, text/title/place fields, query syntax taken literally, and
// releasability in the same query.
func TestReportSearch(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sv := s.Sovereignty()
		mustSeed(t, sv)
		semar, err := sv.AddUser(ctx, System, NewUser{Name: "ana", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "search password"})
		if err != nil {
			t.Fatal(err)
		}
		uscg, err := sv.AddUser(ctx, System, NewUser{Name: "joe", Agency: "USCG", Roles: []access.Role{access.RoleAnalyst}, Password: "search password"})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		mk := func(title, text, place string, tlp access.TLP) int64 {
			id, err := sv.CreateReport(ctx, System, intel.Report{Markings: access.Markings{Originator: "SEMAR", TLP: tlp}, Discipline: intel.Disciplines[0],
				Grade: access.Grade{Reliability: 'B', Credibility: 2}, Observed: now, Title: title, Text: text, Place: place}, nil)
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Minute)
			return id
		}
		boat := mk("Go-fast boat sighted", "Twin outboard lancha heading north", "Bahía de Campeche", access.TLPClear)
		sub := mk("Semi-submersible", "Low profile vessel, cocaine suspected", "Pacific off Oaxaca", access.TLPClear)
		secret := mk("Go-fast boat departure", "Informant: departure at dawn", "Puerto Madero", access.TLPAmberStrict)
		tests := []struct {
			q    string
			u    access.User
			want []int64
		}{
			{"boat", semar, []int64{secret, boat}},
			{"BOAT", uscg, []int64{boat}}, // the AMBER+STRICT report stays with SEMAR
			{"go-fast", semar, []int64{secret, boat}},
			{"lancha north", semar, []int64{boat}},
			{"north lancha", semar, []int64{boat}},
			{"lancha cocaine", semar, nil},
			{"Oaxaca", semar, []int64{sub}},
			{"campeche", uscg, []int64{boat}},
			{"boa", semar, nil}, // whole words
			{`"boat`, semar, []int64{secret, boat}},
			{`boat OR cocaine`, semar, nil}, // OR is a word here, not syntax
			{`NEAR(boat`, semar, nil},
			{`title:boat`, semar, nil},
			{`*`, semar, nil},
			{`-- ; DROP TABLE reports`, semar, nil},
		}
		for _, tc := range tests {
			rs, err := sv.Reports(ctx, tc.u, intel.ReportFilter{Text: tc.q, Limit: -1}, "search")
			if err != nil {
				t.Errorf("search %q: %v", tc.q, err)
				continue
			}
			var got []int64
			for _, r := range rs {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("search %q as %s: got %v, want %v", tc.q, tc.u.Name, got, tc.want)
			}
		}
		if s.Dialect() == DialectSQLite {
			// unicode61 with remove_diacritics folds accents both ways.
			for _, q := range []string{"bahia", "BAHÍA"} {
				rs, err := sv.Reports(ctx, semar, intel.ReportFilter{Text: q, Limit: -1}, "search")
				if err != nil || len(rs) != 1 || rs[0].ID != boat {
					t.Errorf("search %q: %d results, %v; want report %d", q, len(rs), err, boat)
				}
			}
		}
	})
}

// TestReadLogBatching reads AMBER and RED reports from many goroutines at once: every record
// returned must have its read_log row (none lost, none doubled), grouped under fewer writes
// than reads when reads overlap, on both dialects.
func TestReadLogBatching(t *testing.T) {
	sovDialects(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		fx := newAudienceFixture(t, s, 60)
		var before int
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM read_log`).Scan(&before); err != nil {
			t.Fatal(err)
		}
		type result struct {
			marked int
			err    error
		}
		const perUser = 8
		results := make(chan result, len(fx.users)*perUser)
		for _, u := range fx.users {
			for i := 0; i < perUser; i++ {
				go func() {
					rs, err := fx.sv.Reports(ctx, u, intel.ReportFilter{Limit: 20}, "list")
					n := 0
					for _, r := range rs {
						switch r.Markings.TLP {
						case access.TLPAmber, access.TLPAmberStrict, access.TLPRed:
							n++
						}
					}
					results <- result{n, err}
				}()
			}
		}
		want, reads := 0, 0
		for range len(fx.users) * perUser {
			r := <-results
			if r.err != nil {
				t.Fatal(r.err)
			}
			want += r.marked
			if r.marked > 0 {
				reads++
			}
		}
		if err := s.FlushReads(ctx); err != nil {
			t.Fatal(err)
		}
		var rows, writes int
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT read_id) FROM read_log`).Scan(&rows, &writes); err != nil {
			t.Fatal(err)
		}
		if rows-before != want {
			t.Errorf("read_log has %d new rows, want one per marked record returned: %d", rows-before, want)
		}
		if writes > reads || reads == 0 {
			t.Errorf("%d reads logged in %d writes", reads, writes)
		}
		t.Logf("%s: %d reads of %d marked records logged in %d writes", s.Dialect(), reads, want, writes)
	})
}
