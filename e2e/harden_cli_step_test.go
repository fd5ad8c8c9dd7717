package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardenCLIStepRepeat: a cloud scheduler retries and duplicates
// `<bin> step ...`. Repeating it for a task that succeeded is a no-op (exit
// 0, one line saying so, not a byte written); a run that does not exist is
// an error, and no run directory appears for it.
func TestHardenCLIStepRepeat(t *testing.T) {
	b := runFlowBin(t, "linear")
	id := b.runFlow()
	root := filepath.Join(b.dir, ".flowc", "LinearFlow")
	end := onlyTaskID(t, b, "LinearFlow", id, "End")
	a := onlyTaskID(t, b, "LinearFlow", id, "A")

	before := snapshotTree(t, root)
	for range 2 {
		r := b.run("step", "End", "--run-id", id, "--task-id", end, "--input-paths", id+"/A/"+a)
		if r.code != 0 || !strings.Contains(r.stderr, "already succeeded") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Fatalf("step End of a succeeded run: want exit 0 and one line saying it already succeeded, got\n%s", r)
		}
	}
	sameTree(t, "repeating step End", before, snapshotTree(t, root))
	var seen []string
	b.dump(id, &seen, "--artifact", "Seen")
	if strings.Join(seen, ",") != "Start,A,End" {
		t.Errorf("End's Seen after the repeated step = %v", seen)
	}

	r := b.run("step", "End", "--run-id", "4242", "--task-id", "9", "--input-paths", "4242/A/1")
	wantOneLineError(t, "step --run-id 4242", r, `"4242"`, "not found")
	if _, err := os.Stat(filepath.Join(root, "4242")); !os.IsNotExist(err) {
		t.Errorf("step --run-id 4242 created %s (err %v)", filepath.Join(root, "4242"), err)
	}
}

// TestHardenCLINamespaceReachesTasks: a run started with --namespace puts
// its tasks' clients (client.FromEnv) in that namespace, so a step finds
// its own run.
func TestHardenCLINamespaceReachesTasks(t *testing.T) {
	b := runFlowBin(t, "nsclient")
	id := b.runFlow("--namespace", "user:bob")
	var got struct{ Seen, Found string }
	b.dump(id, &got, "--namespace", "user:bob")
	if got.Seen != "user:bob" || got.Found != "yes" {
		t.Errorf("client inside a task of a --namespace user:bob run: namespace %q, finding its run: %s", got.Seen, got.Found)
	}
}
