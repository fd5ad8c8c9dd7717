//go:build unix

package store

import (
	"errors"
	"syscall"
)

// processAlive reports whether pid is a live process on this machine
// (signal 0 checks without signalling; EPERM means alive, someone else's).
// A pid reused since its file was written reads as alive: the file is then
// kept until it is stale by age, never removed under a live writer.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
