package resume

import (
	"fmt"
	"slices"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// CloneInto copies the planned tasks into run newRun of the same flow with
// store.CloneTask (records only; blobs are shared and logs stay with the
// origin). assignTaskID mints the new task id of a clone of step; it is
// called once per clone, in plan order, from this goroutine. On return each
// Clone's Task holds its new id, which the scheduler uses to treat it as a
// done task.
func (p *Plan) CloneInto(st *store.Store, newRun string, assignTaskID func(step string) string) error {
	if err := store.ValidID("run id", newRun); err != nil {
		return err
	}
	if newRun == p.Origin {
		return fmt.Errorf("cannot clone run %s into itself; resume into a new run", p.Origin)
	}
	for i := range p.Clones {
		c := &p.Clones[i]
		c.Task = assignTaskID(c.Step)
		if err := store.ValidID("task id", c.Task); err != nil {
			return err
		}
	}
	errs := make([]error, len(p.Clones))
	parallel(len(p.Clones), cloneWorkers, func(i int) {
		c := &p.Clones[i]
		errs[i] = st.CloneTask(c.Origin, store.TaskPath{Flow: p.Flow, Run: newRun, Step: c.Step, Task: c.Task})
	})
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("resuming run %s: %w", p.Origin, err)
		}
	}
	return nil
}

// Lookup returns the clone of step at foreach index path index, or nil.
func (p *Plan) Lookup(step string, index []int) *Clone {
	for i := range p.Clones {
		c := &p.Clones[i]
		if c.Step == step && slices.Equal(c.Index(), index) {
			return c
		}
	}
	return nil
}
