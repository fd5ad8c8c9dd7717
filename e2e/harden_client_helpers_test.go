package e2e

// Helpers of the harden_client_*_test.go and spin_*_test.go files: the
// examples are built once per test process and each test runs them in its
// own directory and datastore, as a user would. Kept apart from the other
// helpers so either set can change without the other.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var hcBuilds sync.Map // example name -> *hcBuild

type hcBuild struct {
	once sync.Once
	path string
	err  error
}

// hcEnv is the caller's environment without FLOWC_* variables, plus extra.
func hcEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FLOWC_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// hcExample builds ./examples/<name> once and returns it set to run in a
// fresh directory of t with its own datastore, as user alice.
func hcExample(t *testing.T, name string) *hcBin {
	t.Helper()
	v, _ := hcBuilds.LoadOrStore(name, &hcBuild{})
	b := v.(*hcBuild)
	b.once.Do(func() {
		b.path = filepath.Join(tmpRoot, "hc-"+name)
		cmd := exec.Command("go", "build", "-o", b.path, "./examples/"+name)
		cmd.Dir = repoRoot
		cmd.Env = hcEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = errors.New("go build ./examples/" + name + ": " + err.Error() + "\n" + string(out))
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	dir := t.TempDir()
	return &hcBin{t: t, path: b.path, dir: dir, env: []string{
		"FLOWC_DATASTORE_ROOT=" + filepath.Join(dir, ".flowc"), "FLOWC_USER=alice"}}
}

// hcBin is a built flow binary, its working directory and environment.
type hcBin struct {
	t    *testing.T
	path string
	dir  string
	env  []string
}

type hcResult struct {
	stdout, stderr string
	code           int
}

func (r hcResult) String() string {
	return "exit status " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// run runs the binary with args; extra environment comes first as
// KEY=VALUE arguments before a "--" (run(env, args...) reads badly).
func (b *hcBin) runEnv(env []string, args ...string) hcResult {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.path, args...)
	cmd.Dir = b.dir
	cmd.Env = hcEnv(append(append([]string{}, b.env...), env...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		b.t.Fatalf("%s %v did not end within 60 s\nstdout:\n%s\nstderr:\n%s", filepath.Base(b.path), args, out.String(), errb.String())
	}
	r := hcResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		b.t.Fatalf("running %s: %v", b.path, err)
	}
	return r
}

func (b *hcBin) run(args ...string) hcResult {
	b.t.Helper()
	return b.runEnv(nil, args...)
}

func (b *hcBin) ok(args ...string) hcResult {
	b.t.Helper()
	r := b.run(args...)
	if r.code != 0 {
		b.t.Fatalf("%s %s: %s", filepath.Base(b.path), strings.Join(args, " "), r)
	}
	return r
}

// fails runs args, wants exit status 1 and one line on stderr containing
// every one of want, and returns that line.
func (b *hcBin) fails(args []string, want ...string) string {
	b.t.Helper()
	r := b.run(args...)
	line := strings.TrimSuffix(r.stderr, "\n")
	if r.code != 1 || strings.Contains(line, "\n") {
		b.t.Fatalf("%s %s: want exit status 1 and one line on stderr, got %s", filepath.Base(b.path), strings.Join(args, " "), r)
	}
	for _, w := range want {
		if !strings.Contains(line, w) {
			b.t.Errorf("%s %s: error %q does not contain %q", filepath.Base(b.path), strings.Join(args, " "), line, w)
		}
	}
	return line
}

// runFlow runs the flow (with args) and returns its run id.
func (b *hcBin) runFlow(env []string, args ...string) (string, hcResult) {
	b.t.Helper()
	idFile := filepath.Join(b.dir, "run-id-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	r := b.runEnv(env, append([]string{"run", "--run-id-file", idFile}, args...)...)
	id, err := os.ReadFile(idFile)
	if err != nil {
		b.t.Fatalf("run %v wrote no run id: %v\n%s", args, err, r)
	}
	return string(id), r
}

// okRun is runFlow that wants the run to succeed.
func (b *hcBin) okRun(args ...string) string {
	b.t.Helper()
	id, r := b.runFlow(nil, args...)
	if r.code != 0 {
		b.t.Fatalf("run %v: %s", args, r)
	}
	return id
}

// dump decodes `dump target --json` into v.
func (b *hcBin) dump(target string, v any, extra ...string) {
	b.t.Helper()
	r := b.ok(append([]string{"dump", target, "--json"}, extra...)...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		b.t.Fatalf("dump %s --json: %v\n%s", target, err, r.stdout)
	}
}

// tasks lists the task ids of step in a run, from the datastore's layout.
func (b *hcBin) tasks(flow, run, step string) []string {
	b.t.Helper()
	es, err := os.ReadDir(filepath.Join(b.dir, ".flowc", flow, run, step))
	if err != nil {
		b.t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	return ids
}

// runsIDs is the first column of `runs args...`, header left out.
func (b *hcBin) runsIDs(args ...string) []string {
	b.t.Helper()
	r := b.ok(append([]string{"runs"}, args...)...)
	var ids []string
	for i, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if f := strings.Fields(line); i > 0 && len(f) > 0 {
			ids = append(ids, f[0])
		}
	}
	return ids
}

// startEnv starts the binary with args and extra environment, not waiting.
func (b *hcBin) startEnv(ctx context.Context, env []string, args ...string) *exec.Cmd {
	b.t.Helper()
	cmd := exec.CommandContext(ctx, b.path, args...)
	cmd.Dir = b.dir
	cmd.Env = hcEnv(append(append([]string{}, b.env...), env...)...)
	if err := cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	return cmd
}
