// Command detect-bench replays simulated traffic through every behaviour detector and reports
// the throughput: the acceptance target of issue 6 is a day of 50,000 vessels (about 100
// million positions) in under 10 minutes on the project's 2-core machine.
//
// Positions are generated in-process by internal/sim and handed to the detectors as
// vessel.Position values, without NMEA: encoding and decoding 100 M sentences would dominate
// the run (the decoder's own throughput is measured in bench/ais). The simulator runs in one
// goroutine and the detectors in another, connected by a channel of batches; each goroutine is
// locked to its OS thread, so the CPU time of generation and of detection are measured apart
// (getrusage RUSAGE_THREAD). The detectors get the real jurisdiction engine and the real port
// and anchorage lists. -mode sim runs the simulator alone.
//
//	go build -o /tmp/detect-bench ./bench/detect
//	flock -x /tmp/accord-cpu.lock /tmp/detect-bench -scale 820 -duration 24h -interval 30s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync/atomic"
	"syscall"
	"time"

	"accord/internal/detect"
	"accord/internal/jurisdiction"
	"accord/internal/sim"
	"accord/internal/vessel"
)

// event is one simulated report: a position or static data.
type event struct {
	static bool
	pos    vessel.Position
	st     vessel.Static
}

const batchSize = 4096

type batch struct {
	ev []event
	n  int
}

// capture is a sim.Encoder that collects each report into batches for the detector goroutine
// instead of encoding it.
type capture struct {
	out, free chan *batch
	cur       *batch
	positions int64
	statics   int64
	mmsi      map[uint32]struct{} // distinct MMSIs (from the static reports)
	rec       *recordWriter       // -record: also write every report here
	simNow    time.Time
	// snapshots for the progress lines, updated per batch
	doneN, doneT atomic.Int64
}

func (c *capture) add(e event) {
	if c.cur == nil {
		c.cur = <-c.free
		c.cur.n = 0
	}
	c.cur.ev[c.cur.n] = e
	c.cur.n++
	if c.cur.n == len(c.cur.ev) {
		c.flush()
	}
}

func (c *capture) flush() {
	if c.cur != nil && c.cur.n > 0 {
		c.doneN.Store(c.positions)
		c.doneT.Store(c.simNow.Unix())
		c.out <- c.cur
		c.cur = nil
	}
}

func (c *capture) Position(p vessel.Position, classB bool) ([]string, error) {
	c.positions++
	if classB {
		p.MsgType = 18
	}
	c.simNow = p.Time
	if c.rec != nil {
		c.rec.position(p)
	}
	c.add(event{pos: p})
	return nil, nil
}

func (c *capture) Static(s vessel.Static) ([]string, error) {
	c.statics++
	// Every vessel sends static data with its first position and after each change of
	// identity, so the MMSIs of static reports are those of the positions (a tenth as many
	// map insertions).
	c.mmsi[s.MMSI] = struct{}{}
	if c.rec != nil {
		c.rec.static(s)
	}
	c.add(event{static: true, st: s})
	return nil, nil
}

// threadCPU is the CPU time (user + system) of the calling OS thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD (Linux)
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report is what one run measured (printed as text and, with -json, as JSON).
type report struct {
	Mode            string           `json:"mode"`
	Scale           float64          `json:"scale"`
	Simulated       string           `json:"simulated"`
	MinInterval     string           `json:"min_interval"`
	Source          string           `json:"source"`   // simulated in-process, or replayed from a file
	Complete        bool             `json:"complete"` // false when -deadline stopped the run
	Vessels         int              `json:"vessels"`  // distinct MMSIs
	Positions       int64            `json:"positions"`
	Statics         int64            `json:"statics"`
	MeanIntervalS   float64          `json:"mean_interval_s"` // vessel-seconds simulated per position
	SetupS          float64          `json:"setup_s"`         // jurisdiction engine and ports
	WallS           float64          `json:"wall_s"`          // replay, from the first report to Close
	ProcessCPUS     float64          `json:"process_cpu_s"`   // user + system of the whole process during the replay
	GenerateCPUS    float64          `json:"generate_cpu_s"`  // simulator thread
	DetectCPUS      float64          `json:"detect_cpu_s"`    // detector thread
	DetectWaitS     float64          `json:"detect_wait_s"`   // detector thread idle, waiting for reports
	PositionsPerS   float64          `json:"positions_per_s"` // positions / wall
	DetectPerCPUS   float64          `json:"detect_positions_per_cpu_s"`
	MaxRSSMB        float64          `json:"max_rss_mb"` // getrusage ru_maxrss of the process (peak)
	HeapInUseMB     float64          `json:"heap_in_use_mb"`
	GCCycles        uint32           `json:"gc_cycles"`
	GCPauseS        float64          `json:"gc_pause_s"`
	Detector        *detect.Stats    `json:"detector,omitempty"`
	AlertsByKind    map[string]int64 `json:"alerts_by_kind,omitempty"`
	AlertsByDetail  map[string]int64 `json:"alerts_by_detail,omitempty"`
	AlertedVesselsN int              `json:"alerted_vessels,omitempty"`
}

func main() {
	scale := flag.Float64("scale", 820, "traffic scale of the demo scenario (820 ≈ 50,000 vessels)")
	duration := flag.Duration("duration", 24*time.Hour, "simulated duration")
	interval := flag.Duration("interval", 30*time.Second, "shortest report interval per vessel (sim.Options.MinInterval; 0: transponder rates)")
	mode := flag.String("mode", "detect", "detect: simulator and detectors; sim: simulator alone")
	root := flag.String("root", ".", "repository root (node_modules/@geo-maps, ../shared/data)")
	seed := flag.Uint64("seed", 1, "simulator seed")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the replay to this file")
	memprofile := flag.String("memprofile", "", "write a heap profile at the end of the replay to this file")
	show := flag.Int("show", 0, "print the first N alerts of each kind/detail")
	deadline := flag.Duration("deadline", 14*time.Minute, "stop the replay after this wall time and report what was done (0: none)")
	progress := flag.Duration("progress", time.Minute, "print progress to stderr this often (0: never)")
	jsonOut := flag.String("json", "", "also write the report as JSON to this file")
	record := flag.String("record", "", "write the simulated reports to this file (binary, see record.go) for -replay")
	replay := flag.String("replay", "", "read the reports from this file (made with -record) instead of simulating them")
	flag.Parse()
	if *record != "" && *replay != "" {
		fail(errors.New("-record and -replay exclude each other"))
	}

	ctx := context.Background()
	sc, err := sim.Lookup("demo")
	if err != nil {
		fail(err)
	}
	rep := report{Mode: *mode, Scale: *scale, Simulated: duration.String(), MinInterval: interval.String(),
		Source: "simulated in-process", AlertsByKind: map[string]int64{}, AlertsByDetail: map[string]int64{}}
	if *replay != "" {
		rep.Source = "replayed from " + *replay + " (-scale, -duration, -interval and -seed as given when it was recorded)"
	}
	alerted := map[uint32]bool{}
	var d *detect.Detector
	setup := time.Now()
	switch *mode {
	case "detect":
		cache, _ := os.UserCacheDir()
		eng, err := jurisdiction.Load(ctx, jurisdiction.DefaultConfig(*root, filepath.Join(cache, "accord", "jurisdiction")),
			slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		if err != nil {
			fail(err)
		}
		dir := filepath.Join(*root, "..", "shared", "data", "ports")
		ports, err := detect.LoadPorts(filepath.Join(dir, "WPI_ports.csv"), filepath.Join(dir, "gfw_anchorage_overrides.csv"))
		if err != nil {
			fail(err)
		}
		loc := detect.LocatorFunc(func(lat, lon float64) detect.Place {
			a := eng.Lookup(lat, lon)
			dist := a.BaselineNM
			if a.Zone == jurisdiction.ZoneUnknown {
				dist = math.NaN()
			}
			return detect.Place{State: a.State, Zone: string(a.Zone), Authority: a.Authority, ShoreNM: dist}
		})
		d, err = detect.New(detect.DefaultConfig(), loc, ports, func(a detect.Alert) {
			rep.AlertsByKind[a.Kind]++
			k := a.Kind + "/" + a.Detail
			rep.AlertsByDetail[k]++
			for _, m := range a.MMSI {
				alerted[m] = true
			}
			if rep.AlertsByDetail[k] <= int64(*show) {
				fmt.Println(a.Text())
			}
		})
		if err != nil {
			fail(err)
		}
	case "sim":
	default:
		fail(fmt.Errorf("-mode %q: want detect or sim", *mode))
	}
	rep.SetupS = time.Since(setup).Seconds()
	runtime.GC()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
	}

	const inFlight = 16
	c := &capture{out: make(chan *batch, inFlight), free: make(chan *batch, inFlight+2), mmsi: map[uint32]struct{}{}}
	for range inFlight + 2 {
		c.free <- &batch{ev: make([]event, batchSize)}
	}
	runCtx := ctx
	if *deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, *deadline)
		defer cancel()
	}
	var usage0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &usage0)
	start := time.Now()

	type done struct {
		cpu  time.Duration
		wait time.Duration
		err  error
	}
	genDone := make(chan done, 1)
	if *record != "" {
		f, err := os.Create(*record)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		if c.rec, err = newRecordWriter(f); err != nil {
			fail(err)
		}
	}
	var in *os.File
	if *replay != "" {
		if in, err = os.Open(*replay); err != nil {
			fail(err)
		}
		defer in.Close()
	}
	go func() {
		runtime.LockOSThread()
		c0 := threadCPU()
		var err error
		if in != nil {
			err = readRecords(in, c, runCtx.Err)
		} else {
			opt := sim.Options{Seed: *seed, Duration: *duration, Scale: *scale, MinInterval: *interval}
			err = sim.Run(runCtx, sc, opt, c, func(string, time.Time) error { return nil })
			if c.rec != nil && err == nil {
				err = c.rec.flush()
			}
		}
		c.flush()
		close(c.out)
		genDone <- done{cpu: threadCPU() - c0, err: err}
	}()
	detDone := make(chan done, 1)
	var detected int64
	go func() {
		runtime.LockOSThread()
		c0 := threadCPU()
		var wait time.Duration
		for {
			w := time.Now()
			b, ok := <-c.out
			wait += time.Since(w)
			if !ok {
				break
			}
			if d != nil {
				for i := range b.ev[:b.n] {
					e := &b.ev[i]
					if e.static {
						d.Static(e.st)
					} else {
						d.Position(e.pos)
					}
				}
			}
			atomic.AddInt64(&detected, int64(b.n))
			c.free <- b
		}
		if d != nil {
			d.Close()
		}
		detDone <- done{cpu: threadCPU() - c0, wait: wait}
	}()
	var tick <-chan time.Time
	if *progress > 0 {
		t := time.NewTicker(*progress)
		defer t.Stop()
		tick = t.C
	}
	var gen, det done
	for gotGen, gotDet := false, false; !gotGen || !gotDet; {
		select {
		case gen = <-genDone:
			gotGen = true
		case det = <-detDone:
			gotDet = true
		case <-tick:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Fprintf(os.Stderr, "%6.0f s: simulated %s, %d positions generated, %d reports detected, heap in use %.0f MB\n",
				time.Since(start).Seconds(), time.Unix(c.doneT.Load(), 0).UTC().Format("15:04"), c.doneN.Load(),
				atomic.LoadInt64(&detected), float64(ms.HeapInuse)/1e6)
		}
	}
	rep.WallS = time.Since(start).Seconds()
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	rep.Complete = gen.err == nil
	if gen.err != nil && !errors.Is(gen.err, context.DeadlineExceeded) {
		fail(gen.err)
	}
	var usage syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	cpu := func(r syscall.Rusage) float64 { return float64(r.Utime.Nano()+r.Stime.Nano()) / 1e9 }
	rep.ProcessCPUS = cpu(usage) - cpu(usage0)
	rep.MaxRSSMB = float64(usage.Maxrss) / 1024 // kilobytes on Linux
	rep.GenerateCPUS = gen.cpu.Seconds()
	rep.DetectCPUS = det.cpu.Seconds()
	rep.DetectWaitS = det.wait.Seconds()
	rep.Vessels = len(c.mmsi)
	rep.Positions, rep.Statics = c.positions, c.statics
	rep.PositionsPerS = float64(c.positions) / rep.WallS
	if rep.DetectCPUS > 0 {
		rep.DetectPerCPUS = float64(c.positions) / rep.DetectCPUS
	}
	if c.positions > 0 {
		// vessel-seconds per position over the simulated time covered (less than -duration
		// when -deadline stopped the run)
		covered := duration.Seconds()
		if !rep.Complete {
			covered = c.simNow.Sub(sim.DefaultStart).Seconds()
		}
		rep.MeanIntervalS = float64(len(c.mmsi)) * covered / float64(c.positions)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapInUseMB = float64(ms.HeapInuse) / 1e6
	rep.GCCycles, rep.GCPauseS = ms.NumGC, float64(ms.PauseTotalNs)/1e9
	if d != nil {
		st := d.Stats()
		rep.Detector = &st
		rep.AlertedVesselsN = len(alerted)
	}
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			fail(err)
		}
		f.Close()
	}
	printReport(&rep, c.simNow)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fail(err)
		}
	}
	if !rep.Complete {
		os.Exit(2)
	}
}

func printReport(r *report, simNow time.Time) {
	state := "complete"
	if !r.Complete {
		state = "STOPPED by -deadline at simulated " + simNow.Format(time.RFC3339)
	}
	fmt.Printf("mode %s, scale %g, %s simulated, min interval %s, %s (%s): %d vessels, %d positions (one per %.1f s per vessel), %d static reports\n",
		r.Mode, r.Scale, r.Simulated, r.MinInterval, r.Source, state, r.Vessels, r.Positions, r.MeanIntervalS, r.Statics)
	fmt.Printf("setup %.1f s; replay wall %.1f s = %.0f positions/s; process CPU %.1f s (generator or reader thread %.1f s, detector thread %.1f s = %.0f positions per detector CPU-second, detector idle %.1f s)\n",
		r.SetupS, r.WallS, r.PositionsPerS, r.ProcessCPUS, r.GenerateCPUS, r.DetectCPUS, r.DetectPerCPUS, r.DetectWaitS)
	fmt.Printf("peak RSS %.0f MB (getrusage maxrss); heap in use at end %.0f MB; %d GC cycles, %.2f s of pauses\n",
		r.MaxRSSMB, r.HeapInUseMB, r.GCCycles, r.GCPauseS)
	if r.Detector != nil {
		st := *r.Detector
		st.Alerts = nil
		b, _ := json.Marshal(st)
		fmt.Printf("detector %s\n", b)
		fmt.Printf("alerts: %d vessels in at least one alert\n", r.AlertedVesselsN)
		for _, m := range []map[string]int64{r.AlertsByKind, r.AlertsByDetail} {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Printf("  alerts %-28s %d\n", k, m[k])
			}
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "detect-bench:", err)
	os.Exit(1)
}
