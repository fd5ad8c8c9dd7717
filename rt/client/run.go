package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/runstate"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

const endStep = "End"

// Run is one run of a flow, as its record stood when it was looked up.
type Run struct {
	c   *Client
	rec *store.Run

	tagsMu sync.Mutex
	tags   []string // user tags after AddTags/RemoveTags; nil: rec.Tags

	endOnce sync.Once
	end     *Task // the End task, nil when there is none
	endErr  error
}

// ID is the run id.
func (r *Run) ID() string { return r.rec.ID }

// Flow is the flow's name.
func (r *Run) Flow() string { return r.rec.Flow }

// Path is "Flow/run".
func (r *Run) Path() string { return r.rec.Flow + "/" + r.rec.ID }

func (r *Run) String() string { return r.Path() }

// Tags are the user tags.
func (r *Run) Tags() []string {
	r.tagsMu.Lock()
	defer r.tagsMu.Unlock()
	if r.tags != nil {
		return slices.Clone(r.tags)
	}
	return slices.Clone(r.rec.Tags)
}

// SysTags are the tags the runtime set (user:<name>, runtime:flowc-<version>, ...).
func (r *Run) SysTags() []string { return slices.Clone(r.rec.SysTags) }

// Namespace is the namespace the run was recorded in.
func (r *Run) Namespace() string { return r.rec.Namespace }

// User is who started the run.
func (r *Run) User() string { return r.rec.User }

// Params are the parameters as given on the command line, for display; the
// typed values are artifacts.
func (r *Run) Params() map[string]string {
	out := make(map[string]string, len(r.rec.Params))
	for k, v := range r.rec.Params {
		out[k] = v
	}
	return out
}

// Status is the run's status when it was looked up: StatusRunning,
// StatusSucceeded, StatusFailed, or StatusKilled for a run whose scheduler
// died before recording an outcome.
func (r *Run) Status() Status { return runstate.Of(r.rec) }

// SchedulerPID is the process id of the local scheduler that runs (or
// ran) the run, which Status checks to tell a killed run; 0 for a run a
// cloud scheduler started.
func (r *Run) SchedulerPID() int { return r.rec.PID }

// Started is when the run started.
func (r *Run) Started() time.Time { return r.rec.Started }

// FinishedAt is when the run finished; zero while it runs.
func (r *Run) FinishedAt() time.Time { return r.rec.Finished }

// killCause says how a killed run was told killed, for a killed task's
// message.
func (r *Run) killCause() string {
	switch {
	case r.rec.Status == string(StatusKilled):
		return "its run was stopped"
	case r.rec.PID > 0:
		return fmt.Sprintf("its run's scheduler (pid %d) is gone", r.rec.PID)
	case !r.rec.LastBeat.IsZero():
		return fmt.Sprintf("its run's heartbeats stopped at %s", r.rec.LastBeat.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	return "its run was killed"
}

// Finished reports whether the run is over: succeeded, failed or killed.
func (r *Run) Finished() bool { return r.Status().Finished() }

// Successful reports whether the run succeeded: its record says so and its
// End task committed successfully.
func (r *Run) Successful() bool {
	if r.Status() != StatusSucceeded {
		return false
	}
	ok, _ := r.endOK()
	return ok
}

// Origin is, for a resumed run, the id of the run it was resumed from.
func (r *Run) Origin() string { return r.rec.Origin }

func (r *Run) what() string { return fmt.Sprintf("run %s of flow %q", r.rec.ID, r.rec.Flow) }

// Steps returns the steps that have tasks in the run, in graph order: Start
// first, and every step after the steps it follows. Internal steps (the
// parameters task) are left out.
//
// The order is the one the scheduler reached the steps in, which it records
// in the task ids it mints (a step's tasks get ids only after its inputs
// finished): steps sort by their lowest task id. Steps whose ids are not
// integers (minted by a cloud scheduler) come last, by name.
func (r *Run) Steps(ctx context.Context) ([]*Step, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.c.st == nil {
		return nil, nil
	}
	names, err := r.c.st.ListSteps(r.rec.Flow, r.rec.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	type ordered struct {
		name  string
		first uint64
		num   bool
	}
	var steps []ordered
	for _, n := range names {
		if strings.HasPrefix(n, "_") {
			continue
		}
		ids, err := r.c.st.ListTasks(r.rec.Flow, r.rec.ID, n)
		if errors.Is(err, store.ErrNotFound) {
			continue // a step directory without tasks yet
		}
		if err != nil {
			return nil, err
		}
		o := ordered{name: n}
		o.first, err = strconv.ParseUint(ids[0], 10, 64) // ListTasks sorts numbers first
		o.num = err == nil
		steps = append(steps, o)
	}
	slices.SortStableFunc(steps, func(a, b ordered) int {
		switch {
		case a.num && b.num:
			return cmp.Or(cmp.Compare(a.first, b.first), strings.Compare(a.name, b.name))
		case a.num != b.num:
			if a.num {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]*Step, len(steps))
	for i, o := range steps {
		out[i] = r.Step(o.name)
	}
	return out, nil
}

// Step returns a handle on the step named name. A step the run does not have
// is reported by the handle's Tasks and Task.
func (r *Run) Step(name string) *Step { return &Step{run: r, name: name} }

// EndTask returns the run's End task, or an error naming what is missing.
func (r *Run) EndTask(ctx context.Context) (*Task, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := r.endOK(); err != nil {
		return nil, err
	}
	if r.end == nil {
		return nil, notFound("%s has no %q task (status %s); read the artifacts of a step that ran instead: run.Step(\"NAME\").Task(ctx)", r.what(), endStep, r.rec.Status)
	}
	return r.end, nil
}

// endOK loads the End task once and reports whether it committed OK.
func (r *Run) endOK() (bool, error) {
	r.endOnce.Do(func() {
		tasks, err := r.Step(endStep).tasks()
		if errors.Is(err, ErrNotFound) {
			return
		}
		if err != nil {
			r.endErr = err
			return
		}
		r.end = tasks[0]
	})
	if r.endErr != nil {
		return false, r.endErr
	}
	return r.end != nil && r.end.Successful(), nil
}

// Data decodes the artifact name of the run's End task into v; see
// Task.Data for how values are decoded.
func (r *Run) Data(ctx context.Context, name string, v any) error {
	t, err := r.EndTask(ctx)
	if err != nil {
		return err
	}
	return t.Data(ctx, name, v)
}

// ReadArtifact implements rt.ArtifactSource with the End task's artifacts,
// so generated Load<Flow>(ctx, run) functions accept a *Run. A run without
// an End task is an error rather than a silently empty flow value.
func (r *Run) ReadArtifact(ctx context.Context, name string, decode func(r *codec.Reader, size int64) error) (bool, error) {
	t, err := r.EndTask(ctx)
	if err != nil {
		return false, err
	}
	return t.ReadArtifact(ctx, name, decode)
}
