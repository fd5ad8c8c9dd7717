//go:build !flowc_nodeploy

package cli

import (
	"slices"
	"testing"
)

// --name sits between step-functions and its subcommand, and is taken out
// before kong parses, so a flow parameter --name never collides with it.
func TestStepFunctionsName(t *testing.T) {
	for _, c := range []struct {
		in, out []string
		name    string
	}{
		{[]string{"step-functions", "--name", "N", "trigger", "--name", "x"}, []string{"step-functions", "trigger", "--name", "x"}, "N"},
		{[]string{"--branch", "b", "step-functions", "--name=M", "create"}, []string{"--branch", "b", "step-functions", "create"}, "M"},
		{[]string{"step-functions", "trigger", "--name", "x"}, []string{"step-functions", "trigger", "--name", "x"}, ""},
		{[]string{"run", "--name", "x"}, []string{"run", "--name", "x"}, ""},
	} {
		var s stepFunctionsCmd
		got, err := s.takeName(c.in)
		if err != nil || !slices.Equal(got, c.out) || s.name != c.name {
			t.Errorf("takeName(%q) = %q, %q, %v; want %q, %q", c.in, got, s.name, err, c.out, c.name)
		}
	}
	for _, bad := range [][]string{{"step-functions", "--name"}, {"step-functions", "--name", "--x"}, {"step-functions", "--name="}} {
		var s stepFunctionsCmd
		if _, err := s.takeName(bad); err == nil {
			t.Errorf("takeName(%q) accepted", bad)
		}
	}
}
