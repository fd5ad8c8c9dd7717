//go:build unix

package alive

import (
	"errors"
	"os"
	"syscall"
)

func selfPID() int { return os.Getpid() }

// pidAlive reports whether pid is a live process on this machine (signal 0
// checks without signalling; EPERM means alive, someone else's).
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
