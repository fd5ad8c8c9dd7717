package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt/internal/alive"
	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// runOpts are the options of every command that starts a run (run, resume).
type runOpts struct {
	MaxWorkers   int      `default:"16" help:"Run at most this many tasks at once."`
	MaxNumSplits int      `default:"100" help:"Fail a foreach that has more splits than this."`
	Tag          []string `sep:"none" placeholder:"TAG" help:"Tag the run (repeatable)."`
	RunIDFile    string   `name:"run-id-file" placeholder:"FILE" help:"Write the run id to this file."`
}

type runCmd struct {
	runOpts `embed:""`

	// The flow's parameters, generated with kong tags.
	kong.Plugins
}

func (o *runOpts) validate() error {
	if o.MaxWorkers < 1 {
		return fmt.Errorf("--max-workers %d is below 1; give at least 1", o.MaxWorkers)
	}
	if o.MaxNumSplits < 1 {
		return fmt.Errorf("--max-num-splits %d is below 1; give at least 1", o.MaxNumSplits)
	}
	for _, t := range o.Tag {
		if err := validTag("--tag", t); err != nil {
			return err
		}
	}
	return nil
}

func (c *runCmd) Run(e *Env) error {
	if err := c.validate(); err != nil {
		return err
	}
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	// Everything the user gave is checked (and every includefile read)
	// before a run is recorded.
	ps, err := c.readParams(e, st)
	if err != nil {
		return err
	}
	r := e.newRun(c.Tag)
	r.Params = ps.display
	return c.start(e, st, r, func(id string, proc *sched.Proc, say func(string)) (sched.Executor, error) {
		if err := ps.write(st, id); err != nil {
			return nil, err
		}
		return proc, nil
	})
}

// newRun is the record of a run about to start.
func (e *Env) newRun(tags []string) *store.Run {
	user := ns.User()
	pid, pidStart := alive.Self()
	return &store.Run{
		Flow: e.Def.Graph.Flow, User: user, Namespace: e.newRunNamespace(),
		Tags: dedupe(tags), SysTags: ns.SysTags(user, ns.Version),
		Status: "running", Started: time.Now(), PID: pid, PIDStart: pidStart,
	}
}

// prepareFunc readies a recorded run for its scheduler (parameters written,
// or cloned for a resume) and returns the executor its tasks run through.
type prepareFunc func(id string, proc *sched.Proc, say func(string)) (sched.Executor, error)

// start records r, prepares it, schedules it and records the outcome. Once
// the record exists every failure is recorded as the run's failure.
func (o *runOpts) start(e *Env, st *store.Store, r *store.Run, prepare prepareFunc) error {
	flow := e.Def.Graph.Flow
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this binary to start tasks: %w", err)
	}
	id, err := st.NewRun(r)
	if err != nil {
		return err
	}
	if o.RunIDFile != "" {
		if err := os.WriteFile(o.RunIDFile, []byte(id), 0o666); err != nil {
			finish(st, flow, id, err)
			return fmt.Errorf("--run-id-file: %w", err)
		}
	}
	say := func(msg string) {
		if !e.G.Quiet {
			e.Stdout.Write(console.Line(flow+"/"+id, 0, msg))
		}
	}
	start := fmt.Sprintf("workflow starting (run-id %s), user %s, namespace %s", id, r.User, r.Namespace)
	if r.Origin != "" {
		start = fmt.Sprintf("workflow resuming run %s (run-id %s), user %s, namespace %s", r.Origin, id, r.User, r.Namespace)
	}
	say(start)
	proc := &sched.Proc{Bin: bin, Selector: e.Selector, Env: childEnv(st, e.G, r.Namespace), Store: st, Flow: flow, RunID: id}
	exec, err := prepare(id, proc, say)
	if err == nil {
		s := &sched.Scheduler{
			Graph: e.Def.Graph, RunID: id, Exec: exec,
			Opts: sched.Options{MaxWorkers: o.MaxWorkers, MaxNumSplits: o.MaxNumSplits},
		}
		if !e.G.Quiet {
			s.Opts.Console = e.Stdout
		}
		err = s.Run(e.Ctx)
	}
	if ferr := finish(st, flow, id, err); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return fmt.Errorf("run %s failed: %w", id, err)
	}
	say("done")
	return nil
}

// finish records the run's outcome.
func finish(st *store.Store, flow, id string, runErr error) error {
	return st.UpdateRun(flow, id, func(r *store.Run) error {
		r.Status = "succeeded"
		if runErr != nil {
			r.Status = "failed"
		}
		r.Finished = time.Now()
		return nil
	})
}

// childEnv is the environment of the task processes: this process's, with
// the datastore pinned to the absolute root in use and the run's namespace
// as the default one of a client inside a step (DESIGN §7).
func childEnv(st *store.Store, g *Globals, namespace string) []string {
	env := os.Environ()
	env = append(env, "FLOWC_DATASTORE=local", "FLOWC_DATASTORE_ROOT="+filepath.Clean(st.Root()),
		"FLOWC_NAMESPACE="+namespace)
	if g.Quiet {
		env = append(env, "FLOWC_QUIET=true")
	}
	return env
}

// validTag checks a user tag: one non-blank line.
func validTag(what, t string) error {
	if strings.TrimSpace(t) == "" || strings.ContainsAny(t, "\n\r") {
		return fmt.Errorf("%s %q is not a tag; tags are one non-blank line", what, t)
	}
	return nil
}

func dedupe(tags []string) []string {
	var out []string
	for _, t := range tags {
		if !contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
