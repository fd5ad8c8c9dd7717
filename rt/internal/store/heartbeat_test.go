package store

import (
	"testing"
	"time"
)

func TestRunHeartbeat(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if last, every, err := s.RunHeartbeat("F", "argo-x"); err != nil || !last.IsZero() || every != 0 {
		t.Fatalf("no beat yet: %v %v %v", last, every, err)
	}
	if err := s.PutRunHeartbeat("F", "argo-x", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	last, every, err := s.RunHeartbeat("F", "argo-x")
	if err != nil || time.Since(last) > time.Minute || every != 2*time.Second {
		t.Fatalf("after a beat: %v %v %v", last, every, err)
	}
	if BeatTimeout(every) != 12*time.Second {
		t.Errorf("BeatTimeout(2s) = %v", BeatTimeout(every))
	}
	// The heartbeat is no run record version, and no step.
	if steps, _ := s.ListSteps("F", "argo-x"); len(steps) != 0 {
		t.Errorf("steps = %q", steps)
	}
	if err := s.PutRunHeartbeat("F", "../x", time.Second); err == nil {
		t.Error("a run id with a path in it was accepted")
	}
}
