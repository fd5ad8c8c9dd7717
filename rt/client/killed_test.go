package client

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// A task that was running when its run died is killed, by the same rule
// that makes the run killed: a cloud run's heartbeats stopped, a local
// run's scheduler is gone. Its finished tasks, and a task whose last
// attempt failed for good, are not; nor is a task of a run that lives.
func TestTaskKilled(t *testing.T) {
	f := newFixture(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no `true` to get a dead PID from:", err)
	}
	// Cloud runs: their tasks beat through _heartbeat.json; a beat older
	// than store.BeatTimeout of its interval is a dead run.
	stale := f.run("F", "user:alice", "running")
	fresh := f.run("F", "user:alice", "running")
	local := f.run("F", "user:alice", "running")
	for id, beat := range map[string]time.Time{stale: t0, fresh: time.Now()} {
		if err := f.st.UpdateRun("F", id, func(r *store.Run) error { r.EngineRun = "uid-" + id; return nil }); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(map[string]any{"version": store.FormatVersion, "time": beat, "every_ms": 2000})
		if err := os.WriteFile(filepath.Join(f.root, "F", id, "_heartbeat.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.UpdateRun("F", local, func(r *store.Run) error { r.PID = dead.Process.Pid; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{stale, fresh, local} {
		f.task("F", id, "Start", "1", attempt{ok: true})
		f.task("F", id, "Hang", "2", attempt{noCommit: true, stdout: "hanging\n"})
		f.task("F", id, "Retry", "3", attempt{ok: false}, attempt{noCommit: true, stdout: "second try\n"})
		f.task("F", id, "Failed", "4", attempt{ok: false})
	}
	c := f.client()
	for _, tc := range []struct {
		run    string
		killed bool
		cause  string
	}{
		{stale, true, "its run's heartbeats stopped at 2026-11-21 10:00:00 UTC"},
		{fresh, false, ""},
		{local, true, "its run's scheduler (pid " + strconv.Itoa(dead.Process.Pid) + ") is gone"},
	} {
		r, err := c.Flow("F").Run(ctx, tc.run)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			step    string
			killed  bool
			attempt string
		}{{"Start", false, ""}, {"Hang", tc.killed, "attempt 0"}, {"Retry", tc.killed, "attempt 1"}, {"Failed", false, ""}} {
			task := r.Step(s.step).Task(ctx)
			if task.Killed() != s.killed {
				t.Errorf("run %s: %s Killed() = %v, want %v", tc.run, s.step, task.Killed(), s.killed)
			}
			cause := task.KillCause()
			if want := s.attempt + " never finished: " + tc.cause; s.killed && cause != want || !s.killed && cause != "" {
				t.Errorf("run %s: %s KillCause() = %q, want %q", tc.run, s.step, cause, want)
			}
			if !s.killed {
				continue
			}
			// Its logs are the killed attempt's, up to the kill.
			rc, err := task.Log(ctx, "stdout", -1)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if want := map[string]string{"Hang": "hanging\n", "Retry": "second try\n"}[s.step]; err != nil || string(b) != want {
				t.Errorf("run %s: %s's log is %q (%v), want the killed attempt's %q", tc.run, s.step, b, err, want)
			}
		}
		_, err = r.Step("Hang").Task(ctx).Artifacts(ctx)
		if tc.killed && (err == nil || !strings.Contains(err.Error(), "/Hang/2 was killed (attempt 0 never finished: "+tc.cause+")")) {
			t.Errorf("run %s: Artifacts of the killed Hang: %v; want an error saying it was killed", tc.run, err)
		}
		if !tc.killed && (err == nil || !strings.Contains(err.Error(), "has not finished")) {
			t.Errorf("run %s: Artifacts of the running Hang: %v; want an error saying it has not finished", tc.run, err)
		}
	}
}
