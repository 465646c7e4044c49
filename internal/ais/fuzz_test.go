package ais

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// FuzzDecode feeds arbitrary payloads and fill counts to both decoders. Neither may panic; when
// one succeeds the other must agree, the gpsd and JSON printers must not panic, and the message
// must survive Encode and Decode again unchanged. Seeded from every payload of the shared corpus.
func FuzzDecode(f *testing.F) {
	for _, p := range positionPayloads {
		f.Add([]byte(p.p), p.fill)
	}
	f.Add([]byte(""), 0)
	f.Add([]byte("H42O55i18tMET00000000000000"), 2)
	for _, m := range roundTripTable { // every type and every decoded application
		if p, fill, err := Encode(m); err == nil {
			f.Add(p, fill)
		}
	}
	seedFromShared(f)
	var d Decoder
	f.Fuzz(func(t *testing.T, payload []byte, fill int) {
		m1, err1 := Decode(payload, fill)
		m2, err2 := d.Decode(payload, fill)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("Decode and Decoder.Decode disagree: %v vs %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		if !reflect.DeepEqual(m1, m2) {
			t.Fatalf("Decode = %+v, Decoder.Decode = %+v", m1, m2)
		}
		AppendGPSD(nil, m1)
		AppendJSON(nil, m1)
		var w GPSDWriter
		w.Append(nil, m1, 'A')
		PositionOf(m1)
		StaticOf(m1)
		p, f2, err := Encode(m1)
		if err != nil {
			t.Fatalf("Encode(Decode(%q, %d)): %v", payload, fill, err)
		}
		m3, err := Decode(p, f2)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q, %d))) = %q: %v", payload, fill, p, err)
		}
		if !reflect.DeepEqual(m1, m3) {
			t.Fatalf("round trip of %q,%d via %q,%d:\n got %+v\nwant %+v", payload, fill, p, f2, m3, m1)
		}
	})
}

// seedFromShared adds the payloads of the shared AIS files as fuzz seeds, when present.
func seedFromShared(f *testing.F) {
	dir := sharedAISOptional()
	if dir == "" {
		return
	}
	for _, name := range []string{"gpsd/sample.aivdm", "libais/test.aivdm", "libais/typeexamples.nmea"} {
		fh, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		s := NewStream(0)
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if _, env, _ := s.Feed(sc.Bytes(), time.Time{}); env != nil {
				f.Add(append([]byte(nil), env.Payload...), env.Fill)
			}
		}
		fh.Close()
	}
}
