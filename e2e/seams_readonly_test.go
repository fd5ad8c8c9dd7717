package e2e

import (
	"path/filepath"
	"testing"
)

// TestReadersWriteNothing (issue 8 seams: one read model): every command
// that only reads goes through rt/client, which opens the datastore
// read-only: no probe write, no temp file, no directory created. The
// datastore tree is the same, to the mtime, after each of them.
func TestReadersWriteNothing(t *testing.T) {
	b := hcExample(t, "flaky")
	id := b.okRun()
	root := filepath.Join(b.dir, ".flowc")
	for _, args := range [][]string{
		{"dump", id},
		{"dump", id + "/Square", "--json"},
		{"logs", id + "/Start"},
		{"runs", "--all"},
		{"tag", "list", id},
	} {
		before := snapshotTree(t, root)
		b.ok(args...)
		sameTree(t, args[0], before, snapshotTree(t, root))
	}
	// A reader of a datastore that does not exist yet does not create it.
	empty := filepath.Join(b.dir, "none", ".flowc")
	r := b.runEnv([]string{"FLOWC_DATASTORE_ROOT=" + empty}, "runs")
	if r.code != 0 {
		t.Fatalf("runs on a missing datastore: %s", r)
	}
	if m, _ := filepath.Glob(filepath.Join(b.dir, "none")); len(m) != 0 {
		t.Errorf("runs on a missing datastore created %v", m)
	}
}
