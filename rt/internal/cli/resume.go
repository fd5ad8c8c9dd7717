package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/resume"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

type resumeCmd struct {
	Step        string `arg:"" optional:"" help:"The step to rerun from (default: the first step that did not succeed)."`
	OriginRunID string `name:"origin-run-id" placeholder:"ID" help:"The run to resume (default: the latest run in the current namespace)."`
	Force       bool   `help:"Resume a run that looks still running (its scheduler's process is alive), when you know it is not."`
	runOpts     `embed:""`
}

// Run starts a new run that clones, by reference, every task that
// succeeded in the origin run before the restart step and runs the rest.
// Parameters are the origin's: they come with its cloned parameters task.
func (c *resumeCmd) Run(e *Env, kctx *kong.Context) error {
	if err := c.validate(kctx); err != nil {
		return err
	}
	r, err := e.newRun(c.Tag)
	if err != nil {
		return err
	}
	if c.Step != "" {
		if err := store.ValidID("step", c.Step); err != nil {
			return err
		}
		if e.Def.Graph.Step(c.Step) == nil {
			return e.unknownStep(c.Step)
		}
	}
	st, err := e.OpenStoreFor(store.Bind)
	if err != nil {
		return err
	}
	origin, err := c.origin(e)
	if err != nil {
		return err
	}
	if origin.Status() == client.StatusRunning && !c.Force {
		return fmt.Errorf("run %s is still running (pid %d); wait for it to end or stop it, or pass --force if that process is not its scheduler", origin.ID(), origin.SchedulerPID())
	}
	// The origin's record came from the metadata provider, which may be
	// the service: the plan takes what it needs from it.
	plan, err := resume.NewPlanFrom(e.Def.Graph, st, e.Def.Graph.Flow, origin.ID(), origin.Params(), c.Step)
	if err != nil {
		return err
	}
	r.Params, r.Origin = plan.Params, origin.ID()
	return c.start(e, st, r, func(id string, next sched.Executor, say func(string)) (sched.Executor, error) {
		if err := plan.CloneParams(st, id); err != nil {
			return nil, err
		}
		steps, counts := plan.StepClones()
		for _, s := range steps {
			say(fmt.Sprintf("cloning %s from run %s (%s)", s, origin.ID(), plural(counts[s], "task")))
		}
		for _, n := range plan.Notes {
			say(n)
		}
		say(fmt.Sprintf("rerunning from %s", plan.From))
		x := &resume.Executor{Plan: plan, Store: st, Run: id, Next: next}
		md, err := e.Metadata(st)
		if err != nil {
			return nil, err
		}
		if svc, ok := md.(*metadata.Service); ok {
			x.Record = recordClone(svc, st)
		}
		return x, nil
	})
}

// recordClone records a cloned task with the service as the task process
// records one it ran: an attempt 0 that started and ended when its origin
// did, with its artifact index and its origin.
func recordClone(svc *metadata.Service, st *store.Store) func(context.Context, store.TaskPath) error {
	return func(ctx context.Context, p store.TaskPath) error {
		d, err := st.LatestDone(p)
		if err != nil {
			return err
		}
		data, err := st.ReadTaskData(p, d.Attempt)
		if err != nil {
			return err
		}
		if err := svc.StartAttempt(ctx, p, &store.Attempt{Attempt: d.Attempt, PID: os.Getpid(), Started: d.Started}, data.ForeachStack); err != nil {
			return err
		}
		return svc.FinishAttempt(ctx, p, d, data, nil)
	}
}

// origin is the run to resume: --origin-run-id, or the newest run of the
// flow visible in the current namespace, looked up through rt/client as
// every reader of runs does (a record it cannot read is no candidate).
func (c *resumeCmd) origin(e *Env) (*client.Run, error) {
	if c.OriginRunID != "" {
		return e.clientRun(c.OriginRunID)
	}
	current := e.namespace()
	cl, err := e.clientIn(current)
	if err != nil {
		return nil, err
	}
	for r, err := range cl.Flow(e.Def.Graph.Flow).RunsSeq(e.Ctx) {
		if err == nil {
			return r, nil
		}
		if errors.Is(err, metadata.ErrListing) {
			return nil, err // the service refused or is away: say so
		}
	}
	if err := e.Ctx.Err(); err != nil {
		return nil, err
	}
	where := fmt.Sprintf(" in namespace %q", current)
	if current == "" {
		where = ""
	}
	return nil, fmt.Errorf("flow %s has no run to resume%s; start one with %q, or name one with --origin-run-id", e.Def.Graph.Flow, where, e.Name+" run")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func stepNames(e *Env) string {
	names := make([]string, len(e.Def.Graph.Steps))
	for i, s := range e.Def.Graph.Steps {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}
