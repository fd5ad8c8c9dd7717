package sched

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill the task if the scheduler dies (kill
// -9, OOM): nobody would start what comes after it, and an orphan would
// keep writing into a run that a resume is about to replace.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
