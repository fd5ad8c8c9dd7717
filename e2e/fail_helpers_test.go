package e2e

// Helpers of the fail_*_test.go files ("Failures and iteration"): the
// examples are built with `go build` into a temp dir and run as a user
// would, each test with its own datastore. Kept apart from the gen_*
// helpers so either set can change without the other.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// failRepo is the root of the flowc module.
func failRepo(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the repository")
	}
	return filepath.Dir(filepath.Dir(file))
}

// failEnv is the caller's environment without FLOWC_* variables, plus
// extra.
func failEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FLOWC_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// failBuild builds the example package ./examples/<name> into dir.
func failBuild(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, "./examples/"+name)
	cmd.Dir = failRepo(t)
	cmd.Env = failEnv()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/%s: %v\n%s", name, err, b)
	}
	return out
}

// failBin is a built example run in its own working dir and datastore.
type failBin struct {
	t    *testing.T
	path string
	dir  string
	env  []string // FLOWC_USER and the like
}

func newFailBin(t *testing.T, path string, env ...string) *failBin {
	dir := t.TempDir()
	return &failBin{t: t, path: path, dir: dir,
		env: append([]string{"FLOWC_DATASTORE_ROOT=" + filepath.Join(dir, ".flowc")}, env...)}
}

type failResult struct {
	stdout, stderr string
	code           int
}

func (r failResult) String() string {
	return "exit status " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// cmd prepares the binary with args and extra environment.
func (b *failBin) cmd(ctx context.Context, env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, b.path, args...)
	cmd.Dir = b.dir
	cmd.Env = failEnv(append(append([]string{}, b.env...), env...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

// run runs args with extra environment; a run over 30 s fails the test
// (the generous bound every command here lives within).
func (b *failBin) run(env []string, args ...string) failResult {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, out, errb := b.cmd(ctx, env, args...)
	err := cmd.Run()
	if ctx.Err() != nil {
		b.t.Fatalf("%s %v did not end within 30 s\nstdout:\n%s\nstderr:\n%s", filepath.Base(b.path), args, out, errb)
	}
	r := failResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		b.t.Fatalf("running %s: %v", b.path, err)
	}
	return r
}

func (b *failBin) ok(env []string, args ...string) failResult {
	b.t.Helper()
	r := b.run(env, args...)
	if r.code != 0 {
		b.t.Fatalf("%s %v: %s", filepath.Base(b.path), args, r)
	}
	return r
}

// dump decodes `dump target --json` into v.
func (b *failBin) dump(target string, v any, extra ...string) {
	b.t.Helper()
	r := b.ok(nil, append([]string{"dump", target, "--json"}, extra...)...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		b.t.Fatalf("dump %s --json: %v\n%s", target, err, r.stdout)
	}
}

// runsRow returns the fields of run id's row in `runs args...`, or nil.
func (b *failBin) runsRow(id string, args ...string) []string {
	b.t.Helper()
	r := b.ok(nil, append([]string{"runs"}, args...)...)
	for _, line := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == id {
			return f
		}
	}
	return nil
}

// readDone reads the commit marker of attempt 0 of a task in the datastore:
// task.json if it succeeded, 0.done if it failed.
func (b *failBin) readDone(flow, run, step, task string) map[string]any {
	b.t.Helper()
	dir := filepath.Join(b.dir, ".flowc", flow, run, step, task)
	data, err := os.ReadFile(filepath.Join(dir, "0.done"))
	if errors.Is(err, fs.ErrNotExist) {
		data, err = os.ReadFile(filepath.Join(dir, "task.json"))
	}
	if err != nil {
		b.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		b.t.Fatal(err)
	}
	return m
}

// onlyTask returns the single task id of step in a run.
func (b *failBin) onlyTask(flow, run, step string) string {
	b.t.Helper()
	es, err := os.ReadDir(filepath.Join(b.dir, ".flowc", flow, run, step))
	if err != nil || len(es) != 1 {
		b.t.Fatalf("step %s of run %s: want one task, got %d (%v)", step, run, len(es), err)
	}
	return es[0].Name()
}
