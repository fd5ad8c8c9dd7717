package client

import "github.com/flowc-dev/flowc/rt/internal/runstate"

// Status is a run's status. It is computed in one place for the client and
// the flow binary's CLI, so both say "killed" for a run whose scheduler died.
type Status = runstate.Status

// The statuses a run can have. A run whose record still says running but
// whose scheduler process is gone (kill -9, out of memory, a reboot) is
// StatusKilled: it will never finish, and `resume` continues it.
const (
	StatusRunning   = runstate.Running
	StatusSucceeded = runstate.Succeeded
	StatusFailed    = runstate.Failed
	StatusKilled    = runstate.Killed
)
