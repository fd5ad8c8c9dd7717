package argo_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestClusterExamples deploys every example with `argo-workflows create`,
// triggers it, waits for the real controller to finish it, finds it with
// `list-runs --succeeded`, reads it back with `dump` from the S3
// datastore, and compares its End artifacts with a local run's, by hash
// (leaving out those filled from the clock). The examples share one
// datastore root and one deployer, so SecondFlow, deployed after
// FirstFlow in the same @project, reads FirstFlow's run in the project's
// production namespace.
func TestClusterExamples(t *testing.T) {
	e := cluster(t)
	bins := exampleBinaries(t)
	graphs := goldenGraphs(t)
	clock := map[string][]string{"flaky": {"StartedAt"}}
	var names []string
	for name := range bins {
		names = append(names, name)
	}
	sort.Strings(names) // firstflow before secondflow
	home := t.TempDir() // one deployer: the project's token is cached once
	local := t.TempDir()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			flow := graphs["example_"+name].Flow
			d := e.deployer(t, bins[name], "examples")
			d.home = home
			d.create("")
			id := d.trigger("")
			d.runOK(id)
			if runs := d.listRuns("", "--succeeded"); runs[id] != "succeeded" {
				t.Errorf("list-runs --succeeded: %v, want %s succeeded", runs, id)
			}
			var end map[string]json.RawMessage
			if err := json.Unmarshal([]byte(d.ok("--namespace", "", "dump", id, "--json")), &end); err != nil {
				t.Errorf("dump %s --json: %v %v", id, end, err)
			}
			got := d.s3EndHashes(flow, id, clock[name])
			want := localEndHashes(t, bins[name], local, flow, clock[name])
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("End artifacts of %s differ from a local run's:\nlocal %v\nargo  %v", id, want, got)
			}
		})
	}
}

// localEndHashes runs bin locally in dir (one datastore for all flows)
// with args and returns End's artifact hashes.
func localEndHashes(t *testing.T, bin, dir, flow string, skip []string, args ...string) map[string]string {
	t.Helper()
	idFile := filepath.Join(t.TempDir(), "id")
	cmd := exec.Command(bin, append([]string{"run", "--quiet", "--run-id-file", idFile}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "FLOWC_USER=alice", "FLOWC_DATASTORE_ROOT=" + filepath.Join(dir, ".flowc")}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("local run: %v\n%s", err, out)
	}
	id, _ := os.ReadFile(idFile)
	task, _ := filepath.Glob(filepath.Join(dir, ".flowc", flow, strings.TrimSpace(string(id)), "End", "*", "task.json"))
	if len(task) != 1 {
		t.Fatalf("local run %s of %s has End markers %q", id, flow, task)
	}
	var marker struct{ Attempt int }
	b, _ := os.ReadFile(task[0])
	if err := json.Unmarshal(b, &marker); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(task[0]), fmt.Sprintf("%d.data.json", marker.Attempt)))
	if err != nil {
		t.Fatal(err)
	}
	return artifactHashes(t, data, skip)
}
