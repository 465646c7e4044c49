// Package ais decodes and encodes the AIS messages of ITU-R M.1371-5 (types 1 to 27) carried
// as six-bit armored payloads in NMEA 0183 / IEC 61162-1 !AIVDM and !AIVDO sentences.
//
// Decoding turns a complete armored payload and its fill-bit count (the sentence layer in
// package accord/internal/ais/nmea reassembles multi-sentence messages) into a typed struct.
// Structs keep the integers exactly as transmitted, so that they re-encode bit for bit and can
// be printed in gpsd's unscaled form; methods convert to units: degrees (WGS 84), knots, degrees
// true, metres, UTC. A value the transmitter marked "not available" makes the method return
// ok=false (or NaN in the vessel conversions), never a zero.
//
// [Decode] allocates a fresh message on every call. A [Decoder] reuses one struct per message
// type, so that its result is valid only until the next call; for position reports (types 1-3,
// 18, 27) it does not allocate at all. Neither ever panics, whatever the input: malformed
// payloads give an error wrapping one of the sentinel errors below, naming the message type and
// its length in bits, expected and got.
//
// Output: [AppendGPSD] and [GPSDWriter] print gpsd 3.22's `gpsdecode -u -j` JSON; [AppendJSON]
// prints Accord's own JSON with units, flag state and MMSI kind. [Encode] and
// [EncodeSentences] are the inverse of decoding. [PositionOf] and [StaticOf] feed the vessel
// picture.
package ais

import (
	"errors"
	"fmt"
)

// Message is one decoded AIS message. Its dynamic type is one of the pointer types of this
// package (*PositionReport, *BaseStationReport, ...).
type Message interface {
	// Type is the ITU-R M.1371 message identifier, 1..27.
	Type() int
	// MMSI is the source's Maritime Mobile Service Identity (the "user ID" field).
	MMSI() uint32
}

// Header holds the three fields that open every AIS message.
type Header struct {
	MsgType uint8  // message identifier, 1..27 (6 bits)
	Repeat  uint8  // repeat indicator, 0..3 (2 bits)
	UserID  uint32 // source MMSI (30 bits)
}

// Type returns the message identifier.
func (h *Header) Type() int { return int(h.MsgType) }

// MMSI returns the source MMSI.
func (h *Header) MMSI() uint32 { return h.UserID }

// Sentinel errors. Decode errors wrap one of them; test with errors.Is.
var (
	ErrEmpty       = errors.New("ais: empty payload")
	ErrTooLong     = errors.New("ais: payload too long")
	ErrBadFill     = errors.New("ais: bad fill-bit count")
	ErrBadChar     = errors.New("ais: character outside the six-bit armoring alphabet")
	ErrLength      = errors.New("ais: message length out of range")
	ErrUnknownType = errors.New("ais: unknown message type")
	ErrBadText     = errors.New("ais: character outside the six-bit text alphabet")
	ErrEncode      = errors.New("ais: cannot encode")
)

// LengthError reports a payload whose length in bits does not fit its message type.
type LengthError struct {
	MsgType  int
	Got      int // bits received
	Min, Max int // bits accepted; Max 0 means no upper bound
}

func (e *LengthError) Error() string {
	switch {
	case e.Max == 0:
		return fmt.Sprintf("ais: message type %d: %d bits, want at least %d", e.MsgType, e.Got, e.Min)
	case e.Min == e.Max:
		return fmt.Sprintf("ais: message type %d: %d bits, want %d", e.MsgType, e.Got, e.Min)
	default:
		return fmt.Sprintf("ais: message type %d: %d bits, want %d to %d", e.MsgType, e.Got, e.Min, e.Max)
	}
}

// Unwrap makes errors.Is(err, ErrLength) true.
func (e *LengthError) Unwrap() error { return ErrLength }

// Decode decodes one complete armored payload with fill fill bits (0..5) into a newly allocated
// message. It never panics; see [Decoder] for the allocation-free form.
func Decode(payload []byte, fill int) (Message, error) {
	var d Decoder
	d.alloc = true
	return d.Decode(payload, fill)
}
