//go:build unix && !linux

package sched

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the task in a process group of its own (see the Linux
// version). There is no portable parent-death signal: an orphaned task
// finishes on its own and commits into its (dead) run.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// groupAlive reports whether any process is left in group pgid (zombies
// included: there is no /proc to tell them apart).
func groupAlive(pgid int) bool { return syscall.Kill(-pgid, 0) == nil }
