package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Issue 7 items 11 and 18, through the flow binary: what a Metaflow user
// expects of logs, runs, tags, step names, panics and --quiet.

// TestHardenClientLogsAttempt: an attempt a task does not have is a
// one-line error naming the ones it has (it printed nothing and exited 0).
func TestHardenClientLogsAttempt(t *testing.T) {
	b := hcExample(t, "flaky")
	id := b.okRun()
	b.fails([]string{"logs", id + "/Start", "--attempt", "99"}, "has no attempt 99", "its only attempt is 0")
	b.fails([]string{"logs", id + "/Unstable", "--attempt", "7"}, "has no attempt 7", "its attempts are 0, 1")
	// Of several tasks, those that have the attempt are shown; none is an error.
	b.fails([]string{"logs", id + "/Square", "--attempt", "3"}, `no task of step "Square"`, "attempt 3")
	if out := b.ok("logs", id+"/Unstable", "--attempt", "1").stdout; !strings.Contains(out, "succeeded on attempt 1") {
		t.Errorf("logs --attempt 1 = %q; want the retry's output", out)
	}
	if out := b.ok("logs", id+"/Unstable", "--attempt", "0", "--stderr").stdout; !strings.Contains(out, "not ready yet") {
		t.Errorf("logs --attempt 0 --stderr = %q; want the failed attempt's error", out)
	}
}

// TestHardenClientRunsTag: runs --tag filters by user and system tags.
func TestHardenClientRunsTag(t *testing.T) {
	b := hcExample(t, "linear")
	plain := b.okRun()
	tagged := b.okRun("--tag", "nightly", "--tag", "v2")
	if got := b.runsIDs("--tag", "nightly"); !slices.Equal(got, []string{tagged}) {
		t.Errorf("runs --tag nightly = %v; want [%s]", got, tagged)
	}
	if got := b.runsIDs("--tag", "nightly", "--tag", "v2"); !slices.Equal(got, []string{tagged}) {
		t.Errorf("runs --tag nightly --tag v2 = %v; want [%s] (every tag must match)", got, tagged)
	}
	if got := b.runsIDs("--tag", "nightly", "--tag", "nope"); len(got) != 0 {
		t.Errorf("runs --tag nightly --tag nope = %v; want none", got)
	}
	if got := b.runsIDs("--tag", "user:alice"); !slices.Equal(got, []string{tagged, plain}) {
		t.Errorf("runs --tag user:alice = %v; want both runs, newest first (a system tag)", got)
	}
	// A tag is at most 500 bytes (Metaflow's MAX_TAG_SIZE), refused in one
	// short line before anything is recorded.
	long := strings.Repeat("x", 501)
	for _, args := range [][]string{{"run", "--tag", long}, {"tag", "add", plain, long}} {
		line := b.fails(args, "is 501 bytes long; a tag is at most 500")
		if len(line) > 300 {
			t.Errorf("%s: the error echoes the tag whole (%d bytes)", args[0], len(line))
		}
	}
	if got := b.runsIDs(); len(got) != 2 {
		t.Errorf("runs after refused tags = %v; want the 2 runs only", got)
	}
	b.ok("tag", "add", plain, strings.Repeat("y", 500))
}

// TestHardenClientStepHint: a step name off by case or a typo is answered
// with the step meant, in every command that takes one.
func TestHardenClientStepHint(t *testing.T) {
	b := hcExample(t, "flaky")
	id := b.okRun()
	b.fails([]string{"logs", id + "/start"}, `no step "start"`, `did you mean "Start"?`)
	b.fails([]string{"dump", id + "/end"}, `no step "end"`, `did you mean "End"?`)
	b.fails([]string{"dump", id + "/Sqaure"}, `did you mean "Square"?`)
	b.fails([]string{"resume", "join"}, `did you mean "Join"?`)
	line := b.fails([]string{"logs", id + "/Nothing"}, `no step "Nothing"`, "its steps are Start, Unstable")
	if strings.Contains(line, "did you mean") {
		t.Errorf("a name close to no step suggested one: %s", line)
	}
}

// TestHardenClientPanicStack: a panic's stack shows the step, not the
// runtime, kong and reflect frames under it.
func TestHardenClientPanicStack(t *testing.T) {
	b := hcExample(t, "flaky")
	id := b.okRun()
	var failure struct{ Stack string }
	found := false
	for _, task := range b.tasks("FlakyFlow", id, "Square") {
		var v struct{ SquareFailed *struct{ Stack string } }
		b.dump(id+"/Square/"+task, &v)
		if v.SquareFailed != nil {
			failure, found = *v.SquareFailed, true
		}
	}
	if !found {
		t.Fatalf("no Square task caught the panic")
	}
	// The stack is the one an uncaught panic prints to the task's stderr.
	for what, stack := range map[string]string{"the caught failure": failure.Stack} {
		if !strings.Contains(stack, "main.(*FlakyFlow).Square") {
			t.Errorf("%s: the stack lost the step's frame:\n%s", what, stack)
		}
		for _, noise := range []string{"runtime/debug.Stack", "runtime.gopanic", "panic({", "reflect.", "alecthomas/kong", "runtime.main", "rt/internal/cli"} {
			if strings.Contains(stack, noise) {
				t.Errorf("%s: the stack still has %q frames:\n%s", what, noise, stack)
			}
		}
	}
}

// TestHardenClientQuiet: --quiet hides the tasks' output and progress, but
// a run still ends with its one-line outcome.
func TestHardenClientQuiet(t *testing.T) {
	b := hcExample(t, "flaky")
	id, r := b.runFlow(nil, "--quiet")
	if r.code != 0 {
		t.Fatalf("run --quiet: %s", r)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(lines[0], "[FlakyFlow/"+id+"] done") || r.stderr != "" {
		t.Errorf("run --quiet: want only the final status line on stdout, got %s", r)
	}
	// A failure's outcome is its error line, on stderr; nothing else.
	id, r = b.runFlow([]string{"FLAKY_FAIL_END=1"}, "--quiet")
	if r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "run "+id+" failed") {
		t.Errorf("failing run --quiet: want one error line on stderr and nothing on stdout, got %s", r)
	}
	r = b.ok("resume", "--quiet")
	if lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], "] done") {
		t.Errorf("resume --quiet: want only the final status line, got %s", r)
	}
	// Without --quiet the same line ends the output.
	r = b.ok("run")
	if !strings.HasSuffix(strings.TrimSpace(r.stdout), "] done") || !strings.Contains(r.stdout, "succeeded on attempt 1") {
		t.Errorf("run: want the tasks' output and the final status line, got %s", r)
	}
}

// hcJSON decodes a program's JSON output.
func hcJSON(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
