package ledger

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Key is a signing key together with its public half.
type Key struct {
	Signer      note.Signer   // signs checkpoints (log key) or cosignatures (witness key)
	Verifier    note.Verifier // verifies what Signer signs
	VerifierKey string        // the public key in C2SP signed-note vkey form, to publish: name+hash+base64
}

// LoadOrCreateKey loads the log's Ed25519 signing key from path, or, if path does not exist,
// generates one named origin (note.GenerateKey) and writes it there with mode 0600. The file
// holds one line, the note signer key "PRIVATE+KEY+origin+hash+base64". It fails if the file is
// readable by group or others, or was made for another origin. To rotate the key, see
// docs/ledger.md.
func LoadOrCreateKey(path, origin string) (*Key, error) {
	return loadOrCreate(path, origin, "log", func() (string, error) {
		skey, _, err := note.GenerateKey(rand.Reader, origin)
		return skey, err
	}, func(skey string) (*Key, error) {
		s, err := note.NewSigner(skey)
		if err != nil {
			return nil, err
		}
		vkey, err := vkeyFromSkey(skey)
		if err != nil {
			return nil, err
		}
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return nil, err
		}
		return &Key{Signer: s, Verifier: v, VerifierKey: vkey}, nil
	})
}

// LoadKey loads an existing log signing key written by [LoadOrCreateKey], whatever its origin
// (the origin is the key's name, Key.Signer.Name()). It fails if the file is missing, malformed
// or readable by group or others.
func LoadKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read log key: %w", err)
	}
	name, _, _, err := splitSkey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("log key %s: malformed signer key; restore it from backup", path)
	}
	return LoadOrCreateKey(path, name)
}

// LoadOrCreateCosignerKey is [LoadOrCreateKey] for a witness's cosigning key (C2SP
// tlog-cosignature, Ed25519 cosignature/v1): the file holds "PRIVATE+KEY+name+hash+base64" with
// signature type 0x04.
func LoadOrCreateCosignerKey(path, name string) (*Key, error) {
	return loadOrCreate(path, name, "witness", func() (string, error) {
		skey, _, err := GenerateCosignerKey(name)
		return skey, err
	}, func(skey string) (*Key, error) {
		s, err := NewCosignerSigner(skey, nil)
		if err != nil {
			return nil, err
		}
		vkey := s.(*cosigner).vkey
		v, err := NewCosignatureVerifier(vkey)
		if err != nil {
			return nil, err
		}
		return &Key{Signer: s, Verifier: v, VerifierKey: vkey}, nil
	})
}

func loadOrCreate(path, name, what string, gen func() (string, error), parse func(string) (*Key, error)) (*Key, error) {
	if !validName(name) {
		return nil, fmt.Errorf("%s key name %q: use a non-empty name without spaces or '+', e.g. accord.example.mx/ledger", what, name)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		skey, err := gen()
		if err != nil {
			return nil, fmt.Errorf("generate %s key: %w", what, err)
		}
		if err := writeFileSync(path, []byte(skey+"\n"), 0o600, true); err != nil {
			if errors.Is(err, fs.ErrExist) { // created concurrently: load that one
				return loadOrCreate(path, name, what, gen, parse)
			}
			return nil, fmt.Errorf("write %s key: %w", what, err)
		}
		return parse(skey)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s key: %w", what, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s key: %w", what, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s key %s has mode %v: it must be readable by its owner only; run chmod 600 %s", what, path, st.Mode().Perm(), path)
	}
	skey := strings.TrimSpace(string(b))
	k, err := parse(skey)
	if err != nil {
		return nil, fmt.Errorf("%s key %s: %w; restore it from backup or move it away to generate a new one", what, path, err)
	}
	if k.Signer.Name() != name {
		return nil, fmt.Errorf("%s key %s is for %q, not %q: use the key of this log or rotate it (docs/ledger.md)", what, path, k.Signer.Name(), name)
	}
	return k, nil
}

// vkeyFromSkey derives the note verifier key from a note Ed25519 signer key.
func vkeyFromSkey(skey string) (string, error) {
	name, alg, seed, err := splitSkey(skey)
	if err != nil || alg != 0x01 {
		return "", errors.New("malformed signer key")
	}
	return note.NewEd25519VerifierKey(name, ed25519Public(seed))
}

func validName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "+ \t\n\r") && isText(name)
}

// writeFileSync writes data to path durably: to a temporary file in the same directory,
// fsynced, then renamed into place (or linked, if exclusive), then the directory is fsynced.
// With exclusive it fails with fs.ErrExist if path exists.
func writeFileSync(path string, data []byte, perm fs.FileMode, exclusive bool) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if exclusive {
		if err := os.Link(tmp, path); err != nil {
			return err
		}
		os.Remove(tmp)
	} else if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
