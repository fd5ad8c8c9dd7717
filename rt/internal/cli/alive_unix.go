//go:build unix

package cli

import (
	"errors"
	"syscall"
)

// processAlive reports whether pid is a live process on this machine
// (signal 0 checks without signalling; EPERM means alive, someone else's).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
