//go:build unix

package ui

import (
	"syscall"
	"time"
)

// cpuTime is the CPU (user and system) this process has used: what the
// server benchmarks report besides wall time, since the machine they run
// on may be shared.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
