//go:build !unix

package jurisdiction

import "time"

// threadCPU is not available here: the benchmark reports wall time only.
func threadCPU() time.Duration { return 0 }
