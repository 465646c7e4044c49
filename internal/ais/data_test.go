package ais

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedAISOptional returns the shared AIS data directory, or "" when it is absent.
func sharedAISOptional() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "data", "ais")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// sharedAIS returns the directory of the shared AIS conformance data (../shared/data/ais from
// the module root), skipping the test when it is absent, unless CI=true.
func sharedAIS(t testing.TB) string {
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
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", "ais")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared AIS data missing at %s (CI=true): %v", p, err)
		}
		t.Skipf("shared AIS data not found at %s: %v", p, err)
	}
	return p
}
