package ais

import "testing"

// positionPayloads are real class A, class B and long-range position reports.
var positionPayloads = []struct {
	p    string
	fill int
}{
	{"15RTgt0PAso;90TKcjM8h6g208CQ", 0},
	{"13RlIW?04F1beOVEFLB9bRvH0L0L", 0},
	{"35VwAv0300QcEQ`EGcpN40jD0PUQ", 0},
	{"B52K>;h00Fc>jpUlNV@ikwpUoP06", 0},
	{"KC5E2b@U19PFdLbL", 0},
}

// BenchmarkDecodePosition measures the allocation-free path: one Decoder, position reports
// (types 1, 3, 18, 27). Target: >= 2,000,000 messages/s on one core, 0 allocs/op.
func BenchmarkDecodePosition(b *testing.B) {
	var d Decoder
	ps := make([][]byte, len(positionPayloads))
	for i, p := range positionPayloads {
		ps[i] = []byte(p.p)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % len(ps)
		if _, err := d.Decode(ps[k], positionPayloads[k].fill); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAppendGPSD measures decoding plus gpsd JSON output of position reports.
func BenchmarkAppendGPSD(b *testing.B) {
	var d Decoder
	buf := make([]byte, 0, 512)
	p := []byte(positionPayloads[0].p)
	b.ReportAllocs()
	for b.Loop() {
		m, err := d.Decode(p, 0)
		if err != nil {
			b.Fatal(err)
		}
		buf = AppendGPSD(buf[:0], m)
	}
}

func TestDecodePositionAllocs(t *testing.T) {
	var d Decoder
	for _, p := range positionPayloads {
		payload := []byte(p.p)
		if n := testing.AllocsPerRun(100, func() {
			if _, err := d.Decode(payload, p.fill); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("Decode(%s): %v allocations per run, want 0", p.p, n)
		}
	}
}
