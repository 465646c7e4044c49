// Package policy benchmarks the policy engine's decisions with the real jurisdiction engine
// and GeoNames population: the latency of one decision, jurisdiction look-ups included, as
// p50/p99 of a latency histogram over many decisions. Run ./run.sh (target: p99 ≤ 100 µs).
package policy

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"accord/internal/jurisdiction"
	"accord/internal/ops"
	"accord/internal/policy"
)

func root(b *testing.B) string {
	dir, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			b.Fatal("go.mod not found")
		}
		dir = up
	}
}

func engine(b *testing.B) *policy.Engine {
	r := root(b)
	cache := os.Getenv("ACCORD_JURISDICTION_CACHE")
	if cache == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			b.Fatal(err)
		}
		cache = filepath.Join(d, "accord", "jurisdiction")
	}
	cfg := jurisdiction.DefaultConfig(r, cache)
	if _, err := os.Stat(cfg.LandPath); err != nil {
		b.Skipf("boundary data missing (%v); run `npm ci`", err)
	}
	where, err := jurisdiction.Load(context.Background(), cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		b.Fatal(err)
	}
	people, err := policy.LoadCities(policy.CitiesPath(r))
	if err != nil {
		b.Fatal(err)
	}
	e, err := policy.New(policy.DefaultConfig(), where, people)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// scenarios returns the operations of the policy's scenario tables.
func scenarios(b *testing.B) []*ops.Operation {
	var out []*ops.Operation
	for _, name := range []string{"scenarios.json", "heldout.json"} {
		raw, err := os.ReadFile(filepath.Join(root(b), "internal", "policy", "testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		var sc []struct {
			Operation json.RawMessage `json:"operation"`
		}
		if err := json.Unmarshal(raw, &sc); err != nil {
			b.Fatal(err)
		}
		for _, s := range sc {
			op, err := ops.ParseJSON(s.Operation)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, op)
		}
	}
	return out
}

// measure decides ops round-robin b.N times, timing each decision, and reports p50, p99 and
// max in µs from the sorted latencies.
func measure(b *testing.B, e *policy.Engine, opsList []*ops.Operation) {
	const maxSamples = 1 << 21 // latencies kept (16 MB); the histogram covers the first ones
	var lat []time.Duration
	var sink int
	i := 0
	for b.Loop() {
		op := opsList[i%len(opsList)]
		t0 := time.Now()
		d := e.Decide(op)
		el := time.Since(t0)
		sink += len(d.Rules)
		if len(lat) < maxSamples {
			lat = append(lat, el)
		}
		i++
	}
	b.StopTimer()
	if sink < 0 {
		b.Fatal("unreachable")
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e3 }
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1])/1e3, "max-µs")
	b.ReportMetric(float64(len(lat)), "decisions")
}

// BenchmarkDecideScenarios decides the 107 scenario operations (points and areas, consents,
// pursuits, land operations with the population gate).
func BenchmarkDecideScenarios(b *testing.B) {
	e := engine(b)
	measure(b, e, scenarios(b))
}

// BenchmarkDecideRandomPlaces decides maritime interdictions and land arrests at 10 000
// random points of the region (every jurisdiction path: fast cells, exact distance, exact
// geometry), joint and foreign participants, with and without a pursuit.
func BenchmarkDecideRandomPlaces(b *testing.B) {
	e := engine(b)
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	var list []*ops.Operation
	for range 10000 {
		lat, lon := rng.Float64()*35, -125+rng.Float64()*70
		op := &ops.Operation{
			Type: ops.MaritimeInterdiction, Place: ops.Place{Point: &ops.Point{Lat: lat, Lon: lon}},
			Start: t0, End: t0.Add(6 * time.Hour), ForceLevel: 3,
			Participants: []ops.Participant{
				{State: "MEX", Agency: "SEMAR", Kind: ops.Ship, Count: 1, Armed: true, Role: "lead"},
				{State: "USA", Agency: "USCG", Kind: ops.Officer, Count: 4, Armed: true, Role: "support"},
			},
			TargetVessel:  &ops.Vessel{Flag: "PAN"},
			Corroboration: &ops.Corroboration{IndependentSources: 2, BestGrade: "B2"},
			Consents:      []ops.Consent{{State: "PAN", Authority: "AMP", Start: t0, End: t0.Add(24 * time.Hour), MaxForceLevel: 3}},
		}
		switch rng.IntN(3) {
		case 0:
			op.Type, op.TargetVessel, op.Consents = ops.Arrest, nil, nil
			op.Participants[0].Kind = ops.Troops
		case 1:
			op.Pursuit = &ops.Pursuit{StartedState: "USA", StartedZone: "contiguous_zone", Uninterrupted: true}
		}
		list = append(list, op)
	}
	measure(b, e, list)
}
