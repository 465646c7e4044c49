//go:build !unix

package main

import "time"

// threadCPU is not available here: the engine run reports wall time only.
func threadCPU() time.Duration { return 0 }
