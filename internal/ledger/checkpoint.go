package ledger

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ErrInvalidCheckpoint is wrapped by errors about malformed or badly signed checkpoints; check it
// with errors.Is.
var ErrInvalidCheckpoint = errors.New("invalid checkpoint")

// Checkpoint is a tree head in the C2SP tlog-checkpoint format: the log's origin line, the
// tree size in decimal and the base64 root hash, optionally followed by extension lines.
type Checkpoint struct {
	Origin     string    // identifies the log; also the name of its signing key
	Size       int64     // number of entries in the tree
	Hash       tlog.Hash // RFC 6962 root hash of the first Size entries
	Extensions []string  // extra non-empty lines; none are written by this package
}

// Marshal returns the checkpoint body: the note text that is signed.
func (c Checkpoint) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Hash[:]))
	for _, e := range c.Extensions {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseCheckpoint parses a checkpoint body (the note text, without signatures). Errors wrap
// [ErrInvalidCheckpoint].
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	var c Checkpoint
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return c, fmt.Errorf("%w: must end with a newline", ErrInvalidCheckpoint)
	}
	lines := strings.Split(string(text[:len(text)-1]), "\n")
	if len(lines) < 3 {
		return c, fmt.Errorf("%w: %d lines, want origin, size and hash", ErrInvalidCheckpoint, len(lines))
	}
	c.Origin = lines[0]
	if c.Origin == "" {
		return c, fmt.Errorf("%w: line 1: empty origin", ErrInvalidCheckpoint)
	}
	n, err := parseInt(lines[1])
	if err != nil {
		return c, fmt.Errorf("%w: line 2: size: %v", ErrInvalidCheckpoint, err)
	}
	c.Size = n
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return c, fmt.Errorf("%w: line 3: want a base64 SHA-256 root hash", ErrInvalidCheckpoint)
	}
	copy(c.Hash[:], h)
	for i, l := range lines[3:] {
		if l == "" {
			return c, fmt.Errorf("%w: line %d: empty extension line", ErrInvalidCheckpoint, 4+i)
		}
		c.Extensions = append(c.Extensions, l)
	}
	return c, nil
}

// SignCheckpoint returns c as a signed note signed by s, whose name must equal c.Origin.
func SignCheckpoint(c Checkpoint, s note.Signer) ([]byte, error) {
	if s.Name() != c.Origin {
		return nil, fmt.Errorf("sign checkpoint: key %q does not match origin %q", s.Name(), c.Origin)
	}
	return note.Sign(&note.Note{Text: string(c.Marshal())}, s)
}

// SignedCheckpoint is a checkpoint whose log signature has been verified.
type SignedCheckpoint struct {
	Checkpoint
	Note         []byte        // the signed note as given, including all signature lines
	Cosignatures []Cosignature // verified cosignatures by known witnesses, in note order
	Unverified   []string      // names of signers whose keys were not given
}

// OpenCheckpoint verifies a signed checkpoint note: it must parse, carry a valid signature by
// log (whose name must be the origin) and only valid signatures by the given witnesses.
// Signatures by unknown keys are listed in Unverified. Errors wrap [ErrInvalidCheckpoint].
func OpenCheckpoint(msg []byte, log note.Verifier, witnesses ...note.Verifier) (*SignedCheckpoint, error) {
	n, err := note.Open(msg, note.VerifierList(append([]note.Verifier{log}, witnesses...)...))
	if err != nil {
		var inv *note.InvalidSignatureError
		switch {
		case errors.As(err, &inv):
			return nil, fmt.Errorf("%w: signature by %s does not verify", ErrInvalidCheckpoint, inv.Name)
		case errors.As(err, new(*note.UnverifiedNoteError)):
			return nil, fmt.Errorf("%w: not signed by log key %s", ErrInvalidCheckpoint, log.Name())
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidCheckpoint, err)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return nil, err
	}
	if c.Origin != log.Name() {
		return nil, fmt.Errorf("%w: origin %q, want %q", ErrInvalidCheckpoint, c.Origin, log.Name())
	}
	sc := &SignedCheckpoint{Checkpoint: c, Note: msg}
	logSigned := false
	for _, s := range n.Sigs {
		if s.Name == log.Name() && s.Hash == log.KeyHash() {
			logSigned = true
			continue
		}
		raw, _ := base64.StdEncoding.DecodeString(s.Base64)
		cs := Cosignature{Name: s.Name}
		if t, ok := cosignatureTime(raw[4:]); ok {
			cs.Time = t
		}
		sc.Cosignatures = append(sc.Cosignatures, cs)
	}
	if !logSigned {
		return nil, fmt.Errorf("%w: not signed by log key %s", ErrInvalidCheckpoint, log.Name())
	}
	for _, s := range n.UnverifiedSigs {
		sc.Unverified = append(sc.Unverified, s.Name)
	}
	return sc, nil
}

// splitNote splits a signed note into its text and its signature lines (each with its newline).
func splitNote(msg []byte) (text []byte, sigs [][]byte, err error) {
	i := bytes.LastIndex(msg, []byte("\n\n"))
	if i < 0 || len(msg) == 0 || msg[len(msg)-1] != '\n' {
		return nil, nil, fmt.Errorf("%w: not a signed note", ErrInvalidCheckpoint)
	}
	text, rest := msg[:i+1], msg[i+2:]
	for len(rest) > 0 {
		j := bytes.IndexByte(rest, '\n')
		sigs = append(sigs, rest[:j+1])
		rest = rest[j+1:]
	}
	return text, sigs, nil
}

// AddSignatures returns the signed note msg with the given signature lines (each
// "— name base64\n") appended, skipping lines already present. It does not verify them.
func AddSignatures(msg []byte, lines ...[]byte) ([]byte, error) {
	_, have, err := splitNote(msg)
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(msg)
next:
	for _, l := range lines {
		if !bytes.HasPrefix(l, []byte("— ")) || len(l) < 4 || l[len(l)-1] != '\n' || bytes.Count(l, []byte("\n")) != 1 {
			return nil, fmt.Errorf("%w: malformed signature line %.60q", ErrInvalidCheckpoint, l)
		}
		for _, h := range have {
			if bytes.Equal(h, l) {
				continue next
			}
		}
		out = append(out, l...)
		have = append(have, l)
	}
	return out, nil
}
