package e2e

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// flakyOut is what FlakyFlow's End carries.
type flakyOut struct {
	StartedAt int64
	Attempts  int
	Squares   []int
	Failures  []string
}

// TestFailFlaky drives examples/flaky through retry, catch, timeout,
// resume and a killed runner, as its doc comment promises.
func TestFailFlaky(t *testing.T) {
	t.Parallel()
	bin := failBuild(t, t.TempDir(), "flaky")

	t.Run("RetryAndCatch", func(t *testing.T) {
		t.Parallel()
		b := newFailBin(t, bin, "FLOWC_USER=alice")
		b.ok(nil, "run", "--run-id-file", "rid")
		id := failRead(t, filepath.Join(b.dir, "rid"))
		var end flakyOut
		b.dump(id, &end)
		if end.Attempts != 1 {
			t.Errorf("Unstable succeeded on attempt %d, want 1 (after one retry)", end.Attempts)
		}
		// The join saw one caught failure, with the panic's own message,
		// beside the other items' values.
		if !reflect.DeepEqual(end.Squares, []int{1, 4, 16, 25}) || !reflect.DeepEqual(end.Failures, []string{"three is not allowed"}) {
			t.Errorf("join saw squares %v, failures %q", end.Squares, end.Failures)
		}
		var squares []struct {
			Squared      int
			SquareFailed *struct{ Type, Message, Stack string }
		}
		b.dump(id+"/Square", &squares)
		caught := 0
		for _, s := range squares {
			if f := s.SquareFailed; f != nil {
				caught++
				if f.Type != "string" || f.Message != "three is not allowed" || !strings.Contains(f.Stack, "Square") {
					t.Errorf("caught failure = %+v", f)
				}
			}
		}
		if len(squares) != 5 || caught != 1 {
			t.Errorf("%d Square tasks, %d caught; want 5 and 1", len(squares), caught)
		}
		// Each attempt has its own logs: attempt 0 failed, attempt 1 saw
		// its retry count through rt.Current.
		if r := b.ok(nil, "logs", id+"/Unstable", "--attempt", "0", "--stderr"); !strings.Contains(r.stdout, "the service is not ready yet") {
			t.Errorf("attempt 0 stderr: %q", r.stdout)
		}
		if r := b.ok(nil, "logs", id+"/Unstable"); !strings.Contains(r.stdout, "succeeded on attempt 1") {
			t.Errorf("latest attempt stdout: %q", r.stdout)
		}
	})

	t.Run("Timeout", func(t *testing.T) {
		t.Parallel()
		b := newFailBin(t, bin, "FLOWC_USER=alice")
		// Sleepy sleeps 60 s ignoring its context under timeout seconds=2;
		// b.run fails the test if the run is not over within 30 s.
		r := b.run([]string{"FLAKY_SLEEP=1"}, "run", "--quiet")
		if r.code != 1 || !strings.Contains(r.stderr, `step "Sleepy" timed out after 2s (//flow:timeout)`) {
			t.Errorf("want a run failed by Sleepy's timeout, got %s", r)
		}
	})

	t.Run("Resume", func(t *testing.T) {
		t.Parallel()
		b := newFailBin(t, bin, "FLOWC_USER=alice")
		side := filepath.Join(b.dir, "side-effect")
		r := b.run([]string{"FLAKY_FAIL_END=1", "FLAKY_SIDE_EFFECT=" + side}, "run", "--run-id-file", "rid")
		if r.code != 1 || !strings.Contains(r.stderr, "End failed on purpose") {
			t.Fatalf("want End to fail: %s", r)
		}
		origin := failRead(t, filepath.Join(b.dir, "rid"))
		var start struct{ StartedAt int64 }
		b.dump(origin+"/Start", &start)

		// Default origin (the latest run) and step (the first that failed).
		r = b.ok([]string{"FLAKY_SIDE_EFFECT=" + side}, "resume", "--run-id-file", "rid2", "--tag", "again")
		id := failRead(t, filepath.Join(b.dir, "rid2"))
		if got := failRead(t, side); got != "start ran" {
			t.Errorf("Start ran again on resume; side effect file:\n%s", got)
		}
		for _, step := range []string{"Start", "Unstable", "Square", "Join", "Sleepy"} {
			if n := strings.Count(r.stdout, "cloning "+step+" from run "+origin); n != 1 {
				t.Errorf("console names step %s's clone %d times, want once:\n%s", step, n, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, "cloning Square from run "+origin+" (5 tasks)") || strings.Contains(r.stdout, "cloning End") {
			t.Errorf("console:\n%s", r.stdout)
		}
		var end flakyOut
		b.dump(id, &end)
		if end.StartedAt != start.StartedAt || end.Attempts != 1 || len(end.Squares) != 4 {
			t.Errorf("resumed End = %+v; want StartedAt %d from the origin run", end, start.StartedAt)
		}
		// Clones record where they came from; the rerun step does not.
		d := b.readDone("FlakyFlow", id, "Start", b.onlyTask("FlakyFlow", id, "Start"))
		if d["origin"] != origin+"/Start/"+b.onlyTask("FlakyFlow", origin, "Start") {
			t.Errorf("cloned Start's marker: %v", d)
		}
		if d := b.readDone("FlakyFlow", id, "End", b.onlyTask("FlakyFlow", id, "End")); d["origin"] != nil || d["ok"] != true {
			t.Errorf("rerun End's marker: %v", d)
		}
		row := b.runsRow(id)
		if len(row) < 7 || row[1] != "succeeded" || row[5] != origin || row[6] != "again" {
			t.Errorf("runs row of the resumed run: %v", row)
		}
		// Resuming again from an explicit step reruns from there.
		r = b.ok(nil, "resume", "Join", "--origin-run-id", origin)
		if strings.Contains(r.stdout, "cloning Join") || !strings.Contains(r.stdout, "cloning Square") {
			t.Errorf("resume Join:\n%s", r.stdout)
		}
		// A run that succeeded has nothing to resume by default.
		if r := b.run(nil, "resume"); r.code != 1 || !strings.Contains(r.stderr, "every step succeeded") {
			t.Errorf("resume of a successful run: %s", r)
		}
	})

	t.Run("KilledRunner", func(t *testing.T) {
		t.Parallel()
		b := newFailBin(t, bin, "FLOWC_USER=alice")
		hang := filepath.Join(b.dir, "hanging")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd, out, errb := b.cmd(ctx, []string{"FLAKY_HANG=" + hang}, "run", "--run-id-file", "rid")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// End creates the file, then hangs: kill -9 the runner then.
		for {
			if _, err := os.Stat(hang); err == nil {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("End never started\nstdout:\n%s\nstderr:\n%s", out, errb)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		killed := failRead(t, filepath.Join(b.dir, "rid"))
		if row := b.runsRow(killed); len(row) < 2 || row[1] != "killed" {
			t.Errorf("runs shows the killed run as %v, want status killed", row)
		}
		r := b.ok(nil, "resume", "--run-id-file", "rid2")
		if !strings.Contains(r.stdout, "cloning Sleepy from run "+killed) {
			t.Errorf("resume of the killed run:\n%s", r.stdout)
		}
		var start struct{ StartedAt int64 }
		b.dump(killed+"/Start", &start)
		var end flakyOut
		b.dump(failRead(t, filepath.Join(b.dir, "rid2")), &end)
		if end.StartedAt != start.StartedAt || !reflect.DeepEqual(end.Failures, []string{"three is not allowed"}) {
			t.Errorf("resumed End = %+v; want the killed run's StartedAt %d", end, start.StartedAt)
		}
	})

	t.Run("TagsAndNamespaces", func(t *testing.T) {
		t.Parallel()
		b := newFailBin(t, bin, "FLOWC_USER=alice")
		b.ok(nil, "run", "--quiet", "--tag", "nightly", "--tag", "v1", "--run-id-file", "rid")
		id := failRead(t, filepath.Join(b.dir, "rid"))
		if got := b.ok(nil, "tag", "list", id).stdout; got != "nightly\nv1\nuser:alice (system)\nruntime:flowc-0.1.0 (system)\n" {
			t.Errorf("tag list:\n%s", got)
		}
		b.ok(nil, "tag", "add", id, "best", "nightly")
		b.ok(nil, "tag", "remove", id, "v1")
		if row := b.runsRow(id); len(row) < 7 || row[6] != "nightly,best" {
			t.Errorf("runs row after tag edits: %v", row)
		}
		if r := b.run(nil, "tag", "remove", id, "user:alice"); r.code != 1 || !strings.Contains(r.stderr, "system tag") {
			t.Errorf("removing a system tag: %s", r)
		}
		// Bob does not see alice's run unless he asks for her namespace
		// or the global one.
		bob := []string{"FLOWC_USER=bob"}
		for _, args := range [][]string{{"dump", id}, {"logs", id + "/Start"}, {"tag", "add", id, "x"}, {"resume", "End", "--origin-run-id", id}} {
			r := b.run(bob, args...)
			if r.code != 1 || !strings.Contains(r.stderr, `namespace "user:alice", not in the current namespace "user:bob"`) {
				t.Errorf("bob %v: %s", args, r)
			}
		}
		if r := b.run(bob, "resume"); r.code != 1 || !strings.Contains(r.stderr, `no run to resume in namespace "user:bob"`) {
			t.Errorf("bob resume: %s", r)
		}
		b.ok(bob, "--namespace", "user:alice", "dump", id)
		b.ok(append(bob, "FLOWC_NAMESPACE="), "dump", id)
		if row := b.runsRow(id); row == nil {
			t.Errorf("alice does not see her run")
		}
		b2 := *b
		b2.env = append(append([]string{}, b.env...), bob...)
		if row := b2.runsRow(id); row != nil {
			t.Errorf("bob sees alice's run without --all: %v", row)
		}
		if row := b2.runsRow(id, "--all"); len(row) < 7 || row[6] != "user:alice" {
			t.Errorf("runs --all row: %v", row)
		}
	})
}

// TestFailNamespaceFlow: NamespaceFlow prints the namespace its run is in.
func TestFailNamespaceFlow(t *testing.T) {
	t.Parallel()
	bin := failBuild(t, t.TempDir(), "namespace")
	b := newFailBin(t, bin, "FLOWC_USER=carol")
	if r := b.ok(nil, "run"); !strings.Contains(r.stdout, "my namespace is user:carol\n") {
		t.Errorf("default namespace:\n%s", r.stdout)
	}
	r := b.ok([]string{"FLOWC_NAMESPACE=team:data"}, "run", "--run-id-file", "rid")
	if !strings.Contains(r.stdout, "my namespace is team:data\n") {
		t.Errorf("--namespace team:data:\n%s", r.stdout)
	}
	if row := b.runsRow(failRead(t, filepath.Join(b.dir, "rid"))); row != nil {
		t.Errorf("a team:data run is listed in user:carol: %v", row)
	}
}

func failRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
