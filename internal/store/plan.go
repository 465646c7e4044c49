package store

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"accord/internal/ingest"
	"accord/internal/vessel"

	"github.com/klauspost/compress/gzip" // the gzip format, compressed ~1.8x faster than compress/gzip at BestSpeed
)

// plan is a validated batch, prepared in Go so that the transaction only writes: the latest
// position per vessel deduplicated, static reports merged per vessel, raw sentences packed
// into one compressed evidence block per feed.
type plan struct {
	feeds     []ingest.FeedStats // deduplicated by name, last wins, sorted by name
	audiences []feedAudience     // the releasability of feeds[i], at i
	refs      []string           // names of feeds referenced by records but absent from feeds
	positions []vessel.Position  // as given
	latest    []vessel.Position  // newest position per (MMSI, feed), sorted by MMSI and feed
	statics   []vessel.Static    // merged per (MMSI, feed), sorted by MMSI and feed
	rawFeeds  []string           // feeds with raw sentences, sorted: the order of evidence()
	now       time.Time

	packed   chan packResult // evidence packed by a goroutine started in makePlan
	packDone *packResult
}

type packResult struct {
	ev  []evidenceBlock
	err error
}

// evidence waits for and returns the evidence blocks, one per feed in rawFeeds order. It must
// be called (at least once) before the batch is released, since packing reads the batch.
func (p *plan) evidence() ([]evidenceBlock, error) {
	if p.packDone == nil {
		r := <-p.packed
		p.packDone = &r
	}
	return p.packDone.ev, p.packDone.err
}

// evidenceBlock is the raw sentences of one feed in one batch.
type evidenceBlock struct {
	feed        string
	first, last time.Time // receive times, UTC
	lines       int
	sum         [sha256.Size]byte // SHA-256 of the uncompressed records
	payload     []byte            // gzip of records "<receive Unix ms>\t<line>\n"
}

// TLPLevels are the TLP 2.0 levels a feed may carry.
var TLPLevels = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

func makePlan(b *ingest.Batch) (*plan, error) {
	p := &plan{positions: b.Positions, now: time.Now().UTC()}
	known := make(map[string]bool, len(b.Feeds))
	for i, f := range b.Feeds {
		if f.Name == "" {
			return nil, fmt.Errorf("feed %d: empty name", i)
		}
		if f.Originator == "" {
			return nil, fmt.Errorf("feed %q: no originator agency: configure the agency that owns its data", f.Name)
		}
		if !slices.Contains(TLPLevels, f.TLP) {
			return nil, fmt.Errorf("feed %q: TLP %q is not one of %s", f.Name, f.TLP, strings.Join(TLPLevels, ", "))
		}
		if _, err := feedMarkings(f); err != nil {
			return nil, fmt.Errorf("feed %q: %w", f.Name, err)
		}
		if known[f.Name] {
			j := slices.IndexFunc(p.feeds, func(g ingest.FeedStats) bool { return g.Name == f.Name })
			p.feeds[j] = f
			continue
		}
		known[f.Name] = true
		p.feeds = append(p.feeds, f)
	}
	slices.SortFunc(p.feeds, func(a, b ingest.FeedStats) int { return strings.Compare(a.Name, b.Name) })
	p.audiences = make([]feedAudience, len(p.feeds))
	for i, f := range p.feeds {
		m, _ := feedMarkings(f) // checked above
		p.audiences[i] = newFeedAudience(m)
	}
	ref := func(name string) {
		if !known[name] {
			known[name] = true
			p.refs = append(p.refs, name)
		}
	}

	// The picture is kept per vessel per feed (each feed has its own releasability): the
	// latest position and the merged static data are deduplicated by (MMSI, feed).
	type vesselFeed struct {
		mmsi uint32
		feed string
	}
	latest := make(map[vesselFeed]int)
	for i := range b.Positions {
		v := &b.Positions[i]
		if err := checkPosition(v); err != nil {
			return nil, fmt.Errorf("position %d (MMSI %09d, feed %q): %w", i, v.MMSI, v.Source, err)
		}
		ref(v.Source)
		k := vesselFeed{v.MMSI, v.Source}
		if j, ok := latest[k]; !ok {
			latest[k] = len(p.latest)
			p.latest = append(p.latest, *v)
		} else if !v.Time.Before(p.latest[j].Time) {
			p.latest[j] = *v
		}
	}
	slices.SortFunc(p.latest, func(a, b vessel.Position) int {
		return cmp.Or(cmp.Compare(a.MMSI, b.MMSI), strings.Compare(a.Source, b.Source))
	})

	statics := make(map[vesselFeed]int)
	for i := range b.Statics {
		v := &b.Statics[i]
		if v.MMSI == 0 || v.Source == "" || v.Time.IsZero() {
			return nil, fmt.Errorf("static report %d (MMSI %09d, feed %q): MMSI, feed and time are required", i, v.MMSI, v.Source)
		}
		ref(v.Source)
		k := vesselFeed{v.MMSI, v.Source}
		if j, ok := statics[k]; ok {
			p.statics[j] = mergeStatic(p.statics[j], *v)
		} else {
			statics[k] = len(p.statics)
			p.statics = append(p.statics, *v)
		}
	}
	slices.SortFunc(p.statics, func(a, b vessel.Static) int {
		return cmp.Or(cmp.Compare(a.MMSI, b.MMSI), strings.Compare(a.Source, b.Source))
	})

	seen := map[string]bool{}
	for i, r := range b.Raw {
		if err := checkRaw(i, &r); err != nil {
			return nil, err
		}
		if !seen[r.Source] {
			seen[r.Source] = true
			p.rawFeeds = append(p.rawFeeds, r.Source)
			ref(r.Source)
		}
	}
	slices.Sort(p.rawFeeds)
	// Compressing and hashing the raw sentences is the costliest part of a batch in Go: it runs
	// on another core while the transaction writes the positions.
	p.packed = make(chan packResult, 1)
	go func() {
		ev, err := packEvidence(b.Raw)
		p.packed <- packResult{ev, err}
	}()
	return p, nil
}

func checkRaw(i int, r *vessel.RawSentence) error {
	if r.Source == "" {
		return fmt.Errorf("raw sentence %d: no feed (Source)", i)
	}
	if strings.ContainsRune(r.Line, '\n') {
		return fmt.Errorf("raw sentence %d (feed %q): line contains a newline", i, r.Source)
	}
	return nil
}

func checkPosition(v *vessel.Position) error {
	switch {
	case v.MMSI == 0:
		return errors.New("MMSI 0")
	case v.Source == "":
		return errors.New("no feed (Source)")
	case v.Time.IsZero():
		return errors.New("no time")
	case !(v.Lat >= -90 && v.Lat <= 90):
		return fmt.Errorf("latitude %g outside -90..90", v.Lat)
	case !(v.Lon >= -180 && v.Lon <= 180):
		return fmt.Errorf("longitude %g outside -180..180", v.Lon)
	}
	return nil
}

// mergeStatic applies report r over the known data old: fields r leaves empty (empty string,
// zero integer, NaN) keep old's value; class, time and feed are r's.
func mergeStatic(old, r vessel.Static) vessel.Static {
	m := r
	if m.IMO == 0 {
		m.IMO = old.IMO
	}
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&m.Name, old.Name}, {&m.CallSign, old.CallSign}, {&m.Destination, old.Destination}, {&m.Flag, old.Flag},
	} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
	if m.ShipType == 0 {
		m.ShipType = old.ShipType
	}
	for _, f := range []struct {
		dst *float64
		src float64
	}{
		{&m.Length, old.Length}, {&m.Beam, old.Beam}, {&m.Draught, old.Draught},
	} {
		if math.IsNaN(*f.dst) {
			*f.dst = f.src
		}
	}
	return m
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// packEvidence groups raw sentences by feed (in order of first appearance, then sorted by feed)
// and compresses each group.
func packEvidence(raw []vessel.RawSentence) ([]evidenceBlock, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	type group struct {
		block evidenceBlock
		buf   []byte
	}
	// Almost always one feed: size its buffer for every record at once ("<13-digit ms>\t<line>\n").
	size := 0
	for i := range raw {
		size += len(raw[i].Line) + 15
	}
	var groups []*group
	byFeed := map[string]*group{}
	var last *group
	for i := range raw {
		r := &raw[i]
		if err := checkRaw(i, r); err != nil {
			return nil, err
		}
		g := last
		if g == nil || g.block.feed != r.Source {
			g = byFeed[r.Source]
		}
		if g == nil {
			g = &group{block: evidenceBlock{feed: r.Source, first: r.Received, last: r.Received}}
			if len(groups) == 0 {
				g.buf = make([]byte, 0, size)
			}
			byFeed[r.Source] = g
			groups = append(groups, g)
		}
		last = g
		g.block.lines++
		if r.Received.Before(g.block.first) {
			g.block.first = r.Received
		}
		if r.Received.After(g.block.last) {
			g.block.last = r.Received
		}
		g.buf = strconv.AppendInt(g.buf, r.Received.UnixMilli(), 10)
		g.buf = append(g.buf, '\t')
		g.buf = append(g.buf, r.Line...)
		g.buf = append(g.buf, '\n')
	}
	out := make([]evidenceBlock, 0, len(groups))
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	for _, g := range groups {
		var z bytes.Buffer
		z.Grow(len(g.buf) / 4)
		zw.Reset(&z)
		if _, err := zw.Write(g.buf); err != nil {
			return nil, fmt.Errorf("compress evidence: %w", err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress evidence: %w", err)
		}
		g.block.sum = sha256.Sum256(g.buf)
		g.block.payload = z.Bytes()
		out = append(out, g.block)
	}
	slices.SortFunc(out, func(a, b evidenceBlock) int { return strings.Compare(a.feed, b.feed) })
	return out, nil
}

// unpackEvidence decompresses one evidence block, checks its SHA-256 and line count, and
// appends to dst its sentences received with from <= time < to.
func unpackEvidence(dst []vessel.RawSentence, feed string, payload, sum []byte, lines int, from, to time.Time) ([]vessel.RawSentence, error) {
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		return dst, fmt.Errorf("evidence: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return dst, fmt.Errorf("evidence: %w", err)
	}
	if got := sha256.Sum256(data); !bytes.Equal(got[:], sum) {
		return dst, fmt.Errorf("evidence: SHA-256 %x does not match the stored %x: the block was altered", got, sum)
	}
	n := 0
	fromMs, toMs := from.UnixMilli(), to.UnixMilli()
	for line := range bytes.Lines(data) {
		n++
		line = bytes.TrimSuffix(line, []byte{'\n'})
		tab := bytes.IndexByte(line, '\t')
		if tab < 0 {
			return dst, fmt.Errorf("evidence: record %d has no tab", n)
		}
		ms, err := strconv.ParseInt(string(line[:tab]), 10, 64)
		if err != nil {
			return dst, fmt.Errorf("evidence: record %d: %w", n, err)
		}
		if ms >= fromMs && ms < toMs {
			dst = append(dst, vessel.RawSentence{Source: feed, Received: time.UnixMilli(ms).UTC(), Line: string(line[tab+1:])})
		}
	}
	if n != lines {
		return dst, fmt.Errorf("evidence: %d records, want %d", n, lines)
	}
	return dst, nil
}

func floatOrNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }
