package cli

import (
	"errors"

	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/internal/task"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// stepCmd runs one task. Its arguments are the public task contract
// (rt/taskspec), which every scheduler renders with taskspec.Step.Args:
// they are parsed there, not by kong tags, so the contract exists once.
type stepCmd struct {
	Args []string `arg:"" optional:"" passthrough:"all" placeholder:"STEP --run-id R --task-id T --input-paths P..." help:"STEP --run-id R --task-id T --input-paths P (repeatable; the lists are concatenated) [--split-index I] [--retry-count A]."`
}

func (c *stepCmd) Run(e *Env) error {
	args, err := taskspec.ExpandArrayIndex(c.Args)
	if err != nil {
		return err
	}
	sp, err := taskspec.ParseStep(args)
	if err != nil {
		return err
	}
	st, err := e.OpenStoreFor(store.Task)
	if err != nil {
		return err
	}
	md, err := e.Metadata(st)
	if err != nil {
		return err
	}
	if err := cloudPrepare(e, st, md, &sp); err != nil {
		return err
	}
	err = task.Run(e.Ctx, e.Def, st, md, task.Spec{
		Step: sp.Step, Run: sp.RunID, Task: sp.TaskID, InputPaths: sp.InputPaths,
		SplitIndex: sp.SplitIndex, Attempt: sp.RetryCount, Quiet: e.G.Quiet,
	})
	if errors.Is(err, task.ErrFailed) {
		return exitCode(1) // the failure is in the task's log and marker
	}
	if err != nil {
		return err
	}
	return cloudFinish(e, st, md, sp)
}
