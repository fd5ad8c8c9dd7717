package client

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/flowc-dev/flowc/rt/internal/near"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Step is a handle on one step of a run.
type Step struct {
	run  *Run
	name string
}

// Name is the step's name.
func (s *Step) Name() string { return s.name }

// Path is "Flow/run/step".
func (s *Step) Path() string { return s.run.Path() + "/" + s.name }

func (s *Step) String() string { return s.Path() }

// Run is the run the step belongs to.
func (s *Step) Run() *Run { return s.run }

// Tasks returns the step's tasks sorted by task id (for a foreach body, that
// is split order when the scheduler minted ids in order).
func (s *Step) Tasks(ctx context.Context) ([]*Task, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.tasks()
}

// Task returns the step's only (or first) task. Errors, such as a step the
// run does not have, are kept in the task and returned by its methods (see
// Task.Err), so that run.Step("Start").Task(ctx).Stdout(ctx) reads in one line.
func (s *Step) Task(ctx context.Context) *Task {
	if err := ctx.Err(); err != nil {
		return s.brokenTask(err)
	}
	tasks, err := s.tasks()
	if err != nil {
		return s.brokenTask(err)
	}
	return tasks[0]
}

func (s *Step) brokenTask(err error) *Task {
	return &Task{c: s.run.c, path: store.TaskPath{Flow: s.run.rec.Flow, Run: s.run.rec.ID, Step: s.name}, err: err}
}

func (s *Step) tasks() ([]*Task, error) {
	if err := store.ValidID("step", s.name); err != nil {
		return nil, err
	}
	st := s.run.c.st
	ids, err := st.ListTasks(s.run.rec.Flow, s.run.rec.ID, s.name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if len(ids) == 0 {
		steps, _ := st.ListSteps(s.run.rec.Flow, s.run.rec.ID)
		if m := near.Match(s.name, steps); m != "" {
			return nil, notFound("%s has no step %q; did you mean %q? (step names are case-sensitive)", s.run.what(), s.name, m)
		}
		return nil, notFound("%s has no step %q", s.run.what(), s.name)
	}
	out := make([]*Task, len(ids))
	for i, id := range ids {
		t, err := loadTask(s.run.c, s.run, store.TaskPath{Flow: s.run.rec.Flow, Run: s.run.rec.ID, Step: s.name, Task: id})
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

// TasksIf lists the step's task ids, in the order Tasks returns them, and
// loads the tasks load says to (nil in tasks for the others): one listing,
// and one read per task loaded. A reader that keeps what it knows (the run
// browser's live view keeps the tasks that succeeded, whose commit never
// changes) reads only the rest. A step without tasks is an empty list.
func (s *Step) TasksIf(ctx context.Context, load func(id string) bool) (ids []string, tasks []*Task, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if err := store.ValidID("step", s.name); err != nil {
		return nil, nil, err
	}
	ids, err = s.run.c.st.ListTasks(s.run.rec.Flow, s.run.rec.ID, s.name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, nil, err
	}
	tasks = make([]*Task, len(ids))
	var want []int
	for i, id := range ids {
		if load(id) {
			want = append(want, i)
		}
	}
	// Each read is a round trip on S3 (tens of ms): a 1,000-task foreach
	// read one by one is most of a minute there, so they overlap.
	errs := make([]error, len(want))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(len(want), tasksReaders) {
		wg.Go(func() {
			for k := range next {
				i := want[k]
				tasks[i], errs[k] = loadTask(s.run.c, s.run, store.TaskPath{Flow: s.run.rec.Flow, Run: s.run.rec.ID, Step: s.name, Task: ids[i]})
			}
		})
	}
	for k := range want {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return ids, tasks, nil
}

// tasksReaders is how many task reads TasksIf has in flight.
const tasksReaders = 16

// TaskByID returns the step's task id (a running one too: then it has no
// committed attempt yet), or an error naming what is missing.
func (s *Step) TaskByID(ctx context.Context, id string) (*Task, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := store.ValidID("step", s.name); err != nil {
		return nil, err
	}
	if err := store.ValidID("task id", id); err != nil {
		return nil, err
	}
	ids, err := s.run.c.st.ListTasks(s.run.rec.Flow, s.run.rec.ID, s.name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if !slices.Contains(ids, id) {
		return nil, notFound("step %s has no task %q", s.Path(), id)
	}
	return loadTask(s.run.c, s.run, store.TaskPath{Flow: s.run.rec.Flow, Run: s.run.rec.ID, Step: s.name, Task: id})
}
