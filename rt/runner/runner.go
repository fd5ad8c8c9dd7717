// Package runner is the entry point of a generated flow binary.
package runner

import (
	"context"
	"os"
	"os/signal"
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
// and returns the exit status.
func Run(ctx context.Context, def *rt.FlowDef, args []string) int {
	return cli.Main(ctx, def, args, os.Stdout, os.Stderr)
}
