// Command jurisdiction-bench is the engine's side of the PostGIS comparison run by run.sh:
// it exports the engine's geometry, draws random points, answers them with the engine (timed)
// and compares two answer files.
//
//	go run ./bench/jurisdiction geometry OUT.tsv          # the polygons and baselines (WKT)
//	go run ./bench/jurisdiction points N SEED OUT.csv     # id,lat,lon uniform over the region
//	go run ./bench/jurisdiction engine POINTS.csv OUT.csv # id,state,zone (+ Lookup and LookupBatch throughput)
//	go run ./bench/jurisdiction compare REF.csv ENGINE.csv MARGIN_NM
//	go run ./bench/jurisdiction official POINTS.csv   # published boundary points vs the engine
//
// REF.csv has id,state,zone,margin_nm (margin: the reference's distance to the nearest zone or
// state limit); points with a margin below MARGIN_NM are excluded from the agreement.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"

	"accord/internal/jurisdiction"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "jurisdiction-bench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: geometry OUT | points N SEED OUT | engine POINTS OUT | compare REF ENGINE MARGIN_NM")
	}
	switch args[0] {
	case "geometry":
		if len(args) != 2 {
			return fmt.Errorf("usage: geometry OUT.tsv")
		}
		e, err := load()
		if err != nil {
			return err
		}
		return writeFile(args[1], e.WriteGeometryTSV)
	case "points":
		if len(args) != 4 {
			return fmt.Errorf("usage: points N SEED OUT.csv")
		}
		n, err1 := strconv.Atoi(args[1])
		seed, err2 := strconv.ParseUint(args[2], 10, 64)
		if err1 != nil || err2 != nil || n <= 0 {
			return fmt.Errorf("points: N and SEED must be positive integers; got %q %q", args[1], args[2])
		}
		r := rand.New(rand.NewPCG(seed, 2))
		rg := jurisdiction.DefaultRegion
		return writeFile(args[3], func(w io.Writer) error {
			bw := bufio.NewWriter(w)
			for i := 1; i <= n; i++ {
				fmt.Fprintf(bw, "%d,%.7f,%.7f\n", i, rg.MinLat+r.Float64()*(rg.MaxLat-rg.MinLat), rg.MinLon+r.Float64()*(rg.MaxLon-rg.MinLon))
			}
			return bw.Flush()
		})
	case "engine":
		if len(args) != 3 {
			return fmt.Errorf("usage: engine POINTS.csv OUT.csv")
		}
		return engine(args[1], args[2])
	case "official":
		if len(args) != 2 {
			return fmt.Errorf("usage: official POINTS.csv (name,kind,A,B,lat,lon)")
		}
		return official(args[1])
	case "compare":
		if len(args) != 4 {
			return fmt.Errorf("usage: compare REF.csv ENGINE.csv MARGIN_NM")
		}
		m, err := strconv.ParseFloat(args[3], 64)
		if err != nil {
			return fmt.Errorf("compare: MARGIN_NM %q: %w", args[3], err)
		}
		return compare(args[1], args[2], m)
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}

func load() (*jurisdiction.Engine, error) {
	root, err := jurisdiction.FindRoot(".")
	if err != nil {
		return nil, err
	}
	cache := os.Getenv("ACCORD_JURISDICTION_CACHE")
	if cache == "" {
		cache = jurisdiction.DefaultCacheDir()
	}
	return jurisdiction.Load(context.Background(), jurisdiction.DefaultConfig(root, cache), slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func writeFile(path string, f func(io.Writer) error) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

type point struct {
	id       string
	lat, lon float64
}

func readPoints(path string) ([]point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = 3
	var pts []point
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return pts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		lat, err1 := strconv.ParseFloat(rec[1], 64)
		lon, err2 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("%s:%d: want id,lat,lon", path, line)
		}
		pts = append(pts, point{rec[0], lat, lon})
	}
}

// engine answers every point on one goroutine and reports the lookup throughput (the lookups
// alone, not the file I/O): once with Lookup, one point after another, and once with
// LookupBatch over the same points, whose answers must be the same.
func engine(in, out string) error {
	pts, err := readPoints(in)
	if err != nil {
		return err
	}
	e, err := load()
	if err != nil {
		return err
	}
	runtime.GOMAXPROCS(1)
	ans := make([]jurisdiction.Answer, len(pts))
	batch := make([]jurisdiction.Answer, len(pts))
	lat, lon := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lat[i], lon[i] = p.lat, p.lon
	}
	// Fault the answer slices' pages in before timing: the kernel's first-touch page faults
	// (≈ 230 MB for 1 000 000 answers) are the slice's cost, not the lookups'.
	for i := range ans {
		ans[i].Lat, batch[i].Lat = 1, 1
	}
	n := float64(len(pts))
	report := func(name string, took, cpu time.Duration) {
		fmt.Fprintf(os.Stderr, "engine %s: %d lookups in %v on one core: %.0f lookups/s (thread CPU time %v: %.0f lookups per CPU-second)\n",
			name, len(pts), took.Round(time.Millisecond), n/took.Seconds(), cpu.Round(time.Millisecond), n/max(cpu.Seconds(), 1e-9))
		fmt.Printf("engine_%s_lookups_per_s %.0f\n", name, n/took.Seconds())
		if cpu > 0 {
			fmt.Printf("engine_%s_lookups_per_cpu_s %.0f\n", name, n/cpu.Seconds())
		}
	}
	// The thread's CPU time is reported beside the wall time: on a shared machine the wall
	// time also counts the time other processes hold the core.
	runtime.LockOSThread()
	runtime.GC() // the load's garbage is not the lookups' cost
	cpu0, start := threadCPU(), time.Now()
	for i, p := range pts {
		ans[i] = e.Lookup(p.lat, p.lon)
	}
	report("single", time.Since(start), threadCPU()-cpu0)
	runtime.GC()
	cpu0, start = threadCPU(), time.Now()
	const per = 4096 // points per LookupBatch call, as a caller streaming positions would
	for s := 0; s < len(pts); s += per {
		t := min(s+per, len(pts))
		e.LookupBatch(lat[s:t], lon[s:t], batch[s:t])
	}
	report("batch", time.Since(start), threadCPU()-cpu0)
	runtime.UnlockOSThread()
	for i := range ans {
		a, b := ans[i], batch[i]
		if a.State != b.State || a.Zone != b.Zone || a.Territory != b.Territory || a.BaselineNM != b.BaselineNM || a.OtherNM != b.OtherNM {
			return fmt.Errorf("point %s: Lookup says %s/%s %.3f nm, LookupBatch %s/%s %.3f nm", pts[i].id, a.State, a.Zone, a.BaselineNM, b.State, b.Zone, b.BaselineNM)
		}
	}
	return writeFile(out, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for i, a := range ans {
			fmt.Fprintf(bw, "%s,%s,%s\n", pts[i].id, a.State, a.Zone)
		}
		return bw.Flush()
	})
}

// compare reports the agreement of the engine's answers with the reference's on the points
// farther than margin nm from a limit (by the reference's own margin).
func compare(refPath, engPath string, margin float64) error {
	read := func(path string, n int) (map[string][]string, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r := csv.NewReader(bufio.NewReader(f))
		r.FieldsPerRecord = n
		m := map[string][]string{}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return m, nil
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			m[rec[0]] = rec[1:]
		}
	}
	ref, err := read(refPath, 4)
	if err != nil {
		return err
	}
	eng, err := read(engPath, 3)
	if err != nil {
		return err
	}
	var total, excluded, agree, missing int
	diffs := map[string]int{}
	var examples []string
	for id, r := range ref {
		total++
		m, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			return fmt.Errorf("%s: point %s: margin %q: %w", refPath, id, r[2], err)
		}
		if m < margin {
			excluded++
			continue
		}
		a, ok := eng[id]
		if !ok {
			missing++
			continue
		}
		if a[0] == r[0] && a[1] == r[1] {
			agree++
			continue
		}
		k := fmt.Sprintf("ref %s/%s engine %s/%s", r[0], r[1], a[0], a[1])
		diffs[k]++
		if len(examples) < 10 {
			examples = append(examples, fmt.Sprintf("point %s: %s (ref margin %.2f nm)", id, k, m))
		}
	}
	compared := total - excluded - missing
	fmt.Printf("points %d, excluded (within %.2f nm of a limit) %d, missing from the engine %d, compared %d, agree %d (%.4f %%)\n",
		total, margin, excluded, missing, compared, agree, 100*float64(agree)/float64(max(compared, 1)))
	var keys []string
	for k := range diffs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return diffs[keys[i]] > diffs[keys[j]] })
	for _, k := range keys {
		fmt.Printf("  %6d  %s\n", diffs[k], k)
	}
	for _, x := range examples {
		fmt.Println("  e.g.", x)
	}
	return nil
}

// official checks published boundary points (not part of the repository: see README.md) against
// the engine. Each line of the file is name,kind,A,B,lat,lon in decimal degrees, kind
// "equidistance" (a turning point of a boundary agreed as the equidistance line between
// states A and B: the engine's equidistance line passes |dA − dB| / 2 nm away) or "eez" (a
// point of A's 200 nm limit: the error is |dA − 200|). It prints each point's error and the
// median.
func official(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 6
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	e, err := load()
	if err != nil {
		return err
	}
	var errs []float64
	for _, rec := range recs {
		lat, err1 := strconv.ParseFloat(rec[4], 64)
		lon, err2 := strconv.ParseFloat(rec[5], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%s: %s: bad lat/lon %q %q", path, rec[0], rec[4], rec[5])
		}
		da, err := e.BaselineNM(lat, lon, rec[2])
		if err != nil {
			return err
		}
		var d float64
		switch rec[1] {
		case "equidistance":
			db, err := e.BaselineNM(lat, lon, rec[3])
			if err != nil {
				return err
			}
			d = (da - db) / 2
			fmt.Printf("%-28s %s %6.2f nm, %s %6.2f nm: off the equidistance line by %5.2f nm (toward %s); engine: %s %s\n",
				rec[0], rec[2], da, rec[3], db, abs(d), map[bool]string{true: rec[2], false: rec[3]}[d < 0], e.Lookup(lat, lon).State, e.Lookup(lat, lon).Zone)
		case "eez":
			d = da - 200
			fmt.Printf("%-28s %s %6.2f nm from the baseline: off the 200 nm limit by %5.2f nm\n", rec[0], rec[2], da, abs(d))
		default:
			return fmt.Errorf("%s: %s: kind %q: want equidistance or eez", path, rec[0], rec[1])
		}
		errs = append(errs, abs(d))
	}
	if len(errs) == 0 {
		return fmt.Errorf("%s: no points", path)
	}
	sort.Float64s(errs)
	med := errs[len(errs)/2]
	if len(errs)%2 == 0 {
		med = (errs[len(errs)/2-1] + errs[len(errs)/2]) / 2
	}
	fmt.Printf("%d points: median error %.2f nm, max %.2f nm\n", len(errs), med, errs[len(errs)-1])
	return nil
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
