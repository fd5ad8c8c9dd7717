// Package runner is the entry point of a generated flow binary.
package runner

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"syscall"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/cli"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// Main runs the command line of def's flow and exits with its status.
func Main(def *rt.FlowDef) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal has cancelled ctx, the next one gets
		// its default action (a task process dies at once) unless a
		// running scheduler handles it (it kills its tasks).
		<-ctx.Done()
		stop()
	}()
	code := Run(ctx, def, os.Args[1:])
	stop()
	os.Exit(code)
}

// taskMark is this process's task marker, taken from the environment once.
var taskMark = sync.OnceValues(func() (*taskspec.Mark, error) {
	m, ok, err := taskspec.TakeMark()
	if !ok {
		return nil, nil
	}
	return &m, err
})

// task is what a task process did: once it has run its task, Run does
// nothing more.
var task struct {
	sync.Mutex
	ran  bool
	code int
}

// Run runs the command line args (without the program name) of def's flow
// and returns the exit status.
//
// In a task process (one the runtime started, see taskspec.EnvMarker) args
// is ignored: the process runs the step command the runtime gave it, so a
// main that passes fixed args (Run<Flow>(ctx, []string{"run"})) still
// reaches its task instead of starting a run in every task. A task process
// never starts a run: a call for another flow, or any call after the task
// ran, does nothing and returns the task's status (0 before it ran), so a
// main that runs two flows in turn reaches the right one.
//
// Otherwise, when args is the tail of os.Args, what comes before it (say,
// a subcommand of the user's own main that picks one of several library
// flows) is repeated when the runner starts a task process, so that the
// task reaches the same flow; when it is not, the whole command line is
// repeated, so the task takes the same path through main.
func Run(ctx context.Context, def *rt.FlowDef, args []string) int {
	mark, err := taskMark()
	if err != nil {
		return fail(err)
	}
	if mark != nil {
		return runTask(ctx, def, mark)
	}
	selector := os.Args[1:]
	if n := len(os.Args) - len(args); n >= 1 && slices.Equal(os.Args[n:], args) {
		selector = os.Args[1:n]
	}
	return cli.Main(ctx, def, slices.Clip(selector), args, os.Stdout, os.Stderr)
}

// runTask runs the one task a task process was started for.
func runTask(ctx context.Context, def *rt.FlowDef, mark *taskspec.Mark) int {
	task.Lock()
	defer task.Unlock()
	if task.ran || mark.Flow != def.Graph.Flow {
		return task.code
	}
	task.ran = true
	args, err := mark.StepArgs(os.Args)
	if err != nil {
		task.code = fail(err)
		return task.code
	}
	selector := os.Args[1 : len(os.Args)-len(args)]
	task.code = cli.MainTask(ctx, def, selector, args, os.Stdout, os.Stderr)
	return task.code
}

func fail(err error) int {
	fmt.Fprintf(os.Stderr, "%s: error: %s\n", filepath.Base(os.Args[0]), err)
	return 1
}
