package cli

import (
	"errors"
	"fmt"
	"strings"

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

// tasks resolves t (with a step) to task paths, checking each part exists.
func (e *Env) tasks(st *store.Store, t target) ([]store.TaskPath, error) {
	flow := e.Def.Graph.Flow
	if _, err := e.run(st, t.run); err != nil {
		return nil, err
	}
	if e.Def.Graph.Step(t.step) == nil && t.step != sched.ParamsStep {
		return nil, e.unknownStep(t.step)
	}
	ids, err := st.ListTasks(flow, t.run, t.step)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("step %q has no tasks in run %s", t.step, t.run)
	}
	if t.task != "" {
		found := false
		for _, id := range ids {
			found = found || id == t.task
		}
		if !found {
			return nil, fmt.Errorf("task %q not found in %s/%s", t.task, t.run, t.step)
		}
		ids = []string{t.task}
	}
	out := make([]store.TaskPath, len(ids))
	for i, id := range ids {
		out[i] = store.TaskPath{Flow: flow, Run: t.run, Step: t.step, Task: id}
	}
	return out, nil
}
