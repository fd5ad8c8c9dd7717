package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/internal/task"
)

type runCmd struct {
	MaxWorkers   int      `default:"16" help:"Run at most this many tasks at once."`
	MaxNumSplits int      `default:"100" help:"Fail a foreach that has more splits than this."`
	Tag          []string `sep:"none" placeholder:"TAG" help:"Tag the run (repeatable)."`
	RunIDFile    string   `name:"run-id-file" placeholder:"FILE" help:"Write the run id to this file."`

	// The flow's parameters, generated with kong tags.
	kong.Plugins
}

func (c *runCmd) Run(e *Env) error {
	def := e.Def
	flow := def.Graph.Flow
	if c.MaxWorkers < 1 {
		return fmt.Errorf("--max-workers %d is below 1; give at least 1", c.MaxWorkers)
	}
	if c.MaxNumSplits < 1 {
		return fmt.Errorf("--max-num-splits %d is below 1; give at least 1", c.MaxNumSplits)
	}
	for _, t := range c.Tag {
		if strings.TrimSpace(t) == "" || strings.ContainsAny(t, "\n\r") {
			return fmt.Errorf("--tag %q is not a tag; tags are one non-blank line", t)
		}
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
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this binary to start tasks: %w", err)
	}
	user := task.UserName()
	r := &store.Run{
		Flow: flow, User: user, Namespace: "user:" + user,
		Tags: c.Tag, SysTags: []string{"user:" + user, "runtime:local"},
		Params: ps.display, Status: "running", Started: time.Now(), PID: os.Getpid(),
	}
	id, err := st.NewRun(r)
	if err != nil {
		return err
	}
	if c.RunIDFile != "" {
		if err := os.WriteFile(c.RunIDFile, []byte(id), 0o666); err != nil {
			c.finish(st, r, id, err)
			return fmt.Errorf("--run-id-file: %w", err)
		}
	}
	say := func(msg string) {
		if !e.G.Quiet {
			os.Stdout.Write(console.Line(flow+"/"+id, 0, msg))
		}
	}
	say(fmt.Sprintf("workflow starting (run-id %s), user %s", id, user))
	err = ps.write(st, id)
	if err == nil {
		s := &sched.Scheduler{
			Graph: def.Graph, RunID: id,
			Exec: &sched.Proc{Bin: bin, Env: childEnv(st, e.G), Store: st, Flow: flow, RunID: id},
			Opts: sched.Options{MaxWorkers: c.MaxWorkers, MaxNumSplits: c.MaxNumSplits},
		}
		if !e.G.Quiet {
			s.Opts.Console = os.Stdout
		}
		err = s.Run(e.Ctx)
	}
	if ferr := c.finish(st, r, id, err); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return fmt.Errorf("run %s failed: %w", id, err)
	}
	say("done")
	return nil
}

// finish records the run's outcome.
func (c *runCmd) finish(st *store.Store, r *store.Run, id string, runErr error) error {
	return st.UpdateRun(r.Flow, id, func(r *store.Run) error {
		r.Status = "succeeded"
		if runErr != nil {
			r.Status = "failed"
		}
		r.Finished = time.Now()
		return nil
	})
}

// childEnv is the environment of the task processes: this process's, with
// the datastore pinned to the absolute root in use.
func childEnv(st *store.Store, g *Globals) []string {
	env := os.Environ()
	env = append(env, "FLOWC_DATASTORE=local", "FLOWC_DATASTORE_ROOT="+filepath.Clean(st.Root()))
	if g.Quiet {
		env = append(env, "FLOWC_QUIET=true")
	}
	return env
}
