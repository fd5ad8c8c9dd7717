//go:build flowc_nodeploy

package cli

import "github.com/flowc-dev/flowc/rt"

// deployCmds is empty in a binary built with -tags flowc_nodeploy: it runs
// flows locally and runs tasks (`step`), but has no ui, package,
// step-functions or argo-workflows command, and links none of their
// dependencies (deploy.go says why it exists).
type deployCmds struct{}

func (*deployCmds) params(*rt.FlowDef) {}

func (*deployCmds) takeArgs(args []string) ([]string, error) { return args, nil }
