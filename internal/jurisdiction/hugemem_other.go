//go:build !linux

package jurisdiction

// hugeSlice returns make([]T, n) (huge pages are advised on Linux only) and a no-op release.
func hugeSlice[T any](n int) ([]T, func()) { return make([]T, n), func() {} }

func releaseWhenUnreachable(*Engine, []func()) {}
