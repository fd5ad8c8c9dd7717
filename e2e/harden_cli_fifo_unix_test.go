//go:build unix

package e2e

import "syscall"

// mkfifo makes a named pipe (nil where there are none).
var mkfifo = func(path string) error { return syscall.Mkfifo(path, 0o666) }
