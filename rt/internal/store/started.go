package store

import (
	"sync"
	"time"
)

// A running attempt is visible to readers (dump, logs, the client, the
// run browser) before it commits: locally its stderr crash file is in the
// task directory from the start. On S3 nothing is there until its first
// log part or its end, so an attempt that runs longer than StartedAfter
// writes <a>.started.json, its Attempt record. A short task ends first
// and never writes it: the request budget of a small step (DESIGN §5,
// issue 8) is not touched, and a long one pays one PUT.

// StartedAfter is how long an attempt runs before it says so on S3.
const StartedAfter = time.Second

// AnnounceStart writes a's started record after StartedAfter unless stop
// is called first (a no-op on the local datastore). stop waits for a
// write in progress, so the record is never written after the attempt's
// end. A record that fails to write is dropped: visibility never fails an
// attempt.
func (s *Store) AnnounceStart(p TaskPath, a *Attempt) (stop func()) {
	if _, local := s.b.(localFS); local {
		return func() {}
	}
	var mu sync.Mutex
	stopped := false
	t := time.AfterFunc(StartedAfter, func() {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			_ = s.writeJSON(p, a.Attempt, "started.json", startedRecord{Version: FormatVersion, Attempt: *a})
		}
	})
	return func() {
		t.Stop()
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

type startedRecord struct {
	Version string `json:"version"`
	Attempt
}
