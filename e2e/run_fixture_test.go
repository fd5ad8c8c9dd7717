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

// testModule is a module made of testdata/<name>, one main package per
// flow, generated and built once for every test that uses it (a go build
// per test would cost seconds each).
type testModule struct {
	name string
	env  []string // added to the build's environment
	once sync.Once
	dir  string
	err  error
}

var runFlows = &testModule{name: "runflows"}

// bin builds the module once and returns its flow <flow>, set to run in a
// fresh dir of the test with its own datastore.
func (m *testModule) bin(t *testing.T, flow string) *flowBin {
	t.Helper()
	return binIn(t, m.exe(t, flow))
}

// exe builds the module once and returns the path of its flow <flow>.
func (m *testModule) exe(tb testing.TB, flow string) string {
	tb.Helper()
	m.once.Do(m.build)
	if m.err != nil {
		tb.Fatal(m.err)
	}
	return filepath.Join(m.dir, "bin", flow)
}

func (m *testModule) build() {
	m.dir = filepath.Join(tmpRoot, m.name)
	if m.err = os.MkdirAll(m.dir, 0o777); m.err != nil {
		return
	}
	if m.err = initModule(m.dir); m.err != nil {
		return
	}
	if m.err = copyTestdata(m.name, m.dir); m.err != nil {
		return
	}
	for _, args := range [][]string{
		{flowcBin, "./..."},
		{"go", "build", "-o", filepath.Join(m.dir, "bin") + string(filepath.Separator), "./..."},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = m.dir
		cmd.Env = append(goEnv(), m.env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			m.err = fmt.Errorf("%v in testdata/%s: %v\n%s", args, m.name, err, out.String())
			return
		}
	}
}

// runFlowBin is the built flow testdata/runflows/<name>, set to run in a
// fresh dir of the test with its own datastore.
func runFlowBin(t *testing.T, name string) *flowBin {
	t.Helper()
	return runFlows.bin(t, name)
}

// binIn sets exe to run in a fresh dir of the test, with the datastore
// there too (a .flowc in a parent of the temp dir must not be used).
func binIn(t *testing.T, exe string) *flowBin {
	dir := t.TempDir()
	b := &flowBin{t: t, path: exe, dir: dir, env: []string{"FLOWC_DATASTORE_ROOT=" + filepath.Join(dir, ".flowc")}}
	if s3Pass != nil {
		s3Pass.use(b) // TestS3RunSuite: the same test against S3
	}
	return b
}
