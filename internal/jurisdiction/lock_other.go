//go:build !unix

package jurisdiction

// lockCache is a no-op where file locks are not available: concurrent loads may each build
// the cache.
func lockCache(string) func() { return func() {} }
