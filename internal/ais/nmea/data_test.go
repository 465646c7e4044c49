package nmea

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// dataDir returns ../shared/data/ais relative to the module root, or skips the test when it is
// absent (and fails when CI=true).
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package directory")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data", "ais")
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("AIS test data missing: %v", err)
		}
		t.Skipf("AIS test data not available (%v); set CI=true to make this a failure", err)
	}
	return d
}

// dataFiles are the NMEA files of the shared AIS corpus.
var dataFiles = []string{
	"dma/ais250.txt",
	"dma/decode_encode_messages.txt",
	"dma/replay_dump.txt",
	"dma/stream_example.txt",
	"go-ais/aistest.nmea",
	"gpsd/ais-nmea.log",
	"gpsd/sample.aivdm",
	"libais/tagblock.nmea",
	"libais/test.aivdm",
	"libais/typeexamples.nmea",
	"pyais/ais_test_messages",
	"pyais/gatehouse.nmea",
	"pyais/messages.ais",
	"pyais/mixed.txt",
	"pyais/nmea_data_sample.txt",
	"pyais/sample.ais",
	"pyais/timestamped.ais",
}

// summarize feeds a whole file to an Assembler and describes the result: the counters, the
// number of messages by time source and by sources, and every error by line.
func summarize(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAssembler(0)
	recv := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out strings.Builder
	from := map[TimeSource]int{}
	parts := map[int]int{}
	var errs []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		m, ok, err := a.Feed(sc.Bytes(), recv)
		if err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %v", n, err))
		}
		if ok {
			from[m.TimeFrom]++
			parts[m.Parts]++
			if len(m.Payload) == 0 {
				t.Errorf("%s line %d: empty payload", path, n)
			}
		}
	}
	a.Flush()
	c := a.Counters()
	if got := c.Sentences + c.BadChecksum + c.Unparseable + c.Other + c.Ignored; got != c.Lines {
		t.Errorf("%s: sentences+bad+unparseable+other+ignored = %d, want lines %d", path, got, c.Lines)
	}
	fmt.Fprintf(&out, "%+v\n", c)
	for _, ts := range []TimeSource{TimeReceived, TimeTagBlock, TimeGatehouse, TimeLine, TimeStation} {
		if from[ts] > 0 {
			fmt.Fprintf(&out, "time from %s: %d\n", ts, from[ts])
		}
	}
	for p := 1; p <= 9; p++ {
		if parts[p] > 0 {
			fmt.Fprintf(&out, "messages of %d parts: %d\n", p, parts[p])
		}
	}
	if len(errs) > 20 {
		errs = append(errs[:20], fmt.Sprintf("… and %d more errors", len(errs)-20))
	}
	for _, e := range errs {
		out.WriteString(e + "\n")
	}
	return out.String()
}

func TestCorpusGolden(t *testing.T) {
	dir := dataDir(t)
	for _, f := range dataFiles {
		t.Run(f, func(t *testing.T) {
			got := summarize(t, filepath.Join(dir, f))
			golden := filepath.Join("testdata", "golden", strings.ReplaceAll(f, "/", "_")+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s: got\n%s\nwant\n%s", f, got, want)
			}
		})
	}
}
