//go:build linux

package jurisdiction

import (
	"runtime"
	"syscall"
	"unsafe"
)

// hugeSlice returns a zeroed slice of n Ts backed by anonymous memory outside the Go heap,
// aligned to 2 MiB and advised for transparent huge pages (MADV_HUGEPAGE), and a function that
// releases it. The index arrays Lookup reads at random are tens of MB: with 4 KiB pages
// almost every lookup also misses the TLB. T must hold no pointers. Small sizes, and any mmap
// failure, fall back to the Go heap. The memory is locked (mlock) when the process may.
func hugeSlice[T any](n int) ([]T, func()) {
	var z T
	size := n * int(unsafe.Sizeof(z))
	const huge = 2 << 20
	if size < 4*huge {
		return make([]T, n), func() {}
	}
	mem, err := syscall.Mmap(-1, 0, size+huge, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]T, n), func() {}
	}
	off := (huge - int(uintptr(unsafe.Pointer(&mem[0]))%huge)) % huge
	b := mem[off : off+size]
	_ = syscall.Madvise(b, 14) // MADV_HUGEPAGE; without THP it is a no-op
	// Lock it in memory where the process may (root, CAP_IPC_LOCK or a large enough
	// RLIMIT_MEMLOCK): reclaim may otherwise page it out or, without swap, split its huge
	// pages into 4 KiB ones (as a proactive reclaimer such as DAMON's pageout scheme does to
	// memory idle for a few seconds), after which lookups miss the TLB again. Failure is
	// harmless.
	_ = syscall.Mlock(b)
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n), func() { _ = syscall.Munmap(mem) }
}

// releaseWhenUnreachable unmaps the engine's off-heap index when the engine is collected.
func releaseWhenUnreachable(e *Engine, free []func()) {
	runtime.SetFinalizer(e, func(*Engine) {
		for _, f := range free {
			f()
		}
	})
}
