package cli

import (
	"fmt"

	"github.com/flowc-dev/flowc/rt/internal/near"
)

// unknownStep is the error for a step name the flow does not have, with
// the step meant when one is close (near.Match), else the list of steps.
func (e *Env) unknownStep(name string) error {
	msg := fmt.Sprintf("flow %s has no step %q", e.Def.Graph.Flow, name)
	names := make([]string, len(e.Def.Graph.Steps))
	for i, s := range e.Def.Graph.Steps {
		names[i] = s.Name
	}
	if m := near.Match(name, names); m != "" {
		return fmt.Errorf("%s; did you mean %q? (step names are case-sensitive)", msg, m)
	}
	return fmt.Errorf("%s; its steps are %s", msg, stepNames(e))
}
