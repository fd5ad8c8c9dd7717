// Package alive tells whether the process that wrote a record (a run's
// scheduler) is still running. A PID alone does not say: after a reboot or
// a container restart another process may have the same PID, and a run
// would look "running" forever. So the writer records its start token
// (Self) beside its PID, and Process compares both.
package alive

// Self is this process's PID and start token, to record together.
func Self() (pid int, start string) { return selfPID(), startToken(selfPID()) }

// Process reports whether pid is still the process that recorded start.
// An empty start (a record written before tokens existed, or on a
// platform that has none) falls back to the PID alone.
func Process(pid int, start string) bool {
	if pid <= 0 || !pidAlive(pid) {
		return false
	}
	if start == "" {
		return true
	}
	now := startToken(pid)
	// No token now means none can be read here (not Linux, /proc hidden):
	// believe the PID rather than call a live run dead.
	return now == "" || now == start
}
