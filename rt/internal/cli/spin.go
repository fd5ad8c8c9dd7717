package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/spin"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

type spinCmd struct {
	Target   string   `arg:"" placeholder:"RUN/STEP/TASK" help:"The past task whose step to rerun, on that task's inputs."`
	Artifact []string `sep:"none" placeholder:"NAME=JSON" help:"Replace an input artifact with this JSON value (repeatable; a join's every input gets it)."`
}

// Run reruns one step, as its own task process like any other, in a
// scratch run that no listing shows, and prints what the step changed.
func (c *spinCmd) Run(e *Env) error {
	t, err := parseTarget(c.Target, true)
	if err != nil {
		return err
	}
	if t.task == "" {
		return fmt.Errorf("%q names no task; spin takes RUN/STEP/TASK, e.g. %s/%s/1 (list them with %s dump %s/%s)", c.Target, t.run, t.step, e.Name, t.run, t.step)
	}
	var overrides []spin.Override
	for _, a := range c.Artifact {
		o, err := spin.ParseOverride(a)
		if err != nil {
			return err
		}
		overrides = append(overrides, o)
	}
	if e.Def.Graph.Step(t.step) == nil {
		return e.unknownStep(t.step)
	}
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	// The run (in this namespace), the step and the task exist.
	r, err := e.clientRun(t.run)
	if err != nil {
		return err
	}
	tasks, err := e.clientTasks(r, t)
	if err != nil {
		return err
	}
	origin := store.TaskPath{Flow: e.Def.Graph.Flow, Run: t.run, Step: t.step, Task: tasks[0].ID()}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this binary to start the task: %w", err)
	}
	orec := &store.Run{Flow: origin.Flow, ID: origin.Run, Namespace: r.Namespace(), Tags: r.Tags(), Params: r.Params()}
	plan, err := spin.Prepare(st, e.Def, orec, origin, overrides)
	if err != nil {
		return err
	}
	flow := e.Def.Graph.Flow
	if !e.G.Quiet {
		msg := fmt.Sprintf("spinning %s on its inputs (scratch run %s)", c.Target, plan.Run)
		if len(plan.Overridden) > 0 {
			msg += ", with " + strings.Join(plan.Overridden, ", ") + " replaced"
		}
		e.Stdout.Write(console.Line(flow+"/"+plan.Run, 0, msg))
	}
	rec, err := st.GetRun(flow, plan.Run)
	if err != nil {
		plan.Finish(nil, err)
		return err
	}
	ctx, kill, stopSignals := sched.Interrupts(e.Ctx)
	defer stopSignals()
	// A scratch run is the datastore's own, whatever provider holds the
	// origin: its task reads it there.
	env := append(childEnv(st, e.G, rec.Namespace), "FLOWC_METADATA=local")
	proc := &sched.Proc{Bin: bin, Selector: e.Selector, Env: env, Store: st, Flow: flow, RunID: plan.Run, Kill: kill}
	done, err := proc.Execute(ctx, &sched.TaskSpec{
		Step: plan.Step.Name, TaskID: plan.Origin.Task, InputPaths: plan.InputPaths,
		SplitIndex: plan.SplitIndex, TimeoutS: plan.Step.TimeoutS, Env: plan.Env(),
	})
	out, err := plan.Finish(done, err)
	task := plan.Run + "/" + plan.Step.Name + "/" + plan.Origin.Task
	if err != nil {
		return fmt.Errorf("spin of %s failed: %w", c.Target, err)
	}
	if !done.OK {
		return fmt.Errorf("spin of %s failed: %s; see %s logs %s --stderr", c.Target, done.Error, e.Name, task)
	}
	// The outcome prints even with --quiet: it is what spin is for.
	summary := fmt.Sprintf("done: %s changed %s (see %s dump %s)", plan.Step.Name, plural(len(out.Changed), "artifact"), e.Name, task)
	if len(out.Changed) == 0 {
		summary = fmt.Sprintf("done: %s changed no artifact", plan.Step.Name)
	}
	e.Stdout.Write(console.Line(flow+"/"+plan.Run, 0, summary))
	for _, ch := range out.Changed {
		line := fmt.Sprintf("  %s (%s) = %s", ch.Name, ch.Art.Type, plan.Preview(ch.Art, ch.Name))
		switch {
		case ch.Same():
			line += fmt.Sprintf("   [as in %s]", c.Target)
		case ch.Was != nil:
			line += fmt.Sprintf("   [%s had %s]", c.Target, plan.Preview(*ch.Was, ch.Name))
		default:
			line += fmt.Sprintf("   [%s had none]", c.Target)
		}
		fmt.Fprintln(e.Stdout, line)
	}
	return nil
}
