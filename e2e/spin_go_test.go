package e2e

import (
	"strings"
	"testing"
)

// The Go helper of issue 7 item 21a: a step tested from `go test` on the
// inputs of a past task, in a module set up as a user's.

const spinFlowSrc = `package main

//go:generate go run github.com/flowc-dev/flowc/cmd/flowc

import (
	"context"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/rt"
)

// SumFlow squares numbers in a foreach and sums them.
//
//flow:flow
type SumFlow struct {
	//flow:param default=2
	Scale int

	Nums  []int
	Sq    int
	Total int
	Label string
}

//flow:step
//flow:foreach over=Nums next=Square
func (f *SumFlow) Start(ctx context.Context) error {
	f.Nums = []int{1, 2, 3}
	f.Label = "start"
	return nil
}

//flow:step
//flow:next Join
//flow:env SUMFLOW_ENV=from-env
func (f *SumFlow) Square(ctx context.Context, n int) error {
	f.Sq = n * n * f.Scale
	fmt.Printf("square of %d is %d (%s)\n", n, f.Sq, os.Getenv("SUMFLOW_ENV"))
	return nil
}

//flow:step
//flow:next End
func (f *SumFlow) Join(ctx context.Context, inputs rt.Inputs[*SumFlow]) error {
	for _, in := range inputs.All() {
		f.Total += in.Sq
	}
	return nil
}

//flow:step
func (f *SumFlow) End(ctx context.Context) error { return nil }
`

// spinFlowTest is the user's test: it finds the tasks of the latest run
// with rt/client and spins them.
const spinFlowTest = `package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/spin"
)

func latest(t *testing.T) *client.Run {
	c, err := client.New()
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Flow("SumFlow").LatestRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func TestSquareOnPastInputs(t *testing.T) {
	ctx := context.Background()
	run := latest(t)
	tasks, err := run.Step("Square").Tasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	third := run.ID() + "/Square/" + tasks[2].ID() // item 3

	res, err := spin.Run[*SumFlow](ctx, sumFlowDef, third)
	if err != nil {
		t.Fatal(err)
	}
	if res.Flow.Sq != 18 || res.Flow.Label != "start" || !slices.Equal(res.Changed, []string{"Sq"}) {
		t.Errorf("spin of %s: Sq %d, Label %q, changed %v", third, res.Flow.Sq, res.Flow.Label, res.Changed)
	}
	if !strings.Contains(res.Stdout, "square of 3 is 18 (from-env)") {
		t.Errorf("stdout %q", res.Stdout)
	}

	res, err = spin.Run[*SumFlow](ctx, sumFlowDef, third, spin.Artifact("Nums", "[1,2,10]"), spin.Artifact("Scale", "1"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Flow.Sq != 100 {
		t.Errorf("with Nums and Scale overridden: Sq = %d, want 100", res.Flow.Sq)
	}

	_, err = spin.Run[*SumFlow](ctx, sumFlowDef, third, spin.Artifact("Nums", "[\"x\"]"))
	if err == nil || !strings.Contains(err.Error(), "is not JSON of type []int") {
		t.Errorf("a mistyped override: err = %v", err)
	}
}

func TestJoinAndStart(t *testing.T) {
	ctx := context.Background()
	run := latest(t)
	join := run.Step("Join").Task(ctx)
	res, err := spin.Run[*SumFlow](ctx, sumFlowDef, run.ID()+"/Join/"+join.ID(), spin.Artifact("Sq", "5"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Flow.Total != 15 {
		t.Errorf("join with every input's Sq = 5: Total = %d, want 15", res.Flow.Total)
	}
	res, err = spin.Run[*SumFlow](ctx, sumFlowDef, run.ID()+"/Start/1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Flow.Nums, []int{1, 2, 3}) || res.Flow.Scale != 2 {
		t.Errorf("spin of Start: %+v", res.Flow)
	}
	// The scratch runs are no runs of the flow.
	if again := latest(t); again.ID() != run.ID() {
		t.Errorf("LatestRun after spins = %s, want %s", again.ID(), run.ID())
	}
}
`

func TestSpinGoHelper(t *testing.T) {
	m := newModule(t, map[string]string{"flow.go": spinFlowSrc, "flow_test.go": spinFlowTest})
	m.generate(".")
	b := m.build(".")
	b.ok("run")
	r := execIn(t, m.dir, goEnv(), "go", "test", "-count=1", ".")
	if r.code != 0 {
		t.Fatalf("go test of the flow's package: %s", r)
	}
	out := b.ok("runs").stdout
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 1 {
		t.Errorf("runs after the tests' spins lists %d runs, want 1:\n%s", n, out)
	}
}
