package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"accord/internal/ingest"
)

// latencyBuckets are the upper bounds, in seconds, of the request latency histogram.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics counts HTTP requests by route and status code, with a latency histogram by route.
// The set of routes is bounded: it is the server's patterns plus "unmatched".
type metrics struct {
	mu       sync.Mutex
	requests map[routeCode]uint64
	latency  map[string]*histogram
}

type routeCode struct {
	route string
	code  int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last one is +Inf
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: make(map[routeCode]uint64), latency: make(map[string]*histogram)}
}

func (m *metrics) observe(route string, code int, d time.Duration) {
	sec := d.Seconds()
	i, _ := slices.BinarySearch(latencyBuckets, sec) // first bound >= sec
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[routeCode{route, code}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[route] = h
	}
	h.counts[i]++
	h.sum += sec
	h.count++
}

// feedCounters are the accord_feed_* counters, in output order.
var feedCounters = []struct {
	name, help string
	get        func(*ingest.FeedStats) int64
}{
	{"lines", "Lines read from the feed.", func(f *ingest.FeedStats) int64 { return f.Lines }},
	{"sentences", "AIS sentences with a valid checksum.", func(f *ingest.FeedStats) int64 { return f.Sentences }},
	{"messages", "Complete AIS messages decoded.", func(f *ingest.FeedStats) int64 { return f.Messages }},
	{"bad_checksum", "Sentences whose checksum did not match.", func(f *ingest.FeedStats) int64 { return f.BadChecksum }},
	{"incomplete", "Multipart groups that never completed.", func(f *ingest.FeedStats) int64 { return f.Incomplete }},
	{"unparseable", "Lines or payloads that could not be parsed.", func(f *ingest.FeedStats) int64 { return f.Unparseable }},
	{"other", "Valid NMEA sentences that are not AIS, skipped.", func(f *ingest.FeedStats) int64 { return f.Other }},
	{"dropped", "Decoded messages dropped because the write queue was full.", func(f *ingest.FeedStats) int64 { return f.Dropped }},
	{"acknowledged", "Decoded messages persisted by the store.", func(f *ingest.FeedStats) int64 { return f.Acknowledged }},
}

// handleMetrics writes the Prometheus text exposition format 0.0.4.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	feeds, err := s.feeds(ctx)
	if err != nil {
		s.log.Warn("metrics: reading feed counters", "err", err)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriter(w)
	writeFeedMetrics(bw, feeds, err == nil)
	s.metrics.write(bw)
	if s.cfg.Extra != nil {
		s.cfg.Extra(bw)
	}
	bw.Flush()
}

func writeFeedMetrics(w io.Writer, feeds []ingest.FeedStats, ok bool) {
	up := 0
	if ok {
		up = 1
	}
	fmt.Fprintf(w, "# HELP accord_feed_counters_up Whether the feed counters could be read for this scrape (1) or not (0).\n")
	fmt.Fprintf(w, "# TYPE accord_feed_counters_up gauge\naccord_feed_counters_up %d\n", up)
	feeds = slices.Clone(feeds)
	slices.SortFunc(feeds, func(a, b ingest.FeedStats) int { return strings.Compare(a.Name, b.Name) })
	fmt.Fprintf(w, "# HELP accord_feed_info Description of each feed; the value is always 1.\n# TYPE accord_feed_info gauge\n")
	for _, f := range feeds {
		fmt.Fprintf(w, "accord_feed_info{feed=%s,kind=%s,originator=%s,tlp=%s} 1\n",
			quoteLabel(f.Name), quoteLabel(f.Kind), quoteLabel(f.Originator), quoteLabel(f.TLP))
	}
	for _, c := range feedCounters {
		name := "accord_feed_" + c.name + "_total"
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, c.help, name)
		for i := range feeds {
			fmt.Fprintf(w, "%s{feed=%s} %d\n", name, quoteLabel(feeds[i].Name), c.get(&feeds[i]))
		}
	}
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	keys := make([]routeCode, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	counts := make([]uint64, len(keys))
	for i, k := range keys {
		counts[i] = m.requests[k]
	}
	routes := make([]string, 0, len(m.latency))
	hists := make(map[string]histogram, len(m.latency))
	for route, h := range m.latency {
		routes = append(routes, route)
		hists[route] = histogram{counts: slices.Clone(h.counts), sum: h.sum, count: h.count}
	}
	m.mu.Unlock()

	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := strings.Compare(keys[a].route, keys[b].route); c != 0 {
			return c
		}
		return keys[a].code - keys[b].code
	})
	fmt.Fprintf(w, "# HELP accord_http_requests_total HTTP requests served, by route pattern and status code.\n")
	fmt.Fprintf(w, "# TYPE accord_http_requests_total counter\n")
	for _, i := range idx {
		fmt.Fprintf(w, "accord_http_requests_total{route=%s,code=\"%d\"} %d\n", quoteLabel(keys[i].route), keys[i].code, counts[i])
	}

	slices.Sort(routes)
	const hname = "accord_http_request_duration_seconds"
	fmt.Fprintf(w, "# HELP %s Time to serve an HTTP request, by route pattern.\n# TYPE %s histogram\n", hname, hname)
	for _, route := range routes {
		h := hists[route]
		q := quoteLabel(route)
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "%s_bucket{route=%s,le=\"%s\"} %d\n", hname, q, formatFloat(le), cum)
		}
		fmt.Fprintf(w, "%s_bucket{route=%s,le=\"+Inf\"} %d\n", hname, q, h.count)
		fmt.Fprintf(w, "%s_sum{route=%s} %s\n", hname, q, formatFloat(h.sum))
		fmt.Fprintf(w, "%s_count{route=%s} %d\n", hname, q, h.count)
	}
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// labelEscaper escapes a label value as the text format requires: backslash, double quote and
// line feed.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// quoteLabel returns v escaped and in double quotes.
func quoteLabel(v string) string { return `"` + labelEscaper.Replace(v) + `"` }
