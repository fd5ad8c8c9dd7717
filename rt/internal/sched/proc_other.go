//go:build !linux

package sched

import "os/exec"

// dieWithParent has no portable equivalent outside Linux: an orphaned task
// finishes on its own and commits into its (dead) run.
func dieWithParent(cmd *exec.Cmd) {}
