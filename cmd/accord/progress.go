package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress prints a one-line progress display for long CLI work on stderr. On a terminal the
// line is redrawn in place every half second; otherwise a plain line is written every 5 s, so
// logs stay readable. It is safe for concurrent use.
type progress struct {
	w        io.Writer
	label    string
	tty      bool
	start    time.Time
	mu       sync.Mutex
	last     time.Time
	done     int64
	total    int64
	messages int64
	printed  bool
}

func newProgress(w io.Writer, label string) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	now := time.Now()
	return &progress{w: w, label: label, tty: tty, start: now, last: now}
}

// bytes records how far through the input the work is (bytes done of total; total 0 if unknown).
func (p *progress) bytes(done, total int64) {
	p.mu.Lock()
	p.done, p.total = done, total
	p.mu.Unlock()
	p.tick(false)
}

// setMessages records the number of messages handled so far.
func (p *progress) setMessages(n int64) {
	p.mu.Lock()
	p.messages = n
	p.mu.Unlock()
	p.tick(false)
}

func (p *progress) tick(force bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	every := 5 * time.Second
	if p.tty {
		every = 500 * time.Millisecond
	}
	if !force && now.Sub(p.last) < every {
		return
	}
	p.last = now
	secs := now.Sub(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.messages) / secs
	}
	line := fmt.Sprintf("%s: %s messages, %s msg/s", p.label, groupDigits(p.messages), groupDigits(int64(rate)))
	if p.total > 0 {
		line = fmt.Sprintf("%s: %5.1f%% of %.1f MB, %s messages, %s msg/s", p.label,
			100*float64(p.done)/float64(p.total), float64(p.total)/1e6, groupDigits(p.messages), groupDigits(int64(rate)))
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.printed = true
}

// finish prints the final state and ends the line.
func (p *progress) finish() {
	p.tick(true)
	if p.tty && p.printed {
		fmt.Fprintln(p.w)
	}
}

// groupDigits writes n with thousands separators: 1234567 → "1,234,567".
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
