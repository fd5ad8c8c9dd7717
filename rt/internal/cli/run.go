package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt/internal/alive"
	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/runstate"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// runOpts are the options of every command that starts a run (run, resume).
type runOpts struct {
	MaxWorkers   int      `default:"16" help:"Run at most this many tasks at once (1 to 10000)."`
	MaxNumSplits int      `default:"100" help:"Fail a foreach that has more splits than this."`
	Tag          []string `sep:"none" placeholder:"TAG" help:"Tag the run (repeatable)."`
	RunIDFile    string   `name:"run-id-file" placeholder:"FILE" help:"Write the run id to this file."`

	hybridOpts `embed:""`
}

type runCmd struct {
	runOpts            `embed:""`
	MaxIncludefileSize byteSize `name:"max-includefile-size" default:"1GiB" placeholder:"SIZE" help:"Refuse an includefile larger than this: bytes, or a number with KiB, MiB, GiB (or KB, MB, GB); default ${default}."`

	// The flow's parameters, generated with kong tags.
	kong.Plugins
}

// maxWorkersLimit bounds --max-workers. Every worker is a process and the
// scheduler sizes its bookkeeping by the bound, so a slip of the keyboard
// (1000000000000) must be an error, not an out-of-memory crash; no machine
// runs more task processes than this at once. (--max-workers' help says
// it.)
const maxWorkersLimit = 10000

func (o *runOpts) validate(kctx *kong.Context) error {
	workers, splits := optionName(kctx, "max-workers"), optionName(kctx, "max-num-splits")
	if o.MaxWorkers < 1 {
		return fmt.Errorf("%s%d is below 1; give at least 1", workers, o.MaxWorkers)
	}
	if o.MaxWorkers > maxWorkersLimit {
		return fmt.Errorf("%s%d is above %d, the most tasks a local run starts at once; give at most %d", workers, o.MaxWorkers, maxWorkersLimit, maxWorkersLimit)
	}
	if o.MaxNumSplits < 1 {
		return fmt.Errorf("%s%d is below 1; give at least 1", splits, o.MaxNumSplits)
	}
	for _, t := range o.Tag {
		if err := validTag("--tag", t); err != nil {
			return err
		}
	}
	return nil
}

func (c *runCmd) Run(e *Env, kctx *kong.Context) error {
	if err := c.validate(kctx); err != nil {
		return err
	}
	r, err := e.newRun(c.Tag)
	if err != nil {
		return err
	}
	st, err := e.OpenStoreFor(store.Bind)
	if err != nil {
		return err
	}
	// Everything the user gave is checked (and every includefile read)
	// before a run is recorded.
	ps, err := c.readParams(e, st)
	if err != nil {
		return err
	}
	r.Params = ps.display
	return c.start(e, st, r, func(id string, next sched.Executor, say func(string)) (sched.Executor, error) {
		if err := ps.write(st, id, "0"); err != nil {
			return nil, err
		}
		return next, nil
	})
}

// newRun is the record of a run about to start. The run of a
// //flow:project flow carries its project and branch as system tags,
// named as its deployments are (--branch, --production; DESIGN §7);
// --branch or --production on a flow without a project is an error.
func (e *Env) newRun(tags []string) (*store.Run, error) {
	user := e.G.cfg.User
	d, err := deploy.Name(deploy.Naming{Flow: e.Def.Graph.Flow, Project: e.Def.Graph.Project, User: user,
		Branch: e.G.Branch, Production: e.G.Production})
	if err != nil {
		return nil, err
	}
	pid, pidStart := alive.Self()
	return &store.Run{
		Flow: e.Def.Graph.Flow, User: user, Namespace: e.newRunNamespace(),
		Tags: dedupe(tags), SysTags: append(ns.SysTags(user, ns.Version), d.Tags()...),
		Status: "running", Started: time.Now(), PID: pid, PIDStart: pidStart,
	}, nil
}

// prepareFunc readies a recorded run for its scheduler (parameters written,
// or cloned for a resume) and returns the executor its tasks run through,
// next (which starts each task: a process, or an AWS Batch job for a step
// that goes there) or one that wraps it.
type prepareFunc func(id string, next sched.Executor, say func(string)) (sched.Executor, error)

// start records r, prepares it, schedules it and records the outcome. Once
// the record exists every failure is recorded as the run's failure.
func (o *runOpts) start(e *Env, st *store.Store, r *store.Run, prepare prepareFunc) error {
	flow := e.Def.Graph.Flow
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this binary to start tasks: %w", err)
	}
	// The run id file is opened before the run is recorded, so a bad path
	// is an error that leaves no run behind.
	idFile, err := openRunIDFile(o.RunIDFile)
	if err != nil {
		return err
	}
	// Steps that go to AWS Batch: everything they need (the code package
	// pushed, the job definitions registered) is ready before the run is
	// recorded, so a bad setting leaves no run behind.
	onBatch, why, err := o.onBatch(e.Def.Graph)
	var hybrid func(*sched.Proc, func(string)) sched.Executor
	if err == nil && len(onBatch) > 0 {
		hybrid, err = o.batchOpts.prepare(e, st, onBatch, why)
	}
	if err != nil {
		idFile.abort()
		return err
	}
	md, err := e.Metadata(st)
	if err != nil {
		idFile.abort()
		return err
	}
	id, err := md.NewRun(e.Ctx, r)
	if err != nil {
		idFile.abort()
		return err
	}
	if err := idFile.write(id); err != nil {
		finish(e.Ctx, md, flow, id, err)
		return err
	}
	// The graph is stored with the run, once, so a reader can draw it
	// without this binary (a run a cloud scheduler starts gets it from
	// its Start task: task.storeGraph).
	if err := st.PutGraph(e.Def.Graph, id); err != nil {
		finish(e.Ctx, md, flow, id, err)
		return err
	}
	// With the service, liveness is by heartbeat (the PID means nothing
	// on another machine); locally it is the PID, and Beat does nothing.
	defer metadata.Beat(e.Ctx, md, flow, id)()
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
	// Temp files of writers killed before (a run, a task, an OOM kill) are
	// removed now, while it costs one small directory read.
	if n, size, err := st.CleanStale(); err != nil {
		say(err.Error())
	} else if n > 0 {
		say(fmt.Sprintf("removed %d temp files (%d bytes) left by killed writers", n, size))
	}
	// From here a signal ends the run as killed: the first cancels, the
	// second kills the tasks at once.
	ctx, kill, stopSignals := sched.Interrupts(e.Ctx)
	defer stopSignals()
	proc := &sched.Proc{Bin: bin, Selector: e.Selector, Env: childEnv(st, e.G, r.Namespace), Store: st, Metadata: md, Flow: flow, RunID: id, Kill: kill}
	var next sched.Executor = proc
	if hybrid != nil {
		next = hybrid(proc, say)
	}
	exec, err := prepare(id, next, say)
	if err == nil {
		s := &sched.Scheduler{
			Graph: e.Def.Graph, RunID: id, Exec: exec,
			Opts: sched.Options{MaxWorkers: o.MaxWorkers, MaxNumSplits: o.MaxNumSplits},
		}
		if !e.G.Quiet {
			s.Opts.Console = e.Stdout
		}
		err = s.Run(ctx)
	}
	// A status that cannot be recorded is said, never dropped: the record
	// still says running, which `runs` shows as killed.
	unrecorded := ""
	if ferr := finish(e.Ctx, md, flow, id, err); ferr != nil {
		unrecorded = fmt.Sprintf("; recording that failed too (%v), so the run shows as killed", ferr)
		if err == nil {
			return fmt.Errorf("run %s succeeded, but recording that failed: %w; the run shows as killed, its tasks are complete", id, ferr)
		}
	}
	if errors.Is(err, sched.ErrInterrupted) {
		return fmt.Errorf("run %s was killed: %w%s; resume it with %q", id, err, unrecorded, e.Name+" resume")
	}
	if err != nil {
		return fmt.Errorf("run %s failed: %w%s", id, err, unrecorded)
	}
	// --quiet hides the tasks' output and the progress lines, not the
	// outcome: a run always ends with one line, this one on success, the
	// error on stderr otherwise.
	e.Stdout.Write(console.Line(flow+"/"+id, 0, "done"))
	return nil
}

// runIDFile is --run-id-file, open from before the run is recorded.
type runIDFile struct {
	path    string
	f       *os.File
	created bool // it did not exist before: abort removes it
}

func openRunIDFile(path string) (*runIDFile, error) {
	if path == "" {
		return nil, nil
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("--run-id-file %q cannot be written: %v; give a file in a writable directory", path, unwrapPath(err))
	}
	return &runIDFile{path: path, f: f, created: statErr != nil}, nil
}

// abort closes the file, removing it if this run created it.
func (w *runIDFile) abort() {
	if w == nil {
		return
	}
	w.f.Close()
	if w.created {
		os.Remove(w.path)
	}
}

func (w *runIDFile) write(id string) error {
	if w == nil {
		return nil
	}
	err := w.f.Truncate(0)
	if err == nil {
		_, err = w.f.WriteAt([]byte(id), 0)
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("--run-id-file %q: %v", w.path, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops the *fs.PathError wrapper whose path the message
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// finish records the run's outcome. It outlives a cancelled ctx: a run
// stopped by a signal is still recorded as killed.
func finish(ctx context.Context, md metadata.Provider, flow, id string, runErr error) error {
	status := runstate.Succeeded
	switch {
	case errors.Is(runErr, sched.ErrInterrupted):
		status = runstate.Killed
	case runErr != nil:
		status = runstate.Failed
	}
	return md.Finish(context.WithoutCancel(ctx), flow, id, string(status), time.Now())
}

// childEnv is the environment of the task processes: this process's, with
// the datastore pinned to the absolute root in use and the run's namespace
// as the default one of a client inside a step (DESIGN §7). The user is
// the one this process resolved, so that no task looks it up again (from
// the OS, a passwd lookup through NSS in every process).
func childEnv(st *store.Store, g *Globals, namespace string) []string {
	env := os.Environ()
	env = append(env, st.Env()...)
	env = append(env, "FLOWC_NAMESPACE="+namespace, "FLOWC_METADATA="+g.cfg.Metadata, "FLOWC_USER="+g.cfg.User)
	if g.Quiet {
		env = append(env, "FLOWC_QUIET=true")
	}
	return env
}

// optionName is how a bad value of option name was given, for its
// message, with what comes before the value: "--name " on the command
// line, else "FLOWC_<NAME>=" when that is set (kong read the value from
// there), else "--name ".
func optionName(kctx *kong.Context, name string) string {
	if kctx != nil {
		for _, p := range kctx.Path {
			if p.Flag != nil && p.Flag.Name == name {
				return "--" + name + " "
			}
		}
	}
	if env := "FLOWC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")); os.Getenv(env) != "" {
		return env + "="
	}
	return "--" + name + " "
}

// validTag checks a user tag (ns.ValidTag).
func validTag(what, t string) error { return ns.ValidTag(what, t) }

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
