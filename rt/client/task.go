package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Task is one task of a step: its latest committed attempt, artifacts, logs
// and lineage. A Task returned by Step.Task may carry a lookup error; every
// method that returns an error returns it, and Err reports it.
type Task struct {
	c    *Client
	path store.TaskPath
	err  error
	done *store.Done // latest committed attempt; nil while the task runs or after a crash
	// run is the run t was looked up through, whose liveness is the
	// task's (Killed); nil for a task of another run (a clone's origin).
	run *Run

	mu   sync.Mutex
	data *store.TaskData
}

// loadTask reads the task's latest commit marker.
func loadTask(c *Client, run *Run, p store.TaskPath) (*Task, error) {
	t := &Task{c: c, run: run, path: p}
	d, err := c.st.LatestDone(p)
	switch {
	case err == nil:
		t.done = d
	case errors.Is(err, store.ErrNotFound):
		// Not committed yet: running, or its process died.
	default:
		return nil, err
	}
	return t, nil
}

// Err is the error of the lookup that produced t, nil for a real task.
func (t *Task) Err() error { return t.err }

// ID is the task id.
func (t *Task) ID() string { return t.path.Task }

// Step is the task's step name.
func (t *Task) Step() string { return t.path.Step }

// RunID is the id of the task's run.
func (t *Task) RunID() string { return t.path.Run }

// Flow is the flow's name.
func (t *Task) Flow() string { return t.path.Flow }

// Path is "Flow/run/step/task".
func (t *Task) Path() string {
	return t.path.Flow + "/" + t.path.Run + "/" + t.path.Step + "/" + t.path.Task
}

func (t *Task) String() string { return t.Path() }

// Finished reports whether an attempt of the task committed.
func (t *Task) Finished() bool { return t.err == nil && t.done != nil }

// Successful reports whether the latest committed attempt succeeded. A step
// whose failure was caught by //flow:catch succeeded.
func (t *Task) Successful() bool { return t.Finished() && t.done.OK }

// Killed reports whether an attempt of the task was running when its run
// was killed, so that it never finishes: the run's scheduler died (a
// local run: the PID rule of Run.Status), or, for a run a cloud engine
// drives, its tasks' heartbeats stopped. The liveness is the run's, as
// the heartbeats are: a task whose pod died while another task of its run
// still beats reads as running until the run's heartbeats stop too. A
// task whose last attempt committed (succeeded, or failed for good) was
// not killed.
func (t *Task) Killed() bool {
	_, ok := t.killed()
	return ok
}

// KillCause says, for a killed task, which attempt was killed and how its
// run's death was told, as one phrase ("attempt 0 never finished: its
// run's heartbeats stopped at 14:52:01 UTC"); "" for a task that was not
// killed.
func (t *Task) KillCause() string {
	a, ok := t.killed()
	if !ok {
		return ""
	}
	return fmt.Sprintf("attempt %d never finished: %s", a, t.run.killCause())
}

// killed is the attempt that was running when the task's run was killed.
func (t *Task) killed() (attempt int, ok bool) {
	if t.err != nil || t.run == nil || t.Successful() || t.run.Status() != StatusKilled {
		return 0, false
	}
	have, err := t.c.st.ListAttempts(t.path)
	if err != nil || len(have) == 0 {
		// Listed as a task but no attempt file yet: it died starting.
		return 0, t.done == nil
	}
	last := have[len(have)-1]
	if t.done != nil && t.done.Attempt >= last {
		return 0, false // its last attempt failed and committed that
	}
	return last, true
}

// Attempt is the number of the latest committed attempt (0 for the first).
func (t *Task) Attempt() int {
	if t.done == nil {
		return 0
	}
	return t.done.Attempt
}

// Started is when the latest committed attempt started.
func (t *Task) Started() time.Time {
	if t.done == nil {
		return time.Time{}
	}
	return t.done.Started
}

// FinishedAt is when the latest committed attempt finished; zero if none did.
func (t *Task) FinishedAt() time.Time {
	if t.done == nil {
		return time.Time{}
	}
	return t.done.Finished
}

// Failure describes why the latest attempt failed; nil unless it did.
func (t *Task) Failure() *rt.Failure {
	if t.done == nil || t.done.OK {
		return nil
	}
	if t.done.Failure != nil {
		f := *t.done.Failure
		return &f
	}
	msg := t.done.Error
	if t.done.Timeout && msg == "" {
		msg = "timed out"
	}
	return &rt.Failure{Type: "error", Message: msg}
}

// Origin is, for a task cloned by resume, the path ("Flow/run/step/task") of
// the task it was cloned from; "" otherwise.
func (t *Task) Origin() string {
	if t.done == nil || t.done.Origin == "" {
		return ""
	}
	return t.path.Flow + "/" + t.done.Origin
}

// OriginTask returns the task t was cloned from, or nil when t is no clone.
func (t *Task) OriginTask(ctx context.Context) (*Task, error) {
	if err := t.usable(ctx); err != nil {
		return nil, err
	}
	if t.done == nil || t.done.Origin == "" {
		return nil, nil
	}
	return t.relative(t.done.Origin)
}

// ParentTasks returns the tasks whose outputs were t's inputs, in input
// order. The parameters pseudo-task of Start is not a parent.
func (t *Task) ParentTasks(ctx context.Context) ([]*Task, error) {
	d, err := t.taskData(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Task
	for _, p := range d.Parents {
		pt, err := t.relative(p)
		if err != nil {
			return nil, err
		}
		if pt == nil {
			continue
		}
		out = append(out, pt)
	}
	return out, nil
}

// ForeachIndex returns the task's indices in its enclosing foreaches,
// outermost first; empty outside any foreach.
func (t *Task) ForeachIndex(ctx context.Context) ([]int, error) {
	d, err := t.taskData(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(d.ForeachStack))
	for i, f := range d.ForeachStack {
		out[i] = f.Index
	}
	return out, nil
}

// relative loads a task named "run/step/task" of t's flow; nil for internal
// pseudo-steps.
func (t *Task) relative(runStepTask string) (*Task, error) {
	r, err := ipath.ParseRef(runStepTask)
	if err != nil {
		return nil, fmt.Errorf("task %s: malformed task reference in its records (%v); the datastore is damaged", t.Path(), err)
	}
	if strings.HasPrefix(r.Step, "_") {
		return nil, nil
	}
	var run *Run
	if r.Run == t.path.Run {
		run = t.run
	}
	return loadTask(t.c, run, store.TaskPath{Flow: t.path.Flow, Run: r.Run, Step: r.Step, Task: r.Task})
}

// Artifacts returns the names of the task's artifacts, sorted.
func (t *Task) Artifacts(ctx context.Context) ([]string, error) {
	d, err := t.taskData(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(d.Artifacts))
	for n := range d.Artifacts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// Stdout returns the standard output of the latest attempt.
func (t *Task) Stdout(ctx context.Context) (string, error) { return t.log(ctx, "stdout") }

// Stderr returns the standard error of the latest attempt.
func (t *Task) Stderr(ctx context.Context) (string, error) { return t.log(ctx, "stderr") }

func (t *Task) log(ctx context.Context, stream string) (string, error) {
	if err := t.usable(ctx); err != nil {
		return "", err
	}
	s, err := readLog(t.c.st, t.path, t.Attempt(), stream)
	if err != nil || s != "" || t.done == nil || t.done.Origin == "" {
		return s, err
	}
	// A clone whose logs were not copied shows its origin's.
	o, err := t.relative(t.done.Origin)
	if err != nil || o == nil {
		return "", err
	}
	return readLog(t.c.st, o.path, o.Attempt(), stream)
}

func readLog(st *store.Store, p store.TaskPath, attempt int, stream string) (string, error) {
	rc, err := st.OpenLog(p, attempt, stream)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

func (t *Task) usable(ctx context.Context) error {
	if t.err != nil {
		return t.err
	}
	return ctx.Err()
}

// taskData reads the data.json of the latest committed attempt, once.
func (t *Task) taskData(ctx context.Context) (*store.TaskData, error) {
	if err := t.usable(ctx); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.data != nil {
		return t.data, nil
	}
	if why := t.KillCause(); why != "" && t.done == nil {
		return nil, fmt.Errorf("task %s was killed (%s); resume its run to finish it", t.Path(), why)
	}
	if t.done == nil {
		return nil, fmt.Errorf("task %s has not finished (no committed attempt); wait for it, or resume its run if it crashed", t.Path())
	}
	d, err := t.c.st.ReadTaskData(t.path, t.done.Attempt)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("task %s (attempt %d) has no artifacts recorded", t.Path(), t.done.Attempt)
	}
	if err != nil {
		return nil, err
	}
	t.data = d
	return d, nil
}

// Attempts returns the numbers of the attempts the task has, committed or
// not (a running or crashed attempt too), ascending. A clone has the one
// attempt it was cloned as.
func (t *Task) Attempts(ctx context.Context) ([]int, error) {
	if err := t.usable(ctx); err != nil {
		return nil, err
	}
	return t.c.st.ListAttempts(t.path)
}

// Log opens the stream ("stdout" or "stderr") of one attempt; attempt < 0
// means the latest committed one (or 0 while the first runs), or, for a
// killed task, the attempt that was killed: its output up to the kill. An attempt
// the task does not have is an error naming the ones it has. A clone's logs
// are its origin's.
func (t *Task) Log(ctx context.Context, stream string, attempt int) (io.ReadCloser, error) {
	if err := t.usable(ctx); err != nil {
		return nil, err
	}
	if attempt < 0 {
		attempt = t.Attempt()
		if a, ok := t.killed(); ok {
			attempt = a
		}
	} else {
		have, err := t.c.st.ListAttempts(t.path)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(have, attempt) {
			return nil, notFound("task %s has no attempt %d; %s", t.path.Run+"/"+t.path.Step+"/"+t.path.Task, attempt, attemptsText(have))
		}
	}
	if t.done != nil && t.done.Origin != "" && attempt == t.done.Attempt {
		if o, err := t.relative(t.done.Origin); err == nil && o != nil {
			return t.c.st.OpenLog(o.path, o.Attempt(), stream)
		}
	}
	return t.c.st.OpenLog(t.path, attempt, stream)
}

func attemptsText(have []int) string {
	switch len(have) {
	case 0:
		return "it has not started any"
	case 1:
		return fmt.Sprintf("its only attempt is %d", have[0])
	}
	s := make([]string, len(have))
	for i, a := range have {
		s[i] = strconv.Itoa(a)
	}
	return "its attempts are " + strings.Join(s, ", ")
}
