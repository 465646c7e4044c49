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

// BundleHeader is the first line of a proof bundle (C2SP tlog-proof).
const BundleHeader = "c2sp.org/tlog-proof@v1"

// ErrInvalidBundle is wrapped by every error of [ParseBundle] and [VerifyBundle]; check it with
// errors.Is.
var ErrInvalidBundle = errors.New("invalid ledger proof bundle")

// Bundle is a self-contained, offline-verifiable proof that an entry is in the log, in the
// C2SP tlog-proof text format:
//
//	c2sp.org/tlog-proof@v1
//	extra <base64 of the encoded entry>
//	index <entry index>
//	<base64 inclusion proof hash, leaf's sibling first, one per line>
//	<empty line>
//	<signed checkpoint, with any cosignatures>
//
// The entry travels in the "extra" line; the origin is the checkpoint's first line.
type Bundle struct {
	Entry      []byte // encoded entry ([Entry.Marshal])
	Index      int64
	Proof      tlog.RecordProof
	Checkpoint []byte // signed note
}

// Marshal encodes b in the tlog-proof text format.
func (b Bundle) Marshal() []byte {
	var buf bytes.Buffer
	buf.WriteString(BundleHeader + "\n")
	fmt.Fprintf(&buf, "extra %s\nindex %d\n", base64.StdEncoding.EncodeToString(b.Entry), b.Index)
	for _, h := range b.Proof {
		buf.WriteString(base64.StdEncoding.EncodeToString(h[:]))
		buf.WriteByte('\n')
	}
	buf.WriteByte('\n')
	buf.Write(b.Checkpoint)
	return buf.Bytes()
}

// ParseBundle decodes a bundle. It checks the syntax only; use [VerifyBundle] to check it.
func ParseBundle(data []byte) (Bundle, error) {
	var b Bundle
	head, cp, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		return b, fmt.Errorf("%w: want proof lines, an empty line, then the checkpoint", ErrInvalidBundle)
	}
	lines := strings.Split(string(head), "\n")
	if lines[0] != BundleHeader {
		return b, fmt.Errorf("%w: line 1: got %.60q, want %q", ErrInvalidBundle, lines[0], BundleHeader)
	}
	if len(lines) < 3 {
		return b, fmt.Errorf("%w: want \"extra\" and \"index\" lines", ErrInvalidBundle)
	}
	extra, ok := strings.CutPrefix(lines[1], "extra ")
	if !ok {
		return b, fmt.Errorf("%w: line 2: want \"extra BASE64-ENTRY\"", ErrInvalidBundle)
	}
	entry, err := base64.StdEncoding.DecodeString(extra)
	if err != nil {
		return b, fmt.Errorf("%w: line 2: entry is not base64: %v", ErrInvalidBundle, err)
	}
	b.Entry = entry
	idx, ok := strings.CutPrefix(lines[2], "index ")
	if !ok {
		return b, fmt.Errorf("%w: line 3: want \"index N\"", ErrInvalidBundle)
	}
	if b.Index, err = parseInt(idx); err != nil {
		return b, fmt.Errorf("%w: line 3: %v", ErrInvalidBundle, err)
	}
	if len(lines)-3 > 63 {
		return b, fmt.Errorf("%w: %d proof hashes, at most 63", ErrInvalidBundle, len(lines)-3)
	}
	for i, l := range lines[3:] {
		h, err := parseHash(l)
		if err != nil {
			return b, fmt.Errorf("%w: line %d: %v", ErrInvalidBundle, i+4, err)
		}
		b.Proof = append(b.Proof, h)
	}
	b.Checkpoint = cp
	return b, nil
}

// VerifiedBundle is what a verified bundle proves.
type VerifiedBundle struct {
	Entry      *Entry
	Checkpoint *SignedCheckpoint // includes the verified witness cosignatures
}

// VerifyBundle checks a bundle offline: the checkpoint is signed by log (and any cosignature by
// one of witnesses verifies), the entry decodes and carries the bundle's index, and the
// inclusion proof places it at that index in the checkpoint's tree. The caller applies its own
// policy on how many cosignatures it needs (len(Checkpoint.Cosignatures)). Errors wrap
// [ErrInvalidBundle].
func VerifyBundle(bundle []byte, log note.Verifier, witnesses ...note.Verifier) (*VerifiedBundle, error) {
	b, err := ParseBundle(bundle)
	if err != nil {
		return nil, err
	}
	sc, err := OpenCheckpoint(b.Checkpoint, log, witnesses...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidBundle, err)
	}
	e, err := ParseEntry(b.Entry)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidBundle, err)
	}
	if e.Seq != b.Index {
		return nil, fmt.Errorf("%w: entry has seq %d, bundle index %d", ErrInvalidBundle, e.Seq, b.Index)
	}
	if b.Index >= sc.Size {
		return nil, fmt.Errorf("%w: index %d is beyond the checkpoint's %d entries", ErrInvalidBundle, b.Index, sc.Size)
	}
	if err := tlog.CheckRecord(b.Proof, sc.Size, sc.Hash, b.Index, LeafHash(b.Entry)); err != nil {
		return nil, fmt.Errorf("%w: inclusion proof does not verify against checkpoint %d: %v", ErrInvalidBundle, sc.Size, err)
	}
	return &VerifiedBundle{Entry: e, Checkpoint: sc}, nil
}

// CheckInclusion verifies that the encoded entry is at index in the tree of the given
// checkpoint, using an RFC 6962 inclusion proof.
func CheckInclusion(c Checkpoint, index int64, entry []byte, proof tlog.RecordProof) error {
	if index < 0 || index >= c.Size {
		return fmt.Errorf("index %d is outside the checkpoint's %d entries", index, c.Size)
	}
	return tlog.CheckRecord(proof, c.Size, c.Hash, index, LeafHash(entry))
}

// CheckConsistency verifies that checkpoint newer extends older, using an RFC 6962
// consistency proof. Equal sizes need equal roots and an empty proof.
func CheckConsistency(older, newer Checkpoint, proof tlog.TreeProof) error {
	switch {
	case older.Origin != newer.Origin:
		return fmt.Errorf("%w: origins %q and %q differ", ErrFork, older.Origin, newer.Origin)
	case newer.Size < older.Size:
		return fmt.Errorf("checkpoint of size %d is older than %d", newer.Size, older.Size)
	case newer.Size == older.Size:
		if newer.Hash != older.Hash {
			return fmt.Errorf("%w: two roots for size %d", ErrFork, newer.Size)
		}
		return nil
	case older.Size == 0:
		return nil
	}
	if err := tlog.CheckTree(proof, newer.Size, newer.Hash, older.Size, older.Hash); err != nil {
		return fmt.Errorf("%w: %v", ErrFork, err)
	}
	return nil
}
