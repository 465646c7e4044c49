package ais

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenOutputs prints every message of roundTripTable with AppendGPSD and AppendJSON and
// compares with testdata/golden/*.jsonl. Run `go test -run Golden -update` after an intended
// change, and review the diff.
func TestGoldenOutputs(t *testing.T) {
	for _, c := range []struct {
		file string
		f    func([]byte, Message) []byte
	}{
		{"gpsd.jsonl", AppendGPSD},
		{"accord.jsonl", AppendJSON},
	} {
		var got []byte
		for _, m := range roundTripTable {
			got = c.f(got, m)
			got = append(got, '\n')
		}
		path := filepath.Join("testdata", "golden", c.file)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run `go test -run Golden -update` to create it)", err)
		}
		if !bytes.Equal(got, want) {
			gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
			for i := 0; i < len(gl) && i < len(wl); i++ {
				if !bytes.Equal(gl[i], wl[i]) {
					t.Errorf("%s line %d:\n got %s\nwant %s", path, i+1, gl[i], wl[i])
				}
			}
			if len(gl) != len(wl) {
				t.Errorf("%s: got %d lines, want %d", path, len(gl), len(wl))
			}
		}
	}
}
