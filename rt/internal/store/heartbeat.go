package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// A run that a cloud engine drives has no scheduler process whose PID
// tells whether it lives (DESIGN §8.1): its tasks heartbeat instead, each
// one rewriting <Flow>/<run>/_heartbeat.json while it runs (a name no
// run record listing takes). A reader finds a running cloud run whose
// last beat is older than BeatTimeout(every) killed: its task died
// without writing its outcome, and nothing else will.

const heartbeatFile = "_heartbeat.json"

type heartbeatRecord struct {
	Version string    `json:"version"`
	Time    time.Time `json:"time"`
	EveryMS int64     `json:"every_ms"` // the writer's interval
}

// BeatTimeout is how long a run may go without a beat of its tasks
// before it is reported killed: six intervals, as the metadata service
// does, so a beat or two lost (or a slow start of the next task) does not
// kill it.
func BeatTimeout(every time.Duration) time.Duration { return 6 * every }

// PutRunHeartbeat says a task of the run is alive now, beating every
// every.
func (s *Store) PutRunHeartbeat(flow, run string, every time.Duration) error {
	if err := validRun(flow, run); err != nil {
		return err
	}
	b, _ := json.Marshal(heartbeatRecord{Version: FormatVersion, Time: time.Now().UTC(), EveryMS: every.Milliseconds()})
	key := runKey(flow, run) + "/" + heartbeatFile
	if err := s.b.put(key, b); err != nil {
		return fmt.Errorf("heartbeat %s: %w", s.b.where(key), err)
	}
	return nil
}

// RunHeartbeat is the run's last beat and its writer's interval; zero
// when no task of the run ever beat (a local run, or an older flowc).
func (s *Store) RunHeartbeat(flow, run string) (last time.Time, every time.Duration, err error) {
	if err := validRun(flow, run); err != nil {
		return time.Time{}, 0, err
	}
	key := runKey(flow, run) + "/" + heartbeatFile
	b, err := s.b.readFile(key)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, 0, nil
	}
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("reading %s: %w", s.b.where(key), err)
	}
	var rec heartbeatRecord
	if err := json.Unmarshal(b, &rec); err != nil || rec.EveryMS <= 0 {
		// A torn or foreign record says nothing about liveness.
		return time.Time{}, 0, nil
	}
	return rec.Time, time.Duration(rec.EveryMS) * time.Millisecond, nil
}
