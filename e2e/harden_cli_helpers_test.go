package e2e

// Helpers of the harden_cli_*_test.go files (issue 7: the CLI's answers to
// bad input, repeated commands and faults).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// runWithin runs the binary like b.run, but a command still running after
// d is killed and fails the test (a hang is the defect some tests look for).
func runWithin(t *testing.T, b *flowBin, d time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.path, args...)
	cmd.Dir = b.dir
	cmd.Env = append(goEnv(), b.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not end within %s\n%s", filepath.Base(b.path), strings.Join(args, " "), d, r)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// noRuns fails the test if `runs` lists any run.
func noRuns(t *testing.T, b *flowBin, after string) {
	t.Helper()
	if out := b.ok("runs", "--all").stdout; strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("runs lists a run after %s:\n%s", after, out)
	}
}
