package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"accord/internal/vessel"
)

// Report is what a LineDecoder yields for one complete AIS message: a position, static data,
// both, or neither (a message of another kind, such as a binary broadcast, still counts as a
// message).
type Report struct {
	Position    vessel.Position
	HasPosition bool
	Static      vessel.Static
	HasStatic   bool
}

// DecodeCounters are the cumulative counters of one LineDecoder.
type DecodeCounters struct {
	Lines, Sentences, Messages, BadChecksum, Incomplete, Unparseable, Other int64
}

// LineDecoder turns the lines of one stream into reports. One decoder serves one stream (a file,
// a connection); it is not safe for concurrent use.
type LineDecoder interface {
	// Decode consumes one line (without terminator) received at recv (UTC) and appends the
	// reports of the messages it completed to out. The line is only valid during the call.
	Decode(line []byte, recv time.Time, out []Report) []Report
	// Flush ends the stream: parts of messages still pending are counted as incomplete.
	Flush()
	// Counters returns the decoder's cumulative counters.
	Counters() DecodeCounters
}

// Options tune the pipeline. The zero value takes the defaults documented on each field.
type Options struct {
	// BatchSize is the number of messages after which a feed cuts a batch (default 4096).
	BatchSize int
	// FlushInterval bounds how long a decoded message waits in a feed's buffer (default 200 ms).
	FlushInterval time.Duration
	// QueueDepth is the number of batches the write queue holds (default 64). When it is full, a
	// blocking feed waits and a non-blocking feed drops the batch and counts it in Dropped.
	QueueDepth int
	// MaxWrite is the number of messages the writer merges into one store transaction (default 65536).
	MaxWrite int
	// DropRaw, when true, keeps no raw sentences as evidence.
	DropRaw bool
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 4096
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = 200 * time.Millisecond
	}
	if o.QueueDepth <= 0 {
		o.QueueDepth = 64
	}
	if o.MaxWrite <= 0 {
		o.MaxWrite = 65536
	}
	return o
}

// Pipeline batches decoded reports from any number of feeds into a bounded queue, and one writer
// persists them through a Sink. Messages count as acknowledged only once their batch is written.
//
// Lifecycle: New starts the writer and the flush ticker; AddFeed registers feeds whose LineFuncs
// the sources call; Feed.Close flushes a feed; Pipeline.Close flushes every feed, drains the queue
// and waits for the last write. Close must be called after the sources have stopped.
type Pipeline struct {
	sink Sink
	opts Options
	log  *slog.Logger

	queue chan *Batch
	done  chan struct{} // closed when the writer has drained the queue
	stop  chan struct{} // stops the flush ticker

	mu     sync.Mutex
	feeds  map[string]*Feed
	closed bool

	batchesWritten atomic.Int64
	writeErrors    atomic.Int64
	lostBatches    atomic.Int64 // batches not persisted: rejected by the sink, or given up at shutdown
	writeNanos     atomic.Int64
}

// New starts a pipeline writing to sink. The writer uses its own context for writes so that a
// shutdown still persists what the feeds handed over.
func New(sink Sink, opts Options, log *slog.Logger) *Pipeline {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := opts.withDefaults()
	p := &Pipeline{
		sink:  sink,
		opts:  o,
		log:   log,
		queue: make(chan *Batch, o.QueueDepth),
		done:  make(chan struct{}),
		stop:  make(chan struct{}),
		feeds: map[string]*Feed{},
	}
	go p.writer()
	go p.ticker()
	return p
}

// FeedInfo describes a feed when it is added.
type FeedInfo struct {
	Name       string // unique name
	Kind       string // "tcp-client", "tcp-server", "udp", "file", "simulator"
	Originator string // owning agency; the marking of its positions
	TLP        string // TLP 2.0 level of its data
	// RelTo is the releasability of its data ("state:MEX", "agency:DEA", "user:17"); see
	// [FeedStats.RelTo].
	RelTo []string
	// Block makes the feed wait when the write queue is full (files, TCP) instead of dropping
	// (UDP, where the sender cannot be slowed down).
	Block bool
}

// AddFeed registers a feed. Adding a name twice returns the existing feed.
func (p *Pipeline) AddFeed(info FeedInfo) *Feed {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.feeds[info.Name]; ok {
		return f
	}
	f := &Feed{p: p, info: info}
	f.batch = f.p.newBatch()
	p.feeds[info.Name] = f
	return f
}

// Feeds returns the live counters of every feed, sorted by name.
func (p *Pipeline) Feeds(context.Context) ([]FeedStats, error) {
	p.mu.Lock()
	fs := make([]*Feed, 0, len(p.feeds))
	for _, f := range p.feeds {
		fs = append(fs, f)
	}
	p.mu.Unlock()
	out := make([]FeedStats, 0, len(fs))
	for _, f := range fs {
		f.mu.Lock()
		out = append(out, f.statsLocked())
		f.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Close flushes every feed, waits until the writer has persisted everything queued, and stops
// the pipeline. It returns an error when a write could not be completed.
func (p *Pipeline) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.done
		return nil
	}
	p.closed = true
	fs := make([]*Feed, 0, len(p.feeds))
	for _, f := range p.feeds {
		fs = append(fs, f)
	}
	p.mu.Unlock()
	close(p.stop)
	for _, f := range fs {
		f.Close()
	}
	close(p.queue)
	<-p.done
	if n := p.lostBatches.Load(); n > 0 {
		return fmt.Errorf("ingest: %d batches could not be persisted (their messages are counted as dropped); see the log", n)
	}
	return nil
}

// WriteMetrics writes the pipeline's own gauges and counters in the Prometheus text format.
func (p *Pipeline) WriteMetrics(w io.Writer) {
	fmt.Fprintf(w, "# HELP accord_ingest_queue_batches Batches waiting in the ingest write queue.\n# TYPE accord_ingest_queue_batches gauge\naccord_ingest_queue_batches %d\n", len(p.queue))
	fmt.Fprintf(w, "# HELP accord_ingest_queue_capacity Capacity of the ingest write queue, in batches.\n# TYPE accord_ingest_queue_capacity gauge\naccord_ingest_queue_capacity %d\n", cap(p.queue))
	fmt.Fprintf(w, "# HELP accord_ingest_batches_written_total Store transactions written by the ingest writer.\n# TYPE accord_ingest_batches_written_total counter\naccord_ingest_batches_written_total %d\n", p.batchesWritten.Load())
	fmt.Fprintf(w, "# HELP accord_ingest_write_errors_total Failed store writes (retried).\n# TYPE accord_ingest_write_errors_total counter\naccord_ingest_write_errors_total %d\n", p.writeErrors.Load())
	fmt.Fprintf(w, "# HELP accord_ingest_write_seconds_total Time spent in store writes.\n# TYPE accord_ingest_write_seconds_total counter\naccord_ingest_write_seconds_total %g\n", float64(p.writeNanos.Load())/1e9)
}

func (p *Pipeline) ticker() {
	t := time.NewTicker(p.opts.FlushInterval / 2)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			p.mu.Lock()
			fs := make([]*Feed, 0, len(p.feeds))
			for _, f := range p.feeds {
				fs = append(fs, f)
			}
			p.mu.Unlock()
			for _, f := range fs {
				f.flushIfOlder(now.Add(-p.opts.FlushInterval))
			}
		}
	}
}

// writer merges queued batches into transactions of up to MaxWrite messages and persists them.
// A failed write is retried with backoff until it succeeds: nothing handed to the writer is
// dropped. After the queue is closed and drained, done is closed.
//
// Merging copies each queued batch once into a batch the writer reuses, sized for the whole
// transaction; the queued batches then go back to the feeds' pool.
func (p *Pipeline) writer() {
	defer close(p.done)
	merged := &Batch{}
	var parts []*Batch
	for b := range p.queue {
		parts = append(parts[:0], b)
		n := b.messages()
	more:
		for n < p.opts.MaxWrite {
			select {
			case nb, ok := <-p.queue:
				if !ok {
					break more
				}
				parts = append(parts, nb)
				n += nb.messages()
			default:
				break more
			}
		}
		if len(parts) == 1 {
			p.write(b)
		} else {
			mergeInto(merged, parts)
			p.write(merged)
		}
		for i, b := range parts {
			p.recycle(b)
			parts[i] = nil
		}
	}
}

// batchPool holds written batches for reuse by the feeds, so that the steady state allocates
// no batch buffers.
var batchPool sync.Pool

// newBatch returns an empty batch, with room for BatchSize messages when new.
func (p *Pipeline) newBatch() *Batch {
	if b, ok := batchPool.Get().(*Batch); ok {
		return b
	}
	n := p.opts.BatchSize
	// Raw holds every line, messages or not (multipart parts, other NMEA such as $PGHP).
	return &Batch{Positions: make([]vessel.Position, 0, n), Raw: make([]vessel.RawSentence, 0, 2*n)}
}

// recycle empties a written batch and puts it in the pool. Its slices are cleared so that the
// pool holds no strings of old lines.
func (p *Pipeline) recycle(b *Batch) {
	clear(b.Raw)
	clear(b.Statics)
	b.Positions, b.Statics, b.Raw = b.Positions[:0], b.Statics[:0], b.Raw[:0]
	b.Feeds, b.acks = nil, nil
	batchPool.Put(b)
}

func (p *Pipeline) write(b *Batch) {
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := p.sink.WriteBatch(context.Background(), b)
		p.writeNanos.Add(int64(time.Since(start)))
		if err == nil {
			p.batchesWritten.Add(1)
			for _, a := range b.acks {
				a.feed.acknowledged.Add(a.messages)
			}
			return
		}
		p.writeErrors.Add(1)
		if errors.Is(err, ErrRejected) {
			// Retrying cannot help, and waiting would stall every feed: drop it, counted.
			p.lose(b)
			p.log.Error("ingest: batch rejected by the store; its messages are counted as dropped",
				"messages", b.messages(), "err", err)
			return
		}
		p.log.Error("ingest: batch write failed; retrying", "attempt", attempt, "positions", len(b.Positions), "err", err)
		if errors.Is(err, context.Canceled) && attempt > 3 {
			p.lose(b)
			return
		}
		time.Sleep(backoff)
		backoff = min(backoff*2, 5*time.Second)
	}
}

// lose counts the messages of a batch that will not be persisted as dropped by their feeds.
func (p *Pipeline) lose(b *Batch) {
	p.lostBatches.Add(1)
	for _, a := range b.acks {
		a.feed.mu.Lock()
		a.feed.dropped += a.messages
		a.feed.mu.Unlock()
	}
}

// feedAck records how many messages of a feed a batch carries, so that the writer can
// acknowledge them once the batch is persisted.
type feedAck struct {
	feed     *Feed
	messages int64
}

func (b *Batch) messages() int {
	n := 0
	for _, a := range b.acks {
		n += int(a.messages)
	}
	return n
}

// mergeInto makes dst the concatenation of parts (reusing dst's buffers, each grown once to the
// total). Feed counters keep the latest snapshot per feed; acknowledgements add up.
func mergeInto(dst *Batch, parts []*Batch) {
	var np, ns, nr, na int
	for _, b := range parts {
		np, ns, nr, na = np+len(b.Positions), ns+len(b.Statics), nr+len(b.Raw), na+len(b.acks)
	}
	clear(dst.Raw)
	clear(dst.Statics)
	dst.Positions = slices.Grow(dst.Positions[:0], np)
	dst.Statics = slices.Grow(dst.Statics[:0], ns)
	dst.Raw = slices.Grow(dst.Raw[:0], nr)
	dst.acks = slices.Grow(dst.acks[:0], na)
	dst.Feeds = dst.Feeds[:0]
	for _, b := range parts {
		dst.Positions = append(dst.Positions, b.Positions...)
		dst.Statics = append(dst.Statics, b.Statics...)
		dst.Raw = append(dst.Raw, b.Raw...)
		dst.acks = append(dst.acks, b.acks...)
		for _, fs := range b.Feeds {
			if i := slices.IndexFunc(dst.Feeds, func(g FeedStats) bool { return g.Name == fs.Name }); i >= 0 {
				dst.Feeds[i] = fs
			} else {
				dst.Feeds = append(dst.Feeds, fs)
			}
		}
	}
}

// Feed is one source of lines registered with a Pipeline. Its LineFuncs may be called from
// several goroutines (one per connection); each gets its own decoder.
type Feed struct {
	p    *Pipeline
	info FeedInfo

	mu       sync.Mutex
	decoders []LineDecoder
	batch    *Batch
	pending  int64     // messages in batch
	oldest   time.Time // wall time the first message entered batch
	scratch  []Report
	lines    stringArena // backs the Line of the raw sentences
	dropped  int64
	invalid  int64 // decoded messages not kept because their content is unusable (see unusable)
	closed   bool
	retired  DecodeCounters // counters of decoders already released

	acknowledged atomic.Int64
}

// Name returns the feed's name.
func (f *Feed) Name() string { return f.info.Name }

// Lines returns a line callback that decodes with dec and adds the results to the feed. Call
// Release with the same decoder when its stream ends (end of file, closed connection).
func (f *Feed) Lines(dec LineDecoder) func(line []byte, recv time.Time) {
	f.mu.Lock()
	f.decoders = append(f.decoders, dec)
	f.mu.Unlock()
	return func(line []byte, recv time.Time) { f.line(dec, line, recv) }
}

// Release flushes a decoder whose stream has ended and folds its counters into the feed's.
func (f *Feed) Release(dec LineDecoder) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, d := range f.decoders {
		if d == dec {
			d.Flush()
			c := d.Counters()
			f.retired = addCounters(f.retired, c)
			f.decoders = append(f.decoders[:i], f.decoders[i+1:]...)
			return
		}
	}
}

func addCounters(a, b DecodeCounters) DecodeCounters {
	return DecodeCounters{
		Lines: a.Lines + b.Lines, Sentences: a.Sentences + b.Sentences, Messages: a.Messages + b.Messages,
		BadChecksum: a.BadChecksum + b.BadChecksum, Incomplete: a.Incomplete + b.Incomplete,
		Unparseable: a.Unparseable + b.Unparseable, Other: a.Other + b.Other,
	}
}

func (f *Feed) line(dec LineDecoder, line []byte, recv time.Time) {
	f.mu.Lock()
	before := dec.Counters().Messages
	f.scratch = dec.Decode(line, recv, f.scratch[:0])
	msgs := dec.Counters().Messages - before
	if f.closed {
		// The pipeline is shutting down: what arrives now cannot be persisted, so it is counted.
		f.dropped += msgs
		f.mu.Unlock()
		return
	}
	b := f.batch
	if !f.p.opts.DropRaw && len(line) > 0 {
		b.Raw = append(b.Raw, vessel.RawSentence{Source: f.info.Name, Received: recv, Line: f.lines.string(line)})
	}
	for i := range f.scratch {
		r := &f.scratch[i]
		if reason := unusable(r); reason != "" {
			// A message that decodes but cannot be kept (MMSI 0, no time, a position off the
			// globe): its sentence stays in the evidence, the message counts as unparseable.
			f.invalid++
			msgs--
			if f.invalid&(f.invalid-1) == 0 { // log the 1st, 2nd, 4th, 8th, ... occurrence
				f.p.log.Warn("ingest: decoded message not kept", "feed", f.info.Name, "reason", reason,
					"line", truncate(line, 120), "occurrences", f.invalid)
			}
			continue
		}
		if r.HasPosition {
			r.Position.Source = f.info.Name
			b.Positions = append(b.Positions, r.Position)
		}
		if r.HasStatic {
			r.Static.Source = f.info.Name
			b.Statics = append(b.Statics, r.Static)
		}
	}
	if msgs > 0 && f.pending == 0 {
		f.oldest = time.Now()
	}
	f.pending += msgs
	var cut *Batch
	if f.pending >= int64(f.p.opts.BatchSize) || len(b.Raw) >= 4*f.p.opts.BatchSize {
		cut = f.cutLocked()
	}
	f.mu.Unlock()
	if cut != nil {
		f.send(cut)
	}
}

// unusable returns why a decoded report cannot be stored, or "" when it can: every record
// needs a vessel (MMSI not 0), a time, and a position on the globe (degrees).
func unusable(r *Report) string {
	if r.HasPosition {
		p := &r.Position
		switch {
		case p.MMSI == 0:
			return "position: MMSI 0 is not a vessel identity"
		case p.Time.IsZero():
			return "position: no time"
		case !(p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180):
			return "position: latitude/longitude outside -90..90/-180..180"
		}
	}
	if r.HasStatic {
		s := &r.Static
		switch {
		case s.MMSI == 0:
			return "static data: MMSI 0 is not a vessel identity"
		case s.Time.IsZero():
			return "static data: no time"
		}
	}
	return ""
}

// stringArena copies short byte strings into shared blocks: one allocation per block instead
// of one per raw line. A block is never written again where a string was handed out, so
// the strings are immutable; a block lives as long as any string in it.
type stringArena struct{ block []byte }

// arenaBlock is the size of a stringArena block; lines longer than a quarter of it get
// their own allocation.
const arenaBlock = 256 << 10

func (a *stringArena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBlock/4 {
		return string(b)
	}
	if len(b) > cap(a.block)-len(a.block) {
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	return unsafe.String(&a.block[start], len(b))
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// cutLocked takes the current batch with a snapshot of the counters and starts a new one.
func (f *Feed) cutLocked() *Batch {
	b := f.batch
	b.Feeds = []FeedStats{f.statsLocked()}
	b.acks = []feedAck{{feed: f, messages: f.pending}}
	f.batch = f.p.newBatch()
	f.pending = 0
	return b
}

func (f *Feed) statsLocked() FeedStats {
	c := f.retired
	for _, d := range f.decoders {
		c = addCounters(c, d.Counters())
	}
	return FeedStats{
		Name: f.info.Name, Kind: f.info.Kind, Originator: f.info.Originator, TLP: f.info.TLP, RelTo: f.info.RelTo,
		Lines: c.Lines, Sentences: c.Sentences, Messages: c.Messages - f.invalid, BadChecksum: c.BadChecksum,
		Incomplete: c.Incomplete, Unparseable: c.Unparseable + f.invalid, Other: c.Other,
		Dropped: f.dropped, Acknowledged: f.acknowledged.Load(),
	}
}

// send hands a batch to the writer. A blocking feed waits for room; a non-blocking feed drops
// the batch when the queue is full and counts its messages in Dropped.
func (f *Feed) send(b *Batch) {
	if f.info.Block {
		f.p.queue <- b
		return
	}
	select {
	case f.p.queue <- b:
	default:
		n := int64(b.messages())
		f.mu.Lock()
		f.dropped += n
		f.mu.Unlock()
		f.p.recycle(b)
		f.p.log.Warn("ingest: write queue full; batch dropped", "feed", f.info.Name, "messages", n)
	}
}

func (f *Feed) flushIfOlder(limit time.Time) {
	f.mu.Lock()
	if f.closed || (f.pending == 0 && len(f.batch.Raw) == 0) || (f.pending > 0 && f.oldest.After(limit)) {
		f.mu.Unlock()
		return
	}
	b := f.cutLocked()
	f.mu.Unlock()
	f.send(b)
}

// Close flushes the feed's decoders and hands its last batch to the writer. Lines arriving after
// Close are still counted but are no longer persisted by the pipeline's own flushes.
func (f *Feed) Close() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.closed = true
	for _, d := range f.decoders {
		d.Flush()
	}
	b := f.cutLocked()
	f.mu.Unlock()
	f.p.queue <- b // always wait: the pipeline is shutting down and must persist this
}
