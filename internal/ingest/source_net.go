package ingest

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// Reconnection backoff of TCPClient: it starts at minBackoff, doubles after each failed attempt
// up to maxBackoff (with ±20 % jitter), and starts over once a connection has delivered data.
var (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// maxConns caps the connections TCPServer serves at once; further connections are closed.
const maxConns = 256

// TCPClient connects to addr (host:port, e.g. a receiver's NMEA port) and delivers its lines to
// fn. When the connection fails or ends, it reconnects with capped exponential backoff. A
// partial line at the end of a connection is delivered. It runs until ctx is done and then
// returns ctx.Err(). Connection events are logged on log.
func TCPClient(ctx context.Context, addr string, fn LineFunc, log *slog.Logger) error {
	s := newSplitter()
	backoff := minBackoff
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: 15 * time.Second}
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			log.Info("connected to NMEA source", "addr", addr)
			stop := context.AfterFunc(ctx, func() { conn.Close() })
			cr := &activityReader{r: conn}
			err = s.stream(cr, fn)
			stop()
			conn.Close()
			if cr.active {
				backoff = minBackoff
			}
			if err == nil {
				err = errors.New("connection closed by the source")
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := time.Duration(float64(backoff) * (0.8 + 0.4*rand.Float64()))
		log.Warn("NMEA source unavailable, reconnecting", "addr", addr, "err", err, "retry_in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

type activityReader struct {
	r      net.Conn
	active bool
}

func (a *activityReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.active = true
	}
	return n, err
}

// TCPServer accepts connections on ln (receivers pushing NMEA) and serves each in its own
// goroutine, delivering its lines to the LineFunc that fn returns for the connection's peer
// address (host:port). fn is called once per connection, from the accepting goroutine; the
// func it also returns (may be nil) is called once when that connection ends, so the caller can
// flush the connection's decoder (parts of a message cut off by the disconnect count as incomplete). At most
// 256 connections are served at once; more are closed at once and logged. When ctx is done,
// TCPServer closes ln and every connection, waits for their goroutines and returns ctx.Err();
// it returns earlier only if accepting fails for good.
func TCPServer(ctx context.Context, ln net.Listener, fn func(peer string) (LineFunc, func()), log *slog.Logger) error {
	var (
		mu    sync.Mutex
		conns = map[net.Conn]struct{}{}
		wg    sync.WaitGroup
	)
	stop := context.AfterFunc(ctx, func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	defer func() {
		stop()
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}()
	var delay time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if isTemporary(err) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				log.Warn("accepting NMEA connection", "err", err, "retry_in", delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		peer := conn.RemoteAddr().String()
		mu.Lock()
		if len(conns) >= maxConns || ctx.Err() != nil {
			mu.Unlock()
			conn.Close()
			log.Warn("refused NMEA connection: too many connections", "peer", peer, "max", maxConns)
			continue
		}
		conns[conn] = struct{}{}
		mu.Unlock()
		lf, end := fn(peer)
		log.Info("NMEA source connected", "peer", peer)
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := newSplitter().stream(conn, lf)
			conn.Close()
			if end != nil {
				end()
			}
			mu.Lock()
			delete(conns, conn)
			mu.Unlock()
			if err != nil && ctx.Err() == nil {
				log.Warn("NMEA source connection failed", "peer", peer, "err", err)
			} else {
				log.Info("NMEA source disconnected", "peer", peer)
			}
		}()
	}
}

// isTemporary reports whether an Accept error is worth retrying (a timeout, or EMFILE and the
// like, which report themselves temporary).
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.As(err, &t) && t.Temporary()
}

// maxUDPPeers caps the senders UDP keeps reassembly state for; idleUDPPeer is how long a
// sender's state is kept after its last datagram.
const (
	maxUDPPeers = 256
	idleUDPPeer = 2 * time.Minute
)

// UDP reads datagrams from conn and delivers their lines; a datagram may carry several lines,
// and its end also ends a line. Each sender (peer address host:port) gets its own LineFunc,
// from fn, so that the parts of multipart messages from different receivers never mix: fn is
// called at a sender's first datagram and returns the sender's LineFunc and a func (may be nil)
// called once when UDP forgets the sender (the caller flushes the sender's decoder there). UDP
// forgets a sender after idleUDPPeer without datagrams, or, when maxUDPPeers senders are known
// and a new one arrives, the one heard from least recently; at return it forgets them all.
// When ctx is done, UDP sets a past read deadline on conn to stop reading (the caller closes
// conn) and returns ctx.Err(); it returns earlier if reading fails for good.
func UDP(ctx context.Context, conn net.PacketConn, fn func(peer string) (LineFunc, func()), log *slog.Logger) error {
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	peers := newUDPPeers(fn, log)
	defer peers.forgetAll()
	s := newSplitter()
	buf := make([]byte, 64<<10)
	for {
		n, addr, err := conn.ReadFrom(buf)
		if n > 0 {
			now := time.Now().UTC()
			s.datagram(buf[:n], now, peers.lines(addr, now))
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Errors such as ICMP port unreachable on some systems are transient.
			log.Warn("reading NMEA datagram", "err", err)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

// udpPeers is the reassembly state of UDP's senders. It is used by one goroutine.
type udpPeers struct {
	fn        func(peer string) (LineFunc, func())
	log       *slog.Logger
	m         map[string]*udpPeer
	lastSweep time.Time
}

type udpPeer struct {
	lines LineFunc
	end   func()
	last  time.Time
}

func newUDPPeers(fn func(peer string) (LineFunc, func()), log *slog.Logger) *udpPeers {
	return &udpPeers{fn: fn, log: log, m: map[string]*udpPeer{}}
}

// lines returns the LineFunc of the sender addr, heard from at now.
func (u *udpPeers) lines(addr net.Addr, now time.Time) LineFunc {
	key := "?"
	if addr != nil {
		key = addr.String()
	}
	if p := u.m[key]; p != nil {
		p.last = now
		return p.lines
	}
	if now.Sub(u.lastSweep) > idleUDPPeer/4 {
		u.lastSweep = now
		for k, p := range u.m {
			if now.Sub(p.last) > idleUDPPeer {
				u.forget(k, p, "idle")
			}
		}
	}
	if len(u.m) >= maxUDPPeers {
		var oldest string
		for k, p := range u.m {
			if oldest == "" || p.last.Before(u.m[oldest].last) {
				oldest = k
			}
		}
		u.forget(oldest, u.m[oldest], "too many senders")
	}
	lf, end := u.fn(key)
	u.m[key] = &udpPeer{lines: lf, end: end, last: now}
	u.log.Info("NMEA datagrams from a new sender", "peer", key)
	return lf
}

func (u *udpPeers) forget(key string, p *udpPeer, why string) {
	delete(u.m, key)
	if p.end != nil {
		p.end()
	}
	u.log.Info("NMEA sender forgotten", "peer", key, "why", why)
}

func (u *udpPeers) forgetAll() {
	for k, p := range u.m {
		u.forget(k, p, "source stopped")
	}
}
