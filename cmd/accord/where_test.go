package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"accord/internal/jurisdiction"
)

var updateGolden = flag.Bool("update-where", false, "rewrite cmd/accord/testdata/where/*.golden")

// whereEnv returns the environment for `accord where` tests: the boundary data of this
// checkout and the shared test cache. Outside CI a missing data set skips the test.
func whereEnv(t *testing.T) func(string) string {
	t.Helper()
	root, err := jurisdiction.FindRoot(".")
	if err == nil {
		_, err = os.Stat(jurisdiction.DefaultConfig(root, "").TreatyPath)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("boundary data: %v", err)
		}
		t.Skipf("boundary data not installed (%v); run `npm ci` and provide ../shared/data", err)
	}
	cache := os.Getenv("ACCORD_JURISDICTION_CACHE")
	if cache == "" {
		cache = jurisdiction.DefaultCacheDir()
	}
	return func(k string) string {
		switch k {
		case "ACCORD_BOUNDARIES":
			return root
		case "ACCORD_JURISDICTION_CACHE":
			return cache
		}
		return ""
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "where", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestWhereCLI ./cmd/accord -update-where to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestWhereCLI runs `accord where` on known points and inputs and compares stdout and stderr
// with golden files.
func TestWhereCLI(t *testing.T) {
	getenv := whereEnv(t)
	csvIn := "lat,lon\n" +
		"25.7,-92.3\n" + // the Western Gap: high seas
		"20.40, -86.62\n" + // off Cozumel: Mexican territorial sea
		"\n# a comment\n" +
		"north,-92\n" + // bad: not a number
		"24.5,-81.8,3\n" + // bad: three fields
		"95,10\n" + // bad: latitude out of range
		"18.42,-66.06\n" + // San Juan: USA (PRI) land
		"27.5,-90.0\n" // US EEZ
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int // exit code
		golden string
	}{
		{"western gap text", []string{"25.7", "-92.3"}, "", 0, "gap.txt"},
		{"cozumel spanish", []string{"--lang", "es", "20.40", "-86.62"}, "", 0, "cozumel_es.txt"},
		{"json one arg", []string{"--json", "20.40,-86.62"}, "", 0, "cozumel.json"},
		{"flags after negative coordinates", []string{"23.13", "-82.38", "--json"}, "", 0, "havana.json"},
		{"outside the region", []string{"-5", "-80"}, "", 0, "outside.txt"},
		{"csv with bad lines", []string{"--csv"}, csvIn, 1, "batch.csv"},
		{"csv as json lines", []string{"--csv", "--json"}, "lat,lon\n25.7,-92.3\n20.40,-86.62\n", 0, "batch.jsonl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"where"}, tc.args...), getenv, strings.NewReader(tc.stdin), &out, &errb)
			if code := codeOf(err); code != tc.code {
				t.Fatalf("exit code %d (%v), want %d; stderr:\n%s", code, err, tc.code, errb.String())
			}
			checkGolden(t, tc.golden, out.Bytes())
			if tc.code != 0 {
				msg := errb.String() + "accord: " + err.Error() + "\n"
				checkGolden(t, tc.golden+".stderr", []byte(msg))
			}
		})
	}
}

func codeOf(err error) int {
	if err == nil {
		return 0
	}
	return exitCode(err)
}

// TestWhereUsage checks the errors that need no boundary data.
func TestWhereUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no point", nil, "want LAT LON"},
		{"one number", []string{"25.7"}, "want LAT LON"},
		{"three numbers", []string{"25.7", "-92.3", "4"}, "want LAT LON"},
		{"latitude out of range", []string{"91", "0"}, "latitude 91 is out of range"},
		{"bad pair", []string{"25.7,x"}, `longitude "x" is not a decimal number`},
		{"csv with a point", []string{"--csv", "25", "-92"}, "--csv reads the points from stdin"},
		{"unknown flag", []string{"--xml", "25", "-92"}, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"where"}, tc.args...), func(string) string { return "" }, strings.NewReader(""), &out, &errb)
			if !errors.Is(err, errUsageShown) || exitCode(err) != 2 {
				t.Fatalf("err %v; want a usage error (exit 2)", err)
			}
			if msg := err.Error() + errb.String(); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks %q", msg, tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q; want nothing", out.String())
			}
		})
	}
}
