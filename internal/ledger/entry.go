package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"
)

// EntryHeader is the first line of every encoded entry. It names the encoding version.
const EntryHeader = "accord.ledger.entry/v1"

// Limits of the entry encoding. They keep entries small and proofs cheap.
const (
	MaxEntrySize  = 4096 // bytes of an encoded entry
	MaxValueLen   = 256  // bytes of any single field value
	MaxMetaFields = 16   // metadata key/value pairs per entry
	MaxMetaKeyLen = 64   // bytes of a metadata key
)

// timeLayout is the only accepted time form: UTC, nanoseconds always written with nine digits.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// NoContent is the content hash of an event after which the record no longer exists (a
// deletion). [Verify] expects the record source to report such a record as absent.
var NoContent [32]byte

// ErrInvalidEntry is wrapped by every error of [ParseEntry] and [Event.Validate]; check it with
// errors.Is.
var ErrInvalidEntry = errors.New("invalid ledger entry")

// Actor is who caused an event: a user of an agency of a state.
type Actor struct {
	User   string // user name, e.g. "ana.lopez"; "system" for automatic actions
	Agency string // agency code, e.g. "SEMAR", "USCG"
	State  string // ISO 3166-1 alpha-3 code of the agency's state, e.g. "MEX"
}

// Meta is one item of non-sensitive metadata attached to an event, e.g. {"decision", "deny"}.
// It is published with every proof: never put record content, names of persons or locations in it.
type Meta struct {
	Key   string // [a-z0-9._-]{1,64}
	Value string // 1..256 bytes of UTF-8 without control characters
}

// Event is one state change to be recorded. The log assigns Seq and Prev when appending.
type Event struct {
	Time       time.Time // when it happened; stored in UTC with nanosecond precision; zero means "now" when appended
	Actor      Actor
	Action     string   // verb, [a-z0-9._-]+, e.g. "consent.grant", "record.release"
	RecordType string   // kind of record changed, [a-z0-9._-]+, e.g. "consent_request"
	RecordID   string   // identifier of the record within its type; no control characters
	Content    [32]byte // SHA-256 of the record's canonical content after the event, or NoContent
	Meta       []Meta   // sorted by Key, keys unique
}

// Entry is an event as it stands in the log.
type Entry struct {
	Seq  int64 // index of the entry in the log, from 0
	Prev int64 // Seq of the previous entry for the same record, or -1 if this is its first
	Event
}

// ContentHash returns the SHA-256 of a record's canonical content, the value to put in
// [Event.Content].
func ContentHash(content []byte) [32]byte { return sha256.Sum256(content) }

// Validate reports whether ev can be encoded. It does not check Time, which the log fills in.
func (ev *Event) Validate() error {
	check := func(field, v string, token bool) error {
		if v == "" {
			return fmt.Errorf("%w: %s is empty", ErrInvalidEntry, field)
		}
		if len(v) > MaxValueLen {
			return fmt.Errorf("%w: %s is %d bytes, limit %d", ErrInvalidEntry, field, len(v), MaxValueLen)
		}
		if token && !isToken(v) {
			return fmt.Errorf("%w: %s %q: use only a-z, 0-9, '.', '_' and '-'", ErrInvalidEntry, field, v)
		}
		if !token && !isText(v) {
			return fmt.Errorf("%w: %s %q: must be UTF-8 without control characters", ErrInvalidEntry, field, v)
		}
		return nil
	}
	for _, f := range []struct {
		name, v string
		token   bool
	}{
		{"actor user", ev.Actor.User, false},
		{"actor agency", ev.Actor.Agency, false},
		{"actor state", ev.Actor.State, false},
		{"action", ev.Action, true},
		{"record type", ev.RecordType, true},
		{"record id", ev.RecordID, false},
	} {
		if err := check(f.name, f.v, f.token); err != nil {
			return err
		}
	}
	if len(ev.Meta) > MaxMetaFields {
		return fmt.Errorf("%w: %d metadata fields, limit %d", ErrInvalidEntry, len(ev.Meta), MaxMetaFields)
	}
	for i, m := range ev.Meta {
		if len(m.Key) > MaxMetaKeyLen || !isToken(m.Key) {
			return fmt.Errorf("%w: metadata key %q: use 1-%d of a-z, 0-9, '.', '_' and '-'", ErrInvalidEntry, m.Key, MaxMetaKeyLen)
		}
		if i > 0 && ev.Meta[i-1].Key >= m.Key {
			return fmt.Errorf("%w: metadata key %q: keys must be unique and sorted", ErrInvalidEntry, m.Key)
		}
		if err := check("metadata "+m.Key, m.Value, false); err != nil {
			return err
		}
	}
	return nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func isText(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return true
	}
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// Marshal returns the canonical encoding of e: UTF-8 text, one "key value" line per field in
// a fixed order, each line ending in a newline:
//
//	accord.ledger.entry/v1
//	seq 17
//	prev 12              (or "prev -" for a record's first entry)
//	time 2026-03-01T12:00:00.000000000Z
//	user ana.lopez
//	agency SEMAR
//	state MEX
//	action consent.grant
//	record-type consent_request
//	record-id CR-2026-0001
//	content 64 lowercase hex digits (SHA-256)
//	meta decision allow  (zero or more, sorted by key)
//
// Equal entries have equal encodings, and [ParseEntry] accepts only canonical encodings, so
// the leaf hash of an entry is a function of its fields. Marshal fails if the event does not
// [Event.Validate] or the encoding exceeds [MaxEntrySize].
func (e *Entry) Marshal() ([]byte, error) {
	if err := e.Event.Validate(); err != nil {
		return nil, err
	}
	if e.Seq < 0 || e.Prev < -1 || e.Prev >= e.Seq {
		return nil, fmt.Errorf("%w: seq %d, prev %d: prev must be -1 or an earlier seq", ErrInvalidEntry, e.Seq, e.Prev)
	}
	t := e.Time.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return nil, fmt.Errorf("%w: time %v out of range", ErrInvalidEntry, e.Time)
	}
	n := len(EntryHeader) + 200 + len(e.Actor.User) + len(e.Actor.Agency) + len(e.Actor.State) +
		len(e.Action) + len(e.RecordType) + len(e.RecordID)
	for _, m := range e.Meta {
		n += 7 + len(m.Key) + len(m.Value)
	}
	b := make([]byte, 0, n)
	line := func(k, v string) {
		b = append(b, k...)
		b = append(b, ' ')
		b = append(b, v...)
		b = append(b, '\n')
	}
	b = append(b, EntryHeader+"\nseq "...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, "\nprev "...)
	if e.Prev < 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, e.Prev, 10)
	}
	b = append(b, "\ntime "...)
	b = t.AppendFormat(b, timeLayout)
	b = append(b, '\n')
	line("user", e.Actor.User)
	line("agency", e.Actor.Agency)
	line("state", e.Actor.State)
	line("action", e.Action)
	line("record-type", e.RecordType)
	line("record-id", e.RecordID)
	b = append(b, "content "...)
	b = hex.AppendEncode(b, e.Content[:])
	b = append(b, '\n')
	for _, m := range e.Meta {
		b = append(b, "meta "...)
		line(m.Key, m.Value)
	}
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%w: encoding is %d bytes, limit %d", ErrInvalidEntry, len(b), MaxEntrySize)
	}
	return b, nil
}

// LeafHash returns the RFC 6962 leaf hash of an encoded entry, the value the Merkle tree commits to.
func LeafHash(encoded []byte) tlog.Hash { return tlog.RecordHash(encoded) }

// ParseEntry decodes an entry encoded by [Entry.Marshal]. It rejects any encoding that is not
// canonical (so that Marshal(ParseEntry(b)) == b), naming the offending line. Errors wrap
// [ErrInvalidEntry].
func ParseEntry(b []byte) (*Entry, error) {
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrInvalidEntry, len(b), MaxEntrySize)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return nil, fmt.Errorf("%w: must end with a newline", ErrInvalidEntry)
	}
	lines := strings.Split(string(b[:len(b)-1]), "\n")
	if lines[0] != EntryHeader {
		return nil, fmt.Errorf("%w: line 1: got %.40q, want %q", ErrInvalidEntry, lines[0], EntryHeader)
	}
	keys := []string{"seq", "prev", "time", "user", "agency", "state", "action", "record-type", "record-id", "content"}
	if len(lines) < 1+len(keys) {
		return nil, fmt.Errorf("%w: %d lines, want at least %d", ErrInvalidEntry, len(lines), 1+len(keys))
	}
	vals := make([]string, len(keys))
	for i, k := range keys {
		v, ok := strings.CutPrefix(lines[1+i], k+" ")
		if !ok {
			return nil, fmt.Errorf("%w: line %d: want field %q", ErrInvalidEntry, i+2, k)
		}
		vals[i] = v
	}
	e := &Entry{}
	var err error
	if e.Seq, err = parseInt(vals[0]); err != nil {
		return nil, fmt.Errorf("%w: line 2: seq: %v", ErrInvalidEntry, err)
	}
	if vals[1] == "-" {
		e.Prev = -1
	} else if e.Prev, err = parseInt(vals[1]); err != nil {
		return nil, fmt.Errorf("%w: line 3: prev: %v", ErrInvalidEntry, err)
	}
	if e.Time, err = time.Parse(timeLayout, vals[2]); err != nil {
		return nil, fmt.Errorf("%w: line 4: time: %v", ErrInvalidEntry, err)
	}
	e.Actor = Actor{User: vals[3], Agency: vals[4], State: vals[5]}
	e.Action, e.RecordType, e.RecordID = vals[6], vals[7], vals[8]
	h, err := hex.DecodeString(vals[9])
	if err != nil || len(h) != 32 || strings.ToLower(vals[9]) != vals[9] {
		return nil, fmt.Errorf("%w: line 11: content: want 64 lowercase hex digits", ErrInvalidEntry)
	}
	copy(e.Content[:], h)
	for i, l := range lines[1+len(keys):] {
		v, ok := strings.CutPrefix(l, "meta ")
		k, val, ok2 := strings.Cut(v, " ")
		if !ok || !ok2 {
			return nil, fmt.Errorf("%w: line %d: want \"meta KEY VALUE\"", ErrInvalidEntry, 2+len(keys)+i)
		}
		e.Meta = append(e.Meta, Meta{Key: k, Value: val})
	}
	again, err := e.Marshal()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, b) {
		return nil, fmt.Errorf("%w: not in canonical form", ErrInvalidEntry)
	}
	return e, nil
}

// parseInt parses a non-negative decimal without sign or leading zeros.
func parseInt(s string) (int64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || s[0] == '+' || s[0] == '-' {
		return 0, fmt.Errorf("%q is not a canonical non-negative decimal", s)
	}
	return strconv.ParseInt(s, 10, 64)
}
