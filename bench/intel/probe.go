package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ncruces/go-sqlite3"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/store"
	"accord/internal/web"
)

// probe measures the store's side of one list request in process, without HTTP: the token
// check (Session) and the filtered list (Reports, with its read logging), n times in a row on
// one goroutine (or, with --rate, open loop at that rate), and prints wall and CPU time per request (CPU from getrusage, so it counts
// every thread of the process, SQLite's included). With --cpuprofile it writes a pprof CPU
// profile of the loop.
func probe(args []string) error {
	fs := flag.NewFlagSet("probe", flag.ExitOnError)
	dir := fs.String("data", "", "data directory of a store made by gen (required)")
	user := fs.String("user", "uscg", "benchmark user")
	n := fs.Int("n", 2000, "requests")
	disc := fs.String("discipline", "", "discipline filter")
	tlp := fs.String("tlp", "", "level filter")
	orig := fs.String("originator", "", "originator filter")
	days := fs.Int("days", 0, "only reports of the last DAYS days (0: no time filter)")
	limit := fs.Int("limit", 50, "page size")
	mmap := fs.Int64("mmap", 0, "experiment: PRAGMA mmap_size on every connection (bytes)")
	rate := fs.Float64("rate", 0, "requests per second, open loop (0: one after another)")
	viaHTTP := fs.Bool("http", false, "go through the HTTP handler (in process, no network)")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the loop to this file")
	fs.Parse(args)
	if *dir == "" {
		return errors.New("probe: --data is required")
	}
	if *mmap > 0 {
		sqlite3.AutoExtension(func(c *sqlite3.Conn) error { return c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", *mmap)) })
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: *dir}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer st.Close()
	sv := st.Sovereignty()
	u, err := sv.Authenticate(ctx, *user, benchPassword)
	if err != nil {
		return err
	}
	tok, _, _, err := sv.Issue(ctx, u, store.KindToken, "probe", time.Hour)
	if err != nil {
		return err
	}
	f := intel.ReportFilter{Discipline: intel.Discipline(*disc), TLP: access.TLP(*tlp), Originator: *orig, Limit: *limit}
	if *days > 0 {
		f.From = time.Now().UTC().AddDate(0, 0, -*days)
	}
	one := func() (int, error) {
		ru, _, _, err := sv.Session(ctx, tok)
		if err != nil {
			return 0, err
		}
		rs, err := sv.Reports(ctx, ru, f, "list")
		return len(rs), err
	}
	if *viaHTTP {
		// The whole handler (routing, token check, list, JSON) without the network.
		srv := web.New(web.Config{Vessels: st, NotFound: store.ErrNotFound, Intel: web.IntelConfig{Store: sv, Sessions: sv}}, slog.New(slog.DiscardHandler))
		q := url.Values{}
		q.Set("limit", strconv.Itoa(*limit))
		for k, v := range map[string]string{"discipline": *disc, "tlp": *tlp, "originator": *orig} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if !f.From.IsZero() {
			q.Set("from", f.From.Format(time.RFC3339))
		}
		target := "/api/v1/reports?" + q.Encode()
		one = func() (int, error) {
			req := httptest.NewRequest("GET", target, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != 200 {
				return 0, fmt.Errorf("%s: %d %s", target, rec.Code, rec.Body)
			}
			return strings.Count(rec.Body.String(), `"stix_id"`), nil
		}
	}
	for i := 0; i < 50; i++ { // warm the caches and the statement cache
		if _, err := one(); err != nil {
			return err
		}
	}
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	lat := make([]time.Duration, *n)
	c0, w0 := cpu(), time.Now()
	var rows atomic.Int64
	var failed atomic.Pointer[error]
	if *rate <= 0 {
		for i := range lat {
			t := time.Now()
			k, err := one()
			if err != nil {
				return err
			}
			rows.Add(int64(k))
			lat[i] = time.Since(t)
		}
	} else {
		// Open loop: request i starts at w0 + i/rate on its own goroutine; its latency counts
		// from that scheduled time.
		var wg sync.WaitGroup
		every := time.Duration(float64(time.Second) / *rate)
		for i := range lat {
			at := w0.Add(time.Duration(i) * every)
			time.Sleep(time.Until(at))
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, err := one()
				if err != nil {
					failed.Store(&err)
				}
				rows.Add(int64(k))
				lat[i] = time.Since(at)
			}()
		}
		wg.Wait()
		if e := failed.Load(); e != nil {
			return *e
		}
	}
	wall, used := time.Since(w0), cpu()-c0
	slices.Sort(lat)
	fmt.Printf("probe: rate %.0f/s, %+v as %s: %d requests, %.1f reports each; per request wall %s (p50 %s, p99 %s), CPU %s\n",
		*rate, f, *user, *n, float64(rows.Load())/float64(*n), (wall / time.Duration(*n)).Round(time.Microsecond),
		lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond), (used / time.Duration(*n)).Round(time.Microsecond))
	return nil
}
