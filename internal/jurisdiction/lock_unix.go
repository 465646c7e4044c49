//go:build unix

package jurisdiction

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockCache takes an exclusive lock on dir so that processes loading the engine at the same
// time (parallel test binaries, a server and a CLI) build the cache once: the others wait and
// then read it. The returned function releases the lock. Errors leave the load unlocked.
func lockCache(dir string) func() {
	if dir == "" || os.MkdirAll(dir, 0o755) != nil {
		return func() {}
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return func() {}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
