package ingest

import (
	"bytes"
	"io"
	"time"
)

// LineFunc receives one line, without its terminator (LF or CRLF), and the time it was received
// (UTC). The slice is valid only during the call. A source calls its LineFunc from one
// goroutine at a time (TCPServer: one goroutine per connection, each with its own LineFunc).
type LineFunc func(line []byte, recv time.Time)

// maxLine is the size of a source's line buffer. A line longer than this is delivered once, cut
// to maxLine bytes (so the consumer sees an over-long line and counts it; AIS lines are far
// shorter), and the rest of it, up to the next newline, is discarded. Lines up to maxLine bytes
// are delivered whole; judging their length is the consumer's business.
const maxLine = 64 << 10

// splitter cuts a byte stream or datagrams into lines. It is the one line splitter of every
// source. Its buffer is fixed: it never grows, whatever the input.
type splitter struct {
	buf  []byte
	n    int  // bytes of an unfinished line held at buf[:n]
	skip bool // discarding the rest of an over-long line
	long int64
}

func newSplitter() *splitter { return &splitter{buf: make([]byte, maxLine)} }

// stream reads r to its end, calling fn for each line; the receive time of a line is the time of
// the read that completed it. A final line without a newline is delivered too. It returns nil
// at io.EOF and the read error otherwise.
func (s *splitter) stream(r io.Reader, fn LineFunc) error {
	s.n, s.skip = 0, false
	for {
		m, err := r.Read(s.buf[s.n:])
		recv := time.Now().UTC()
		if m > 0 {
			data := s.buf[:s.n+m]
			if last := bytes.LastIndexByte(data, '\n'); last >= 0 {
				s.lines(data[:last+1], recv, fn)
				s.n = copy(s.buf, data[last+1:])
			} else {
				s.n += m
			}
			if s.n == len(s.buf) {
				if !s.skip {
					s.long++
					fn(s.buf, recv)
					s.skip = true
				}
				s.n = 0
			}
		}
		if err != nil {
			if s.n > 0 && !s.skip {
				fn(trimCR(s.buf[:s.n]), recv)
			}
			s.n, s.skip = 0, false
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// datagram delivers the lines of one datagram; its end also ends a line.
func (s *splitter) datagram(b []byte, recv time.Time, fn LineFunc) {
	s.skip = false
	if i := bytes.LastIndexByte(b, '\n'); i < len(b)-1 {
		s.lines(b[:i+1], recv, fn)
		fn(trimCR(b[i+1:]), recv)
		return
	}
	s.lines(b, recv, fn)
}

// lines delivers the lines of data, which ends with a newline.
func (s *splitter) lines(data []byte, recv time.Time, fn LineFunc) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if s.skip {
			s.skip = false
		} else {
			fn(trimCR(data[:i]), recv)
		}
		data = data[i+1:]
	}
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
