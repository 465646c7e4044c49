package ledger

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func seed(f *testing.F, name string) {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatalf("%v (run go test -update to create it)", err)
	}
	f.Add(b)
}

func FuzzParseEntry(f *testing.F) {
	seed(f, "entry.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEntry(b)
		if err != nil {
			return
		}
		again, err := e.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted a non-canonical entry: %q -> %q, %v", b, again, err)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	seed(f, "checkpoint.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		if text, _, err := splitNote(b); err == nil {
			b = text
		}
		c, err := ParseCheckpoint(b)
		if err != nil {
			return
		}
		if c2, err := ParseCheckpoint(c.Marshal()); err != nil || c2.Size != c.Size || c2.Hash != c.Hash || c2.Origin != c.Origin {
			t.Fatalf("round trip of %q: %+v, %v", b, c2, err)
		}
	})
}

func FuzzParseBundle(f *testing.F) {
	seed(f, "bundle.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		bu, err := ParseBundle(b)
		if err != nil {
			return
		}
		if _, err := ParseBundle(bu.Marshal()); err != nil {
			t.Fatalf("re-encoded bundle does not parse: %v", err)
		}
	})
}

func FuzzParseCosignRequest(f *testing.F) {
	seed(f, "cosign-request.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseCosignRequest(b)
		if err != nil {
			return
		}
		text, _ := r.MarshalText()
		if _, err := ParseCosignRequest(text); err != nil {
			t.Fatalf("re-encoded request does not parse: %v", err)
		}
	})
}
