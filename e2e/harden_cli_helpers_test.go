package e2e

// Helpers of the harden_cli_*_test.go files (issue 7: the CLI's answers to
// bad input, repeated commands and faults).

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fileState is what a file looked like: a change to any of it is a write.
type fileState struct {
	sum   [32]byte
	mtime time.Time
	mode  fs.FileMode
}

// snapshotTree records every file and directory under root.
func snapshotTree(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fileState{mtime: fi.ModTime(), mode: fi.Mode()}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			st.sum = sha256.Sum256(b)
		}
		out[p] = st
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameTree fails the test for every file added, removed or changed.
func sameTree(t *testing.T, what string, before, after map[string]fileState) {
	t.Helper()
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			t.Errorf("%s removed %s", what, p)
		case a != b:
			t.Errorf("%s changed %s", what, p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s wrote %s", what, p)
		}
	}
}

// onlyTaskID is the single task id of step in a run of flow.
func onlyTaskID(t *testing.T, b *flowBin, flow, run, step string) string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(b.dir, ".flowc", flow, run, step))
	if err != nil || len(es) != 1 {
		t.Fatalf("step %s of run %s: want one task, got %d (%v)", step, run, len(es), err)
	}
	return es[0].Name()
}
