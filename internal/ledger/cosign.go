package ledger

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Signature types of C2SP signed-note keys.
const (
	algEd25519     = 0x01 // note signatures (log checkpoints)
	algCosignature = 0x04 // C2SP tlog-cosignature Ed25519 cosignature/v1
)

// Cosignature describes one verified witness cosignature.
type Cosignature struct {
	Name string    // witness key name
	Time time.Time // time the witness asserted it had seen the checkpoint (UTC, seconds)
}

// GenerateCosignerKey generates a witness key pair for C2SP tlog-cosignature (Ed25519,
// cosignature/v1). skey is private ("PRIVATE+KEY+name+hash+base64"); vkey is the public key to
// give to everyone who checks cosignatures ("name+hash+base64", signature type 0x04).
func GenerateCosignerKey(name string) (skey, vkey string, err error) {
	if !validName(name) {
		return "", "", fmt.Errorf("witness name %q: use a non-empty name without spaces or '+'", name)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	h := keyHash(name, algCosignature, pub)
	skey = fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, h, base64.StdEncoding.EncodeToString(append([]byte{algCosignature}, priv.Seed()...)))
	vkey = fmt.Sprintf("%s+%08x+%s", name, h, base64.StdEncoding.EncodeToString(append([]byte{algCosignature}, pub...)))
	return skey, vkey, nil
}

func keyHash(name string, alg byte, pub []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', alg})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func splitSkey(skey string) (name string, alg byte, seed []byte, err error) {
	rest, ok := strings.CutPrefix(skey, "PRIVATE+KEY+")
	parts := strings.SplitN(rest, "+", 3)
	if !ok || len(parts) != 3 || !validName(parts[0]) || len(parts[1]) != 8 {
		return "", 0, nil, errors.New("malformed signer key: want PRIVATE+KEY+name+hash+base64")
	}
	k, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(k) != 1+ed25519.SeedSize {
		return "", 0, nil, errors.New("malformed signer key: bad key material")
	}
	h, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil || uint32(h) != keyHash(parts[0], k[0], ed25519Public(k[1:])) {
		return "", 0, nil, errors.New("malformed signer key: key hash does not match")
	}
	return parts[0], k[0], k[1:], nil
}

func ed25519Public(seed []byte) ed25519.PublicKey {
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}

// cosignedMessage is the message an Ed25519 cosignature/v1 signs.
func cosignedMessage(t uint64, body []byte) []byte {
	m := make([]byte, 0, len(body)+40)
	m = append(m, "cosignature/v1\ntime "...)
	m = strconv.AppendUint(m, t, 10)
	m = append(m, '\n')
	return append(m, body...)
}

type cosigner struct {
	name, vkey string
	hash       uint32
	key        ed25519.PrivateKey
	now        func() time.Time
}

// NewCosignerSigner returns a note.Signer that produces C2SP tlog-cosignature cosignature/v1
// signatures (8-byte big-endian POSIX timestamp, then the Ed25519 signature) from a key made by
// [GenerateCosignerKey]. now gives the timestamp; nil means time.Now.
func NewCosignerSigner(skey string, now func() time.Time) (note.Signer, error) {
	name, alg, seed, err := splitSkey(skey)
	if err != nil {
		return nil, err
	}
	if alg != algCosignature {
		return nil, fmt.Errorf("signer key for %s has type %#x, want a cosigner key (0x04); create one with GenerateCosignerKey", name, alg)
	}
	if now == nil {
		now = time.Now
	}
	key := ed25519.NewKeyFromSeed(seed)
	pub := key.Public().(ed25519.PublicKey)
	h := keyHash(name, algCosignature, pub)
	vkey := fmt.Sprintf("%s+%08x+%s", name, h, base64.StdEncoding.EncodeToString(append([]byte{algCosignature}, pub...)))
	return &cosigner{name: name, vkey: vkey, hash: h, key: key, now: now}, nil
}

func (c *cosigner) Name() string    { return c.name }
func (c *cosigner) KeyHash() uint32 { return c.hash }
func (c *cosigner) Sign(msg []byte) ([]byte, error) {
	t := c.now().Unix()
	if t < 0 {
		return nil, errors.New("cosign: clock before 1970")
	}
	sig := make([]byte, 8, 8+ed25519.SignatureSize)
	binary.BigEndian.PutUint64(sig, uint64(t))
	return append(sig, ed25519.Sign(c.key, cosignedMessage(uint64(t), msg))...), nil
}

type cosignatureVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
}

// NewCosignatureVerifier parses a witness's public key (vkey with signature type 0x04) into a
// note.Verifier for C2SP tlog-cosignature cosignature/v1 signatures. Use it with
// [OpenCheckpoint] or note.Open.
func NewCosignatureVerifier(vkey string) (note.Verifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 || !validName(parts[0]) || len(parts[1]) != 8 {
		return nil, fmt.Errorf("witness key %.40q: want name+hash+base64", vkey)
	}
	k, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(k) != 1+ed25519.PublicKeySize || k[0] != algCosignature {
		return nil, fmt.Errorf("witness key %.40q: want a base64 Ed25519 cosigner key of type 0x04", vkey)
	}
	h, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil || uint32(h) != keyHash(parts[0], algCosignature, k[1:]) {
		return nil, fmt.Errorf("witness key %.40q: key hash does not match the key", vkey)
	}
	return &cosignatureVerifier{name: parts[0], hash: uint32(h), pub: ed25519.PublicKey(k[1:])}, nil
}

func (v *cosignatureVerifier) Name() string    { return v.name }
func (v *cosignatureVerifier) KeyHash() uint32 { return v.hash }
func (v *cosignatureVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > 1<<63-1 {
		return false
	}
	return ed25519.Verify(v.pub, cosignedMessage(t, msg), sig[8:])
}

// cosignatureTime extracts the timestamp of a cosignature/v1 signature (without key hash).
func cosignatureTime(sig []byte) (time.Time, bool) {
	if len(sig) != 8+ed25519.SignatureSize {
		return time.Time{}, false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > 1<<63-1 {
		return time.Time{}, false
	}
	return time.Unix(int64(t), 0).UTC(), true
}
