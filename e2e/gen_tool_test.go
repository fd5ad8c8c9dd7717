package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const helloFlow = `package main

//go:generate go tool flowc

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

//flow:flow
type HelloFlow struct{ Msg string }

//flow:step
//flow:next End
func (f *HelloFlow) Start(ctx context.Context) error {
	f.Msg = "hello from " + rt.Current(ctx).Step
	return nil
}

//flow:step
func (f *HelloFlow) End(ctx context.Context) error { fmt.Println(f.Msg); return nil }
`

// userEnv is a new user's environment: no -mod=mod (go.mod and go.sum
// change only through go get and go mod tidy, as for anyone), and the
// module cache instead of the network (flowc is not published).
func userEnv() []string {
	var env []string
	for _, kv := range goEnv() {
		if !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	return append(env, "GOFLAGS="+goFlags, "GOPROXY=off", "GOSUMDB=off")
}

// TestGenNewModuleAsREADME sets a module up with exactly the README's
// commands (go mod init; the require, replace and tool directive while
// flowc is unpublished; go mod tidy) and checks what a new user hits: building before generating
// fails as the README says, go generate works on the first try (every
// go.sum entry the generated code needs is there), and go mod tidy keeps
// the generator working, before and after generating.
func TestGenNewModuleAsREADME(t *testing.T) {
	dir := readmeModule(t)
	env := userEnv()
	gocmd := func(args ...string) result {
		t.Helper()
		r := execIn(t, dir, env, "go", args...)
		if r.code != 0 {
			t.Fatalf("go %s:\n%s", strings.Join(args, " "), r)
		}
		return r
	}

	// Before go generate there is no func main: the README names this error.
	r := execIn(t, dir, env, "go", "build", "-o", "hello", ".")
	if r.code == 0 || !strings.Contains(r.stderr, "function main is undeclared") {
		t.Errorf("go build before go generate: want the error the README explains, got\n%s", r)
	}
	readme := readAll(t, filepath.Join(repoRoot, "README.md"))
	if !strings.Contains(readme, "function main is undeclared") {
		t.Error("README does not explain `function main is undeclared` (run go generate)")
	}

	run := func(step string) {
		t.Helper()
		gocmd("generate", "./...")
		gocmd("build", "-o", "hello", ".")
		b := &flowBin{t: t, path: filepath.Join(dir, "hello"), dir: dir}
		var msg string
		b.dump(b.runFlow(), &msg, "--artifact", "Msg")
		if msg != "hello from Start" {
			t.Errorf("%s: Msg = %q, want %q", step, msg, "hello from Start")
		}
	}
	run("after the README's setup")

	// go mod tidy with the generated file, then without it: the
	// generator and what its output imports stay required. tidy walks the
	// whole module graph, tests of dependencies included, so it needs go.mod
	// files no build downloads: it may reach the module proxy, as it would
	// for any user; flowc's own (unpublished) paths fall through to off.
	env = proxiedEnv(env)
	gocmd("mod", "tidy")
	run("after go mod tidy")
	if err := os.Remove(filepath.Join(dir, "hello_flow.flowc.go")); err != nil {
		t.Fatal(err)
	}
	gocmd("mod", "tidy")
	run("after go mod tidy without the generated file")
}

// readmeSetup are the README's commands that set a module up, the clone
// at repoRoot.
func readmeSetup() [][]string {
	return [][]string{
		{"mod", "init", "example.com/flows"},
		{"mod", "edit", "-require=github.com/flowc-dev/flowc@v0.0.0", "-replace=github.com/flowc-dev/flowc=" + repoRoot, "-tool=github.com/flowc-dev/flowc/cmd/flowc"},
		{"mod", "tidy"},
	}
}

// readmeModule is a module set up with the README's commands, holding
// helloFlow: go mod init; the require, replace and tool directive while
// flowc is unpublished; go mod tidy. (go get -tool would ask the module
// proxy for flowc's path, which it does not have: a user's proxy answers
// not found, so that README step failed for anyone but these tests, which
// ran it with GOPROXY=off.) tidy walks the whole module graph, tests of
// dependencies included, so it may reach the module proxy, as a user's
// does.
func readmeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, args := range readmeSetup() {
		if r := execIn(t, dir, proxiedEnv(userEnv()), "go", args...); r.code != 0 {
			t.Fatalf("go %s:\n%s", strings.Join(args, " "), r)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "flow.go"), []byte(helloFlow), 0o666); err != nil {
		t.Fatal(err)
	}
	// The README shows the same commands, the clone beside the module.
	readme := readAll(t, filepath.Join(repoRoot, "README.md"))
	for _, args := range readmeSetup() {
		cmd := "go " + strings.ReplaceAll(strings.Join(args, " "), repoRoot, "../flowc")
		if !strings.Contains(readme, "\n"+cmd+"\n") {
			t.Errorf("README does not show %q", cmd)
		}
	}
	if gomod := readAll(t, filepath.Join(dir, "go.mod")); !strings.Contains(gomod, "tool github.com/flowc-dev/flowc/cmd/flowc") {
		t.Fatalf("go mod edit -tool did not add the tool directive:\n%s", gomod)
	}
	return dir
}

// TestGenMissingGoSum: when the module lacks a go.sum entry that the
// generated code's imports need, flowc says so and how to fix it, and
// does not call it a flowc bug.
func TestGenMissingGoSum(t *testing.T) {
	dir := readmeModule(t)
	var kept []string
	for _, line := range strings.SplitAfter(readAll(t, filepath.Join(dir, "go.sum")), "\n") {
		if !strings.Contains(line, "klauspost/compress") {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(kept, "")), 0o666); err != nil {
		t.Fatal(err)
	}
	r := execIn(t, dir, userEnv(), flowcBin)
	if r.code != 1 {
		t.Fatalf("want exit status 1, got\n%s", r)
	}
	if strings.Contains(r.stderr, "flowc bug") {
		t.Errorf("a missing go.sum entry is blamed on flowc:\n%s", r.stderr)
	}
	for _, want := range []string{"missing go.sum entry", "github.com/klauspost/compress", `"go mod tidy"`, "go mod edit -tool=github.com/flowc-dev/flowc/cmd/flowc"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not mention %q:\n%s", want, r.stderr)
		}
	}
	if got := generated(t, dir); len(got) != 0 {
		t.Errorf("flowc wrote %v on error", got)
	}
}

// proxiedEnv is env with GOPROXY the environment's proxy, falling back to
// off on any error (the proxy answers 403 for flowc's unpublished paths).
func proxiedEnv(env []string) []string {
	proxy := "https://proxy.golang.org"
	if p := os.Getenv("GOPROXY"); p != "" && p != "off" {
		proxy = p
	}
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GOPROXY=") {
			out = append(out, kv)
		}
	}
	return append(out, "GOPROXY="+proxy+"|off")
}
