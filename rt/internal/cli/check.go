package cli

import (
	"errors"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

type checkCmd struct{}

// Run checks what the runtime relies on: the generator lints the graph
// itself, so this catches a stale or hand-edited generated file.
func (c *checkCmd) Run(e *Env) error {
	def := e.Def
	g := def.Graph
	var errs []error
	if len(def.Steps) != len(g.Steps) {
		errs = append(errs, fmt.Errorf("the flow has %d steps but %d dispatchers; regenerate with go generate", len(g.Steps), len(def.Steps)))
	}
	for i, s := range g.Steps {
		if i < len(def.Steps) && def.Steps[i].Name != s.Name {
			errs = append(errs, fmt.Errorf("step %q has the dispatcher of %q; regenerate with go generate", s.Name, def.Steps[i].Name))
		}
		for _, n := range edges(s) {
			if g.Step(n.to) == nil {
				errs = append(errs, fmt.Errorf("step %q leads to unknown step %q", s.Name, n.to))
			}
		}
		if s.Kind == rt.KindForeach && s.MatchingJoin == "" || s.Kind == rt.KindSplit && s.MatchingJoin == "" {
			errs = append(errs, fmt.Errorf("step %q opens a split that no join closes", s.Name))
		}
	}
	for _, name := range []string{"Start", "End"} {
		if g.Step(name) == nil {
			errs = append(errs, fmt.Errorf("the flow has no %s step", name))
		}
	}
	for _, fd := range def.Fields {
		if fd.Encode == nil || fd.Decode == nil {
			errs = append(errs, fmt.Errorf("field %q has no codec; regenerate with go generate", fd.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "flow %s: %d steps, %d artifacts: ok\n", g.Flow, len(g.Steps), len(def.Fields))
	return nil
}
