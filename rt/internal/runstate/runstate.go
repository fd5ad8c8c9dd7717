// Package runstate computes a run's status from its record, once, for
// every reader: the CLI (runs, resume) and rt/client give the same answer,
// "killed" included.
package runstate

import (
	"time"

	"github.com/flowc-dev/flowc/rt/internal/alive"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Status is a run's status.
type Status string

// The statuses. A record says running, succeeded or failed, or killed
// when a signal stopped the run (Ctrl-C, SIGTERM); Killed is also derived
// when the record says running but its scheduler is gone (kill -9, out of
// memory, a reboot), so the run will never finish.
const (
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	Killed    Status = "killed"
)

// Of is r's status. Whether the scheduler lives is package alive's call
// (PID plus start token); a run without a PID (started by a cloud
// scheduler) lives while its tasks heartbeat (r.LastBeat, filled by the
// local metadata provider; the metadata service computes the status
// itself).
func Of(r *store.Run) Status {
	s := Status(r.Status)
	if s == Running && r.PID > 0 && !alive.Process(r.PID, r.PIDStart) {
		return Killed
	}
	if s == Running && r.PID <= 0 && !r.LastBeat.IsZero() && time.Since(r.LastBeat) > r.BeatTimeout {
		return Killed
	}
	return s
}

// Finished reports whether a run with status s is over, one way or another.
func (s Status) Finished() bool { return s != Running && s != "" }
