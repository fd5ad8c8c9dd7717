package sched

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the task in a process group of its own, so that one
// signal reaches it and whatever its step started (and a terminal's
// Ctrl-C reaches only the scheduler, which decides what the tasks get).
// The kernel kills the task if the scheduler dies (kill -9, OOM): nobody
// would start what comes after it, and an orphan would keep writing into
// a run that a resume is about to replace.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
