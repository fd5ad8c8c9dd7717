// Command quoting is QuotingFlow, the Argo cluster test's flow for text
// that Kubernetes or Argo could read as their own syntax: $(NAME) and $$
// (the kubelet's expansion) and {{...}} (Argo's substitution), in a
// step's environment and in a parameter. Each must reach the task as
// written. Its runner is generated (go generate in targets/argo).
package main

import (
	"context"
	"os"
)

// QuotingFlow records what its Start task was given.
//
//flow:flow
type QuotingFlow struct {
	// Any text.
	//flow:param default=plain
	Text string

	// Env is DOLLAR_REF, DOUBLE, LONE and TEMPLATE as Start saw them.
	Env []string
	// Seen is Text as Start saw it.
	Seen string
}

//flow:step
//flow:env DOLLAR_REF=$(FLOWC_USER) DOUBLE=a$$b LONE="cost: $5 (net)" TEMPLATE={{workflow.name}}{{{x}}}
//flow:next End
func (f *QuotingFlow) Start(ctx context.Context) error {
	f.Env = []string{os.Getenv("DOLLAR_REF"), os.Getenv("DOUBLE"), os.Getenv("LONE"), os.Getenv("TEMPLATE")}
	f.Seen = f.Text
	return nil
}

//flow:step
func (f *QuotingFlow) End(ctx context.Context) error { return nil }
