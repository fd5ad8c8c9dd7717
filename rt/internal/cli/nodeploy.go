//go:build flowc_nodeploy

package cli

import (
	"fmt"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// deployCmds is empty in a binary built with -tags flowc_nodeploy: it runs
// flows locally and runs tasks (`step`), but has no ui, package,
// step-functions or argo-workflows command, and links none of their
// dependencies (deploy.go says why it exists).
type deployCmds struct{}

func (*deployCmds) params(*rt.FlowDef) {}

func (*deployCmds) takeArgs(args []string) ([]string, error) { return args, nil }

func (*deployCmds) leftOut(command string) string {
	switch command {
	case "ui", "package", "step-functions", "argo-workflows":
		return "flowc_nodeploy"
	}
	return ""
}

// batchOpts has no settings in a binary without the targets: it cannot
// send a step to AWS Batch (hybrid.go).
type batchOpts struct{}

func (*batchOpts) prepare(e *Env, _ *store.Store, steps []string, why string) (func(*sched.Proc, func(string)) sched.Executor, error) {
	return nil, fmt.Errorf("step %q runs on AWS Batch (%s), but %s was built with -tags flowc_nodeploy, without AWS Batch; rebuild it without the tag, or pass --local to run every step here", steps[0], why, e.Name)
}
