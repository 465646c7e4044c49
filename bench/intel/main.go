// Command intel is the intelligence read benchmark: a filtered list of reports over a store of
// 1,000,000 reports, through the real HTTP API with login and releasability, at a constant
// request rate, reporting latency percentiles.
//
//	go run ./bench/intel gen  --data DIR [--n 1000000]      # build the store
//	go run ./bench/intel load --url URL --token T [--rate 500] [--duration 30s] [--query Q]
//
// gen creates the store with the product's migrations (store.Open), seeds the agencies and
// benchmark users through the product's write path, then bulk-inserts the reports with
// multi-row INSERTs on a separate connection: one million reports through the ledger's
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
	dir := fs.String("data", "", "data directory of the new store (required)")
	n := fs.Int("n", 1_000_000, "reports")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(args)
	if *dir == "" {
		return errors.New("gen: --data is required")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: *dir}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	sv := st.Sovereignty()
	if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
		return err
	}
	users := map[string]int64{}
	for _, u := range []struct{ name, agency string }{{"uscg", "USCG"}, {"semar", "SEMAR"}, {"fgr", "FGR"}, {"dea", "DEA"}} {
		au, err := sv.AddUser(ctx, store.System, store.NewUser{Name: u.name, Agency: u.agency, Roles: []access.Role{access.RoleAnalyst}, Password: benchPassword})
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
		users[u.name] = au.ID
	}
	if err := st.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(*dir, "accord.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rng := rand.New(rand.NewPCG(*seed, 2))
	origins := []string{"SEMAR", "SEDENA", "FGR", "USCG", "CBP", "DEA"}
	states := []string{"MEX", "USA"}
	agencies := []string{"SEMAR", "FGR", "USCG", "DEA", "CBP"}
	discs := []string{"SIGINT", "OSINT", "HUMINT", "LAW_ENFORCEMENT", "IMAGERY", "AIS"}
	var recipients []int64
	for _, id := range users {
		recipients = append(recipients, id)
	}
	slices.Sort(recipients)
	now := time.Now().UTC()
	start := time.Now()
	const batch = 500
	var next int64
	if err := db.QueryRow(`SELECT COALESCE(MAX(id), 0) + 1 FROM reports`).Scan(&next); err != nil {
		return err
	}
	for done := 0; done < *n; {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		for b := 0; b < 20 && done < *n; b++ {
			k := min(batch, *n-done)
			var rep, rel, aud strings.Builder
			var ra, la, aa []any
			rep.WriteString(`INSERT INTO reports (id, stix_id, originator, tlp, discipline, reliability, credibility, source, observed, lat, lon, place, title, body, created, created_by, content_sha256) VALUES `)
			for i := 0; i < k; i++ {
				id := next
				next++
				var tlp string
				var targets [][2]string
				switch p := rng.IntN(100); {
				case p < 10:
					tlp = "CLEAR"
				case p < 50:
					tlp = "GREEN"
					if rng.IntN(2) == 0 {
						targets = append(targets, [2]string{"state", states[rng.IntN(2)]})
					}
				case p < 85:
					tlp = "AMBER"
					switch rng.IntN(3) {
					case 0:
						targets = append(targets, [2]string{"state", states[rng.IntN(2)]})
					case 1:
						targets = append(targets, [2]string{"agency", agencies[rng.IntN(len(agencies))]})
					default:
						targets = append(targets, [2]string{"state", states[rng.IntN(2)]}, [2]string{"agency", agencies[rng.IntN(len(agencies))]})
						if targets[0][1] == targets[1][1] {
							targets = targets[:1]
						}
					}
				case p < 95:
					tlp = "AMBER+STRICT"
				default:
					tlp = "RED"
					targets = append(targets, [2]string{"user", fmt.Sprint(recipients[rng.IntN(len(recipients))])})
				}
				obs := now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))).UnixMilli()
				origin, disc := origins[rng.IntN(len(origins))], discs[rng.IntN(len(discs))]
				lat, lon := 15+rng.Float64()*15, -118+rng.Float64()*30
				sum := sha256.Sum256([]byte(fmt.Sprint(id)))
				if i > 0 {
					rep.WriteString(", ")
				}
				rep.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				ra = append(ra, id, fmt.Sprintf("report--%08x-0000-4000-8000-%012x", id, id), origin, tlp,
					disc, string(rune('A'+rng.IntN(6))), 1+rng.IntN(6), fmt.Sprintf("src-%d", rng.IntN(5000)),
					obs, lat, lon, "Golfo de México", fmt.Sprintf("Report %d on a go-fast boat", id), "Benchmark report text.", obs, "bench", sum[:])
				// The audience rows the product writes with each report (CreateReport).
				m := access.Markings{Originator: origin, TLP: access.TLP(tlp)}
				for _, t := range targets {
					m.RelTo = append(m.RelTo, access.Target{Type: access.TargetType(t[0]), Value: t[1]})
				}
				for _, k := range access.Audiences(m) {
					if aud.Len() == 0 {
						aud.WriteString(`INSERT INTO report_audience (audience, observed, report_id, discipline, tlp, originator) VALUES `)
					} else {
						aud.WriteString(", ")
					}
					aud.WriteString("(?, ?, ?, ?, ?, ?)")
					aa = append(aa, k, obs, id, disc, tlp, origin)
				}
				for _, t := range targets {
					if rel.Len() == 0 {
						rel.WriteString(`INSERT INTO rel_to (kind, record_id, target_type, target) VALUES `)
					} else {
						rel.WriteString(", ")
					}
					rel.WriteString("('report', ?, ?, ?)")
					la = append(la, id, t[0], t[1])
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
	var total int64
	db.QueryRow(`SELECT count(*) FROM reports`).Scan(&total)
	fmt.Printf("gen: %d reports in the store (%d inserted in %s); users uscg, semar, fgr, dea, password %q\n", total, *n, time.Since(start).Round(time.Second), benchPassword)
	return nil
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
