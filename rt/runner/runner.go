// Package runner is the entry point of a generated flow binary.
package runner

import (
	"context"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/cli"
)

// Main runs the command line of def's flow and exits with its status.
func Main(def *rt.FlowDef) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, def, os.Args[1:])
	stop()
	os.Exit(code)
}

// Run runs the command line args (without the program name) of def's flow
// and returns the exit status. When args is the tail of os.Args, what comes
// before it (say, a subcommand of the user's own main that picks one of
// several library flows) is repeated when the runner starts a task process,
// so that the task reaches the same flow.
func Run(ctx context.Context, def *rt.FlowDef, args []string) int {
	var selector []string
	if n := len(os.Args) - len(args); n >= 1 && slices.Equal(os.Args[n:], args) {
		selector = os.Args[1:n]
	}
	return cli.Main(ctx, def, selector, args, os.Stdout, os.Stderr)
}
