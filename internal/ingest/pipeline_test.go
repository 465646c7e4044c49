package ingest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"accord/internal/vessel"
)

// lineCounter is a LineDecoder for tests: every line "P <mmsi>" is one position message, every
// line "S <mmsi>" one static message, "X" a bad checksum, and anything else unparseable.
type lineCounter struct{ c DecodeCounters }

func (d *lineCounter) Decode(line []byte, recv time.Time, out []Report) []Report {
	d.c.Lines++
	if len(line) > 2 && (line[0] == 'P' || line[0] == 'S') {
		mmsi, err := strconv.Atoi(string(line[2:]))
		if err == nil {
			d.c.Sentences++
			d.c.Messages++
			if line[0] == 'P' {
				return append(out, Report{HasPosition: true, Position: vessel.Position{MMSI: uint32(mmsi), Time: recv}})
			}
			return append(out, Report{HasStatic: true, Static: vessel.Static{MMSI: uint32(mmsi), Time: recv}})
		}
	}
	if string(line) == "X" {
		d.c.BadChecksum++
		return out
	}
	d.c.Unparseable++
	return out
}
func (d *lineCounter) Flush()                   {}
func (d *lineCounter) Counters() DecodeCounters { return d.c }

// memSink is a Sink that keeps everything in memory, optionally slowly or failing at first.
type memSink struct {
	mu        sync.Mutex
	delay     time.Duration
	failFirst int
	positions map[uint32]int
	statics   int
	raw       int
	feeds     map[string]FeedStats
}

func newMemSink() *memSink {
	return &memSink{positions: map[uint32]int{}, feeds: map[string]FeedStats{}}
}

func (s *memSink) WriteBatch(ctx context.Context, b *Batch) error {
	time.Sleep(s.delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failFirst > 0 {
		s.failFirst--
		return errors.New("injected write failure")
	}
	for _, p := range b.Positions {
		s.positions[p.MMSI]++
	}
	s.statics += len(b.Statics)
	s.raw += len(b.Raw)
	for _, f := range b.Feeds {
		s.feeds[f.Name] = f
	}
	return nil
}

func (s *memSink) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.positions {
		n += c
	}
	return n + s.statics
}

func TestPipelineAcknowledgesEverythingOnClose(t *testing.T) {
	tests := []struct {
		name      string
		lines     int
		batch     int
		failFirst int
	}{
		{"one partial batch", 10, 4096, 0},
		{"many batches", 10000, 128, 0},
		{"write failures are retried", 1000, 100, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := newMemSink()
			sink.failFirst = tc.failFirst
			p := New(sink, Options{BatchSize: tc.batch}, nil)
			f := p.AddFeed(FeedInfo{Name: "file:test", Kind: "file", Block: true})
			dec := &lineCounter{}
			fn := f.Lines(dec)
			now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
			for i := 0; i < tc.lines; i++ {
				kind := "P "
				if i%10 == 0 {
					kind = "S "
				}
				fn([]byte(kind+strconv.Itoa(345000000+i%50)), now)
			}
			fn([]byte("X"), now)
			fn([]byte("garbage"), now)
			if err := p.Close(); err != nil && tc.failFirst == 0 {
				t.Fatal(err)
			}
			if got := sink.total(); got != tc.lines {
				t.Errorf("persisted %d messages, want %d", got, tc.lines)
			}
			stats, _ := p.Feeds(context.Background())
			if len(stats) != 1 {
				t.Fatalf("got %d feeds, want 1", len(stats))
			}
			st := stats[0]
			if st.Acknowledged != int64(tc.lines) || st.Messages != int64(tc.lines) {
				t.Errorf("acknowledged %d, messages %d, want %d both", st.Acknowledged, st.Messages, tc.lines)
			}
			if st.BadChecksum != 1 || st.Unparseable != 1 || st.Lines != int64(tc.lines+2) || st.Dropped != 0 {
				t.Errorf("counters %+v: want 1 bad checksum, 1 unparseable, %d lines, 0 dropped", st, tc.lines+2)
			}
			if got := sink.feeds["file:test"]; got.Lines != st.Lines {
				t.Errorf("persisted feed counters say %d lines, want %d", got.Lines, st.Lines)
			}
			if sink.raw != tc.lines+2 {
				t.Errorf("persisted %d raw lines, want %d", sink.raw, tc.lines+2)
			}
		})
	}
}

func TestPipelineCountsDropsUnderOverload(t *testing.T) {
	sink := newMemSink()
	sink.delay = 20 * time.Millisecond
	p := New(sink, Options{BatchSize: 10, QueueDepth: 1, MaxWrite: 10}, nil)
	f := p.AddFeed(FeedInfo{Name: "udp:test", Kind: "udp", Block: false})
	fn := f.Lines(&lineCounter{})
	const n = 5000
	now := time.Now().UTC()
	for i := 0; i < n; i++ {
		fn([]byte("P "+strconv.Itoa(345000000+i)), now)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	stats, _ := p.Feeds(context.Background())
	st := stats[0]
	if st.Dropped == 0 {
		t.Fatalf("no drop counted although the queue was overloaded: %+v", st)
	}
	if got := int64(sink.total()); got+st.Dropped != n || got != st.Acknowledged {
		t.Errorf("persisted %d + dropped %d != %d sent, or acknowledged %d != persisted", got, st.Dropped, n, st.Acknowledged)
	}
}

func TestPipelineFlushesOnInterval(t *testing.T) {
	sink := newMemSink()
	p := New(sink, Options{BatchSize: 1000, FlushInterval: 20 * time.Millisecond}, nil)
	defer p.Close()
	f := p.AddFeed(FeedInfo{Name: "tcp:test", Kind: "tcp-client", Block: true})
	fn := f.Lines(&lineCounter{})
	fn([]byte("P 345000001"), time.Now().UTC())
	deadline := time.Now().Add(5 * time.Second)
	for sink.total() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("a lone message was not flushed within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stats, _ := p.Feeds(context.Background())
	for stats[0].Acknowledged != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		stats, _ = p.Feeds(context.Background())
	}
	if stats[0].Acknowledged != 1 {
		t.Errorf("acknowledged %d, want 1", stats[0].Acknowledged)
	}
}

func TestPipelineLinesAfterCloseAreCountedNotLost(t *testing.T) {
	sink := newMemSink()
	p := New(sink, Options{}, nil)
	f := p.AddFeed(FeedInfo{Name: "file:late", Kind: "file", Block: true})
	fn := f.Lines(&lineCounter{})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	fn([]byte("P 345000001"), time.Now().UTC())
	stats, _ := p.Feeds(context.Background())
	if stats[0].Dropped != 1 || stats[0].Messages != 1 {
		t.Errorf("got %+v, want the late message counted as dropped", stats[0])
	}
}

func TestPipelineSkipsUnusableMessages(t *testing.T) {
	sink := newMemSink()
	p := New(sink, Options{}, nil)
	f := p.AddFeed(FeedInfo{Name: "file:mmsi0", Kind: "file", Block: true})
	fn := f.Lines(&lineCounter{})
	now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, l := range []string{"P 345000001", "P 0", "S 0", "S 345000002", "P 345000003"} {
		fn([]byte(l), now)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got := sink.total(); got != 3 {
		t.Errorf("persisted %d records, want 3 (none with MMSI 0)", got)
	}
	if sink.positions[0] != 0 {
		t.Errorf("persisted %d positions of MMSI 0", sink.positions[0])
	}
	st, _ := p.Feeds(context.Background())
	if s := st[0]; s.Messages != 3 || s.Unparseable != 2 || s.Acknowledged != 3 || s.Dropped != 0 {
		t.Errorf("counters %+v: want 3 messages, 2 unparseable, 3 acknowledged, 0 dropped", s)
	}
	if sink.raw != 5 {
		t.Errorf("persisted %d raw lines, want all 5 as evidence", sink.raw)
	}
}

// rejectingSink rejects (permanently) every batch holding a position of MMSI reject.
type rejectingSink struct {
	*memSink
	reject uint32
	calls  int
}

func (s *rejectingSink) WriteBatch(ctx context.Context, b *Batch) error {
	s.calls++
	for _, p := range b.Positions {
		if p.MMSI == s.reject {
			return fmt.Errorf("position of MMSI %d: %w", p.MMSI, ErrRejected)
		}
	}
	return s.memSink.WriteBatch(ctx, b)
}

func TestPipelineRejectedBatchIsCountedNotRetried(t *testing.T) {
	sink := &rejectingSink{memSink: newMemSink(), reject: 345000013}
	p := New(sink, Options{BatchSize: 10, MaxWrite: 10}, nil)
	f := p.AddFeed(FeedInfo{Name: "file:reject", Kind: "file", Block: true})
	fn := f.Lines(&lineCounter{})
	now := time.Now().UTC()
	for i := range 100 {
		fn([]byte("P "+strconv.Itoa(345000000+i)), now)
	}
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close stalled on a batch the sink rejects")
	}
	if err == nil || !strings.Contains(err.Error(), "1 batches could not be persisted") {
		t.Errorf("Close returned %v, want it to report the lost batch", err)
	}
	st, _ := p.Feeds(context.Background())
	if s := st[0]; s.Dropped != 10 || s.Acknowledged != 90 || s.Messages != 100 {
		t.Errorf("counters %+v: want 10 dropped, 90 acknowledged of 100", s)
	}
	if sink.calls != 11 {
		t.Errorf("%d writes, want 11: 10 batches and Close's counters, no retry of the rejected batch", sink.calls)
	}
}
