package runstate

import (
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// A cloud run (no PID) is killed once its tasks' heartbeats stop.
func TestOfByHeartbeat(t *testing.T) {
	for _, c := range []struct {
		beat time.Time
		want Status
	}{
		{time.Time{}, Running}, // no beat recorded: believed
		{time.Now(), Running},
		{time.Now().Add(-time.Minute), Killed},
	} {
		r := &store.Run{Status: "running", EngineRun: "uid", LastBeat: c.beat, BeatTimeout: 12 * time.Second}
		if got := Of(r); got != c.want {
			t.Errorf("last beat %v: %s, want %s", c.beat, got, c.want)
		}
	}
	done := &store.Run{Status: "failed", LastBeat: time.Now().Add(-time.Hour), BeatTimeout: time.Second}
	if Of(done) != Failed {
		t.Error("a finished run's old beat changed its status")
	}
}
