//go:build !flowc_nodeploy && flowc_noargo

package cli

import "github.com/flowc-dev/flowc/rt"

// argoCmds is empty in a binary built with -tags flowc_noargo: it has
// every command but argo-workflows, and links none of the Argo target's
// code (argo.go says why the tag exists).
type argoCmds struct{}

func (*argoCmds) params(*rt.FlowDef) {}

func (*argoCmds) takeArgs(args []string) ([]string, error) { return args, nil }

func (*argoCmds) leftOut(command string) string {
	if command == "argo-workflows" {
		return "flowc_noargo"
	}
	return ""
}
