//go:build unix

package sched

import (
	"os/exec"
	"syscall"
)

// signalGroup sends sig to the task's process group (its id is the task
// process's PID, see ownGroup).
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	syscall.Kill(-cmd.Process.Pid, sig)
}
