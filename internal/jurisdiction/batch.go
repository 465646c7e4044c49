package jurisdiction

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseLatLon parses one "lat,lon" line: two decimal numbers in degrees (latitude in
// [-90, 90], longitude in [-180, 180]) separated by a comma, with optional spaces around
// them. The error says what was expected and what was found.
func ParseLatLon(line string) (lat, lon float64, err error) {
	s := strings.TrimSpace(line)
	a, b, ok := strings.Cut(s, ",")
	if !ok || strings.Contains(b, ",") {
		return 0, 0, fmt.Errorf("want \"lat,lon\" in decimal degrees, e.g. 25.7,-92.3; got %q", clip(s))
	}
	lat, err = parseDeg(a, "latitude", 90)
	if err != nil {
		return 0, 0, err
	}
	lon, err = parseDeg(b, "longitude", 180)
	if err != nil {
		return 0, 0, err
	}
	return lat, lon, nil
}

func parseDeg(s, name string, limit float64) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s %q is not a decimal number of degrees (e.g. %s)", name, clip(s), map[string]string{"latitude": "25.7", "longitude": "-92.3"}[name])
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("%s %g is out of range [-%g, %g]", name, v, limit, limit)
	}
	return v, nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// StreamOptions configures Stream.
type StreamOptions struct {
	// Name names the input in error messages ("stdin", a file name).
	Name string
	// JSON writes one JSON answer per line (JSON Lines) instead of CSV with a header row.
	JSON bool
	// BadLine is called for each line that is not a valid "lat,lon" pair, with its 1-based
	// number; the line is counted in StreamStats.Bad and no answer is written for it. Nil
	// ignores them (they are still counted).
	BadLine func(line int64, err error)
	// Progress, when set, is called about every ProgressEvery (default 2 s) with the counts so
	// far, and once at the end.
	Progress      func(StreamStats)
	ProgressEvery time.Duration
}

// StreamStats counts the lines of a Stream.
type StreamStats struct {
	Lines    int64 `json:"lines"`    // lines read
	Answered int64 `json:"answered"` // answers written
	Bad      int64 `json:"bad"`      // lines rejected (see StreamOptions.BadLine)
	Skipped  int64 `json:"skipped"`  // blank lines, # comments and a "lat,lon" header
}

// ErrBadLines is wrapped by Stream's error when some input lines were rejected.
var ErrBadLines = errors.New("bad input lines")

// Stream reads "lat,lon" lines from r and writes one answer of lookup per valid line to w, in
// input order: CSV rows (CSVHeader first) or JSON Lines. Blank lines, lines starting with '#'
// and a first line "lat,lon" are skipped. Invalid lines are reported to opt.BadLine and counted;
// the stream goes on. The error is nil when every line was valid, wraps ErrBadLines when some
// were not (after the whole input was processed), or is the read/write/context error that
// stopped it.
func Stream(ctx context.Context, lookup func(lat, lon float64) Answer, r io.Reader, w io.Writer, opt StreamOptions) (StreamStats, error) {
	if opt.Name == "" {
		opt.Name = "input"
	}
	every := opt.ProgressEvery
	if every <= 0 {
		every = 2 * time.Second
	}
	var st StreamStats
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if !opt.JSON {
		cw.Write(CSVHeader)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	next := time.Now().Add(every)
	var buf []byte
	for sc.Scan() {
		st.Lines++
		line := sc.Bytes()
		if st.Lines&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			if opt.Progress != nil && time.Now().After(next) {
				opt.Progress(st)
				next = time.Now().Add(every)
			}
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' || (st.Lines == 1 && strings.EqualFold(strings.ReplaceAll(string(t), " ", ""), "lat,lon")) {
			st.Skipped++
			continue
		}
		lat, lon, err := ParseLatLon(string(t))
		if err != nil {
			st.Bad++
			if opt.BadLine != nil {
				opt.BadLine(st.Lines, err)
			}
			continue
		}
		a := lookup(lat, lon)
		if opt.JSON {
			b, err := json.Marshal(a)
			if err != nil {
				return st, fmt.Errorf("%s:%d: encode answer: %w", opt.Name, st.Lines, err)
			}
			buf = append(append(buf[:0], b...), '\n')
			if _, err := bw.Write(buf); err != nil {
				return st, err
			}
		} else if err := cw.Write(a.CSVRecord()); err != nil {
			return st, err
		}
		st.Answered++
	}
	cw.Flush()
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("%s:%d: line longer than 1 MiB; want one \"lat,lon\" pair per line", opt.Name, st.Lines+1)
		}
		bw.Flush()
		return st, err
	}
	if err := cw.Error(); err != nil {
		return st, err
	}
	if err := bw.Flush(); err != nil {
		return st, err
	}
	if opt.Progress != nil {
		opt.Progress(st)
	}
	if st.Bad > 0 {
		return st, fmt.Errorf("%s: %d of %d lines rejected: %w", opt.Name, st.Bad, st.Lines, ErrBadLines)
	}
	return st, nil
}
