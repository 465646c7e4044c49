package ais

import (
	"strings"
	"testing"
	"time"
)

// TestGPSDFillBits checks that the gpsd form of a type 15 field running past the end of a short
// message shows the fill bits as gpsd 3.22 reads them, while the message itself keeps them
// cleared.
func TestGPSDFillBits(t *testing.T) {
	tests := []struct {
		name, line string
		want       string // a key:value the gpsd object must contain
		typed      uint16 // Offset2_1 of the decoded message
	}{
		{
			// 146 bits with 4 fill bits "1000": offset2_1 (bits 146-157) reads them as 2048.
			name:  "146-bit interrogation, fill 1000",
			line:  "!AIVDM,1,1,,A,?7VN8RKqwwTo=foWV7iwt?vLp,4*44",
			want:  `"offset2_1":2048`,
			typed: 0,
		},
		{
			name: "160-bit interrogation, fill zero",
			line: "!AIVDM,1,1,,B,?03OwnB0ACVlD00000000000000,2*43",
			want: `"offset2_1":0`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStream(0)
			m, env, err := s.Feed([]byte(tt.line), time.Unix(0, 0))
			if err != nil || m == nil {
				t.Fatalf("Feed(%q): %v, %v", tt.line, m, err)
			}
			in, ok := m.(*Interrogation)
			if !ok {
				t.Fatalf("got %T, want *Interrogation", m)
			}
			if in.Offset2_1 != tt.typed {
				t.Errorf("Offset2_1 = %d, want %d (fill bits carry no information)", in.Offset2_1, tt.typed)
			}
			var w GPSDWriter
			got := string(w.AppendMessage(nil, m, env))
			if !strings.Contains(got, tt.want) {
				t.Errorf("AppendMessage = %s, want it to contain %s", got, tt.want)
			}
			if plain := string(AppendGPSD(nil, m)); !strings.Contains(plain, `"offset2_1":0`) {
				t.Errorf("AppendGPSD without the sentence = %s, want offset2_1 0", plain)
			}
		})
	}
}
