package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNodeAgency(t *testing.T) {
	tests := []struct {
		node NodeConfig
		want string
	}{
		{NodeConfig{State: "MEX"}, "SEMAR"},
		{NodeConfig{State: "USA"}, "USCG"},
		{NodeConfig{State: "USA", Agency: "CBP"}, "CBP"},
		{NodeConfig{State: "GTM"}, "GTM"},
	}
	for _, tt := range tests {
		if got := tt.node.agency(); got != tt.want {
			t.Errorf("%+v.agency() = %q, want %q", tt.node, got, tt.want)
		}
	}
}

func TestLoadConfigOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "accord.json")
	if err := os.WriteFile(path, []byte(`{"node": {"state": "USA", "agency": "CBP"}, "listen": "127.0.0.1:9"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	env := map[string]string{"ACCORD_NODE_AGENCY": "USCG"}
	if err := loadConfig(&cfg, path, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.Node.State != "USA" || cfg.Node.Agency != "USCG" || cfg.Listen != "127.0.0.1:9" {
		t.Errorf("file then environment: got node %+v listen %q", cfg.Node, cfg.Listen)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"node\": {\"agencia\": \"SEMAR\"}\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg = defaultConfig()
	err := loadConfig(&cfg, bad, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "agencia") || !strings.Contains(err.Error(), bad) {
		t.Errorf("unknown field: got %v, want an error naming the file and the field", err)
	}
}
