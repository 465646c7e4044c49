package jurisdiction

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"
)

// TestMeasureLoad reports cold (no cache) and warm load times and the engine's heap. It reads
// the world files afresh, so it runs only when ACCORD_JURISDICTION_MEASURE=1.
func TestMeasureLoad(t *testing.T) {
	if os.Getenv("ACCORD_JURISDICTION_MEASURE") != "1" {
		t.Skip("set ACCORD_JURISDICTION_MEASURE=1 to measure cold and warm loads (about a minute)")
	}
	cfg := DefaultConfig(moduleRoot(t), t.TempDir())
	for _, p := range []string{cfg.LandPath, cfg.MaritimePath, cfg.TreatyPath} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("boundary data: %v", err)
		}
	}
	for _, run := range []string{"cold", "warm"} {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		e, err := Load(context.Background(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		t.Logf("%s load: %v (from cache %v); engine heap %.0f MB; %+v", run, took.Round(time.Millisecond), e.Stats.FromCache,
			(float64(after.HeapAlloc)-float64(before.HeapAlloc))/(1<<20), e.Stats)
		runtime.KeepAlive(e)
	}
}
