package nmea

import (
	"time"
)

// DefaultTimeout is the time allowed between the parts of a multi-sentence message when
// NewAssembler is given no timeout.
const DefaultTimeout = 10 * time.Second

// DefaultMaxPending is the default cap on unfinished multi-sentence messages held by an Assembler.
const DefaultMaxPending = 256

// maxSources caps the table of interned source names.
const maxSources = 4096

// TimeSource says where the time of a Message came from.
type TimeSource uint8

// Time sources, from the most to the least preferred.
const (
	TimeReceived  TimeSource = iota // the receive time given to Feed
	TimeTagBlock                    // tag block c:
	TimeGatehouse                   // a preceding $PGHP line
	TimeLine                        // a timestamp at the start of the line
	TimeStation                     // the US Coast Guard time field after the checksum
)

func (t TimeSource) String() string {
	switch t {
	case TimeTagBlock:
		return "tag block"
	case TimeGatehouse:
		return "gatehouse"
	case TimeLine:
		return "line"
	case TimeStation:
		return "station"
	}
	return "received"
}

// Message is one complete AIS message: the armoured payload of all its sentences joined.
type Message struct {
	// Payload is the complete armoured payload. It is owned by the Assembler and valid until the
	// next call of Feed or Flush.
	Payload   []byte
	Fill      int        // fill bits at the end of Payload, 0–5
	Source    string     // tag block s: or US Coast Guard station; "" when unknown
	Channel   byte       // radio channel ('A', 'B', …), 0 when unknown
	Talker    string     // talker ID of the sentences, e.g. "AI"
	Formatter string     // VDM or VDO
	Time      time.Time  // best time available (UTC): tag block c:, $PGHP, line timestamp, station time, else receive time
	TimeFrom  TimeSource // where Time came from
	HasTime   bool       // whether Time came from the feed rather than the receive time
	Parts     int        // number of sentences joined
}

// Counters are the cumulative counts of an Assembler. Every line fed is counted in Lines and in
// exactly one of Sentences, BadChecksum, Unparseable, Other and Ignored.
type Counters struct {
	Lines       int64 // lines fed
	Sentences   int64 // AIVDM/AIVDO sentences with a valid checksum and valid fields
	Messages    int64 // complete messages returned
	BadChecksum int64 // lines with a missing or wrong sentence or tag-block checksum
	Incomplete  int64 // multi-sentence messages abandoned: a part missing, out of order, replaced, timed out, evicted or flushed
	Unparseable int64 // lines that are not NMEA, malformed AIS sentences, over-long lines
	Other       int64 // valid NMEA sentences that are not AIS (GPS, $PGHP, …)
	Ignored     int64 // blank and comment lines
}

type groupKey struct {
	group     int // tag block g: id, -1 when the key is by sentence fields
	total     int
	seq       int
	channel   byte
	source    string
	talker    string
	formatter string
}

type group struct {
	key      groupKey
	next     int  // next part expected
	broken   bool // a part is missing: the message cannot complete
	buf      []byte
	recv     time.Time // receive time of the first part
	clock    time.Time // feed clock of the latest part
	fedClock bool      // whether clock is a time from the feed rather than a receive time
	time     time.Time
	timeFrom TimeSource
	hasTime  bool
	source   string
	parts    int
}

// Assembler turns lines into complete messages. It is not safe for concurrent use; use one per
// feed. It does not allocate in steady state, except when a line is bad (the error is
// allocated) or the interned source table is full.
type Assembler struct {
	timeout    time.Duration
	maxPending int
	s          Sentence
	msg        Message
	buf        []byte
	pending    []*group // in order of first part
	free       []*group
	sources    map[string]string
	gh         time.Time // time from the last $PGHP line, until a sentence takes it
	hasGH      bool
	c          Counters
}

// NewAssembler returns an Assembler that abandons a multi-sentence message when its next part
// does not come within timeout. The timeout is measured in feed time (the line's own time when
// it has one, else the receive time) between consecutive parts of the same message, and in
// receive time for messages whose next part never comes. timeout <= 0 means DefaultTimeout.
func NewAssembler(timeout time.Duration) *Assembler {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Assembler{
		timeout:    timeout,
		maxPending: DefaultMaxPending,
		buf:        make([]byte, 0, 256),
		sources:    make(map[string]string),
	}
}

// SetMaxPending caps the number of unfinished multi-sentence messages (n >= 1); when the cap is
// reached, the oldest is abandoned and counted Incomplete.
func (a *Assembler) SetMaxPending(n int) {
	a.maxPending = max(n, 1)
	for len(a.pending) > a.maxPending {
		a.abandon(0)
	}
}

// Counters returns the counters so far.
func (a *Assembler) Counters() Counters { return a.c }

// Pending returns the number of unfinished multi-sentence messages held.
func (a *Assembler) Pending() int { return len(a.pending) }

// Flush abandons every unfinished message, counting each Incomplete. Call it at the end of a
// feed (end of file, closed connection).
func (a *Assembler) Flush() {
	for len(a.pending) > 0 {
		a.abandon(len(a.pending) - 1)
	}
	a.hasGH = false
}

// Feed parses one line received at recv (UTC) and returns the message it completes, if any. The
// message is valid until the next call of Feed or Flush. Blank lines, comments and non-AIS
// sentences return (nil, false, nil). A bad line returns an error wrapping ErrChecksum,
// ErrSyntax or ErrTooLong; it has been counted, and the caller may log it and carry on.
func (a *Assembler) Feed(line []byte, recv time.Time) (*Message, bool, error) {
	a.c.Lines++
	s := &a.s
	k, err := parse(line, s)
	if err != nil {
		a.hasGH = false // a $PGHP line dates only the line that follows it
		if k == kindBad && isChecksum(err) {
			a.c.BadChecksum++
		} else {
			a.c.Unparseable++
		}
		return nil, false, err
	}
	switch k {
	case kindBlank:
		a.c.Ignored++
		return nil, false, nil
	case kindOther:
		a.c.Other++
		a.hasGH = false
		return nil, false, nil
	case kindPGHP:
		a.c.Other++
		if !s.gh.IsZero() {
			a.gh, a.hasGH = s.gh, true
		}
		return nil, false, nil
	}
	a.c.Sentences++

	// The time of this sentence.
	var t time.Time
	from := TimeReceived
	switch {
	case s.Tag.HasTime:
		t, from = s.Tag.Time, TimeTagBlock
	case a.hasGH:
		t, from = a.gh, TimeGatehouse
	case s.HasLineTime:
		t, from = s.LineTime, TimeLine
	case s.HasStationTime:
		t, from = s.StationTime, TimeStation
	}
	a.hasGH = false
	clock := recv
	if from != TimeReceived {
		clock = t
	}
	var src []byte
	if s.HasTag && len(s.Tag.Source) > 0 {
		src = s.Tag.Source
	} else if len(s.Station) > 0 {
		src = s.Station
	}

	// Abandon messages whose next part is overdue in receive time.
	for len(a.pending) > 0 && recv.Sub(a.pending[0].recv) > a.timeout {
		a.abandon(0)
	}

	if s.Total == 1 {
		a.buf = append(a.buf[:0], s.Payload...)
		a.msg = Message{
			Payload: a.buf, Fill: s.Fill, Source: a.intern(src), Channel: s.Channel,
			Talker: s.Talker, Formatter: s.Formatter, Parts: 1,
		}
		a.setTime(t, from, recv)
		a.c.Messages++
		return &a.msg, true, nil
	}

	key := groupKey{group: -1, total: s.Total, seq: s.SeqID, channel: s.Channel, talker: s.Talker, formatter: s.Formatter}
	if s.HasTag && s.Tag.HasGroup() {
		key.group = s.Tag.GroupID
		key.seq, key.channel, key.talker = -1, 0, ""
	} else {
		key.source = a.intern(src)
	}
	gi := a.find(&key)
	if gi < 0 && key.group < 0 && s.Num > 1 {
		// Some feeds give the source (tag block or station field) on some parts only.
		gi = a.findOtherSource(&key)
	}
	if gi >= 0 {
		// Compare feed times only with feed times: a $PGHP line may date the first part only.
		g := a.pending[gi]
		if d := clock.Sub(g.clock); g.fedClock == (from != TimeReceived) && (d > a.timeout || d < -a.timeout) {
			a.abandon(gi)
			gi = -1
		}
	}
	var g *group
	switch {
	case s.Num == 1:
		if gi >= 0 {
			a.abandon(gi) // a new first part replaces the unfinished message
		}
		g = a.start(&key, recv)
	case gi < 0: // a later part whose first part never came
		if s.Num == s.Total {
			a.c.Incomplete++
			return nil, false, nil
		}
		g = a.start(&key, recv)
		g.broken = true
	default:
		g = a.pending[gi]
		if s.Num != g.next {
			g.broken = true
		}
	}
	g.next = s.Num + 1
	g.clock, g.fedClock = clock, from != TimeReceived
	g.parts++
	if !g.broken {
		g.buf = append(g.buf, s.Payload...)
		if !g.hasTime && from != TimeReceived {
			g.time, g.timeFrom, g.hasTime = t, from, true
		}
		if g.source == "" && len(src) > 0 {
			g.source = a.intern(src)
		}
	}
	if s.Num < s.Total {
		return nil, false, nil
	}
	gi = a.index(g)
	if g.broken {
		a.abandon(gi)
		return nil, false, nil
	}
	// Complete: hand the group's buffer to the message and take the message's buffer back.
	a.msg = Message{
		Payload: g.buf, Fill: s.Fill, Source: g.source, Channel: s.Channel,
		Talker: s.Talker, Formatter: s.Formatter, Parts: g.parts,
	}
	if g.key.source != "" && g.source == "" {
		a.msg.Source = g.key.source
	}
	if g.hasTime {
		a.setTime(g.time, g.timeFrom, g.recv)
	} else {
		a.setTime(time.Time{}, TimeReceived, g.recv)
	}
	g.buf, a.buf = a.buf[:0], g.buf
	a.remove(gi)
	a.c.Messages++
	return &a.msg, true, nil
}

func (a *Assembler) setTime(t time.Time, from TimeSource, recv time.Time) {
	if from == TimeReceived {
		a.msg.Time, a.msg.TimeFrom, a.msg.HasTime = recv, TimeReceived, false
		return
	}
	a.msg.Time, a.msg.TimeFrom, a.msg.HasTime = t, from, true
}

func isChecksum(err error) bool {
	pe, ok := err.(*ParseError)
	return ok && pe.Err == ErrChecksum
}

// intern returns b as a string shared by every equal source name, allocating only the first
// time (or always, once the table holds maxSources names).
func (a *Assembler) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := a.sources[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(a.sources) < maxSources {
		a.sources[s] = s
	}
	return s
}

func (a *Assembler) find(k *groupKey) int {
	for i, g := range a.pending {
		if g.key == *k {
			return i
		}
	}
	return -1
}

// findOtherSource finds a pending message with key k except for the source, when either has no
// source.
func (a *Assembler) findOtherSource(k *groupKey) int {
	want := *k
	want.source = ""
	for i, g := range a.pending {
		if k.source != "" && g.key.source != "" {
			continue
		}
		gk := g.key
		gk.source = ""
		if gk == want {
			return i
		}
	}
	return -1
}

func (a *Assembler) index(g *group) int {
	for i, p := range a.pending {
		if p == g {
			return i
		}
	}
	return -1
}

func (a *Assembler) start(k *groupKey, recv time.Time) *group {
	if len(a.pending) >= a.maxPending {
		a.abandon(0)
	}
	var g *group
	if n := len(a.free); n > 0 {
		g = a.free[n-1]
		a.free = a.free[:n-1]
		buf := g.buf[:0]
		*g = group{buf: buf}
	} else {
		g = &group{buf: make([]byte, 0, 128)}
	}
	g.key = *k
	g.recv = recv
	a.pending = append(a.pending, g)
	return g
}

// abandon drops pending message i and counts it Incomplete.
func (a *Assembler) abandon(i int) {
	a.c.Incomplete++
	a.remove(i)
}

func (a *Assembler) remove(i int) {
	g := a.pending[i]
	copy(a.pending[i:], a.pending[i+1:])
	a.pending[len(a.pending)-1] = nil
	a.pending = a.pending[:len(a.pending)-1]
	if len(a.free) < a.maxPending {
		a.free = append(a.free, g)
	}
}
