//go:build unix

package sched

import (
	"os/exec"
	"syscall"
	"time"
)

// signalGroup sends sig to the task's process group (its id is the task
// process's PID, see ownGroup).
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	syscall.Kill(-cmd.Process.Pid, sig)
}

// awaitGroupGone waits, up to limit, until no process is left in the
// task's group after it was killed: SIGKILL is delivered at once but a
// process dies when the kernel gets to it, and what the step started is
// no child of ours to wait for. A run that says its tasks were killed
// then has none of them left running.
func awaitGroupGone(cmd *exec.Cmd, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for groupAlive(cmd.Process.Pid) && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
}
