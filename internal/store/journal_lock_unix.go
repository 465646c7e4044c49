//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockJournal takes the read journal's lock file without waiting. It returns the held file
// (close it to release), or nil when another process holds the lock: that process (a running
// server, say, while an admin command opens the same store) owns the journal and its recovery.
func lockJournal(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, err
	}
	return f, nil
}
