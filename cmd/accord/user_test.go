package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	runUser := func(stdin string, env map[string]string, args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"user"}, args...), func(k string) string { return env[k] },
			strings.NewReader(stdin), &out, &errOut)
		return out.String(), errOut.String(), err
	}
	const pw = "correct horse battery"
	if out, _, err := runUser(pw+"\n", nil, "add", "--data", dir, "--name", "ana", "--agency", "SEMAR", "--role", "watch_officer", "--role", "analyst"); err != nil || !strings.Contains(out, "user ana (id 1) of SEMAR (MEX)") {
		t.Fatalf("add: %q %v", out, err)
	}
	if _, _, err := runUser("", map[string]string{"ACCORD_PASSWORD": pw}, "add", "--data", dir, "--name", "dan", "--agency", "DEA", "--role", "analyst"); err != nil {
		t.Fatalf("add with ACCORD_PASSWORD: %v", err)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"add", "--data", dir, "--name", "x", "--agency", "SEMAR", "--role", "analyst"}, "no password"},
		{"short\n", []string{"add", "--data", dir, "--name", "x", "--agency", "SEMAR", "--role", "analyst"}, "too short"},
		{pw, []string{"add", "--data", dir, "--name", "x", "--agency", "NOPE", "--role", "analyst"}, `agency "NOPE": not found`},
		{pw, []string{"add", "--data", dir, "--name", "x", "--agency", "SEMAR", "--role", "king"}, `invalid role "king"`},
		{pw, []string{"add", "--data", dir, "--name", "ana", "--agency", "SEMAR", "--role", "analyst"}, "already exists"},
		{"", []string{"roles", "--data", dir, "--name", "nobody", "--role", "analyst"}, "not found"},
	} {
		_, _, err := runUser(tc.stdin, nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, _, err := runUser("", nil, "roles", "--data", dir, "--name", "ana", "--role", "legal"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runUser("", nil, "disable", "--data", dir, "--name", "dan"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runUser("", nil, "list", "--data", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var users []struct {
		Name     string   `json:"name"`
		Roles    []string `json:"roles"`
		Disabled bool     `json:"disabled"`
	}
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users) != 2 || users[0].Name != "ana" || users[0].Roles[0] != "legal" || !users[1].Disabled {
		t.Errorf("list: %s %v", out, err)
	}
	if strings.Contains(out, pw) {
		t.Error("the password appears in the listing")
	}
	tok, stderr, err := runUser("", nil, "token", "--data", dir, "--name", "ana")
	if err != nil || len(strings.TrimSpace(tok)) != 43 || !strings.Contains(stderr, "shown once") {
		t.Errorf("token: %q %q %v", tok, stderr, err)
	}
	if out, _, err := runUser("", nil, "agencies", "--data", dir); err != nil || !strings.Contains(out, "Treasury/OFAC") {
		t.Errorf("agencies: %v\n%s", err, out)
	}
}
