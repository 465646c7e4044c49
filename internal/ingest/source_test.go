package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"accord/internal/ais"
)

// collector gathers delivered lines (copied: a line is only valid during the call).
type collector struct {
	mu    sync.Mutex
	lines []string
}

func (c *collector) fn(line []byte, recv time.Time) {
	c.mu.Lock()
	c.lines = append(c.lines, string(line))
	c.mu.Unlock()
}

func (c *collector) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.lines)
}

// waitFor polls until c has n lines or the deadline passes.
func (c *collector) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if got := c.get(); len(got) >= n {
			return got
		}
		time.Sleep(2 * time.Millisecond)
	}
	got := c.get()
	t.Fatalf("got %d lines %q, want %d", len(got), got, n)
	return nil
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

const (
	l1 = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
	l2 = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
	l3 = "!AIVDM,2,2,1,A,88888888880,2*25"
)

func TestSplitterStream(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"LF", l1 + "\n" + l2 + "\n", []string{l1, l2}},
		{"CRLF", l1 + "\r\n" + l2 + "\r\n", []string{l1, l2}},
		{"partial last line", l1 + "\n" + l2[:20], []string{l1, l2[:20]}},
		{"blank lines", "\n\r\n" + l1 + "\n", []string{"", "", l1}},
		{"empty", "", nil},
		{"line of the buffer size", strings.Repeat("y", maxLine-1) + "\n" + l1 + "\n", []string{strings.Repeat("y", maxLine-1), l1}},
		{"1 MB line", l1 + "\n" + long + "\n" + l2 + "\n", []string{l1, long[:maxLine], l2}},
		{"1 MB line at EOF", l1 + "\n" + long, []string{l1, long[:maxLine]}},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tt.name
			if oneByte {
				if len(tt.in) > 1<<16 {
					continue
				}
				name += " one byte at a time"
			}
			t.Run(name, func(t *testing.T) {
				var c collector
				var r io.Reader = strings.NewReader(tt.in)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				if err := newSplitter().stream(r, c.fn); err != nil {
					t.Fatal(err)
				}
				if got := c.get(); !slices.Equal(got, tt.want) {
					t.Errorf("got %d lines %.80q, want %d lines %.80q", len(got), got, len(tt.want), tt.want)
				}
			})
		}
	}
}

func TestSplitterReadError(t *testing.T) {
	var c collector
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(l1+"\n!AIVDM,2"), iotest.ErrReader(boom))
	if err := newSplitter().stream(r, c.fn); !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
	if got, want := c.get(), []string{l1, "!AIVDM,2"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSplitterRandomBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(r.UintN(256))
		if r.IntN(200000) == 0 { // a few very long runs without newline
			for j := i; j < min(i+200000, len(data)); j++ {
				data[j] = 'a'
			}
		}
	}
	var n, total int
	err := newSplitter().stream(bytes.NewReader(data), func(line []byte, _ time.Time) {
		n++
		total += len(line)
		if len(line) > maxLine {
			t.Fatalf("line of %d bytes delivered, limit %d", len(line), maxLine)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if nl := bytes.Count(data, []byte("\n")); n < nl || total > len(data) {
		t.Errorf("got %d lines, %d bytes; want at least %d lines and at most %d bytes", n, total, nl, len(data))
	}
}

func TestSplitterDatagram(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{l1, []string{l1}},
		{l1 + "\r\n", []string{l1}},
		{l2 + "\r\n" + l3, []string{l2, l3}},
		{l2 + "\n" + l3 + "\n", []string{l2, l3}},
		{"", nil},
	}
	s := newSplitter()
	for _, tt := range tests {
		var c collector
		s.datagram([]byte(tt.in), time.Now(), c.fn)
		if got := c.get(); !slices.Equal(got, tt.want) {
			t.Errorf("datagram %q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func writeFile(t *testing.T, path, content string, gz bool) {
	t.Helper()
	var b bytes.Buffer
	if gz {
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(content))
		zw.Close()
	} else {
		b.WriteString(content)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.nmea"), l1+"\r\n", false)
	writeFile(t, filepath.Join(dir, "b.nmea.gz"), l2+"\n"+l3+"\n", true)
	writeFile(t, filepath.Join(dir, "c.nmea"), l1, true) // gzip without the suffix
	var c collector
	var lastDone, lastTotal int64
	err := ReadFiles(context.Background(), []string{filepath.Join(dir, "*.nmea*")}, c.fn, func(done, total int64) {
		if done < lastDone || done > total {
			t.Errorf("progress went from %d to %d of %d", lastDone, done, total)
		}
		lastDone, lastTotal = done, total
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.get(), []string{l1, l2, l3, l1}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if lastDone != lastTotal || lastTotal == 0 {
		t.Errorf("progress ended at %d of %d, want all", lastDone, lastTotal)
	}
}

func TestReadFilesErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ok.nmea"), l1+"\n", false)
	writeFile(t, filepath.Join(dir, "bad.gz"), "\x1f\x8b garbage", false)
	tests := []struct {
		name     string
		patterns []string
		want     string // substring of the error
	}{
		{"missing file", []string{filepath.Join(dir, "ok.nmea"), filepath.Join(dir, "missing.nmea")}, "missing.nmea"},
		{"glob without match", []string{filepath.Join(dir, "*.txt")}, "*.txt\" matches no file"},
		{"directory", []string{dir}, "is a directory"},
		{"bad gzip", []string{filepath.Join(dir, "bad.gz")}, "bad.gz"},
		{"no patterns", nil, "no input files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collector
			err := ReadFiles(context.Background(), tt.patterns, c.fn, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
			if tt.name == "missing file" && len(c.get()) != 0 {
				t.Errorf("lines were read before the missing file was reported")
			}
		})
	}
}

func TestReadFilesCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.nmea")
	writeFile(t, path, strings.Repeat(l1+"\n", 100000), false)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := ReadFiles(ctx, []string{path}, func([]byte, time.Time) {
		if n++; n == 10 {
			cancel()
		}
	}, nil)
	if !errors.Is(err, context.Canceled) || n >= 100000 {
		t.Errorf("got %v after %d lines, want context.Canceled before the end", err, n)
	}
}

func TestTCPClient(t *testing.T) {
	defer func(a, b time.Duration) { minBackoff, maxBackoff = a, b }(minBackoff, maxBackoff)
	minBackoff, maxBackoff = 5*time.Millisecond, 20*time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var c collector
	done := make(chan error, 1)
	go func() { done <- TCPClient(ctx, ln.Addr().String(), c.fn, quietLog()) }()

	// First connection: two lines, the second cut short when the receiver drops.
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, l1+"\r\n"+l2[:30])
	conn.Close()
	// The client reconnects.
	conn, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, l2+"\r\n"+l3+"\r\n")
	got := c.waitFor(t, 4)
	if want := []string{l1, l2[:30], l2, l3}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("TCPClient did not stop when ctx was cancelled")
	}
	conn.Close()
}

func TestTCPServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	peers := map[string]*collector{}
	done := make(chan error, 1)
	go func() {
		done <- TCPServer(ctx, ln, func(peer string) (LineFunc, func()) {
			c := &collector{}
			mu.Lock()
			peers[peer] = c
			mu.Unlock()
			return c.fn, nil
		}, quietLog())
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(a, l1+"\n")
	io.WriteString(b, l2+"\n"+l3+"\n")
	io.WriteString(a, l1) // no newline: delivered when the connection ends
	a.Close()
	find := func(conn net.Conn) *collector {
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			c := peers[conn.LocalAddr().String()]
			mu.Unlock()
			if c != nil {
				return c
			}
			time.Sleep(2 * time.Millisecond)
		}
		t.Fatalf("no LineFunc for peer %s", conn.LocalAddr())
		return nil
	}
	if got, want := find(a).waitFor(t, 2), []string{l1, l1}; !slices.Equal(got, want) {
		t.Errorf("peer a: got %q, want %q", got, want)
	}
	if got, want := find(b).waitFor(t, 2), []string{l2, l3}; !slices.Equal(got, want) {
		t.Errorf("peer b: got %q, want %q", got, want)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("TCPServer did not stop when ctx was cancelled")
	}
	// The server closed b's connection.
	b.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := b.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("open connection after shutdown: read got %v, want EOF", err)
	}
	b.Close()
}

func TestUDP(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var c collector
	done := make(chan error, 1)
	go func() { done <- UDP(ctx, pc, func(string) (LineFunc, func()) { return c.fn, nil }, quietLog()) }()
	conn, err := net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, l2+"\r\n"+l3+"\r\n")
	c.waitFor(t, 2)
	io.WriteString(conn, l1) // no newline
	got := c.waitFor(t, 3)
	if want := []string{l2, l3, l1}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("UDP did not stop when ctx was cancelled")
	}
}

// peerDecoders gives each UDP sender its own ais.Stream and records what each decoded.
type peerDecoders struct {
	mu    sync.Mutex
	mmsis map[string][]uint32 // by peer, in order
	ended map[string]int      // end calls by peer
	bad   map[string]int      // incomplete multipart by peer, at end
}

func (d *peerDecoders) fn(peer string) (LineFunc, func()) {
	s := ais.NewStream(0)
	lines := func(line []byte, recv time.Time) {
		m, _, err := s.Feed(line, recv)
		if err == nil && m != nil {
			d.mu.Lock()
			d.mmsis[peer] = append(d.mmsis[peer], m.MMSI())
			d.mu.Unlock()
		}
	}
	end := func() {
		s.Flush()
		d.mu.Lock()
		d.ended[peer]++
		d.bad[peer] += int(s.Counters().Incomplete)
		d.mu.Unlock()
	}
	return lines, end
}

func (d *peerDecoders) decoded() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, m := range d.mmsis {
		n += len(m)
	}
	return n
}

// TestUDPMultipartPerSender interleaves the parts of two-part messages from two receivers that
// use the same sequential message id and channel: with one assembler for both, the parts would
// mix; keyed by sender, each receiver's messages complete whole.
func TestUDPMultipartPerSender(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	d := &peerDecoders{mmsis: map[string][]uint32{}, ended: map[string]int{}, bad: map[string]int{}}
	done := make(chan error, 1)
	go func() { done <- UDP(ctx, pc, d.fn, quietLog()) }()

	parts := func(mmsi uint32, name string) []string {
		s, err := ais.EncodeSentences(&ais.StaticVoyageData{Header: ais.Header{MsgType: 5, UserID: mmsi}, Name: name,
			Destination: "VERACRUZ"}, "AI", 'A', 3)
		if err != nil || len(s) != 2 {
			t.Fatalf("encode: %v, %d sentences, want 2", err, len(s))
		}
		return s
	}
	a, b := parts(345070001, "ALFA"), parts(366999002, "BRAVO")
	connA, err := net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer connA.Close()
	connB, err := net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer connB.Close()
	const rounds = 20
	for i := range rounds {
		// Wait for each round so that the datagrams arrive in this order (UDP on loopback keeps
		// it, but the receiver must not lag behind a burst).
		io.WriteString(connA, a[0]+"\r\n")
		io.WriteString(connB, b[0]+"\r\n")
		io.WriteString(connA, a[1]+"\r\n")
		io.WriteString(connB, b[1]+"\r\n")
		deadline := time.Now().Add(3 * time.Second)
		for d.decoded() < 2*(i+1) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if d.decoded() < 2*(i+1) {
			break // reported below
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("UDP returned %v, want context.Canceled", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.mmsis) != 2 {
		t.Fatalf("decoded messages from %d senders (%v), want 2", len(d.mmsis), d.mmsis)
	}
	for peer, got := range d.mmsis {
		want := uint32(345070001)
		if peer == connB.LocalAddr().String() {
			want = 366999002
		}
		if len(got) != rounds {
			t.Errorf("sender %s: %d messages decoded, want %d", peer, len(got), rounds)
		}
		for _, m := range got {
			if m != want {
				t.Errorf("sender %s: decoded MMSI %d, want %d (parts of two senders mixed)", peer, m, want)
				break
			}
		}
		if d.ended[peer] != 1 || d.bad[peer] != 0 {
			t.Errorf("sender %s: end called %d times, %d incomplete; want 1 and 0", peer, d.ended[peer], d.bad[peer])
		}
	}
}

func TestUDPPeersForget(t *testing.T) {
	var started, ended []string
	u := newUDPPeers(func(peer string) (LineFunc, func()) {
		started = append(started, peer)
		return func([]byte, time.Time) {}, func() { ended = append(ended, peer) }
	}, quietLog())
	addr := func(i int) net.Addr { return &net.UDPAddr{IP: net.IPv4(10, 0, byte(i>>8), byte(i)), Port: 4001} }
	t0 := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	for i := range maxUDPPeers {
		u.lines(addr(i), t0.Add(time.Duration(i)*time.Millisecond))
	}
	u.lines(addr(0), t0.Add(time.Second)) // sender 0 is now the most recent
	if len(ended) != 0 {
		t.Fatalf("forgot %v with %d senders, want none", ended, maxUDPPeers)
	}
	u.lines(addr(maxUDPPeers), t0.Add(2*time.Second)) // one too many: the least recent (1) goes
	if want := []string{addr(1).String()}; !slices.Equal(ended, want) {
		t.Fatalf("forgot %v, want %v", ended, want)
	}
	// Everyone but sender 5 falls idle; a new sender sweeps them out.
	later := t0.Add(2*time.Second + idleUDPPeer)
	u.lines(addr(5), later)
	ended = nil
	u.lines(addr(1000), later.Add(time.Second))
	if len(ended) != maxUDPPeers-1 || slices.Contains(ended, addr(5).String()) {
		t.Fatalf("idle sweep forgot %d senders (sender 5 among them: %v), want %d without sender 5",
			len(ended), slices.Contains(ended, addr(5).String()), maxUDPPeers-1)
	}
	ended = nil
	u.forgetAll()
	if len(ended) != 2 || len(u.m) != 0 {
		t.Fatalf("forgetAll ended %v, left %d; want the 2 remaining senders, none left", ended, len(u.m))
	}
	if len(started) != maxUDPPeers+2 {
		t.Errorf("%d senders started, want %d", len(started), maxUDPPeers+2)
	}
}

func BenchmarkSplitter(b *testing.B) {
	data := []byte(strings.Repeat(l1+"\r\n", 10000))
	s := newSplitter()
	r := bytes.NewReader(data)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r.Reset(data)
		s.stream(r, func([]byte, time.Time) {})
	}
}
