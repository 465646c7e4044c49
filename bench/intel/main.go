// Command intel is the intelligence read benchmark: a filtered list of reports over a store of
// 1,000,000 reports, through the real HTTP API with login and releasability, at a constant
// request rate, reporting latency percentiles.
//
//	go run ./bench/intel gen  --data DIR [--dsn postgres://...] [--n 1000000]   # build the store
//	go run ./bench/intel load --url URL --token T [--rate 500] [--duration 30s] [--query Q]
//
// gen creates the store with the product's migrations (store.Open), seeds the agencies and
// benchmark users through the product's write path, then bulk-inserts the reports with
// multi-row INSERTs (SQLite) or COPY (PostgreSQL, --dsn) on a separate connection, with the
// rows the product writes with each report (REL TO, its copy in the row, audience keys): one million reports through the ledger's
// one-event-per-change write path would take hours and measure the writer, not the read.
// Marking mix: TLP CLEAR 10%, GREEN 40% (half with REL TO a state), AMBER 35% (REL TO a
// state, an agency or both), AMBER+STRICT 10%, RED 5% (one named recipient); six originating
// agencies of both states; observation times over the year before the generation; positions in
// the Gulf of Mexico and the Pacific off Mexico.
//
// load is an open-loop generator: request i is sent at start + i/rate whatever happened to the
// ones before (on as many goroutines as needed), and its latency is measured from that
// scheduled time, so a slow server cannot slow the generator down and hide its queueing
// (no coordinated omission). It prints the achieved rate, errors and latency percentiles.
package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/ncruces/go-sqlite3/driver"

	"accord/internal/access"
	"accord/internal/store"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: intel gen|load|probe [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "load":
		err = load(os.Args[2:])
	case "probe":
		err = probe(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: use gen, load or probe", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "intel:", err)
		os.Exit(1)
	}
}

// benchPassword is the password of the benchmark users (a throwaway store).
const benchPassword = "benchmark password"

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	dir := fs.String("data", "", "data directory of the new store (required; with --dsn it holds the ledger key)")
	dsn := fs.String("dsn", "", "PostgreSQL server store (postgres://...) instead of the SQLite file in --data")
	n := fs.Int("n", 1_000_000, "reports")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(args)
	if *dir == "" {
		return errors.New("gen: --data is required")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: *dir, DSN: *dsn}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	sv := st.Sovereignty()
	if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
		return err
	}
	var recipients []int64
	for _, u := range []struct{ name, agency string }{{"uscg", "USCG"}, {"semar", "SEMAR"}, {"fgr", "FGR"}, {"dea", "DEA"}} {
		au, err := sv.AddUser(ctx, store.System, store.NewUser{Name: u.name, Agency: u.agency, Roles: []access.Role{access.RoleAnalyst}, Password: benchPassword})
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
		if err == nil {
			recipients = append(recipients, au.ID)
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	start := time.Now()
	if *dsn != "" {
		err = genPostgres(ctx, *dsn, *n, *seed, recipients)
	} else {
		err = genSQLite(filepath.Join(*dir, "accord.db"), *n, *seed, recipients)
	}
	if err != nil {
		return err
	}
	fmt.Printf("gen: %d reports inserted in %s; users uscg, semar, fgr, dea, password %q\n", *n, time.Since(start).Round(time.Second), benchPassword)
	return nil
}

// genRecord is one generated report with the rows the product writes with it.
type genRecord struct {
	id                     int64
	stix, origin, tlp      string
	disc, reliability, src string
	credibility            int
	observed               int64
	lat, lon               float64
	title                  string
	sum                    []byte
	targets                []access.Target
	relList                string   // reports.rel_to_list
	audiences              []string // report_audience keys (access.Audiences, as CreateReport writes them)
}

// generator draws reports with the marking mix of the package comment.
type generator struct {
	rng        *rand.Rand
	recipients []int64
	now        time.Time
}

func newGenerator(seed uint64, recipients []int64) *generator {
	slices.Sort(recipients)
	return &generator{rng: rand.New(rand.NewPCG(seed, 2)), recipients: recipients, now: time.Now().UTC()}
}

func (g *generator) next(id int64) genRecord {
	rng := g.rng
	origins := []string{"SEMAR", "SEDENA", "FGR", "USCG", "CBP", "DEA"}
	states := []string{"MEX", "USA"}
	agencies := []string{"SEMAR", "FGR", "USCG", "DEA", "CBP"}
	discs := []string{"SIGINT", "OSINT", "HUMINT", "LAW_ENFORCEMENT", "IMAGERY", "AIS"}
	state := func() access.Target { return access.Target{Type: access.TargetState, Value: states[rng.IntN(2)]} }
	agency := func() access.Target {
		return access.Target{Type: access.TargetAgency, Value: agencies[rng.IntN(len(agencies))]}
	}
	r := genRecord{id: id}
	switch p := rng.IntN(100); {
	case p < 10:
		r.tlp = "CLEAR"
	case p < 50:
		r.tlp = "GREEN"
		if rng.IntN(2) == 0 {
			r.targets = append(r.targets, state())
		}
	case p < 85:
		r.tlp = "AMBER"
		switch rng.IntN(3) {
		case 0:
			r.targets = append(r.targets, state())
		case 1:
			r.targets = append(r.targets, agency())
		default:
			r.targets = append(r.targets, state(), agency())
		}
	case p < 95:
		r.tlp = "AMBER+STRICT"
	default:
		r.tlp = "RED"
		if len(g.recipients) > 0 {
			r.targets = append(r.targets, access.Target{Type: access.TargetUser, Value: fmt.Sprint(g.recipients[rng.IntN(len(g.recipients))])})
		}
	}
	r.observed = g.now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))).UnixMilli()
	r.origin, r.disc = origins[rng.IntN(len(origins))], discs[rng.IntN(len(discs))]
	r.lat, r.lon = 15+rng.Float64()*15, -118+rng.Float64()*30
	sum := sha256.Sum256([]byte(fmt.Sprint(id)))
	r.sum = sum[:]
	r.stix = fmt.Sprintf("report--%08x-0000-4000-8000-%012x", id, id)
	r.reliability, r.credibility = string(rune('A'+rng.IntN(6))), 1+rng.IntN(6)
	r.src = fmt.Sprintf("src-%d", rng.IntN(5000))
	r.title = fmt.Sprintf("Report %d on a go-fast boat", id)
	// REL TO as the product stores it: rel_to's key order (type, then value), comma-separated.
	ts := slices.Clone(r.targets)
	slices.SortFunc(ts, func(a, b access.Target) int {
		return strings.Compare(string(a.Type)+"\x00"+a.Value, string(b.Type)+"\x00"+b.Value)
	})
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	r.relList = strings.Join(parts, ",")
	r.audiences = access.Audiences(access.Markings{Originator: r.origin, TLP: access.TLP(r.tlp), RelTo: r.targets})
	return r
}

const (
	genPlace = "Golfo de México"
	genBody  = "Benchmark report text."
)

// genSQLite bulk-inserts n reports into the SQLite store at path with multi-row INSERTs.
func genSQLite(path string, n int, seed uint64, recipients []int64) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	g := newGenerator(seed, recipients)
	const batch = 500
	var next int64
	if err := db.QueryRow(`SELECT COALESCE(MAX(id), 0) + 1 FROM reports`).Scan(&next); err != nil {
		return err
	}
	for done := 0; done < n; {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		for b := 0; b < 20 && done < n; b++ {
			k := min(batch, n-done)
			var rep, rel, aud strings.Builder
			var ra, la, aa []any
			rep.WriteString(`INSERT INTO reports (id, stix_id, originator, tlp, discipline, reliability, credibility, source, observed, lat, lon, place, title, body, created, created_by, content_sha256, rel_to_list) VALUES `)
			for i := 0; i < k; i++ {
				r := g.next(next)
				next++
				if i > 0 {
					rep.WriteString(", ")
				}
				rep.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				ra = append(ra, r.id, r.stix, r.origin, r.tlp, r.disc, r.reliability, r.credibility, r.src,
					r.observed, r.lat, r.lon, genPlace, r.title, genBody, r.observed, "bench", r.sum, r.relList)
				for _, k := range r.audiences {
					if aud.Len() == 0 {
						aud.WriteString(`INSERT INTO report_audience (audience, observed, report_id, discipline, tlp, originator) VALUES `)
					} else {
						aud.WriteString(", ")
					}
					aud.WriteString("(?, ?, ?, ?, ?, ?)")
					aa = append(aa, k, r.observed, r.id, r.disc, r.tlp, r.origin)
				}
				for _, t := range r.targets {
					if rel.Len() == 0 {
						rel.WriteString(`INSERT INTO rel_to (kind, record_id, target_type, target) VALUES `)
					} else {
						rel.WriteString(", ")
					}
					rel.WriteString("('report', ?, ?, ?)")
					la = append(la, r.id, string(t.Type), t.Value)
				}
			}
			if _, err := tx.Exec(rep.String(), ra...); err != nil {
				tx.Rollback()
				return fmt.Errorf("insert reports: %w", err)
			}
			if rel.Len() > 0 {
				if _, err := tx.Exec(rel.String(), la...); err != nil {
					tx.Rollback()
					return fmt.Errorf("insert rel_to: %w", err)
				}
			}
			if _, err := tx.Exec(aud.String(), aa...); err != nil {
				tx.Rollback()
				return fmt.Errorf("insert report_audience: %w", err)
			}
			done += k
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	// The full-text index over the bulk-inserted reports (the product adds each report's row
	// as it stores it).
	if _, err := db.Exec(`INSERT INTO reports_fts (reports_fts) VALUES ('rebuild')`); err != nil {
		return fmt.Errorf("full-text index: %w", err)
	}
	// Table statistics for the planner, as `PRAGMA optimize` would gather them. sqlite_stat4
	// is dropped: with it SQLite re-prepares every parameterised statement on each new
	// binding (measured: ~30% of a list request's CPU), and the product never runs ANALYZE.
	if _, err := db.Exec(`ANALYZE; DELETE FROM sqlite_stat4`); err != nil {
		return err
	}
	return nil
}

// genPostgres bulk-loads n reports into the PostgreSQL store at dsn with COPY, then gathers
// the planner's statistics (as autovacuum would).
func genPostgres(ctx context.Context, dsn string, n int, seed uint64, recipients []int64) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var next int64
	if err := conn.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM reports`).Scan(&next); err != nil {
		return err
	}
	g := newGenerator(seed, recipients)
	const batch = 50_000
	for done := 0; done < n; {
		k := min(batch, n-done)
		var reps, rels, auds [][]any
		for i := 0; i < k; i++ {
			r := g.next(next)
			next++
			reps = append(reps, []any{r.id, r.stix, r.origin, r.tlp, r.disc, r.reliability, int64(r.credibility), r.src,
				r.observed, r.lat, r.lon, genPlace, r.title, genBody, r.observed, "bench", r.sum, r.relList})
			for _, t := range r.targets {
				rels = append(rels, []any{"report", r.id, string(t.Type), t.Value})
			}
			for _, a := range r.audiences {
				auds = append(auds, []any{a, r.observed, r.id, r.disc, r.tlp, r.origin})
			}
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"reports", []string{"id", "stix_id", "originator", "tlp", "discipline", "reliability", "credibility", "source", "observed", "lat", "lon", "place", "title", "body", "created", "created_by", "content_sha256", "rel_to_list"}, reps},
			{"rel_to", []string{"kind", "record_id", "target_type", "target"}, rels},
			{"report_audience", []string{"audience", "observed", "report_id", "discipline", "tlp", "originator"}, auds},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				tx.Rollback(ctx)
				return fmt.Errorf("copy %s: %w", c.table, err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		done += k
		fmt.Fprintf(os.Stderr, "\rgen: %d/%d reports", done, n)
	}
	fmt.Fprintln(os.Stderr)
	// Identity columns continue after the loaded ids, as they would after product inserts.
	if _, err := conn.Exec(ctx, `SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT max(id) FROM reports))`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `ANALYZE`)
	return err
}

func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	user := fs.String("user", "uscg", "benchmark user to log in as")
	rate := fs.Float64("rate", 500, "requests per second")
	dur := fs.Duration("duration", 30*time.Second, "measured duration")
	warm := fs.Duration("warmup", 5*time.Second, "unmeasured warm-up at the same rate")
	query := fs.String("query", "/api/v1/reports?discipline=HUMINT&limit=50", "request path and query; {from} is replaced by now-30d (RFC 3339)")
	fs.Parse(args)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 1024}, Timeout: 30 * time.Second}
	resp, err := client.Post(*base+"/api/v1/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"name":%q,"password":%q,"kind":"token"}`, *user, benchPassword)))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, tok, ok := strings.Cut(string(body), `"token":"`)
	tok, _, _ = strings.Cut(tok, `"`)
	if resp.StatusCode != 200 || !ok {
		return fmt.Errorf("login: %d %s", resp.StatusCode, body)
	}
	q := strings.ReplaceAll(*query, "{from}", time.Now().UTC().Add(-30*24*time.Hour).Format(time.RFC3339))
	url := *base + q
	run := func(d time.Duration) (lat []time.Duration, errs, bytes int64, elapsed time.Duration) {
		n := int(d.Seconds() * *rate)
		lat = make([]time.Duration, n)
		var wg sync.WaitGroup
		var errCount, byteCount atomic.Int64
		start := time.Now()
		interval := time.Duration(float64(time.Second) / *rate)
		for i := 0; i < n; i++ {
			at := start.Add(time.Duration(i) * interval)
			time.Sleep(time.Until(at))
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := client.Do(req)
				if err == nil {
					b, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					byteCount.Add(b)
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errCount.Add(1)
				}
				lat[i] = time.Since(at)
			}()
		}
		wg.Wait()
		return lat, errCount.Load(), byteCount.Load(), time.Since(start)
	}
	run(*warm)
	lat, errs, bytes, elapsed := run(*dur)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("load: %s\n", url)
	fmt.Printf("load: %d requests in %s (%.1f/s scheduled %.0f/s), %d errors, %.1f KiB/response\n",
		len(lat), elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(), *rate, errs, float64(bytes)/float64(len(lat))/1024)
	fmt.Printf("load: latency p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond),
		pct(0.999).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
	if errs > 0 {
		return fmt.Errorf("%d requests failed", errs)
	}
	return nil
}
