package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// runFlows is the module of testdata/runflows, one main package per flow,
// generated and built once for every run test (a go build per test would
// cost seconds each).
var runFlows struct {
	once sync.Once
	dir  string
	err  error
}

func buildRunFlows() {
	dir := filepath.Join(tmpRoot, "runflows")
	runFlows.dir = dir
	if err := os.MkdirAll(dir, 0o777); err != nil {
		runFlows.err = err
		return
	}
	if err := initModule(dir); err != nil {
		runFlows.err = err
		return
	}
	if err := copyTestdata("runflows", dir); err != nil {
		runFlows.err = err
		return
	}
	for _, args := range [][]string{
		{flowcBin, "./..."},
		{"go", "build", "-o", filepath.Join(dir, "bin") + string(filepath.Separator), "./..."},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = goEnv()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			runFlows.err = fmt.Errorf("%v in testdata/runflows: %v\n%s", args, err, out.String())
			return
		}
	}
}

// runFlowBin is the built flow testdata/runflows/<name>, set to run in a
// fresh dir of the test with its own datastore.
func runFlowBin(t *testing.T, name string) *flowBin {
	t.Helper()
	runFlows.once.Do(buildRunFlows)
	if runFlows.err != nil {
		t.Fatal(runFlows.err)
	}
	return binIn(t, filepath.Join(runFlows.dir, "bin", name))
}

// binIn sets exe to run in a fresh dir of the test, with the datastore
// there too (a .flowc in a parent of the temp dir must not be used).
func binIn(t *testing.T, exe string) *flowBin {
	dir := t.TempDir()
	return &flowBin{t: t, path: exe, dir: dir, env: []string{"FLOWC_DATASTORE_ROOT=" + filepath.Join(dir, ".flowc")}}
}
