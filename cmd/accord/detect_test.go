package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"accord/internal/jurisdiction"
)

// TestDetectCommandFindsPlantedBehaviours runs `accord simulate --truth` and `accord detect
// --json` end to end on the planted scenario: every line of the truth has an alert with the
// same kind, vessels, state, zone and authority, and there is no other alert.
func TestDetectCommandFindsPlantedBehaviours(t *testing.T) {
	root, err := jurisdiction.FindRoot(".")
	if err == nil {
		_, err = os.Stat(filepath.Join(root, "..", "shared", "data", "ports", "WPI_ports.csv"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("boundary or port data missing: %v", err)
		}
		t.Skipf("boundary or port data missing (%v): run `npm ci` and provide ../shared/data", err)
	}
	dir := t.TempDir()
	nmea, truth := filepath.Join(dir, "planted.nmea"), filepath.Join(dir, "truth.jsonl")
	getenv := func(string) string { return "" }
	var out, errb bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"simulate", "--scenario", "planted", "--seed", "5", "--start", "2026-05-02T07:00:00Z", "--out", nmea, "--truth", truth},
		getenv, nil, &out, &errb); err != nil {
		t.Fatalf("simulate: %v\n%s", err, errb.String())
	}
	out.Reset()
	errb.Reset()
	if err := run(ctx, []string{"detect", "--json", nmea}, getenv, nil, &out, &errb); err != nil {
		t.Fatalf("detect: %v\n%s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "alerts:") {
		t.Errorf("no summary on stderr: %s", errb.String())
	}
	type key struct{ kind, mmsi, state, zone, authority string }
	keyOf := func(line []byte) key {
		var v struct {
			Kind, State, Zone, Authority string
			MMSI                         []uint32
		}
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		slices.Sort(v.MMSI)
		b, _ := json.Marshal(v.MMSI)
		return key{v.Kind, string(b), v.State, v.Zone, v.Authority}
	}
	var want, got []key
	f, err := os.ReadFile(truth)
	if err != nil {
		t.Fatal(err)
	}
	for sc := bufio.NewScanner(bytes.NewReader(f)); sc.Scan(); {
		want = append(want, keyOf(sc.Bytes()))
	}
	for sc := bufio.NewScanner(&out); sc.Scan(); {
		got = append(got, keyOf(sc.Bytes()))
	}
	less := func(a, b key) int { return strings.Compare(a.kind+a.mmsi, b.kind+b.mmsi) }
	slices.SortFunc(want, less)
	slices.SortFunc(got, less)
	if len(want) < 5 || !slices.Equal(want, got) {
		t.Errorf("alerts\n%v\nwant the truth\n%v", got, want)
	}
}
