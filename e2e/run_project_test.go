package e2e

import (
	"strings"
	"testing"
)

// TestRunProjectBranch: --branch and --production name the branch of a
// //flow:project flow's local runs, as they name its deployments (DESIGN
// §7): the run carries project: and project_branch: system tags, and so
// does a resume of it. Before, both flags parsed and did nothing outside
// step-functions and argo-workflows. On a flow without a project either
// flag is a one-line error and no run is recorded.
func TestRunProjectBranch(t *testing.T) {
	b := hcExample(t, "firstflow")
	for _, tc := range []struct {
		flags  []string
		branch string
	}{
		{nil, "user.alice"},
		{[]string{"--branch", "b1"}, "test.b1"},
		{[]string{"--production"}, "prod"},
		{[]string{"--production", "--branch", "b1"}, "prod.b1"},
	} {
		r := b.ok(append([]string{"run", "--quiet", "--run-id-file", b.dir + "/id"}, tc.flags...)...)
		id := strings.TrimSpace(readAll(t, b.dir+"/id"))
		tags := b.ok("tag", "list", id).stdout
		for _, want := range []string{"project:demo_project (system)", "project_branch:" + tc.branch + " (system)"} {
			if !strings.Contains(tags, want+"\n") {
				t.Errorf("run %v: tag list %s lacks %q:\n%s\n%s", tc.flags, id, want, tags, r)
			}
		}
	}
	// A resume is a run of the branch it is started in.
	b.ok("resume", "--quiet", "--branch", "b2", "--run-id-file", b.dir+"/id", "Start")
	id := strings.TrimSpace(readAll(t, b.dir+"/id"))
	if tags := b.ok("tag", "list", id).stdout; !strings.Contains(tags, "project_branch:test.b2 (system)\n") {
		t.Errorf("resume --branch b2: tag list %s lacks project_branch:test.b2:\n%s", id, tags)
	}

	plain := hcExample(t, "linear")
	plain.fails([]string{"run", "--branch", "b1"}, `--branch "b1" needs a //flow:project on flow "LinearFlow"`)
	plain.fails([]string{"--production", "run"}, `--production needs a //flow:project on flow "LinearFlow"`)
	if out := plain.ok("runs").stdout; strings.Contains(out, "\n1 ") {
		t.Errorf("a refused run was recorded:\n%s", out)
	}
}
