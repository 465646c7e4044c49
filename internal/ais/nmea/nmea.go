// Package nmea parses the NMEA 0183 sentence layer of AIS feeds and reassembles multi-sentence
// messages.
//
// It accepts AIVDM and AIVDO sentences from any talker (AI, AB, BS, SA, --, …), with or without
// an NMEA 4.10 tag block (\s:source,c:unix-time,g:group*hh\), US Coast Guard fields after the
// checksum (…*hh,s23,d-098,r003669945,1213777200), Gatehouse $PGHP timestamp lines that date
// the following sentence, and a leading receive timestamp on each line (unix seconds,
// milliseconds, microseconds or nanoseconds, fractional seconds, or RFC 3339). Blank lines and
// lines starting with '#' are ignored; other NMEA sentences (GPS and the like) are recognised
// and skipped. A sentence whose checksum does not match is always an error (ErrChecksum).
//
// Parse handles one line; an Assembler feeds lines through Parse, joins the parts of
// multi-sentence messages, dates each message, and keeps the counters of a feed. Neither
// allocates in steady state: slices returned alias the input line or the Assembler's buffers,
// and strings are interned.
package nmea

import (
	"errors"
	"fmt"
	"time"
)

// MaxLineLen is the longest line, in bytes, that Parse accepts. Longer lines are rejected with
// ErrTooLong. A standard sentence is at most 82 bytes; the limit leaves room for tag blocks,
// leading timestamps and trailing receiver fields.
const MaxLineLen = 1024

// Sentinel errors. Errors returned by Parse and Assembler.Feed wrap one of them; check with
// errors.Is. The wrapping *ParseError names the field at fault.
var (
	// ErrChecksum means the sentence or tag-block checksum is missing, malformed or wrong.
	ErrChecksum = errors.New("nmea: bad checksum")
	// ErrNotAIS means the line is a valid NMEA sentence that is not AIVDM/AIVDO (e.g. GPS, $PGHP).
	ErrNotAIS = errors.New("nmea: not an AIS sentence")
	// ErrBlank means the line is empty, white space only, or a '#' comment.
	ErrBlank = errors.New("nmea: blank or comment line")
	// ErrSyntax means the line is not a well-formed NMEA sentence.
	ErrSyntax = errors.New("nmea: syntax error")
	// ErrTooLong means the line is longer than MaxLineLen.
	ErrTooLong = errors.New("nmea: line too long")
)

// ParseError describes what is wrong with a line. Err is one of the sentinel errors.
type ParseError struct {
	Field  string // the part of the line at fault, e.g. "checksum", "fill bits", "tag block c:"
	Detail string // what is wrong and, where useful, what was expected
	Err    error  // ErrChecksum, ErrSyntax or ErrTooLong
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%v: %s: %s", e.Err, e.Field, e.Detail)
}

func (e *ParseError) Unwrap() error { return e.Err }

func syntaxErr(field, detail string) error {
	return &ParseError{Field: field, Detail: detail, Err: ErrSyntax}
}

// TagBlock holds the NMEA 4.10 tag block that precedes a sentence. Unknown parameters are ignored.
type TagBlock struct {
	Source      []byte    // s: source (receiver) identifier; aliases the input line; nil when absent
	Time        time.Time // c: time (UTC); given in seconds or milliseconds since the Unix epoch
	HasTime     bool      // whether c: was present
	GroupNum    int       // g: (or the 1st field of g:) sentence number within the group; 0 when absent
	GroupTotal  int       // g: number of sentences in the group; 0 when absent
	GroupID     int       // g: group identifier; 0 when absent
	LineCount   int       // n: line count; -1 when absent
	Text        []byte    // t: free text; aliases the input line
	Destination []byte    // d: destination identifier; aliases the input line
}

// HasGroup reports whether the tag block carried a g: group of more than one sentence.
func (t *TagBlock) HasGroup() bool { return t.GroupTotal > 1 }

// Formatter codes of the AIS sentences.
const (
	VDM = "VDM" // message received from another station
	VDO = "VDO" // own-ship message
)

// Sentence is one parsed AIVDM/AIVDO sentence. Byte slices alias the line given to Parse and are
// valid only as long as it is.
type Sentence struct {
	Talker    string // two-character talker ID, e.g. "AI", "AB", "BS", "--"
	Formatter string // VDM or VDO
	Total     int    // number of sentences in the message, 1–9
	Num       int    // number of this sentence, 1–Total
	SeqID     int    // sequential message ID, 0–99; -1 when empty, or a letter on a single sentence
	Channel   byte   // radio channel ('A', 'B', '1', '2', …); 0 when empty
	Payload   []byte // armoured 6-bit payload of this sentence; never empty
	Fill      int    // fill bits at the end of the payload, 0–5
	Checksum  byte   // the sentence checksum, verified

	Tag    TagBlock // the tag block, when HasTag
	HasTag bool

	// LineTime is the timestamp that preceded the line (e.g. "1550303566167726840 !AIVDM…").
	LineTime    time.Time
	HasLineTime bool

	// Station and StationTime come from US Coast Guard fields after the checksum: the station
	// field (starting with 'r' or 'b') and the final field, a time in Unix seconds.
	Station        []byte
	StationTime    time.Time
	HasStationTime bool

	gh time.Time // $PGHP time, for the Assembler
}

type kind uint8

const (
	kindAIS kind = iota
	kindBlank
	kindPGHP
	kindOther
	kindBad
)

// Parse parses one line: an optional leading timestamp, an optional tag block, and an
// AIVDM/AIVDO sentence with its checksum and optional US Coast Guard trailing fields. Leading and
// trailing white space (including CR and LF) is ignored. It returns ErrBlank for blank and
// comment lines, ErrNotAIS for other valid NMEA sentences (including $PGHP), and a *ParseError
// wrapping ErrChecksum, ErrSyntax or ErrTooLong otherwise. Text after the checksum that does not
// start with a comma is ignored. Parse does not allocate unless it returns a *ParseError.
func Parse(line []byte) (Sentence, error) {
	var s Sentence
	k, err := parse(line, &s)
	if err != nil {
		return s, err
	}
	switch k {
	case kindBlank:
		return s, ErrBlank
	case kindPGHP, kindOther:
		return s, ErrNotAIS
	}
	return s, nil
}

// talkerChars are the characters accepted in a talker ID.
const talkerChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"

// talkerPairs holds every two-character talker ID, so that a talker string is a substring of it
// and costs no allocation.
var talkerPairs, talkerIndex = func() (string, [256]int8) {
	var idx [256]int8
	for i := range idx {
		idx[i] = -1
	}
	b := make([]byte, 0, 2*len(talkerChars)*len(talkerChars))
	for i := range len(talkerChars) {
		idx[talkerChars[i]] = int8(i)
		for j := range len(talkerChars) {
			b = append(b, talkerChars[i], talkerChars[j])
		}
	}
	return string(b), idx
}()

func talkerString(a, b byte) (string, bool) {
	i, j := talkerIndex[a], talkerIndex[b]
	if i < 0 || j < 0 {
		return "", false
	}
	o := 2 * (int(i)*len(talkerChars) + int(j))
	return talkerPairs[o : o+2], true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}

func xorSum(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// atoi parses a non-empty decimal number of at most 19 digits that fits an int64.
func atoi(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int64(n), true
}

// parse fills s from line and reports what kind of line it is.
func parse(line []byte, s *Sentence) (kind, error) {
	*s = Sentence{SeqID: -1, Tag: TagBlock{LineCount: -1}}
	if len(line) > MaxLineLen {
		return kindBad, &ParseError{Field: "line", Detail: fmt.Sprintf("%d bytes, the limit is %d", len(line), MaxLineLen), Err: ErrTooLong}
	}
	for len(line) > 0 && isSpace(line[0]) {
		line = line[1:]
	}
	for len(line) > 0 && isSpace(line[len(line)-1]) {
		line = line[:len(line)-1]
	}
	if len(line) == 0 || line[0] == '#' {
		return kindBlank, nil
	}
	if c := line[0]; c >= '0' && c <= '9' {
		i := 0
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		if i == len(line) {
			return kindBad, syntaxErr("line", "no sentence: a line must start with '!', '$', '\\' or a timestamp and a space")
		}
		t, ok := parseLeadingTime(line[:i])
		if !ok {
			return kindBad, syntaxErr("leading timestamp", fmt.Sprintf("%q is not Unix time (s, ms, µs or ns) or RFC 3339", line[:i]))
		}
		s.LineTime, s.HasLineTime = t, true
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		line = line[i:]
	}
	if line[0] == '\\' {
		end := indexByte(line[1:], '\\')
		if end < 0 {
			return kindBad, syntaxErr("tag block", "no closing '\\'")
		}
		if err := parseTagBlock(line[1:1+end], &s.Tag); err != nil {
			return kindBad, err
		}
		s.HasTag = true
		line = line[end+2:]
		if len(line) == 0 {
			return kindBad, syntaxErr("line", "tag block without a sentence")
		}
	}
	if line[0] != '!' && line[0] != '$' {
		return kindBad, syntaxErr("line", "not NMEA: a sentence starts with '!' or '$'")
	}
	star := indexByte(line, '*')
	if star < 0 {
		return kindBad, &ParseError{Field: "checksum", Detail: "missing: a sentence ends with *hh", Err: ErrChecksum}
	}
	body := line[1:star]
	if star+3 > len(line) {
		return kindBad, &ParseError{Field: "checksum", Detail: "truncated: want two hex digits after '*'", Err: ErrChecksum}
	}
	h, l := hexVal(line[star+1]), hexVal(line[star+2])
	if h < 0 || l < 0 {
		return kindBad, &ParseError{Field: "checksum", Detail: fmt.Sprintf("%q is not two hex digits", line[star+1:star+3]), Err: ErrChecksum}
	}
	want := byte(h<<4 | l)
	if got := xorSum(body); got != want {
		return kindBad, &ParseError{Field: "checksum", Detail: fmt.Sprintf("sentence says %02X, computed %02X", want, got), Err: ErrChecksum}
	}
	s.Checksum = want
	rest := line[star+3:]

	comma := indexByte(body, ',')
	addr := body
	if comma >= 0 {
		addr = body[:comma]
	}
	if len(addr) < 3 || len(addr) > 8 {
		return kindBad, syntaxErr("address", fmt.Sprintf("%q is not a sentence address", addr))
	}
	for _, c := range addr {
		if talkerIndex[c] < 0 {
			return kindBad, syntaxErr("address", fmt.Sprintf("%q is not a sentence address", addr))
		}
	}
	if line[0] == '!' && len(addr) == 5 && addr[2] == 'V' && addr[3] == 'D' && (addr[4] == 'M' || addr[4] == 'O') {
		s.Talker, _ = talkerString(addr[0], addr[1])
		if addr[4] == 'M' {
			s.Formatter = VDM
		} else {
			s.Formatter = VDO
		}
		if err := parseVDM(body[5:], s); err != nil {
			return kindBad, err
		}
		if len(rest) > 0 && rest[0] == ',' {
			parseTrailer(rest[1:], s)
		}
		return kindAIS, nil
	}
	if line[0] == '$' && string(addr) == "PGHP" {
		parsePGHP(body[len(addr):], s)
		return kindPGHP, nil
	}
	return kindOther, nil
}

// parseVDM parses ",total,num,seq,channel,payload,fill".
func parseVDM(f []byte, s *Sentence) error {
	var fields [6][]byte
	n := 0
	if len(f) == 0 || f[0] != ',' {
		return syntaxErr("fields", "want 6 fields after the address")
	}
	f = f[1:]
	for {
		i := indexByte(f, ',')
		if n == 5 {
			if i >= 0 {
				return syntaxErr("fields", "more than 6 fields after the address")
			}
			fields[5] = f
			break
		}
		if i < 0 {
			return syntaxErr("fields", fmt.Sprintf("%d fields after the address, want 6", n+1))
		}
		fields[n] = f[:i]
		f = f[i+1:]
		n++
	}
	if len(fields[0]) != 1 || fields[0][0] < '1' || fields[0][0] > '9' {
		return syntaxErr("fragment count", fmt.Sprintf("%q is not 1–9", fields[0]))
	}
	s.Total = int(fields[0][0] - '0')
	if len(fields[1]) != 1 || fields[1][0] < '1' || int(fields[1][0]-'0') > s.Total {
		return syntaxErr("fragment number", fmt.Sprintf("%q is not 1–%d", fields[1], s.Total))
	}
	s.Num = int(fields[1][0] - '0')
	if len(fields[2]) > 0 {
		v, ok := atoi(fields[2])
		switch {
		case ok && len(fields[2]) <= 2:
			s.SeqID = int(v)
		case s.Total == 1 && len(fields[2]) == 1 && isAlnum(fields[2][0]):
			// IEC 61162-1 wants a digit, but the ID only links the fragments of a multi-sentence
			// message: on a single sentence it has no use, and the checksum vouches for the
			// payload. Some transmitters send a letter; gpsd ignores the field, so it is ignored
			// here too (SeqID stays -1) rather than losing the message.
		default:
			return syntaxErr("sequential message ID", fmt.Sprintf("%q is not empty or 0–99", fields[2]))
		}
	}
	switch len(fields[3]) {
	case 0:
	case 1:
		c := fields[3][0]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return syntaxErr("channel", fmt.Sprintf("%q is not A, B, 1 or 2", fields[3]))
		}
		s.Channel = c
	default:
		return syntaxErr("channel", fmt.Sprintf("%q is not A, B, 1 or 2", fields[3]))
	}
	p := fields[4]
	if len(p) == 0 {
		return syntaxErr("payload", "empty")
	}
	for _, c := range p {
		if c < '0' || c > 'w' || (c > 'W' && c < '`') {
			return syntaxErr("payload", fmt.Sprintf("character %q is not 6-bit armoured ASCII", c))
		}
	}
	s.Payload = p
	if len(fields[5]) != 1 || fields[5][0] < '0' || fields[5][0] > '5' {
		return syntaxErr("fill bits", fmt.Sprintf("%q is not 0–5", fields[5]))
	}
	s.Fill = int(fields[5][0] - '0')
	return nil
}

// parseTrailer reads US Coast Guard fields after the checksum: a station field starting with
// 'r' or 'b', and a final all-digit field that is the Unix time in seconds.
func parseTrailer(t []byte, s *Sentence) {
	for len(t) > 0 {
		i := indexByte(t, ',')
		f := t
		if i >= 0 {
			f, t = t[:i], t[i+1:]
		} else {
			t = nil
		}
		if len(f) > 1 && (f[0] == 'r' || f[0] == 'b') {
			s.Station = f
		}
		if i < 0 {
			if v, ok := atoi(f); ok && len(f) >= 9 && len(f) <= 10 {
				s.StationTime, s.HasStationTime = time.Unix(v, 0).UTC(), true
			}
		}
	}
}

// parseLeadingTime parses a line's leading timestamp: Unix time in seconds (≤ 10 digits,
// optionally with a fraction), milliseconds (11–13), microseconds (14–16) or nanoseconds
// (17–19), or RFC 3339.
func parseLeadingTime(b []byte) (time.Time, bool) {
	dot := indexByte(b, '.')
	if dot < 0 {
		v, ok := atoi(b)
		if !ok {
			if len(b) >= 20 && b[4] == '-' {
				t, err := time.Parse(time.RFC3339Nano, string(b))
				return t.UTC(), err == nil
			}
			return time.Time{}, false
		}
		switch {
		case len(b) <= 10:
			return time.Unix(v, 0).UTC(), true
		case len(b) <= 13:
			return time.UnixMilli(v).UTC(), true
		case len(b) <= 16:
			return time.UnixMicro(v).UTC(), true
		default:
			return time.Unix(0, v).UTC(), true
		}
	}
	sec, ok := atoi(b[:dot])
	if !ok || dot > 10 {
		return time.Time{}, false
	}
	frac := b[dot+1:]
	if len(frac) > 9 {
		frac = frac[:9]
	}
	ns, ok := atoi(frac)
	if !ok && len(frac) > 0 {
		return time.Time{}, false
	}
	for range 9 - len(frac) {
		ns *= 10
	}
	return time.Unix(sec, ns).UTC(), true
}

// parsePGHP reads "$PGHP,1,yyyy,m,d,h,m,s,ms,…": a Gatehouse timestamp (UTC) for the
// following sentence. A malformed $PGHP leaves s.gh zero. (The last field often, but not
// always, repeats the checksum of the following sentence; it is not relied upon.)
func parsePGHP(f []byte, s *Sentence) {
	if len(f) == 0 {
		return
	}
	f = f[1:] // the comma after the address
	var v [8]int
	n := 0
	for {
		i := indexByte(f, ',')
		fld := f
		if i >= 0 {
			fld = f[:i]
		}
		if n < 8 {
			x, ok := atoi(fld)
			if !ok {
				return
			}
			v[n] = int(x)
		}
		n++
		if i < 0 {
			break
		}
		f = f[i+1:]
	}
	if n < 8 || v[0] != 1 || v[1] < 1970 || v[1] > 9999 || v[2] < 1 || v[2] > 12 || v[3] < 1 || v[3] > 31 || v[4] > 23 || v[5] > 59 || v[6] > 60 || v[7] > 999 {
		return
	}
	s.gh = time.Date(v[1], time.Month(v[2]), v[3], v[4], v[5], v[6], v[7]*int(time.Millisecond), time.UTC)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
