// Command detect-bench replays simulated traffic through every behaviour detector and reports
// the throughput: the acceptance target of issue 6 is a day of 50,000 vessels (about 100
// million positions) in under 10 minutes on the project's 2-core machine.
//
// Positions are generated in-process by internal/sim and handed to the detectors as
// vessel.Position values, without NMEA: encoding and decoding 100 M sentences would dominate
// the run (the decoder's own throughput is measured in bench/ais). The detectors get the real
// jurisdiction engine and the real port and anchorage lists. -mode sim runs the simulator
// alone, so that its share of the time can be subtracted.
//
//	go build -o /tmp/detect-bench ./bench/detect
//	flock -x /tmp/accord-cpu.lock /usr/bin/time -v /tmp/detect-bench -scale 633 -duration 24h
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"time"

	"accord/internal/detect"
	"accord/internal/jurisdiction"
	"accord/internal/sim"
	"accord/internal/vessel"
)

// capture is a sim.Encoder that feeds each report to the detector instead of encoding it.
type capture struct {
	d         *detect.Detector
	positions int64
	statics   int64
	mmsi      map[uint32]struct{}
}

func (c *capture) Position(p vessel.Position, classB bool) ([]string, error) {
	c.positions++
	if classB {
		p.MsgType = 18
	}
	if c.mmsi != nil {
		c.mmsi[p.MMSI] = struct{}{}
	}
	if c.d != nil {
		c.d.Position(p)
	}
	return nil, nil
}

func (c *capture) Static(s vessel.Static) ([]string, error) {
	c.statics++
	if c.d != nil {
		c.d.Static(s)
	}
	return nil, nil
}

func main() {
	scale := flag.Float64("scale", 633, "traffic scale of the demo scenario (633 ≈ 50,000 vessels)")
	duration := flag.Duration("duration", 24*time.Hour, "simulated duration")
	mode := flag.String("mode", "detect", "detect: simulator and detectors; sim: simulator alone")
	root := flag.String("root", ".", "repository root (node_modules/@geo-maps, ../shared/data)")
	seed := flag.Uint64("seed", 1, "simulator seed")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the replay to this file")
	show := flag.Int("show", 0, "print the first N alerts of each kind/detail")
	flag.Parse()

	ctx := context.Background()
	sc, err := sim.Lookup("demo")
	if err != nil {
		fail(err)
	}
	c := &capture{mmsi: map[uint32]struct{}{}}
	var d *detect.Detector
	alerts := map[string]int{}
	if *mode == "detect" {
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
			k := a.Kind + "/" + a.Detail
			alerts[k]++
			if alerts[k] <= *show {
				fmt.Println(a.Text())
			}
		})
		if err != nil {
			fail(err)
		}
		c.d = d
	} else if *mode != "sim" {
		fail(fmt.Errorf("-mode %q: want detect or sim", *mode))
	}
	runtime.GC()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	opt := sim.Options{Seed: *seed, Duration: *duration, Scale: *scale}
	err = sim.Run(ctx, sc, opt, c, func(string, time.Time) error { return nil })
	if err != nil {
		fail(err)
	}
	if d != nil {
		d.Close()
	}
	el := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("mode %s, scale %g, %s simulated: %d vessels, %d positions, %d static reports in %.1f s: %.0f positions/s; heap in use %.0f MB, Go sys %.0f MB\n",
		*mode, *scale, *duration, len(c.mmsi), c.positions, c.statics, el.Seconds(), float64(c.positions)/el.Seconds(),
		float64(ms.HeapInuse)/1e6, float64(ms.Sys)/1e6)
	if d != nil {
		st := d.Stats()
		fmt.Printf("detector: %+v\n", st)
		keys := make([]string, 0, len(alerts))
		for k := range alerts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  alerts %-32s %d\n", k, alerts[k])
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "detect-bench:", err)
	os.Exit(1)
}
