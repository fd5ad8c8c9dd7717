package task

import (
	"os"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// attemptRecord is the attempt's start record: who runs it and on what
// inputs, so that `spin` can rerun even a failed task on the same inputs.
func (t *task) attemptRecord() *store.Attempt {
	a := &store.Attempt{Attempt: t.spec.Attempt, PID: os.Getpid(), Started: t.started, Inputs: t.spec.InputPaths}
	if t.spec.SplitIndex >= 0 {
		i := t.spec.SplitIndex
		a.SplitIndex = &i
	}
	return a
}
