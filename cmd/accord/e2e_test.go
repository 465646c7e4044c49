package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/ingest"
	"accord/internal/store"
	"accord/internal/vessel"
)

// buildAccord compiles the real binary once per test run.
func buildAccord(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "accord")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// freeAddr returns a loopback TCP address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServer starts `accord serve` with an NMEA TCP feed and waits until /healthz answers.
func startServer(t *testing.T, bin, dataDir, httpAddr, nmeaAddr string) *exec.Cmd {
	t.Helper()
	// The picture routes need a logged-in user: a watch officer for these tests (on a restart
	// over the same data the user exists already, and the add fails harmlessly).
	const e2eUser, e2ePassword = "e2e.watch", "e2e watch officer password"
	add := exec.Command(bin, "user", "add", "--name", e2eUser, "--agency", "SEMAR", "--role", "watch_officer", "--data", dataDir)
	add.Env = append(os.Environ(), "ACCORD_PASSWORD="+e2ePassword)
	add.Run()
	cmd := exec.Command(bin, "serve", "--listen", httpAddr, "--data", dataDir, "--nmea-tcp", nmeaAddr, "--log-level", "warn")
	cmd.Stdout = io.Discard
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + httpAddr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				e2eTokens.Store(httpAddr, loginToken(t, httpAddr, e2eUser, e2ePassword))
				return cmd
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("server on %s not healthy after 30 s: %v", httpAddr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// e2eTokens holds the API token of each server started by startServer, by HTTP address.
var e2eTokens sync.Map

// loginToken logs name in on the server at httpAddr and returns an API bearer token.
func loginToken(t *testing.T, httpAddr, name, password string) string {
	t.Helper()
	body := fmt.Sprintf(`{"name":%q,"password":%q,"kind":"token"}`, name, password)
	resp, err := http.Post("http://"+httpAddr+"/api/v1/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	defer resp.Body.Close()
	var lr struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil || resp.StatusCode != 200 || lr.Token == "" {
		t.Fatalf("login as %s: status %d, %v", name, resp.StatusCode, err)
	}
	return lr.Token
}

func feedStats(t *testing.T, httpAddr string) map[string]ingest.FeedStats {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+httpAddr+"/api/v1/feeds", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok, ok := e2eTokens.Load(httpAddr); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var raw []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatalf("decode /api/v1/feeds: %v", err)
	}
	out := map[string]ingest.FeedStats{}
	num := func(m map[string]any, k string) int64 { f, _ := m[k].(float64); return int64(f) }
	for _, m := range raw {
		name, _ := m["name"].(string)
		out[name] = ingest.FeedStats{Name: name, Lines: num(m, "lines"), Messages: num(m, "messages"),
			Acknowledged: num(m, "acknowledged"), BadChecksum: num(m, "bad_checksum"), Unparseable: num(m, "unparseable"),
			Incomplete: num(m, "incomplete"), Dropped: num(m, "dropped"), Other: num(m, "other"), Sentences: num(m, "sentences")}
	}
	return out
}

// positionLines encodes n position reports of a few vessels with unique times, one sentence each.
func positionLines(t *testing.T, n int) ([]string, []vessel.Position) {
	t.Helper()
	enc := newSimEncoder()
	t0 := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	lines := make([]string, 0, n)
	pos := make([]vessel.Position, 0, n)
	for i := range n {
		p := vessel.Position{MMSI: uint32(345000001 + i%10), Time: t0.Add(time.Duration(i/10) * time.Second),
			Lat: 20 + float64(i%1000)*0.001, Lon: -95 + float64(i/1000)*0.001, SOG: 12.3, COG: 45, Heading: 44, NavStatus: 0, MsgType: 1}
		ss, err := enc.Position(p, false)
		if err != nil || len(ss) != 1 {
			t.Fatalf("encode position %d: %v (%d sentences)", i, err, len(ss))
		}
		// A tag block carries the time, so that the stored time identifies the message.
		lines = append(lines, tagBlock(p.Time)+ss[0])
		pos = append(pos, p)
	}
	return lines, pos
}

func tagBlock(t time.Time) string {
	body := fmt.Sprintf("s:e2e,c:%d", t.Unix())
	var cs byte
	for i := 0; i < len(body); i++ {
		cs ^= body[i]
	}
	return fmt.Sprintf(`\%s*%02X\`, body, cs)
}

// TestKill9KeepsAcknowledged streams simulated messages to a real server, kills it with SIGKILL
// mid-stream, and checks that every message acknowledged before the kill is in the store.
func TestKill9KeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := buildAccord(t)
	data := t.TempDir()
	httpAddr, nmeaAddr := freeAddr(t), freeAddr(t)
	srv := startServer(t, bin, data, httpAddr, nmeaAddr)
	defer srv.Process.Kill()

	const n = 200000
	lines, sent := positionLines(t, n)
	conn, err := net.Dial("tcp", nmeaAddr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w := bufio.NewWriter(conn)
		for _, l := range lines {
			if _, err := w.WriteString(l + "\r\n"); err != nil {
				return // the server was killed
			}
		}
		w.Flush()
	}()
	// Wait until a good part is acknowledged, then kill without warning.
	var acked int64
	deadline := time.Now().Add(60 * time.Second)
	for acked < n/4 && time.Now().Before(deadline) {
		for _, f := range feedStats(t, httpAddr) {
			acked = f.Acknowledged
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	conn.Close()
	<-done
	if acked == 0 {
		t.Fatal("nothing was acknowledged within 60 s")
	}

	// Restart on the same data directory: it must open cleanly and serve.
	srv2 := startServer(t, bin, data, freeAddr(t), freeAddr(t))
	srv2.Process.Signal(syscall.SIGTERM)
	srv2.Wait()

	st, err := store.Open(context.Background(), store.Config{DataDir: data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	have := map[[2]int64]bool{}
	feeds, err := st.Feeds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds { // a reader of each feed's originating agency reads it
		reader := access.User{ID: 1, Agency: f.Originator, Roles: []access.Role{access.RoleAnalyst}}
		for m := uint32(345000001); m <= 345000010; m++ {
			track, err := st.Track(context.Background(), reader, m, time.Unix(0, 0), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), n)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range track {
				have[[2]int64{int64(p.MMSI), p.Time.Unix()}] = true
			}
		}
	}
	missing := 0
	for i := int64(0); i < acked; i++ {
		if !have[[2]int64{int64(sent[i].MMSI), sent[i].Time.Unix()}] {
			missing++
		}
	}
	t.Logf("kill -9: sent up to %d, acknowledged before the kill %d, found after restart %d, acknowledged but missing %d",
		n, acked, len(have), missing)
	if missing != 0 {
		t.Fatalf("%d acknowledged messages lost after kill -9", missing)
	}
	if int64(len(have)) < acked {
		t.Fatalf("store holds %d positions, fewer than the %d acknowledged", len(have), acked)
	}
}

// TestGarbageOnFeed sends every kind of garbage to a live feed and checks that the server keeps
// ingesting, counts each kind, and never crashes or stalls.
func TestGarbageOnFeed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real binary")
	}
	bin := buildAccord(t)
	httpAddr, nmeaAddr := freeAddr(t), freeAddr(t)
	srv := startServer(t, bin, t.TempDir(), httpAddr, nmeaAddr)
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	good, _ := positionLines(t, 3)
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	badChecksum := good[0][:len(good[0])-2] + "00"
	if strings.HasSuffix(good[0], "00") {
		badChecksum = good[0][:len(good[0])-2] + "01"
	}
	cases := []struct {
		name    string
		payload string
		check   func(before, after ingest.FeedStats) error
	}{
		{"random bytes", string(random), func(b, a ingest.FeedStats) error {
			if a.Lines <= b.Lines {
				return fmt.Errorf("lines %d → %d: random bytes were not counted", b.Lines, a.Lines)
			}
			return nil
		}},
		{"truncated sentence", good[1][:len(good[1])/2] + "\n", func(b, a ingest.FeedStats) error {
			if a.Unparseable+a.BadChecksum <= b.Unparseable+b.BadChecksum {
				return fmt.Errorf("truncated sentence not counted: %+v", a)
			}
			return nil
		}},
		{"bad checksum", badChecksum + "\n", func(b, a ingest.FeedStats) error {
			if a.BadChecksum != b.BadChecksum+1 {
				return fmt.Errorf("bad checksum %d → %d, want +1", b.BadChecksum, a.BadChecksum)
			}
			return nil
		}},
		{"1 MB line", strings.Repeat("!AIVDM,1,1,,A,", 1<<20/14) + "\n", func(b, a ingest.FeedStats) error {
			if a.Unparseable <= b.Unparseable {
				return fmt.Errorf("1 MB line not counted as unparseable: %d → %d", b.Unparseable, a.Unparseable)
			}
			return nil
		}},
	}
	feedName := "tcp-server:" + nmeaAddr
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := feedStats(t, httpAddr)[feedName]
			conn, err := net.Dial("tcp", nmeaAddr)
			if err != nil {
				t.Fatal(err)
			}
			// The garbage, then a good message that must still get through.
			io.WriteString(conn, tc.payload+"\n"+good[2]+"\n")
			conn.Close()
			var after ingest.FeedStats
			deadline := time.Now().Add(20 * time.Second)
			for {
				after = feedStats(t, httpAddr)[feedName]
				if after.Acknowledged > before.Acknowledged && tc.check(before, after) == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after %s: the next good message was not acknowledged or the garbage was not counted: before %+v after %+v (%v)",
						tc.name, before, after, tc.check(before, after))
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("%s: counted — lines +%d, bad checksum +%d, unparseable +%d, acknowledged +%d", tc.name,
				after.Lines-before.Lines, after.BadChecksum-before.BadChecksum, after.Unparseable-before.Unparseable,
				after.Acknowledged-before.Acknowledged)
		})
	}
	t.Run("feed stops mid-sentence", func(t *testing.T) {
		before := feedStats(t, httpAddr)[feedName]
		conn, err := net.Dial("tcp", nmeaAddr)
		if err != nil {
			t.Fatal(err)
		}
		// The first part of a two-part message, then the connection drops mid-line.
		parts, err := newSimEncoder().Static(vessel.Static{MMSI: 345000099, IMO: 9074729, Name: "CUT OFF", CallSign: "XCAB1",
			ShipType: 70, Length: 120, Beam: 20, Draught: 7.5, Destination: "VERACRUZ"})
		if err != nil || len(parts) != 2 {
			t.Fatalf("encode a two-part static message: %v (%d parts)", err, len(parts))
		}
		io.WriteString(conn, parts[0]+"\n"+parts[1][:len(parts[1])/2])
		conn.Close()
		deadline := time.Now().Add(20 * time.Second)
		for {
			after := feedStats(t, httpAddr)[feedName]
			if after.Incomplete > before.Incomplete && after.Lines >= before.Lines+2 {
				t.Logf("stop mid-sentence: lines +%d, incomplete +%d, unparseable +%d", after.Lines-before.Lines,
					after.Incomplete-before.Incomplete, after.Unparseable-before.Unparseable)
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the cut-off message was not counted incomplete: before %+v after %+v", before, after)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
