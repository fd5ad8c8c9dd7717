//go:build !flowc_nodeploy

package cli

import (
	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt"
)

// deployCmds are the commands that reach beyond the local runtime: the run
// browser, the code package and the targets. A flow binary has them by
// default (the binary that runs a flow deploys it, DESIGN §8); building it
// with -tags flowc_nodeploy leaves them and their dependencies out
// (nodeploy.go), which bench/runtime.sh uses to check that linking them
// does not slow a task's start-up.
type deployCmds struct {
	UI uiCmd `cmd:"" name:"ui" help:"Browse runs in a web page: their graphs, logs and artifacts."`

	Package packageCmd `cmd:"" help:"List or save the code package that deployments ship."`

	StepFunctions stepFunctionsCmd `cmd:"" name:"step-functions" help:"Deploy the flow to AWS Step Functions + AWS Batch, and manage its runs. step-functions --name N <command> names the state machine (default: the flow's, or its //flow:project deployment name)."`
	argoCmds                       // argo-workflows (argo.go)
}

// params gives the commands that take the flow's parameters their flags.
func (c *deployCmds) params(def *rt.FlowDef) {
	c.StepFunctions.Trigger.Plugins = kong.Plugins{def.Params()}
	c.argoCmds.params(def)
}

// leftOut is the build tag that left command out of this binary, or "".
func (c *deployCmds) leftOut(command string) string { return c.argoCmds.leftOut(command) }

// takeArgs takes out of args what a command reads before kong parses.
func (c *deployCmds) takeArgs(args []string) ([]string, error) {
	args, err := c.StepFunctions.takeName(args)
	if err != nil {
		return nil, err
	}
	return c.argoCmds.takeArgs(args)
}

// createFlags are the options that both targets' create take with the
// same meaning (DESIGN §7, §8.1): the code package's image and the
// production token. One definition, so the two commands spell and
// explain them alike; each command adds its engine's own.
type createFlags struct {
	Image            string `placeholder:"REF" help:"A finished image with this binary at /flowc/flow, for every step, instead of pushing one."`
	ImageRepository  string `placeholder:"R" help:"Push the code package to this repository (ECR or any OCI registry)."`
	BaseImage        string `placeholder:"B" help:"Base image of the code package (default: an empty image)."`
	Platform         string `default:"linux/amd64" placeholder:"linux/amd64|linux/arm64" help:"The platform the tasks run on."`
	Authorize        string `placeholder:"TOKEN" help:"The production token of a deployment someone else created."`
	GenerateNewToken bool   `help:"Mint a new production token (the runs move to a new namespace)."`
}
