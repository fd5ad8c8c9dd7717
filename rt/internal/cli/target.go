package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// target is a RUN[/STEP[/TASK]] argument.
type target struct{ run, step, task string }

func parseTarget(s string, needStep bool) (target, error) {
	form := "RUN[/STEP[/TASK]]"
	if needStep {
		form = "RUN/STEP[/TASK]"
	}
	parts := strings.Split(s, "/")
	if len(parts) > 3 || needStep && len(parts) < 2 || strings.HasPrefix(s, "/") {
		return target{}, fmt.Errorf("%s is not %s; a run id is an integer, e.g. 12/Start", quote(s), form)
	}
	var t target
	t.run = parts[0]
	if err := store.ValidID("run id", t.run); err != nil {
		return t, err
	}
	if len(parts) > 1 {
		t.step = parts[1]
		if err := store.ValidID("step", t.step); err != nil {
			return t, err
		}
	}
	if len(parts) > 2 {
		t.task = parts[2]
		if err := store.ValidID("task id", t.task); err != nil {
			return t, err
		}
	}
	return t, nil
}

// clientTasks resolves t (with a step) in run r to its tasks through
// rt/client, checking each part exists, naming what is missing.
func (e *Env) clientTasks(r *client.Run, t target) ([]*client.Task, error) {
	if e.Def.Graph.Step(t.step) == nil && t.step != sched.ParamsStep {
		return nil, e.unknownStep(t.step)
	}
	tasks, err := r.Step(t.step).Tasks(e.Ctx)
	if errors.Is(err, client.ErrNotFound) {
		return nil, fmt.Errorf("step %q has no tasks in run %s", t.step, t.run)
	}
	if err != nil {
		return nil, err
	}
	if t.task != "" {
		i := slices.IndexFunc(tasks, func(x *client.Task) bool { return x.ID() == t.task })
		if i < 0 {
			return nil, fmt.Errorf("task %q not found in %s/%s", t.task, t.run, t.step)
		}
		tasks = tasks[i : i+1]
	}
	return tasks, nil
}
