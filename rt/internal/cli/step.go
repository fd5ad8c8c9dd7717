package cli

import (
	"errors"

	"github.com/flowc-dev/flowc/rt/internal/task"
)

type stepCmd struct {
	Step       string `arg:"" help:"The step to run."`
	RunID      string `name:"run-id" required:"" help:"The run the task belongs to."`
	TaskID     string `name:"task-id" required:"" help:"The task's id."`
	InputPaths string `name:"input-paths" required:"" help:"The input tasks: run/step/task,... or run/step/:id1,id2,..."`
	SplitIndex int    `name:"split-index" default:"-1" help:"Index into the parent foreach (foreach bodies)."`
	RetryCount int    `name:"retry-count" default:"0" help:"Attempt number, 0 for the first."`
}

func (c *stepCmd) Run(e *Env) error {
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	err = task.Run(e.Ctx, e.Def, st, task.Spec{
		Step: c.Step, Run: c.RunID, Task: c.TaskID, InputPaths: c.InputPaths,
		SplitIndex: c.SplitIndex, Attempt: c.RetryCount, Quiet: e.G.Quiet,
	})
	if errors.Is(err, task.ErrFailed) {
		return exitCode(1) // the failure is in the task's log and marker
	}
	return err
}
