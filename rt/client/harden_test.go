package client

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// A run whose record says running but whose scheduler is gone is killed,
// as the CLI says; one whose scheduler lives is running.
func TestStatusKilled(t *testing.T) {
	f := newFixture(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no `true` to get a dead PID from:", err)
	}
	gone := f.run("F", "user:alice", "running")
	live := f.run("F", "user:alice", "running")
	for id, pid := range map[string]int{gone: dead.Process.Pid, live: os.Getpid()} {
		if err := f.st.UpdateRun("F", id, func(r *store.Run) error { r.PID = pid; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	c := f.client()
	for id, want := range map[string]Status{gone: StatusKilled, live: StatusRunning} {
		r, err := c.Flow("F").Run(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status() != want || r.Finished() != (want == StatusKilled) {
			t.Errorf("run %s: Status %q Finished %v; want %q", id, r.Status(), r.Finished(), want)
		}
	}
}

// Steps come in the order the run reached them, not by name.
func TestStepsInGraphOrder(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "user:alice", "succeeded")
	f.task("F", id, "_parameters", "0", attempt{ok: true})
	for i, s := range []string{"Start", "Zeta", "Alpha", "Join", "End"} {
		f.task("F", id, s, strconv.Itoa(10+i), attempt{ok: true}) // ids 10..14: not name order
	}
	r, err := f.client().Flow("F").Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := r.Steps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range steps {
		names = append(names, s.Name())
	}
	if want := []string{"Start", "Zeta", "Alpha", "Join", "End"}; !slices.Equal(names, want) {
		t.Errorf("Steps = %v, want %v", names, want)
	}
	if _, err := r.Step("start").Tasks(ctx); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `did you mean "Start"?`) {
		t.Errorf("Step(\"start\"): %v", err)
	}
}

func TestTagsEdited(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "user:alice", "succeeded", "a")
	c := f.client()
	r, err := c.Flow("F").Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddTags(ctx, "b", "a", "c"); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveTags(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Tags(), []string{"a", "b"}) {
		t.Errorf("Tags = %v", r.Tags())
	}
	if err := r.RemoveTags(ctx, "user:alice"); err == nil || !strings.Contains(err.Error(), "system tag") {
		t.Errorf("removing a system tag: %v", err)
	}
	if err := r.AddTags(ctx, "x\ny"); err == nil {
		t.Errorf("a two-line tag was accepted")
	}
	runs, err := c.Flow("F").Runs(ctx, "b")
	if err != nil || len(runs) != 1 || !slices.Equal(runs[0].Tags(), []string{"a", "b"}) {
		t.Errorf("Runs(b) = %v, %v", runs, err)
	}
}

// RunsSeq goes on past a damaged record; Runs stops at it.
func TestRunsSeqPastDamage(t *testing.T) {
	f := newFixture(t)
	good := f.run("F", "user:alice", "succeeded")
	bad := f.run("F", "user:alice", "succeeded")
	if err := os.WriteFile(f.root+"/F/"+bad+"/_run.json", []byte("{"), 0o666); err != nil {
		t.Fatal(err)
	}
	var ids []string
	var errs int
	for r, err := range f.client().Flow("F").RunsSeq(ctx) {
		if err != nil {
			errs++
			continue
		}
		ids = append(ids, r.ID())
	}
	if errs != 1 || !slices.Equal(ids, []string{good}) {
		t.Errorf("RunsSeq: runs %v, %d errors; want [%s] and 1", ids, errs, good)
	}
	if _, err := f.client().Flow("F").Runs(ctx); err == nil {
		t.Errorf("Runs hid a damaged record")
	}
}

func TestTaskLogAttempts(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "user:alice", "succeeded")
	f.task("F", id, "Start", "1", attempt{ok: false, stderr: "first\n"}, attempt{ok: true, stderr: "second\n"})
	r, _ := f.client().Flow("F").Run(ctx, id)
	task := r.Step("Start").Task(ctx)
	if got, err := task.Attempts(ctx); err != nil || !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("Attempts = %v, %v", got, err)
	}
	for attempt, want := range map[int]string{-1: "second\n", 0: "first\n", 1: "second\n"} {
		rc, err := task.Log(ctx, "stderr", attempt)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != want {
			t.Errorf("Log(stderr, %d) = %q, want %q", attempt, b, want)
		}
	}
	if _, err := task.Log(ctx, "stdout", 5); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "its attempts are 0, 1") {
		t.Errorf("Log of attempt 5: %v", err)
	}
}
