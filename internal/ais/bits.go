package ais

import (
	"encoding/binary"
	"fmt"
)

// MaxPayloadChars is the longest armored payload Decode accepts: 1,008 bits (five slots, the
// ITU-R M.1371-5 maximum for any message) plus head-room for transmitters that send a few
// characters too many.
const MaxPayloadChars = 256

// bufBytes is the size of a decode bit buffer: MaxPayloadChars six-bit characters, plus eight
// bytes of zero slack so that the fast 64-bit reads never run past the end.
const bufBytes = MaxPayloadChars*6/8 + 8

// sixbit maps an armored payload character to its six-bit value, or 0xff when the character is
// not part of the IEC 61162-1 / ITU-R M.1371-5 payload armoring alphabet ('0'..'W', '`'..'w').
var sixbit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= 'W'; c++ {
		t[c] = byte(c - '0')
	}
	for c := '`'; c <= 'w'; c++ {
		t[c] = byte(c - '0' - 8)
	}
	return t
}()

// armorChar is the inverse of sixbit.
func armorChar(v byte) byte {
	v &= 0x3f
	if v < 40 {
		return v + '0'
	}
	return v + '0' + 8
}

// textChars is the six-bit ASCII alphabet of ITU-R M.1371-5 annex 8: value i is character i.
const textChars = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"

// textValue maps an ASCII character to its six-bit text value, or 0xff when the character has none.
var textValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(textChars); i++ {
		t[textChars[i]] = byte(i)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = t[c-'a'+'A']
	}
	return t
}()

// bitbuf is an unarmored payload: bits packed most significant first. Bits past n are zero (fill
// bits are cleared), so fields read past the end of a short message read zero.
type bitbuf struct {
	b []byte // len(b) >= bytes holding n bits + 8 zero bytes
	n int    // message length in bits (six times the characters, less the fill bits)
}

// unarmor decodes payload into buf and returns the bit buffer over it. It does not allocate.
func unarmor(buf *[bufBytes]byte, payload []byte, fill int) (bitbuf, error) {
	if len(payload) == 0 {
		return bitbuf{}, ErrEmpty
	}
	if len(payload) > MaxPayloadChars {
		return bitbuf{}, fmt.Errorf("%w: %d characters, at most %d", ErrTooLong, len(payload), MaxPayloadChars)
	}
	if fill < 0 || fill > 5 {
		return bitbuf{}, fmt.Errorf("%w: %d, want 0..5", ErrBadFill, fill)
	}
	nbits := len(payload)*6 - fill
	var acc uint64
	w := 0
	i := 0
	// Four characters make exactly three bytes.
	for ; i+4 <= len(payload); i += 4 {
		a, b, c, d := sixbit[payload[i]], sixbit[payload[i+1]], sixbit[payload[i+2]], sixbit[payload[i+3]]
		if (a|b|c|d)&0xc0 != 0 {
			return bitbuf{}, badChar(payload, i)
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		buf[w] = byte(v >> 16)
		buf[w+1] = byte(v >> 8)
		buf[w+2] = byte(v)
		w += 3
	}
	nacc := 0
	for ; i < len(payload); i++ {
		v := sixbit[payload[i]]
		if v&0xc0 != 0 {
			return bitbuf{}, badChar(payload, i)
		}
		acc = acc<<6 | uint64(v)
		nacc += 6
	}
	for nacc >= 8 {
		nacc -= 8
		buf[w] = byte(acc >> nacc)
		w++
	}
	if nacc > 0 {
		buf[w] = byte(acc << (8 - nacc))
		w++
	}
	// Zero slack so reads past the end see zero bits.
	binary.BigEndian.PutUint64(buf[w:], 0)
	if fill > 0 { // fill bits carry no information (ITU-R M.1371-5 annex 8): clear them
		last := (nbits - 1) >> 3
		buf[last] &= 0xff << uint(7-((nbits-1)&7))
		for k := last + 1; k < w; k++ {
			buf[k] = 0
		}
	}
	return bitbuf{b: buf[:w+8], n: nbits}, nil
}

func badChar(payload []byte, i int) error {
	for i < len(payload)-1 && sixbit[payload[i]] != 0xff {
		i++
	}
	return fmt.Errorf("%w: %q at character %d", ErrBadChar, payload[i], i+1)
}

// u returns width (1..57) bits starting at bit start as an unsigned integer.
func (r *bitbuf) u(start, width int) uint64 {
	i := start >> 3
	if i+8 <= len(r.b) {
		v := binary.BigEndian.Uint64(r.b[i:])
		return v << uint(start&7) >> uint(64-width)
	}
	return r.uslow(start, width)
}

func (r *bitbuf) uslow(start, width int) uint64 {
	var v uint64
	for k := 0; k < width; k++ {
		p := start + k
		v <<= 1
		if p>>3 < len(r.b) {
			v |= uint64(r.b[p>>3]>>(7-uint(p&7))) & 1
		}
	}
	return v
}

// s returns width bits starting at start as a two's complement signed integer.
func (r *bitbuf) s(start, width int) int64 {
	v := r.u(start, width)
	return int64(v<<uint(64-width)) >> uint(64-width)
}

// text returns n six-bit characters starting at start, as transmitted (no trimming).
func (r *bitbuf) text(start, n int) string {
	if n <= 0 {
		return ""
	}
	var tmp [170]byte
	var out []byte
	if n <= len(tmp) {
		out = tmp[:n]
	} else {
		out = make([]byte, n)
	}
	for k := 0; k < n; k++ {
		out[k] = textChars[r.u(start+6*k, 6)]
	}
	return string(out)
}

// extract copies the bits [start, start+8*ceil(nbits/8)) into dst (appending), zeroing every bit
// at or past limit. It reproduces the bytes gpsd shows for binary payloads: the last byte keeps
// whatever followed the data in the message up to limit (for type 26, the communication state).
func (r *bitbuf) extract(dst []byte, start, nbits, limit int) []byte {
	nbytes := (nbits + 7) / 8
	for k := 0; k < nbytes; k++ {
		p := start + 8*k
		v := byte(r.u(p, 8))
		if over := p + 8 - limit; over > 0 {
			if over >= 8 {
				v = 0
			} else {
				v &= 0xff << uint(over)
			}
		}
		dst = append(dst, v)
	}
	return dst
}

// bitwriter builds a payload bit by bit for the encoder.
type bitwriter struct {
	b []byte
	n int
}

func (w *bitwriter) put(v uint64, width int) {
	for k := width - 1; k >= 0; k-- {
		if w.n>>3 >= len(w.b) {
			w.b = append(w.b, 0)
		}
		if v>>uint(k)&1 != 0 {
			w.b[w.n>>3] |= 0x80 >> uint(w.n&7)
		}
		w.n++
	}
}

// putBits appends nbits bits of data (packed most significant first).
func (w *bitwriter) putBits(data []byte, nbits int) {
	for k := 0; k < nbits; k++ {
		var bit uint64
		if k>>3 < len(data) {
			bit = uint64(data[k>>3]>>(7-uint(k&7))) & 1
		}
		w.put(bit, 1)
	}
}

// putText appends s as n six-bit characters, padding with '@' (value 0).
func (w *bitwriter) putText(s string, n int) error {
	for k := 0; k < n; k++ {
		var v byte
		if k < len(s) {
			v = textValue[s[k]]
			if v == 0xff {
				return fmt.Errorf("%w: %q in %q", ErrBadText, s[k], s)
			}
		}
		w.put(uint64(v), 6)
	}
	return nil
}

// armor turns the written bits into a payload and its fill-bit count (zero fill bits).
func (w *bitwriter) armor() ([]byte, int) {
	fill := (6 - w.n%6) % 6
	n := w.n
	w.put(0, fill)
	out := make([]byte, 0, w.n/6)
	r := bitbuf{b: append(w.b, make([]byte, 8)...), n: w.n}
	for p := 0; p < w.n; p += 6 {
		out = append(out, armorChar(byte(r.u(p, 6))))
	}
	w.n = n
	return out, fill
}
