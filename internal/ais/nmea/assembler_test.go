package nmea

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// feedAll feeds lines one second of receive time apart and returns the payloads completed.
func feedAll(t *testing.T, a *Assembler, lines ...string) []string {
	t.Helper()
	var got []string
	for i, l := range lines {
		m, ok, _ := a.Feed([]byte(l), t0.Add(time.Duration(i)*time.Second))
		if ok {
			got = append(got, string(m.Payload))
		}
	}
	return got
}

func TestAssembler(t *testing.T) {
	p1, p2, p3 := "55?MbV02;H;s<HtKR20EHE", "0@T4@Dn22222", "88888888880"
	tests := []struct {
		name       string
		lines      []string
		want       []string
		incomplete int64
	}{
		{"single", []string{vdm(1, 1, "", "A", p1, 0)}, []string{p1}, 0},
		{"two parts", []string{vdm(2, 1, "1", "A", p1, 0), vdm(2, 2, "1", "A", p2, 2)}, []string{p1 + p2}, 0},
		{"three parts", []string{vdm(3, 1, "7", "B", p1, 0), vdm(3, 2, "7", "B", p2, 0), vdm(3, 3, "7", "B", p3, 2)}, []string{p1 + p2 + p3}, 0},
		{"interleaved by sequence id", []string{
			vdm(2, 1, "1", "A", p1, 0), vdm(2, 1, "2", "A", p2, 0), vdm(1, 1, "", "A", p3, 0),
			vdm(2, 2, "2", "A", p3, 2), vdm(2, 2, "1", "A", p2, 2),
		}, []string{p3, p2 + p3, p1 + p2}, 0},
		{"interleaved by channel", []string{
			vdm(2, 1, "1", "A", p1, 0), vdm(2, 1, "1", "B", p2, 0), vdm(2, 2, "1", "B", p3, 2), vdm(2, 2, "1", "A", p3, 2),
		}, []string{p2 + p3, p1 + p3}, 0},
		{"missing first part", []string{vdm(2, 2, "1", "A", p2, 2)}, nil, 1},
		{"missing middle part", []string{vdm(3, 1, "1", "A", p1, 0), vdm(3, 3, "1", "A", p3, 2)}, nil, 1},
		{"out of order", []string{vdm(2, 2, "1", "A", p2, 2), vdm(2, 1, "1", "A", p1, 0)}, nil, 2},
		{"new first part replaces", []string{vdm(2, 1, "1", "A", p1, 0), vdm(2, 1, "1", "A", p2, 0), vdm(2, 2, "1", "A", p3, 2)}, []string{p2 + p3}, 1},
		{"total mismatch", []string{vdm(3, 1, "1", "A", p1, 0), vdm(2, 2, "1", "A", p3, 2)}, nil, 2},
		{"bad checksum part", []string{vdm(2, 1, "1", "A", p1, 0), strings.Replace(vdm(2, 2, "1", "A", p2, 2), "*", "0*", 1)}, nil, 1},
		{"tag block groups", []string{
			withTag("g:1-2-42,s:rX,c:1418169601", vdm(2, 1, "3", "A", p1, 0)),
			withTag("s:rY,c:1418172113", vdm(1, 1, "", "B", p3, 0)),
			withTag("g:2-2-42", vdm(2, 2, "3", "A", p2, 2)),
		}, []string{p3, p1 + p2}, 0},
		{"source on first part only", []string{
			withTag("s:rX,c:1418169601", vdm(2, 1, "3", "A", p1, 0)), vdm(2, 2, "3", "A", p2, 2),
		}, []string{p1 + p2}, 0},
		{"source on last part only", []string{
			vdm(2, 1, "6", "A", p1, 0), vdm(2, 2, "6", "A", p2, 2) + ",b003660465",
		}, []string{p1 + p2}, 0},
		{"different sources", []string{
			withTag("s:rX", vdm(2, 1, "3", "A", p1, 0)), withTag("s:rY", vdm(2, 1, "3", "A", p2, 0)),
			withTag("s:rY", vdm(2, 2, "3", "A", p3, 2)), withTag("s:rX", vdm(2, 2, "3", "A", p3, 2)),
		}, []string{p2 + p3, p1 + p3}, 0},
		{"gps between parts", []string{
			vdm(2, 1, "1", "A", p1, 0), "$GPGLL,5250.53669,N,00542.34920,E,213950.00,A,A*67", "", vdm(2, 2, "1", "A", p2, 2),
		}, []string{p1 + p2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAssembler(time.Minute)
			got := feedAll(t, a, tt.lines...)
			a.Flush()
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got messages %q, want %q", got, tt.want)
			}
			if c := a.Counters(); c.Incomplete != tt.incomplete || c.Messages != int64(len(tt.want)) {
				t.Errorf("got %d incomplete, %d messages; want %d, %d", c.Incomplete, c.Messages, tt.incomplete, len(tt.want))
			}
			if a.Pending() != 0 {
				t.Errorf("got %d pending after Flush, want 0", a.Pending())
			}
		})
	}
}

func TestAssemblerMessageFields(t *testing.T) {
	a := NewAssembler(0)
	tag := withTag("g:1-2-1604,s:rORBCOMM008,c:1418169601", "!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63")
	if _, ok, err := a.Feed([]byte(tag), t0); ok || err != nil {
		t.Fatalf("first part: got ok %v, err %v; want false, nil", ok, err)
	}
	m, ok, err := a.Feed([]byte(withTag("g:2-2-1604", "!AIVDM,2,2,6,A,00000000008,2*2A")), t0.Add(time.Second))
	if !ok || err != nil {
		t.Fatalf("second part: got ok %v, err %v; want true, nil", ok, err)
	}
	if m.Source != "rORBCOMM008" || m.Channel != 'A' || m.Talker != "AI" || m.Formatter != VDM || m.Fill != 2 || m.Parts != 2 ||
		!m.HasTime || m.TimeFrom != TimeTagBlock || !m.Time.Equal(time.Unix(1418169601, 0)) || len(m.Payload) != 71 {
		t.Errorf("got %+v", m)
	}
}

func TestAssemblerTimes(t *testing.T) {
	const s1 = "!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09"
	tests := []struct {
		name  string
		lines []string
		from  TimeSource
		want  time.Time
	}{
		{"receive", []string{s1}, TimeReceived, t0},
		{"gatehouse", []string{"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", s1}, TimeGatehouse, time.Date(2008, 5, 9, 0, 0, 0, 10e6, time.UTC)},
		{"gatehouse then comment", []string{"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", "# c", s1}, TimeGatehouse, time.Date(2008, 5, 9, 0, 0, 0, 10e6, time.UTC)},
		{"gatehouse cleared by a bad line", []string{"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", "junk", s1}, TimeReceived, t0},
		{"gatehouse used once", []string{"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", s1, s1}, TimeReceived, t0},
		{"line", []string{"1550303566 " + s1}, TimeLine, time.Unix(1550303566, 0)},
		{"station", []string{s1 + ",r003669945,1213777200"}, TimeStation, time.Unix(1213777200, 0)},
		{"tag beats line", []string{"1550303566 " + withTag("c:1418169601", s1)}, TimeTagBlock, time.Unix(1418169601, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAssembler(0)
			var m *Message
			for _, l := range tt.lines {
				if mm, ok, _ := a.Feed([]byte(l), t0); ok {
					m = mm
				}
			}
			if m == nil {
				t.Fatal("no message")
			}
			if m.TimeFrom != tt.from || !m.Time.Equal(tt.want) || m.HasTime != (tt.from != TimeReceived) {
				t.Errorf("got %v from %v (has %v), want %v from %v", m.Time, m.TimeFrom, m.HasTime, tt.want, tt.from)
			}
		})
	}
}

func TestAssemblerTimeout(t *testing.T) {
	p1, p2 := vdm(2, 1, "1", "A", "55?MbV02", 0), vdm(2, 2, "1", "A", "88880", 2)
	t.Run("receive time", func(t *testing.T) {
		a := NewAssembler(10 * time.Second)
		a.Feed([]byte(p1), t0)
		// An unrelated sentence 11 s later expires the pending part.
		a.Feed([]byte(vdm(1, 1, "", "B", "15NBj", 0)), t0.Add(11*time.Second))
		if a.Pending() != 0 || a.Counters().Incomplete != 1 {
			t.Fatalf("got %d pending, %d incomplete; want 0, 1", a.Pending(), a.Counters().Incomplete)
		}
		if _, ok, _ := a.Feed([]byte(p2), t0.Add(12*time.Second)); ok {
			t.Error("a part after the timeout completed a message")
		}
	})
	t.Run("feed time", func(t *testing.T) {
		a := NewAssembler(10 * time.Second)
		a.Feed([]byte("1000 "+p1), t0)
		if _, ok, _ := a.Feed([]byte("1011 "+p2), t0); ok {
			t.Error("parts 11 s apart in feed time completed a message")
		}
		a.Feed([]byte("2000 "+p1), t0)
		if _, ok, _ := a.Feed([]byte("2009 "+p2), t0); !ok {
			t.Error("parts 9 s apart in feed time did not complete")
		}
	})
	t.Run("disordered feed times across keys", func(t *testing.T) {
		// Satellite feeds interleave sentences whose c: times are minutes apart.
		a := NewAssembler(10 * time.Second)
		a.Feed([]byte(withTag("g:1-2-9,c:1000", p1)), t0)
		a.Feed([]byte(withTag("c:3000", vdm(1, 1, "", "B", "15NBj", 0))), t0)
		if _, ok, _ := a.Feed([]byte(withTag("g:2-2-9,c:1000", p2)), t0); !ok {
			t.Error("group did not complete")
		}
	})
}

func TestAssemblerMaxPending(t *testing.T) {
	a := NewAssembler(0)
	a.SetMaxPending(4)
	for i := range 10 {
		a.Feed([]byte(vdm(2, 1, string(rune('0'+i)), "A", "55?MbV02", 0)), t0)
	}
	if a.Pending() != 4 || a.Counters().Incomplete != 6 {
		t.Errorf("got %d pending, %d incomplete; want 4, 6", a.Pending(), a.Counters().Incomplete)
	}
	if _, ok, _ := a.Feed([]byte(vdm(2, 2, "9", "A", "0", 2)), t0); !ok {
		t.Error("the newest pending message did not complete")
	}
}

func TestAssemblerGarbage(t *testing.T) {
	a := NewAssembler(0)
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 0, 2*MaxLineLen)
	for range 20000 {
		buf = buf[:r.IntN(200)]
		for i := range buf {
			buf[i] = byte(r.UintN(256))
		}
		if r.IntN(4) == 0 { // make it look like a sentence
			copy(buf, "!AIVDM,")
		}
		a.Feed(buf, t0)
	}
	huge := []byte("!AIVDM,1,1,,A," + strings.Repeat("1", 1<<20) + ",0*00")
	if _, _, err := a.Feed(huge, t0); !errors.Is(err, ErrTooLong) {
		t.Errorf("1 MB line: got %v, want ErrTooLong", err)
	}
	// Every prefix of a valid line.
	line := withTag("g:1-2-42,s:rX,c:1418169601", vdm(2, 1, "3", "A", "55?MbV02", 0)) + ",r1,1213777200"
	for i := range len(line) {
		a.Feed([]byte(line[:i]), t0)
	}
	a.Flush()
	c := a.Counters()
	if c.Lines != c.Sentences+c.BadChecksum+c.Unparseable+c.Other+c.Ignored {
		t.Errorf("counters do not add up: %+v", c)
	}
	if c.Unparseable == 0 || c.BadChecksum == 0 {
		t.Errorf("garbage not counted: %+v", c)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		s, err := Parse(line)
		if err != nil {
			return
		}
		if s.Total < 1 || s.Num < 1 || s.Num > s.Total || s.Fill > 5 || len(s.Payload) == 0 || len(s.Talker) != 2 {
			t.Errorf("Parse(%q) accepted an invalid sentence: %+v", line, s)
		}
	})
}

func FuzzAssembler(f *testing.F) {
	f.Add([]byte(strings.Join(fuzzSeeds, "\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		a := NewAssembler(time.Second)
		a.SetMaxPending(8)
		for i, line := range strings.Split(string(data), "\n") {
			m, ok, err := a.Feed([]byte(line), t0.Add(time.Duration(i)*100*time.Millisecond))
			if ok && (err != nil || len(m.Payload) == 0 || m.Parts < 1) {
				t.Fatalf("bad message %+v, err %v", m, err)
			}
			if a.Pending() > 8 {
				t.Fatalf("%d pending, cap 8", a.Pending())
			}
		}
		a.Flush()
		c := a.Counters()
		if c.Lines != c.Sentences+c.BadChecksum+c.Unparseable+c.Other+c.Ignored {
			t.Fatalf("counters do not add up: %+v", c)
		}
	})
}

var fuzzSeeds = []string{
	"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
	"!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
	"!AIVDM,2,2,1,A,88888888880,2*25",
	"1550303566167726840 !AIVDM,1,1,,B,10bb7q@P0lPGHlVMhbl0Qgw>2>`<,0*7F",
	`\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63`,
	`\g:2-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*34\!AIVDM,2,2,6,A,00000000008,2*2A`,
	"!AIVDM,1,1,,A,402u=TiuaA000r5UJ`H4`?7000S:,0*75,d-093,S2212,t235959.00,T59.00339837,r09STOL1,1272844797",
	"$PGHP,1,2010,6,11,11,46,11,874,276,0,,1,55*2C",
	"$GPGLL,5250.53669,N,00542.34920,E,213950.00,A,A*67",
	"# comment",
}

func BenchmarkParse(b *testing.B) {
	line := []byte("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAssemblerSingle(b *testing.B) {
	line := []byte("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")
	a := NewAssembler(0)
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, ok, err := a.Feed(line, t0); !ok || err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAssemblerTagged(b *testing.B) {
	p1 := []byte(withTag("g:1-2-1604,s:rORBCOMM008,c:1418169601", vdm(2, 1, "3", "A", "53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000", 0)))
	p2 := []byte(withTag("g:2-2-1604", vdm(2, 2, "3", "A", "00000000008", 2)))
	a := NewAssembler(0)
	b.ReportAllocs()
	for b.Loop() {
		a.Feed(p1, t0)
		if _, ok, err := a.Feed(p2, t0); !ok || err != nil {
			b.Fatal(err)
		}
	}
}
