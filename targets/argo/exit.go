package argo

import (
	"github.com/flowc-dev/flowc/rt"
)

// FinishArgs is the flow binary's hidden command that the exit handler
// runs, before its flags: `<bin> argo-workflows finish --run-id R
// --status S`.
var FinishArgs = []string{"argo-workflows", "finish"}

// exitHandler is the workflow's onExit template: it runs the binary to
// record the run's outcome when the workflow ends other than by End
// succeeding (a failed task, a terminate, a deadline), since then no task
// marks the run (DESIGN §8.1).
func (b *builder) exitHandler() Template {
	args := append(literalArgs(b.o.Selector), FinishArgs...)
	args = append(args, "--run-id", run, "--status", "{{workflow.status}}")
	env := append(literalEnv(b.o.Env), EnvVar{Name: "FLOWC_USER", Value: literal(b.o.User)})
	img := b.o.Images[Base(b.g, &rt.Step{}, b.o.BaseImage)]
	// It reaches the datastore as the tasks do: the same settings and
	// secrets (S3 credentials are often one).
	c := &Container{Name: "main", Image: img, Command: []string{binaryPath}, Args: args, Env: env}
	b.addSecrets(c)
	withBrace(c)
	return Template{Name: exitTemplate, Container: c}
}
