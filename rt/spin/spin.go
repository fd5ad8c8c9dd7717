// Package spin reruns one step of a flow on the inputs of a past task, from
// Go: a step's unit test on real data, as Metaflow's `spin` does from the
// command line (and as `<bin> spin RUN/STEP/TASK` does here).
//
// In a _test.go file of the flow's package, where the generated definition
// (the unexported <flow>Def variable, e.g. genreStatsFlowDef) is in scope:
//
//	func TestComputeStatistics(t *testing.T) {
//		res, err := spin.Run[*GenreStatsFlow](ctx, genreStatsFlowDef, "3/ComputeStatistics/7",
//			spin.Artifact("Genre", `"Drama"`))
//		if err != nil {
//			t.Fatal(err)
//		}
//		if len(res.Flow.Quartiles) != 3 { ... }
//	}
//
// The step runs in the test's own process (debuggers and coverage see it),
// one spin at a time per process: its output is captured into the task's
// logs through fd 1 and 2, as in a task process. The result is written to a
// scratch run of the datastore that no listing shows, so it never counts as
// a run of the flow. The datastore is the one the flow binary would use
// (FLOWC_DATASTORE_ROOT, else .flowc in the working directory, which for a
// test is the package directory, or its nearest parent that has one).
package spin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/spin"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/internal/task"
)

// Result is what a spin produced.
type Result[F any] struct {
	// Flow is the flow value after the step: every artifact of the spun
	// task, as Load<Flow> would read it.
	Flow F
	// Task is the spun task, in its scratch run (logs, artifacts, parents).
	Task *client.Task
	// Changed names the artifacts the step changed (set to a value other
	// than its input's; for a join, every artifact it set or merged), in
	// the flow's field order.
	Changed []string
	// Stdout and Stderr are what the step printed.
	Stdout, Stderr string
}

// Option configures Run.
type Option func(*config)

type config struct {
	root      string
	namespace *string
	overrides []spin.Override
	echo      bool
}

// Artifact replaces the input artifact name with a value given as JSON
// (a string field takes a JSON string, []byte a base64 JSON string), checked
// against the field's type. For a join, every input gets it.
func Artifact(name, json string) Option {
	return func(c *config) { c.overrides = append(c.overrides, spin.Override{Name: name, JSON: json}) }
}

// Root reads and writes the datastore at dir instead of the default.
func Root(dir string) Option { return func(c *config) { c.root = dir } }

// Namespace looks the past task's run up in ns ("" for all namespaces)
// instead of the current user's.
func Namespace(ns string) Option { return func(c *config) { c.namespace = &ns } }

// Echo also prints the step's output, prefixed as a run prints it; by
// default it is only captured (Result.Stdout and Stderr).
func Echo() Option { return func(c *config) { c.echo = true } }

// one spin at a time: a spin redirects the process's fd 1 and 2.
var mu sync.Mutex

// Run reruns the step of the past task path ("RUN/STEP/TASK" of def's flow)
// on that task's inputs and returns the flow value after it. F is the
// flow's pointer type (*MyFlow), def its generated definition. A step that
// fails returns an error with its message, and the Result (with its logs).
func Run[F any](ctx context.Context, def *rt.FlowDef, path string, opts ...Option) (*Result[F], error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if _, ok := def.New().(F); !ok {
		var zero F
		return nil, fmt.Errorf("spin.Run: flow %s is a %T, not a %T; pass its generated definition with its own type", def.Graph.Flow, def.New(), zero)
	}
	ref, err := ipath.ParseRef(path)
	if err != nil {
		return nil, fmt.Errorf("spin.Run: %v; give RUN/STEP/TASK, e.g. \"3/Start/1\"", err)
	}
	if def.Graph.Step(ref.Step) == nil {
		return nil, fmt.Errorf("spin.Run: flow %s has no step %q", def.Graph.Flow, ref.Step)
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	// The run must be visible, as to the flow binary.
	r, err := c.Flow(def.Graph.Flow).Run(ctx, ref.Run)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(c.Root())
	if err != nil {
		return nil, err
	}
	rec := &store.Run{Flow: def.Graph.Flow, ID: ref.Run, Namespace: r.Namespace(), Tags: r.Tags(), Params: r.Params()}
	plan, err := spin.Prepare(st, def, rec, store.TaskPath{Flow: def.Graph.Flow, Run: ref.Run, Step: ref.Step, Task: ref.Task}, cfg.overrides)
	if err != nil {
		return nil, err
	}
	runErr := run(ctx, def, st, plan, cfg.echo)
	var done *store.Done
	if d, err := st.LatestDone(plan.Task()); err == nil {
		done = d
	} else if runErr == nil {
		runErr = err
	}
	out, err := plan.Finish(done, runErr)
	if err != nil && !errors.Is(err, task.ErrFailed) {
		return nil, fmt.Errorf("spin of %s: %w", path, err)
	}
	c.Namespace("")
	sr, err := c.Flow(def.Graph.Flow).Run(ctx, plan.Run)
	if err != nil {
		return nil, err
	}
	res := &Result[F]{Task: sr.Step(ref.Step).Task(ctx)}
	res.Stdout, _ = res.Task.Stdout(ctx)
	res.Stderr, _ = res.Task.Stderr(ctx)
	if done == nil || !done.OK {
		msg := "the step did not commit"
		if done != nil {
			msg = done.Error
		}
		return res, fmt.Errorf("spin of %s failed: %s", path, msg)
	}
	f := def.New()
	if err := rt.LoadFlow(ctx, res.Task, def, f); err != nil {
		return res, err
	}
	res.Flow = f.(F)
	for _, ch := range out.Changed {
		res.Changed = append(res.Changed, ch.Name)
	}
	return res, nil
}

func newClient(cfg config) (*client.Client, error) {
	opts := []client.Option{client.FromEnv()}
	if cfg.root != "" {
		opts = append(opts, client.WithRoot(cfg.root))
	}
	if cfg.namespace != nil {
		opts = append(opts, client.WithNamespace(*cfg.namespace))
	}
	return client.New(opts...)
}

// run runs the spun task in this process, with the step's //flow:env set
// for its duration.
func run(ctx context.Context, def *rt.FlowDef, st *store.Store, plan *spin.Plan, echo bool) error {
	mu.Lock()
	defer mu.Unlock()
	for _, kv := range plan.Env() {
		k, v, _ := strings.Cut(kv, "=")
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		defer func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		}()
	}
	return task.Run(ctx, def, st, metadata.NewLocal(st), task.Spec{
		Step: plan.Step.Name, Run: plan.Run, Task: plan.Origin.Task,
		InputPaths: plan.InputPaths, SplitIndex: plan.SplitIndex, Quiet: !echo,
	})
}
