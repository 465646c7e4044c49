package nmea

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Sentence // compared field by field below; zero-valued fields are checked too
		err  error
	}{
		{
			name: "single VDM",
			line: "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
			want: Sentence{Talker: "AI", Formatter: VDM, Total: 1, Num: 1, SeqID: -1, Channel: 'A', Payload: []byte("15RTgt0PAso;90TKcjM8h6g208CQ"), Checksum: 0x4A},
		},
		{
			name: "CRLF and VDO from talker AB",
			line: "!ABVDO,1,1,,,4>qc9wiv6gEcboKJ?DCdAK700P00,0*6D\r\n",
			want: Sentence{Talker: "AB", Formatter: VDO, Total: 1, Num: 1, SeqID: -1, Payload: []byte("4>qc9wiv6gEcboKJ?DCdAK700P00"), Checksum: 0x6D},
		},
		{
			name: "talker --",
			line: "!--VDM,1,1,,A,802R5Ph0BkAgoPNCkQn0Q@sMKgwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwt,2*57",
			want: Sentence{Talker: "--", Formatter: VDM, Total: 1, Num: 1, SeqID: -1, Channel: 'A', Payload: []byte("802R5Ph0BkAgoPNCkQn0Q@sMKgwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwt"), Fill: 2, Checksum: 0x57},
		},
		{
			name: "multipart part 2 with fill",
			line: "!AIVDM,2,2,1,A,88888888880,2*25",
			want: Sentence{Talker: "AI", Formatter: VDM, Total: 2, Num: 2, SeqID: 1, Channel: 'A', Payload: []byte("88888888880"), Fill: 2, Checksum: 0x25},
		},
		{
			name: "leading nanosecond timestamp",
			line: "1550303566167726840 !AIVDM,1,1,,B,10bb7q@P0lPGHlVMhbl0Qgw>2>`<,0*7F",
			want: Sentence{Talker: "AI", Formatter: VDM, Total: 1, Num: 1, SeqID: -1, Channel: 'B', Payload: []byte("10bb7q@P0lPGHlVMhbl0Qgw>2>`<"), Checksum: 0x7F,
				LineTime: time.Unix(0, 1550303566167726840).UTC(), HasLineTime: true},
		},
		{
			name: "tag block",
			line: `\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63`,
			want: Sentence{Talker: "AI", Formatter: VDM, Total: 2, Num: 1, SeqID: 6, Channel: 'A', Payload: []byte("53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000"), Checksum: 0x63,
				HasTag: true, Tag: TagBlock{Source: []byte("rORBCOMM008"), Time: time.Unix(1418169601, 0).UTC(), HasTime: true, GroupNum: 1, GroupTotal: 2, GroupID: 1604, LineCount: -1}},
		},
		{
			name: "USCG fields",
			line: "!AIVDM,1,1,,A,402u=TiuaA000r5UJ`H4`?7000S:,0*75,d-093,S2212,t235959.00,T59.00339837,r09STOL1,1272844797",
			want: Sentence{Talker: "AI", Formatter: VDM, Total: 1, Num: 1, SeqID: -1, Channel: 'A', Payload: []byte("402u=TiuaA000r5UJ`H4`?7000S:"), Checksum: 0x75,
				Station: []byte("r09STOL1"), StationTime: time.Unix(1272844797, 0).UTC(), HasStationTime: true},
		},
		{
			name: "letter as sequential ID on a single sentence",
			line: "!AIVDM,1,1,A,B,15MuTpPP00INJMh@vq`00?vJ00S0,0*53",
			want: Sentence{Talker: "AI", Formatter: VDM, Total: 1, Num: 1, SeqID: -1, Channel: 'B', Payload: []byte("15MuTpPP00INJMh@vq`00?vJ00S0"), Checksum: 0x53},
		},
		{name: "letter as sequential ID on a fragment", line: "!AIVDM,2,1,A,B,55R3Vn82=ILTQ3KKS,0*69", err: ErrSyntax},
		{name: "three-digit sequential ID", line: "!AIVDM,1,1,123,B,15MuTpPP00INJMh@vq`00?vJ00S0,0*22", err: ErrSyntax},
		{name: "bad checksum", line: "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B", err: ErrChecksum},
		{name: "missing checksum", line: "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0", err: ErrChecksum},
		{name: "bad tag checksum", line: `\g:1-2-73874*A\!AIVDM,1,1,,A,15MrVH0000KH<:V:NtBLoqFP2H9:,0*2F`, err: ErrChecksum},
		{name: "GPS sentence", line: "$GPGLL,5250.53669,N,00542.34920,E,213950.00,A,A*67", err: ErrNotAIS},
		{name: "gatehouse", line: "$PGHP,1,2010,6,11,11,46,11,874,276,0,,1,55*2C", err: ErrNotAIS},
		{name: "comment", line: "# a comment", err: ErrBlank},
		{name: "blank", line: " \r", err: ErrBlank},
		{name: "not NMEA", line: "IamNotAnAisMessage1111", err: ErrSyntax},
		{name: "fragment count 0", line: "!AAVDM,0,1,,B,16UK7Fi0?w4tQF0l4Q@>401v1PS;,0*0F", err: ErrSyntax},
		{name: "empty payload", line: "!AIVDM,1,1,,B,,0*25", err: ErrSyntax},
		{name: "too long", line: "!AIVDM," + strings.Repeat("0", 2*MaxLineLen), err: ErrTooLong},
		{name: "truncated", line: "!AIVDM,2,1,9,B,55R3Vn82=ILTQ3KKS", err: ErrChecksum},
		{name: "unclosed tag", line: `\s:x*00!AIVDM,1,1,,A,1,0*00`, err: ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.line))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Parse(%q): got error %v, want %v", tt.line, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.line, err)
			}
			w := tt.want
			if got.Talker != w.Talker || got.Formatter != w.Formatter || got.Total != w.Total || got.Num != w.Num ||
				got.SeqID != w.SeqID || got.Channel != w.Channel || string(got.Payload) != string(w.Payload) ||
				got.Fill != w.Fill || got.Checksum != w.Checksum {
				t.Errorf("got %s %s %d/%d seq %d ch %q %q fill %d sum %02X, want %s %s %d/%d seq %d ch %q %q fill %d sum %02X",
					got.Talker, got.Formatter, got.Num, got.Total, got.SeqID, got.Channel, got.Payload, got.Fill, got.Checksum,
					w.Talker, w.Formatter, w.Num, w.Total, w.SeqID, w.Channel, w.Payload, w.Fill, w.Checksum)
			}
			if !w.HasTag {
				w.Tag.LineCount = -1
			}
			if got.HasTag != w.HasTag || string(got.Tag.Source) != string(w.Tag.Source) || !got.Tag.Time.Equal(w.Tag.Time) ||
				got.Tag.HasTime != w.Tag.HasTime || got.Tag.GroupNum != w.Tag.GroupNum || got.Tag.GroupTotal != w.Tag.GroupTotal ||
				got.Tag.GroupID != w.Tag.GroupID || got.Tag.LineCount != w.Tag.LineCount {
				t.Errorf("tag: got %v %+v, want %v %+v", got.HasTag, got.Tag, w.HasTag, w.Tag)
			}
			if got.HasLineTime != w.HasLineTime || !got.LineTime.Equal(w.LineTime) {
				t.Errorf("line time: got %v %v, want %v %v", got.HasLineTime, got.LineTime, w.HasLineTime, w.LineTime)
			}
			if string(got.Station) != string(w.Station) || got.HasStationTime != w.HasStationTime || !got.StationTime.Equal(w.StationTime) {
				t.Errorf("station: got %q %v %v, want %q %v %v", got.Station, got.HasStationTime, got.StationTime, w.Station, w.HasStationTime, w.StationTime)
			}
		})
	}
}

func TestParseErrorNamesField(t *testing.T) {
	_, err := Parse([]byte("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,7*4D"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Field != "fill bits" {
		t.Fatalf("got %v, want a *ParseError for field \"fill bits\"", err)
	}
	if !strings.Contains(err.Error(), "0–5") {
		t.Errorf("error %q does not say what is expected", err)
	}
}

func TestLeadingTime(t *testing.T) {
	want := time.Date(2019, 2, 16, 7, 52, 46, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"1550303566", want},
		{"1550303566167", want.Add(167 * time.Millisecond)},
		{"1550303566167726", want.Add(167726 * time.Microsecond)},
		{"1550303566167726840", want.Add(167726840)},
		{"1550303566.5", want.Add(500 * time.Millisecond)},
		{"2019-02-16T07:52:46Z", want},
	}
	for _, tt := range tests {
		got, ok := parseLeadingTime([]byte(tt.in))
		if !ok || !got.Equal(tt.want) {
			t.Errorf("parseLeadingTime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"15503035661677268409", "12x", "1.2.3", "99999999999999999999"} {
		if _, ok := parseLeadingTime([]byte(bad)); ok {
			t.Errorf("parseLeadingTime(%q) accepted", bad)
		}
	}
}

func TestTagTimeMilliseconds(t *testing.T) {
	s, err := Parse([]byte(withTag("c:1418169601123", "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.UnixMilli(1418169601123).UTC(); !s.Tag.Time.Equal(want) {
		t.Errorf("got %v, want %v", s.Tag.Time, want)
	}
}

// withTag returns sentence preceded by a tag block with a correct checksum.
func withTag(params, sentence string) string {
	return `\` + params + "*" + hex2(xorSum([]byte(params))) + `\` + sentence
}

// vdm returns a checksummed AIVDM sentence.
func vdm(total, num int, seq, ch, payload string, fill int) string {
	body := "AIVDM," + string(rune('0'+total)) + "," + string(rune('0'+num)) + "," + seq + "," + ch + "," + payload + "," + string(rune('0'+fill))
	return "!" + body + "*" + hex2(xorSum([]byte(body)))
}

func hex2(b byte) string {
	const h = "0123456789ABCDEF"
	return string([]byte{h[b>>4], h[b&15]})
}

func TestTalkerStringsDoNotAllocate(t *testing.T) {
	line := []byte("!BSVDM,1,1,,A,13:WB@0vC2PmgjpP`WO=DbdF0<0U,0*5D")
	var s Sentence
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := parse(line, &s); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 || s.Talker != "BS" {
		t.Errorf("got %v allocs and talker %q, want 0 and BS", allocs, s.Talker)
	}
}
