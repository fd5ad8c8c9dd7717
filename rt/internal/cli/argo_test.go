//go:build !flowc_nodeploy && !flowc_noargo

package cli

import (
	"slices"
	"strings"
	"testing"
)

// argo-workflows --name sits before the subcommand and is taken out
// before kong parses (a flow parameter --name never collides with it);
// --k8s-namespace goes after the subcommand, as DESIGN §8.3 writes it,
// and before it is a one-line error naming that spelling.
func TestArgoName(t *testing.T) {
	for _, c := range []struct {
		in, out []string
		name    string
	}{
		{[]string{"argo-workflows", "--name", "N", "trigger", "--name", "x"}, []string{"argo-workflows", "trigger", "--name", "x"}, "N"},
		{[]string{"--branch", "b", "argo-workflows", "--name=M", "create", "--k8s-namespace", "ml"}, []string{"--branch", "b", "argo-workflows", "create", "--k8s-namespace", "ml"}, "M"},
		{[]string{"argo-workflows", "list-runs"}, []string{"argo-workflows", "list-runs"}, ""},
		{[]string{"run", "--name", "x"}, []string{"run", "--name", "x"}, ""},
	} {
		var a argoCmd
		got, err := a.takeName(c.in)
		if err != nil || !slices.Equal(got, c.out) || a.name != c.name {
			t.Errorf("takeName(%q) = %q, %q, %v; want %q, %q", c.in, got, a.name, err, c.out, c.name)
		}
	}
	for _, bad := range [][]string{{"argo-workflows", "--name"}, {"argo-workflows", "--name", "--x"}, {"argo-workflows", "--name="}} {
		var a argoCmd
		if _, err := a.takeName(bad); err == nil {
			t.Errorf("takeName(%q) accepted", bad)
		}
	}
	for _, old := range [][]string{{"argo-workflows", "--k8s-namespace", "ml", "create"}, {"argo-workflows", "--name", "N", "--k8s-namespace=ml", "create"}} {
		var a argoCmd
		_, err := a.takeName(old)
		if err == nil || !strings.Contains(err.Error(), "argo-workflows create --k8s-namespace NS") || strings.Contains(err.Error(), "\n") {
			t.Errorf("takeName(%q): %v; want one line naming argo-workflows create --k8s-namespace NS", old, err)
		}
	}
}
