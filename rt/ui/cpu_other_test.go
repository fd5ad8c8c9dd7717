//go:build !unix

package ui

import "time"

// cpuTime is not measured here: the benchmarks' cpu-ms reads 0.
func cpuTime() time.Duration { return 0 }
