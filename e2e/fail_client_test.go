package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The client test's module: a library package with a flow (so its
// generated Load function can be imported), a command that runs it, and a
// separate program that reads it back through rt/client, as DESIGN.md §6
// shows.
const (
	clientFlowSrc = `// Package hello holds HelloFlow.
package hello

//go:generate go tool flowc

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// HelloFlow sets MyVar in Start and counts in a foreach.
//
//flow:flow
type HelloFlow struct {
	//flow:param default=world
	Who   string
	MyVar string
	Items []int
	Item  int
	Sum   int
}

//flow:step
//flow:foreach over=Items next=Body
func (f *HelloFlow) Start(ctx context.Context) error {
	f.MyVar = "hello " + f.Who
	f.Items = []int{1, 2, 3}
	fmt.Println("start says", f.MyVar)
	return nil
}

//flow:step
//flow:next Join
func (f *HelloFlow) Body(ctx context.Context, item int) error {
	f.Item = item * 10
	return nil
}

//flow:step
//flow:next End
func (f *HelloFlow) Join(ctx context.Context, inputs rt.Inputs[*HelloFlow]) error {
	for _, in := range inputs.All() {
		f.Sum += in.Item
	}
	f.MyVar = inputs.At(0).MyVar
	return nil
}

//flow:step
func (f *HelloFlow) End(ctx context.Context) error { return nil }
`
	clientRunSrc = `package main

import (
	"context"
	"os"

	"example.com/try/hello"
)

func main() { os.Exit(hello.RunHelloFlow(context.Background(), os.Args[1:])) }
`
	clientReadSrc = `package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"example.com/try/hello"
	"github.com/flowc-dev/flowc/rt/client"
)

type report struct {
	RunID, MyVar, Typed, Stdout, Namespace, OtherNS, GlobalRun string
	Sum, Tasks                                                 int
	Successful                                                 bool
	Tags                                                       []string
}

func main() {
	if err := read(); err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(1)
	}
}

func read() error {
	ctx := context.Background()
	c, err := client.New(client.FromEnv())
	if err != nil {
		return err
	}
	var r report
	r.Namespace = c.CurrentNamespace()
	run, err := c.Flow("HelloFlow").LatestSuccessfulRun(ctx)
	if err != nil {
		return err
	}
	r.RunID, r.Successful, r.Tags = run.ID(), run.Successful(), run.Tags()
	if err := run.Data(ctx, "MyVar", &r.MyVar); err != nil {
		return err
	}
	f, err := hello.LoadHelloFlow(ctx, run)
	if err != nil {
		return err
	}
	r.Typed, r.Sum = f.MyVar, f.Sum
	if r.Stdout, err = run.Step("Start").Task(ctx).Stdout(ctx); err != nil {
		return err
	}
	tasks, err := run.Step("Body").Tasks(ctx)
	if err != nil {
		return err
	}
	r.Tasks = len(tasks)
	// Another namespace does not see the run; the global one does.
	c.Namespace("user:somebody-else")
	_, err = c.Flow("HelloFlow").Run(ctx, run.ID())
	var nin *client.NotInNamespace
	if errors.As(err, &nin) {
		r.OtherNS = err.Error()
	}
	c.Namespace("")
	g, err := c.Flow("HelloFlow").LatestSuccessfulRun(ctx)
	if err != nil {
		return err
	}
	r.GlobalRun = g.ID()
	return json.NewEncoder(os.Stdout).Encode(r)
}
`
)

// TestFailClientProgram runs a flow, then a separate Go program that reads
// it back with rt/client from the finished run's datastore.
func TestFailClientProgram(t *testing.T) {
	t.Parallel()
	repo := failRepo(t)
	dir := t.TempDir()
	gomod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The repo's requirements (all in the module cache) plus flowc itself,
	// so nothing needs the network.
	mod := strings.Replace(string(gomod), "module github.com/flowc-dev/flowc", "module example.com/try", 1) +
		"\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => " + repo + "\n"
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"go.mod": mod, "go.sum": string(sum),
		"hello/flow.go": clientFlowSrc, "cmd/hello/main.go": clientRunSrc, "cmd/read/main.go": clientReadSrc,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	goEnv := failEnv("GOFLAGS=-mod=mod", "GOPROXY=off")
	for _, args := range [][]string{{"generate", "./..."}, {"build", "-o", "bin/", "./cmd/..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, goEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
	}
	b := newFailBin(t, filepath.Join(dir, "bin", "hello"), "FLOWC_USER=dora")
	b.ok(nil, "run", "--quiet", "--who", "client", "--tag", "exp1")
	b.run([]string{"FLOWC_USER=erin"}, "run", "--quiet", "--who", "other") // another namespace, newer

	cmd := exec.Command(filepath.Join(dir, "bin", "read"))
	cmd.Dir = t.TempDir() // the program finds the datastore through FLOWC_DATASTORE_ROOT only
	cmd.Env = failEnv(b.env...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("read: %v\n%s", err, stderr)
	}
	var r struct {
		RunID, MyVar, Typed, Stdout, Namespace, OtherNS, GlobalRun string
		Sum, Tasks                                                 int
		Successful                                                 bool
		Tags                                                       []string
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Namespace != "user:dora" || r.RunID != "1" || !r.Successful || len(r.Tags) != 1 || r.Tags[0] != "exp1" {
		t.Errorf("run: %+v", r)
	}
	if r.MyVar != "hello client" || r.Typed != "hello client" || r.Sum != 60 || r.Tasks != 3 {
		t.Errorf("artifacts: MyVar %q, typed %q, Sum %d, %d Body tasks", r.MyVar, r.Typed, r.Sum, r.Tasks)
	}
	if r.Stdout != "start says hello client\n" {
		t.Errorf("Start's stdout = %q", r.Stdout)
	}
	if !strings.Contains(r.OtherNS, `namespace "user:dora"`) || !strings.Contains(r.OtherNS, `"user:somebody-else"`) {
		t.Errorf("a run outside the namespace: %q", r.OtherNS)
	}
	if r.GlobalRun != "2" {
		t.Errorf("global LatestSuccessfulRun = %q, want erin's run 2", r.GlobalRun)
	}
}
