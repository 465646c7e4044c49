package ais

import (
	"time"

	"accord/internal/ais/nmea"
)

// StreamCounters are the cumulative counts of a [Stream]. Every line fed is counted in Lines and
// in at most one of Sentences, BadChecksum, Unparseable and Other (blank and comment lines in
// none); Messages counts decoded messages, Incomplete abandoned multi-sentence messages, and
// Unparseable also counts complete payloads that failed to decode.
type StreamCounters struct {
	Lines       int64
	Sentences   int64
	Messages    int64
	BadChecksum int64
	Incomplete  int64
	Unparseable int64
	Other       int64
}

// Stream turns the lines of one feed into decoded messages: it owns a sentence assembler and a
// [Decoder]. Like the Decoder, the message it returns is valid until the next call. A Stream
// is not safe for concurrent use; use one per feed.
type Stream struct {
	asm       *nmea.Assembler
	dec       Decoder
	messages  int64
	decodeErr int64
}

// NewStream returns a Stream whose assembler abandons a multi-sentence message when its next part
// does not come within timeout (<= 0 means nmea.DefaultTimeout).
func NewStream(timeout time.Duration) *Stream {
	return &Stream{asm: nmea.NewAssembler(timeout)}
}

// Feed parses one line received at recv (UTC). When the line completes a message it returns the
// decoded message and its envelope (source, channel, time; valid until the next call); otherwise
// m is nil. A bad line or an undecodable payload returns an error (already counted) and the
// caller may carry on with the next line.
func (s *Stream) Feed(line []byte, recv time.Time) (m Message, env *nmea.Message, err error) {
	nm, ok, err := s.asm.Feed(line, recv)
	if err != nil || !ok {
		return nil, nil, err
	}
	m, err = s.dec.Decode(nm.Payload, nm.Fill)
	if err != nil {
		s.decodeErr++
		return nil, nm, err
	}
	s.messages++
	return m, nm, nil
}

// Flush abandons unfinished multi-sentence messages (counted Incomplete). Call it at the end of a
// feed.
func (s *Stream) Flush() { s.asm.Flush() }

// Counters returns the counts so far.
func (s *Stream) Counters() StreamCounters {
	c := s.asm.Counters()
	return StreamCounters{
		Lines:       c.Lines,
		Sentences:   c.Sentences,
		Messages:    s.messages,
		BadChecksum: c.BadChecksum,
		Incomplete:  c.Incomplete,
		Unparseable: c.Unparseable + s.decodeErr,
		Other:       c.Other,
	}
}
