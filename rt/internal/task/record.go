package task

import (
	"os"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

// attemptRecord is the attempt's start, for the metadata provider (the
// service records it; the local provider has the commit marker, which
// carries the inputs too, so that `spin` can rerun even a failed task).
func (t *task) attemptRecord() *store.Attempt {
	a := &store.Attempt{Attempt: t.spec.Attempt, PID: os.Getpid(), Started: t.started, Inputs: t.spec.InputPaths}
	if t.spec.SplitIndex >= 0 {
		i := t.spec.SplitIndex
		a.SplitIndex = &i
	}
	return a
}
