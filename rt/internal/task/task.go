// Package task runs one attempt of one task inside the child process that
// `<bin> step` starts: load the parents' artifacts, call the step, persist
// what it changed, and commit the attempt. The scheduler, local or in the
// cloud, only ever starts processes that run this.
package task

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Spec is what `step` was asked to do.
type Spec struct {
	Step       string
	Run        string
	Task       string
	InputPaths string
	SplitIndex int // -1 when not given
	Attempt    int
	Quiet      bool
	Tags       []string
}

// ErrFailed is returned when the attempt ran and committed as failed; the
// failure is already in the task's log.
var ErrFailed = fmt.Errorf("task failed")

// task is one attempt in progress.
type task struct {
	def     *rt.FlowDef
	io      *artifact.IO
	st      *store.Store
	md      metadata.Provider
	spec    Spec
	step    *rt.Step
	stepDef *rt.StepDef
	path    store.TaskPath
	run     *store.Run
	started time.Time
	data    *store.TaskData // what persist wrote, for the metadata record

	parents []parent
}

type parent struct {
	ref  ipath.Ref
	done *store.Done
	data *store.TaskData
}

// Run runs the attempt. Bad input (ids, unknown step, input paths) is
// returned before anything is written. Once the attempt has started, every
// failure is committed as a failed attempt and reported as ErrFailed. The
// attempt is recorded in md too, its end before its commit marker: an
// attempt md did not record is never committed.
func Run(ctx context.Context, def *rt.FlowDef, st *store.Store, md metadata.Provider, sp Spec) error {
	t := &task{def: def, st: st, md: md, spec: sp, io: artifact.New(st, def), started: time.Now()}
	if err := t.validate(); err != nil {
		return err
	}
	if done, err := t.checkRun(ctx); err != nil || done {
		return err
	}
	if err := t.storeGraph(); err != nil {
		return err
	}
	// The run's namespace is the default one of a client inside the step
	// (DESIGN §7), whatever the environment that started this process.
	os.Setenv("FLOWC_NAMESPACE", t.run.Namespace)
	files, err := t.createLogs()
	if err != nil {
		return err
	}
	tee, err := startLogs(files, sp.Run+"/"+sp.Step+"/"+sp.Task, sp.Quiet)
	if err != nil {
		return fmt.Errorf("capturing the task's output: %w", err)
	}
	if err := md.StartAttempt(ctx, t.path, t.attemptRecord(), nil); err != nil {
		tee.stop()
		return fmt.Errorf("recording attempt %d of task %s: %w", sp.Attempt, t.path, err)
	}
	// The task heartbeats while it runs: a task, and a run driven by a
	// cloud scheduler, whose process is gone is reported killed.
	stopBeat := metadata.BeatTask(ctx, md, t.path)
	done := t.execute(ctx)
	stopBeat()
	if !done.OK {
		fmt.Fprintf(os.Stderr, "%s\n", done.Error)
		if done.Failure != nil && done.Failure.Stack != "" {
			fmt.Fprintf(os.Stderr, "%s\n", strings.TrimRight(done.Failure.Stack, "\n"))
		}
	}
	// The logs are complete before the commit marker, so a done task's
	// logs are final.
	tee.stop()
	done.Finished = time.Now()
	if err := md.FinishAttempt(ctx, t.path, done, t.data, t.logLocations()); err != nil {
		return fmt.Errorf("recording the end of attempt %d of task %s: %w; the attempt is not committed", sp.Attempt, t.path, err)
	}
	if err := st.FinishAttempt(t.path, done); err != nil {
		return err
	}
	if !done.OK {
		return ErrFailed
	}
	return nil
}

func (t *task) validate() error {
	sp := t.spec
	if err := store.ValidID("run id", sp.Run); err != nil {
		return err
	}
	if err := store.ValidID("task id", sp.Task); err != nil {
		return err
	}
	if sp.Attempt < 0 {
		return fmt.Errorf("--retry-count %d is negative", sp.Attempt)
	}
	for i := range t.def.Graph.Steps {
		if t.def.Graph.Steps[i].Name == sp.Step {
			t.step = t.def.Graph.Steps[i]
			t.stepDef = &t.def.Steps[i]
		}
	}
	if t.step == nil {
		var names []string
		for _, s := range t.def.Graph.Steps {
			names = append(names, s.Name)
		}
		return fmt.Errorf("flow %s has no step %q; its steps are %s", t.def.Graph.Flow, sp.Step, strings.Join(names, ", "))
	}
	refs, err := ipath.Parse(sp.InputPaths)
	if err != nil {
		return err
	}
	if !t.step.Join && len(refs) != 1 {
		return fmt.Errorf("step %q takes one input, got %d in --input-paths", sp.Step, len(refs))
	}
	if t.step.IsForeachBody && sp.SplitIndex < 0 {
		return fmt.Errorf("step %q is a foreach body; give --split-index", sp.Step)
	}
	for _, r := range refs {
		t.parents = append(t.parents, parent{ref: r})
	}
	t.path = store.TaskPath{Flow: t.def.Graph.Flow, Run: sp.Run, Step: sp.Step, Task: sp.Task}
	return nil
}

// checkRun makes `step` safe to repeat, as cloud schedulers do when they
// retry or deliver twice: the run must exist (a task never creates one),
// a task that already succeeded is left alone (done is true, nothing is
// written), and a committed attempt is never rewritten.
func (t *task) checkRun(ctx context.Context) (done bool, err error) {
	sp := t.spec
	r, err := t.md.RunStart(ctx, t.def.Graph.Flow, sp.Run) // what a task needs never changes
	if errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("run %q of flow %s not found; a task runs in a run that `run` or `resume` recorded", sp.Run, t.def.Graph.Flow)
	}
	if err != nil {
		return false, err
	}
	t.run = r
	d, err := t.st.LatestDoneOfNew(t.path)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	where := sp.Run + "/" + sp.Step + "/" + sp.Task
	if d.OK {
		os.Stderr.Write(console.Line(where, 0, fmt.Sprintf("already succeeded (attempt %d); nothing to do", d.Attempt)))
		return true, nil
	}
	if sp.Attempt <= d.Attempt {
		return false, fmt.Errorf("attempt %d of task %s is already committed (attempt %d failed); give --retry-count %d to run it again", sp.Attempt, where, d.Attempt, d.Attempt+1)
	}
	return false, nil
}

func (t *task) createLogs() ([2]io.WriteCloser, error) {
	var files [2]io.WriteCloser
	for i, stream := range []string{"stdout", "stderr"} {
		w, err := t.st.CreateLog(t.path, t.spec.Attempt, stream)
		if err != nil {
			if i == 1 {
				files[0].Close()
			}
			return files, err
		}
		files[i] = w
	}
	return files, nil
}

// lastAttempt reports whether a failure of this attempt is final.
func (t *task) lastAttempt() bool {
	times := 0
	if t.step.Retry != nil {
		times = t.step.Retry.Times
	}
	return t.spec.Attempt >= times
}

// info is what rt.Current returns inside the step.
func (t *task) info(stack []store.ForeachFrame) rt.Info {
	in := rt.Info{
		Flow: t.def.Graph.Flow, RunID: t.spec.Run, Step: t.spec.Step, TaskID: t.spec.Task,
		RetryCount: t.spec.Attempt, ForeachIndex: -1, Tags: t.spec.Tags,
	}
	for _, fr := range stack {
		in.ForeachStack = append(in.ForeachStack, fr.Index)
	}
	if n := len(stack); n > 0 {
		in.ForeachIndex = stack[n-1].Index
	}
	if r := t.run; r != nil {
		in.User, in.Namespace = r.User, r.Namespace
		if in.Tags == nil {
			in.Tags = slices.Clone(r.Tags)
		}
	} else {
		in.User = ns.User()
		in.Namespace = ns.DefaultNamespace(in.User)
	}
	return in
}

// logLocations says where the attempt's logs are in the datastore, for the
// metadata record.
func (t *task) logLocations() []metadata.LogLocation {
	base := t.st.Root() + "/" + t.path.Flow + "/" + t.path.Run + "/" + t.path.Step + "/" + t.path.Task + "/" + strconv.Itoa(t.spec.Attempt)
	return []metadata.LogLocation{{Stream: "stdout", Location: base + ".stdout"}, {Stream: "stderr", Location: base + ".stderr"}}
}
