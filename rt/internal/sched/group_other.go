//go:build !unix

package sched

import (
	"os/exec"
	"syscall"
	"time"
)

// ownGroup: no process groups here; signals reach the task process only.
func ownGroup(cmd *exec.Cmd) {}

// signalGroup kills the task process for SIGKILL; other signals cannot be
// sent, so the first interrupt waits for the task.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		cmd.Process.Kill()
	}
}

// awaitGroupGone: the task process is the whole group, and Wait saw it end.
func awaitGroupGone(cmd *exec.Cmd, limit time.Duration) {}
