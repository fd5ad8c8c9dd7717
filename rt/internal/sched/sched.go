// Package sched is the local scheduler: it walks the graph, starting each
// task (through an Executor, by default a child process of the same
// binary) once its inputs are done, as many at once as allowed.
//
// Memory stays flat in the width of a foreach: the bodies of a foreach are
// one queue entry that yields tasks on demand, and a join keeps only the
// (step, id) of each branch's last task.
package sched

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// TaskSpec is one attempt of one task.
type TaskSpec struct {
	Step       string
	TaskID     string
	InputPaths string // compact form, see package ipath
	SplitIndex int    // index into the parent foreach; -1 unless a foreach body (only a foreach's expansion in pop sets one)
	Attempt    int
	TimeoutS   int
	// ForeachStack is the task's position: its index in each enclosing
	// foreach, outermost first. With Step (and the loop count of a switch
	// that loops) it names the same task across runs, which is what a
	// resume needs to find the task to clone.
	ForeachStack []int
	// Env is the step's //flow:env, KEY=VALUE.
	Env []string
}

// Executor runs one attempt and returns its commit marker. A resume wraps
// the process executor: for a task it can clone from the origin run it
// copies the task (store.CloneTask) and returns the cloned marker without
// starting anything; the scheduler goes on from it as from a task it ran.
// An error means the attempt could not run or commit; it fails the task.
type Executor interface {
	Execute(ctx context.Context, spec *TaskSpec) (*store.Done, error)
}

// Options tune a run.
type Options struct {
	MaxWorkers   int
	MaxNumSplits int
	Console      io.Writer // progress and failure lines; nil for none
}

// Scheduler runs the tasks of one run.
type Scheduler struct {
	Graph *rt.Graph
	RunID string
	Exec  Executor
	Opts  Options

	nextID   int
	queue    []*entry
	running  int
	failure  error
	progress map[string]*progress
	stop     chan struct{} // closed when the run fails: no retries start
}

// ref is a finished task of this run.
type ref struct {
	step string
	id   int
}

// frame is an open split or foreach, waiting for its join.
type frame struct {
	parent       *frame
	parentBranch int
	opener       *rt.Step
	ends         []ipath.StepTask
	remaining    int
}

// node is a task to start (or restart).
type node struct {
	step       *rt.Step
	parent     ref    // the input of a non-join
	join       *frame // the split a join closes; its ends are the inputs
	splitIndex int
	frame      *frame // innermost open split containing the task
	branch     int    // index of the task's branch in frame
	stack      []int  // foreach indices, outermost first
	id         int
}

// entry is one queue slot: a node, or the bodies of a foreach still to
// start, produced one at a time.
type entry struct {
	n *node
	// foreach expansion
	fe     *frame
	body   *rt.Step
	parent ref
	stack  []int
	next   int
}

type result struct {
	n    *node
	done *store.Done
	err  error
}

// ParamsStep is the pseudo-step whose task 0 holds a run's parameters; it
// is Start's input.
const ParamsStep = taskspec.ParamsStep

// Run schedules the flow from Start. It returns when no task runs any
// more: nil when End finished, else the first failure.
func (s *Scheduler) Run(ctx context.Context) error {
	startInput := ref{step: ParamsStep, id: 0}
	start := s.Graph.Step("Start")
	if start == nil {
		return fmt.Errorf("flow %s has no Start step", s.Graph.Flow)
	}
	if err := checkRunDepth(); err != nil {
		return err
	}
	if s.Opts.MaxWorkers < 1 {
		return fmt.Errorf("--max-workers %d is below 1; give at least 1", s.Opts.MaxWorkers)
	}
	s.progress = make(map[string]*progress)
	s.stop = make(chan struct{})
	s.push(&entry{n: &node{step: start, parent: startInput, splitIndex: -1}})
	results := make(chan result, s.Opts.MaxWorkers)
	ended := false
	for {
		for s.failure == nil && s.running < s.Opts.MaxWorkers && len(s.queue) > 0 && ctx.Err() == nil {
			n := s.pop()
			s.launch(ctx, n, results)
		}
		if s.running == 0 && (len(s.queue) == 0 || s.failure != nil || ctx.Err() != nil) {
			break
		}
		select {
		case r := <-results:
			s.running--
			if r.n.step.Kind == rt.KindEnd && r.err == nil && r.done.OK {
				ended = true
			}
			s.handle(r)
		case <-ctx.Done():
			s.fail(interrupted(ctx))
			if s.running > 0 {
				s.printf("%s", console.Line(s.Graph.Flow+"/"+s.RunID, 0, fmt.Sprintf("interrupted: stopping %s; interrupt again to kill %s at once",
					plural(s.running, "running task"), them(s.running))))
			}
			// Keep waiting for the running tasks to finish.
			ctx = context.WithoutCancel(ctx)
		}
	}
	// The loop also ends on a cancelled context without taking the
	// ctx.Done case: when a result and the cancellation arrive together
	// and select takes the result, the loop above starts nothing more
	// and breaks. That run was interrupted, not stuck.
	if s.failure == nil && !ended && ctx.Err() != nil {
		s.fail(interrupted(ctx))
	}
	if s.failure != nil {
		return s.failure
	}
	if !ended {
		return fmt.Errorf("the run stopped before End; no task was left to run")
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func (s *Scheduler) push(e *entry) { s.queue = append(s.queue, e) }

// pop takes the next node, expanding a foreach entry one body at a time.
func (s *Scheduler) pop() *node {
	e := s.queue[0]
	if e.n != nil {
		s.queue[0] = nil
		s.queue = s.queue[1:]
		return e.n
	}
	i := e.next
	e.next++
	if e.next == len(e.fe.ends) {
		s.queue[0] = nil
		s.queue = s.queue[1:]
	}
	stack := append(append(make([]int, 0, len(e.stack)+1), e.stack...), i)
	return &node{step: e.body, parent: e.parent, splitIndex: i, frame: e.fe, branch: i, stack: stack}
}

func (s *Scheduler) fail(err error) {
	if s.failure == nil {
		s.failure = err
		close(s.stop)
	}
}

func (s *Scheduler) printf(format string, args ...any) {
	if s.Opts.Console != nil {
		fmt.Fprintf(s.Opts.Console, format, args...)
	}
}

// launch assigns the task its id and runs it, with its retries, in a
// goroutine.
func (s *Scheduler) launch(ctx context.Context, n *node, results chan<- result) {
	s.nextID++
	n.id = s.nextID
	spec := &TaskSpec{
		Step: n.step.Name, TaskID: fmt.Sprint(n.id), SplitIndex: n.splitIndex,
		TimeoutS: n.step.TimeoutS, ForeachStack: n.stack,
	}
	if n.join != nil {
		spec.InputPaths = ipath.Format(s.RunID, n.join.ends)
		n.join.ends = nil // the join node no longer needs them
	} else {
		spec.InputPaths = fmt.Sprintf("%s/%s/%d", s.RunID, n.parent.step, n.parent.id)
	}
	for _, kv := range n.step.Env {
		spec.Env = append(spec.Env, kv.Key+"="+kv.Value)
	}
	s.running++
	go func() {
		d, err := s.attempts(ctx, spec, n.step.Retry)
		results <- result{n: n, done: d, err: err}
	}()
}

// attempts runs spec until it succeeds or its retries are used up.
func (s *Scheduler) attempts(ctx context.Context, spec *TaskSpec, retry *rt.Retry) (*store.Done, error) {
	for {
		d, err := s.Exec.Execute(ctx, spec)
		if err == nil && d.OK {
			return d, nil
		}
		if retry == nil || spec.Attempt >= retry.Times || s.stopping(ctx) {
			// An interrupted run retries nothing: the attempt failed
			// because it was told to stop.
			return d, err
		}
		wait := retry.LocalWait()
		s.printf("%s", lineFor(s.RunID, spec, fmt.Sprintf("attempt %d failed; retrying in %s (//flow:retry)", spec.Attempt, wait)))
		select {
		case <-time.After(wait):
		case <-s.stop:
			return d, err
		case <-ctx.Done():
			return d, err
		}
		spec.Attempt++
	}
}

// stopping says whether the run is ending: it failed (s.stop) or was
// interrupted (ctx). A failed attempt then is not retried.
func (s *Scheduler) stopping(ctx context.Context) bool {
	select {
	case <-s.stop:
		return true
	default:
		return ctx.Err() != nil
	}
}
