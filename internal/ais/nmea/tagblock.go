package nmea

import (
	"fmt"
	"time"
)

// parseTagBlock parses the text between the backslashes of an NMEA 4.10 tag block:
// "k:v,k:v,…*hh". The checksum is required (one or two hex digits). Known parameters are
// c: (Unix time in seconds, or in milliseconds when above 10^11), s:, g:, n:, t: and d:; others
// are ignored.
func parseTagBlock(b []byte, t *TagBlock) error {
	star := -1
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '*' {
			star = i
			break
		}
	}
	if star < 0 {
		return &ParseError{Field: "tag block checksum", Detail: "missing: a tag block ends with *hh", Err: ErrChecksum}
	}
	hx := b[star+1:]
	if len(hx) == 0 || len(hx) > 2 {
		return &ParseError{Field: "tag block checksum", Detail: fmt.Sprintf("%q is not two hex digits", hx), Err: ErrChecksum}
	}
	want := 0
	for _, c := range hx {
		v := hexVal(c)
		if v < 0 {
			return &ParseError{Field: "tag block checksum", Detail: fmt.Sprintf("%q is not two hex digits", hx), Err: ErrChecksum}
		}
		want = want<<4 | v
	}
	body := b[:star]
	if got := xorSum(body); int(got) != want {
		return &ParseError{Field: "tag block checksum", Detail: fmt.Sprintf("tag block says %02X, computed %02X", want, got), Err: ErrChecksum}
	}
	for len(body) > 0 {
		i := indexByte(body, ',')
		f := body
		if i >= 0 {
			f, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		colon := indexByte(f, ':')
		if colon < 1 {
			return syntaxErr("tag block", fmt.Sprintf("parameter %q is not key:value", f))
		}
		k, v := f[:colon], f[colon+1:]
		if len(k) != 1 {
			continue
		}
		switch k[0] {
		case 'c':
			tm, ok := parseTagTime(v)
			if !ok {
				return syntaxErr("tag block c:", fmt.Sprintf("%q is not Unix time in seconds or milliseconds", v))
			}
			t.Time, t.HasTime = tm, true
		case 's':
			t.Source = v
		case 'g':
			if err := parseGroup(v, t); err != nil {
				return err
			}
		case 'n':
			n, ok := atoi(v)
			if !ok || n > 1<<31 {
				return syntaxErr("tag block n:", fmt.Sprintf("%q is not a line count", v))
			}
			t.LineCount = int(n)
		case 't':
			t.Text = v
		case 'd':
			t.Destination = v
		}
	}
	return nil
}

func parseTagTime(v []byte) (time.Time, bool) {
	dot := indexByte(v, '.')
	if dot >= 0 {
		return parseLeadingTime(v)
	}
	n, ok := atoi(v)
	if !ok {
		return time.Time{}, false
	}
	if n >= 1e11 {
		return time.UnixMilli(n).UTC(), true
	}
	return time.Unix(n, 0).UTC(), true
}

// parseGroup parses "num-total-id".
func parseGroup(v []byte, t *TagBlock) error {
	var x [3]int
	n := 0
	for n < 3 {
		i := indexByte(v, '-')
		f := v
		if i >= 0 {
			f, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		a, ok := atoi(f)
		if !ok || a > 1<<31 {
			break
		}
		x[n] = int(a)
		n++
		if i < 0 {
			break
		}
	}
	if n != 3 || len(v) != 0 || x[0] < 1 || x[1] < 1 || x[0] > x[1] {
		return syntaxErr("tag block g:", "want sentence-total-id, e.g. g:1-2-1234")
	}
	t.GroupNum, t.GroupTotal, t.GroupID = x[0], x[1], x[2]
	return nil
}
