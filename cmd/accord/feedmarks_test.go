package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"accord/internal/access"
	"accord/internal/store"
)

// TestIngestFeedMarkings checks that `accord ingest` validates --originator, --tlp and
// --rel-to before opening the store, naming the flag at fault, and records valid markings
// with the feed.
func TestIngestFeedMarkings(t *testing.T) {
	dir := t.TempDir()
	nmea := filepath.Join(dir, "in.nmea")
	if err := os.WriteFile(nmea, []byte("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ingest := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"ingest", "--data", filepath.Join(dir, "var")}, args...),
			func(string) string { return "" }, strings.NewReader(""), &out, &errb)
		return errb.String(), err
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tlp", "PURPLE"}, "--tlp"},
		{[]string{"--tlp", "CLEAR", "--rel-to", "MEX"}, "--rel-to with --tlp CLEAR"},
		{[]string{"--tlp", "AMBER", "--rel-to", "MEX,agency:"}, `--rel-to entry "agency:"`},
		{[]string{"--tlp", "RED", "--rel-to", "USA"}, "RED goes to named recipients"},
		{[]string{"--originator", "SE MAR"}, "--originator"},
	} {
		_, err := ingest(append(tc.args, nmea)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ingest %v: got %v, want an error naming %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "var", "accord.db")); err == nil {
		t.Errorf("invalid markings: the store was opened")
	}
	if _, err := ingest("--name", "rx", "--originator", "USCG", "--tlp", "AMBER", "--rel-to", "MEX, agency:DEA", nmea); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{DataDir: filepath.Join(dir, "var")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	feeds, err := st.Feeds(context.Background())
	if err != nil || len(feeds) != 1 || strings.Join(feeds[0].RelTo, ",") != "state:MEX,agency:DEA" || feeds[0].TLP != "AMBER" {
		t.Fatalf("feeds: %+v, %v", feeds, err)
	}
	// USCG's AMBER data released to Mexico and DEA: a SEMAR analyst reads the vessel, a CBP one does not.
	for _, tc := range []struct {
		u    access.User
		want bool
	}{
		{access.User{ID: 1, Agency: "SEMAR", State: "MEX", Roles: []access.Role{access.RoleAnalyst}}, true},
		{access.User{ID: 2, Agency: "CBP", State: "USA", Roles: []access.Role{access.RoleAnalyst}}, false},
		{access.User{ID: 3, Agency: "DEA", State: "USA", Roles: []access.Role{access.RoleAnalyst}}, true},
	} {
		v, err := st.VesselsInBBox(context.Background(), tc.u, -180, -90, 180, 90, 0)
		if err != nil || (len(v) == 1) != tc.want {
			t.Errorf("%s: %d vessels (%v), want them %v", tc.u.Agency, len(v), err, tc.want)
		}
	}
}

// TestServeFeedMarkings checks that `accord serve` refuses invalid markings for its --nmea-*
// feeds before it opens the store, naming the flag.
func TestServeFeedMarkings(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tlp", "CLEAR", "--rel-to", "MEX"}, "--rel-to with --tlp CLEAR"},
		{[]string{"--tlp", "GREEN", "--rel-to", "user:3"}, "named recipients are for RED"},
		{[]string{"--tlp", "amber"}, "--tlp"},
	} {
		args := append([]string{"serve", "--data", filepath.Join(dir, "var"), "--listen", "127.0.0.1:0", "--nmea-udp", "127.0.0.1:0"}, tc.args...)
		err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve %v: got %v, want an error naming %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "var", "accord.db")); err == nil {
		t.Errorf("invalid markings: the store was opened")
	}
}

// TestServePolicyConfig checks that `accord serve --policy-config` reads and checks its file
// before it opens the store, naming the flag, the file and what is wrong.
func TestServePolicyConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		file, want string
	}{
		{filepath.Join(dir, "missing.json"), "no such file"},
		{write("unknown.json", `{"min_sourcez": 2}`), "min_sourcez"},
		{write("broken.json", "{\n  \"min_sources\": 2,\n}"), "broken.json"},
		{write("negative.json", `{"min_sources": -1}`), "min_sources"},
	} {
		args := []string{"serve", "--data", filepath.Join(dir, "var"), "--listen", "127.0.0.1:0", "--policy-config", tc.file}
		err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "--policy-config") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve --policy-config %s: got %v, want an error naming --policy-config and %q", filepath.Base(tc.file), err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "var", "accord.db")); err == nil {
		t.Errorf("invalid policy settings: the store was opened")
	}
}

// TestAlertMarkingFromFeeds checks the marking of live alerts: derived from every feed seen,
// so that a feed's REL TO also restricts the alerts drawn from it.
func TestAlertMarkingFromFeeds(t *testing.T) {
	mex := []access.Target{{Type: access.TargetState, Value: "MEX"}}
	for _, tc := range []struct {
		feeds map[string]access.Markings
		want  string
	}{
		{map[string]access.Markings{}, "MEX CLEAR []"},
		{map[string]access.Markings{"a": {Originator: "SEMAR", TLP: "GREEN"}}, "SEMAR GREEN []"},
		{map[string]access.Markings{"a": {Originator: "SEMAR", TLP: "GREEN", RelTo: mex}}, "SEMAR GREEN [state:MEX]"},
		{map[string]access.Markings{"a": {Originator: "SEMAR", TLP: "GREEN", RelTo: mex}, "b": {Originator: "USCG", TLP: "CLEAR"}}, "MEX GREEN [state:MEX]"},
		{map[string]access.Markings{"a": {Originator: "SEMAR", TLP: "GREEN", RelTo: mex},
			"b": {Originator: "USCG", TLP: "AMBER", RelTo: []access.Target{{Type: access.TargetState, Value: "USA"}}}}, "MEX AMBER []"},
	} {
		m := deriveAlertMarking(tc.feeds, "MEX")
		var rel []string
		for _, r := range m.RelTo {
			rel = append(rel, r.String())
		}
		if got := m.Originator + " " + m.TLP + " [" + strings.Join(rel, ",") + "]"; got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.feeds, got, tc.want)
		}
	}
}

// TestAlertMarkingPerVessel checks that a live alert is marked from the feeds that reported
// the vessels it names, not from every feed seen: an alert about a vessel seen only on a CLEAR
// feed stays CLEAR beside a USCG AMBER feed; one naming vessels of both feeds, or a vessel of
// unknown feeds, takes the derived marking of every feed.
func TestAlertMarkingPerVessel(t *testing.T) {
	usa := []access.Target{{Type: access.TargetState, Value: "USA"}}
	l := &liveDetector{node: "MEX", feeds: map[string]access.Markings{
		"fgr":  {Originator: "FGR", TLP: access.TLPClear},
		"uscg": {Originator: "USCG", TLP: access.TLPAmberStrict},
		"cbp":  {Originator: "CBP", TLP: access.TLPAmber, RelTo: usa},
	}, feedBit: map[string]uint8{}, vfeeds: map[uint32]uint64{}, marks: map[uint64]store.AlertMarking{}}
	l.mark = deriveAlertMarking(l.feeds, l.node)
	l.vfeeds[1] |= l.feedSet("fgr")
	l.vfeeds[2] |= l.feedSet("uscg")
	l.vfeeds[3] |= l.feedSet("cbp")
	l.vfeeds[4] |= l.feedSet("fgr")
	l.vfeeds[4] |= l.feedSet("cbp")
	l.vfeeds[5] |= l.feedSet("gone") // a feed whose markings are not known
	str := func(m store.AlertMarking) string {
		var rel []string
		for _, r := range m.RelTo {
			rel = append(rel, r.String())
		}
		return m.Originator + " " + m.TLP + " [" + strings.Join(rel, ",") + "]"
	}
	all := str(l.mark)
	for _, tc := range []struct {
		mmsi []uint32
		want string
	}{
		{[]uint32{1}, "FGR CLEAR []"},
		{[]uint32{2}, "USCG AMBER+STRICT []"},
		{[]uint32{3}, "CBP AMBER [state:USA]"},
		{[]uint32{4}, "MEX AMBER [state:USA]"},
		{[]uint32{1, 3}, "MEX AMBER [state:USA]"},
		{[]uint32{1, 2}, "MEX AMBER+STRICT []"},
		{[]uint32{9}, all},    // never reported: every feed
		{[]uint32{1, 9}, all}, // one vessel unknown
		{[]uint32{5}, all},    // its feed's markings unknown
		{nil, all},
	} {
		if got := str(l.alertMarking(tc.mmsi)); got != tc.want {
			t.Errorf("alert on %v: marked %s, want %s", tc.mmsi, got, tc.want)
		}
	}
	if all != "MEX AMBER+STRICT []" {
		t.Errorf("every feed: %s", all)
	}
	// Past 63 feeds, later feeds share the every-feed bit.
	for i := range 70 {
		l.vfeeds[100] |= l.feedSet("f" + strconv.Itoa(i))
	}
	if got := str(l.alertMarking([]uint32{100})); got != all {
		t.Errorf("vessel of 70 feeds: %s, want %s", got, all)
	}
}
