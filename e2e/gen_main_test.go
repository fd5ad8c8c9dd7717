// Package e2e tries flowc as a new user would: a fresh module that requires
// the project, flows written against DESIGN.md, the generator run for real,
// the package built, and the binary run and read back through its own CLI.
//
// Helpers shared by every file of the package live here: TestMain builds
// one flowc binary, newModule makes a temp module, module.build a flow
// binary, and flowBin runs it.
package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var (
	// repoRoot is the root of the flowc module (the parent of e2e/).
	repoRoot string
	// flowcBin is the generator, built once for every test.
	flowcBin string
	// tmpRoot holds what outlives one test (flowc, shared fixtures).
	tmpRoot string
	// goFlags is the caller's GOFLAGS (from the environment or go env -w).
	goFlags string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Dir(filepath.Dir(file))
	var err error
	tmpRoot, err = os.MkdirTemp("", "flowc-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmpRoot)
	out, err := exec.Command("go", "env", "GOFLAGS").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go env GOFLAGS:", err)
		return 1
	}
	goFlags = strings.TrimSpace(string(out))
	flowcBin = filepath.Join(tmpRoot, "flowc")
	cmd := exec.Command("go", "build", "-o", flowcBin, "./cmd/flowc")
	cmd.Dir = repoRoot
	cmd.Env = goEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building flowc: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// goEnv is the environment of every command the tests start: -mod=mod lets
// a temp module's go.mod gain the indirect requirements it needs (from the
// warm module cache, so no network is used), and no FLOWC_* variable of
// the caller leaks into the flow binaries.
func goEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "FLOWC_") || strings.HasPrefix(kv, "GOFLAGS=") {
			continue
		}
		env = append(env, kv)
	}
	flags := strings.TrimSpace(goFlags + " -mod=mod")
	return append(env, "GOFLAGS="+flags, "FLOWC_USER=e2e")
}

// module is a fresh Go module that requires flowc through a replace and
// names its generator as a tool.
type module struct {
	t   *testing.T
	dir string
}

// newModule writes go.mod, go.sum and files (relative path -> content)
// into a temp dir.
func newModule(t *testing.T, files map[string]string) *module {
	t.Helper()
	m := &module{t: t, dir: t.TempDir()}
	if err := initModule(m.dir); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		m.write(name, content)
	}
	return m
}

// initModule writes go.mod, requiring flowc through a replace and naming
// its generator as a tool (so //go:generate go tool flowc works), as the
// README sets a module up, and go.sum (the repo's, which covers flowc's
// dependencies) into dir.
func initModule(dir string) error {
	// The repo's go.mod holds the requirements go get -tool would add
	// (go tool refuses a go.mod that lacks them, whatever -mod says), and
	// its tool directive already names the generator.
	root, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		return err
	}
	if !strings.Contains(string(root), "\ntool github.com/flowc-dev/flowc/cmd/flowc\n") {
		return fmt.Errorf("the repo's go.mod does not name cmd/flowc as a tool")
	}
	gomod := strings.Replace(string(root), "module github.com/flowc-dev/flowc\n", "module example.com/try\n", 1) +
		fmt.Sprintf("\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => %s\n", repoRoot)
	sum, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o666)
}

// copyTestdata copies the tree testdata/<src> into dir.
func copyTestdata(src, dir string) error {
	root := filepath.Join("testdata", src)
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o666)
	})
}

// copyTree copies testdata/<src> into the module.
func (m *module) copyTree(src string) {
	m.t.Helper()
	if err := copyTestdata(src, m.dir); err != nil {
		m.t.Fatal(err)
	}
}

func (m *module) write(name, content string) {
	m.t.Helper()
	p := filepath.Join(m.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
		m.t.Fatal(err)
	}
}

func (m *module) path(name string) string { return filepath.Join(m.dir, filepath.FromSlash(name)) }

// result is what a finished command left.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit status %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// execIn runs name args in dir; a command that cannot start fails the test.
func execIn(t testing.TB, dir string, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return r
}

// flowc runs the shared generator binary in the module (or a sub dir).
func (m *module) flowc(args ...string) result {
	m.t.Helper()
	return execIn(m.t, m.dir, goEnv(), flowcBin, args...)
}

// goCmd runs the go command in the module and fails the test if it fails.
func (m *module) goCmd(args ...string) result {
	m.t.Helper()
	r := execIn(m.t, m.dir, goEnv(), "go", args...)
	if r.code != 0 {
		m.t.Fatalf("go %s:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// generate runs flowc on pkg and fails the test on any error.
func (m *module) generate(pkg string) {
	m.t.Helper()
	if r := m.flowc(pkg); r.code != 0 {
		m.t.Fatalf("flowc %s:\n%s", pkg, r)
	}
}

// build builds pkg into a binary and returns it, run from the module dir
// (so its datastore is <module>/.flowc).
func (m *module) build(pkg string) *flowBin {
	m.t.Helper()
	exe := filepath.Join(m.dir, "bin", strings.Trim(strings.ReplaceAll(pkg, "/", "_"), "._")+"flow")
	m.goCmd("build", "-o", exe, pkg)
	return &flowBin{t: m.t, path: exe, dir: m.dir}
}

// flowBin is a built flow binary and the dir it runs in.
type flowBin struct {
	t    *testing.T
	path string
	dir  string
	env  []string // extra environment
	// onRun, when set, is called after every successful runFlow (the S3
	// pass compares the run with a local one, s3_run_test.go).
	onRun func(b *flowBin, id string, args []string)
}

func (b *flowBin) run(args ...string) result {
	b.t.Helper()
	return execIn(b.t, b.dir, append(goEnv(), b.env...), b.path, args...)
}

// ok runs args and fails the test unless they succeed.
func (b *flowBin) ok(args ...string) result {
	b.t.Helper()
	r := b.run(args...)
	if r.code != 0 {
		b.t.Fatalf("%s %s:\n%s", filepath.Base(b.path), strings.Join(args, " "), r)
	}
	return r
}

// runFlow runs the flow with args and returns its run id (read from
// --run-id-file), failing the test unless the run succeeds.
func (b *flowBin) runFlow(args ...string) string {
	b.t.Helper()
	id, r := b.tryRun(args...)
	if r.code != 0 {
		b.t.Fatalf("run %s:\n%s", strings.Join(args, " "), r)
	}
	if b.onRun != nil {
		b.onRun(b, id, args)
	}
	return id
}

// tryRun runs the flow and returns the run id ("" when none was minted).
func (b *flowBin) tryRun(args ...string) (string, result) {
	b.t.Helper()
	f := filepath.Join(b.t.TempDir(), "run-id")
	r := b.run(append([]string{"run", "--quiet", "--run-id-file", f}, args...)...)
	id, err := os.ReadFile(f)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		b.t.Fatal(err)
	}
	return strings.TrimSpace(string(id)), r
}

// dump reads target's artifacts with `dump --json` into v.
func (b *flowBin) dump(target string, v any, extra ...string) {
	b.t.Helper()
	r := b.ok(append([]string{"dump", target, "--json"}, extra...)...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		b.t.Fatalf("dump %s --json: %v\n%s", target, err, r.stdout)
	}
}

// runStatus is the STATUS column of run id in `runs`.
func (b *flowBin) runStatus(id string) string {
	b.t.Helper()
	r := b.ok("runs")
	for _, line := range strings.Split(r.stdout, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == id {
			return f[1]
		}
	}
	b.t.Fatalf("run %s is not listed by runs:\n%s", id, r.stdout)
	return ""
}

// wantOneLineError checks the shape every bad input must have: exit
// status 1, one line on stderr containing each of phrases, no panic trace.
func wantOneLineError(t *testing.T, what string, r result, phrases ...string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("%s: want exit status 1, got\n%s", what, r)
		return
	}
	msg := strings.TrimRight(r.stderr, "\n")
	if msg == "" || strings.Contains(msg, "\n") {
		t.Errorf("%s: want one line on stderr, got\n%s", what, r)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Errorf("%s: panic trace on stderr:\n%s", what, r.stderr)
	}
	for _, p := range phrases {
		if !strings.Contains(msg, p) {
			t.Errorf("%s: stderr does not mention %q:\n%s", what, p, r.stderr)
		}
	}
}
