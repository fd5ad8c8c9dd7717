// Command faults exercises failures: errors, panics, retries, catch and
// timeouts, chosen by the --mode parameter.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/runner/testdata/flowtest"
)

// FaultsFlow fails on purpose.
type FaultsFlow struct {
	Mode     string
	Attempts []int
	Failed   *rt.Failure
	Value    int
}

func (f *FaultsFlow) Start(ctx context.Context) error {
	switch f.Mode {
	case "start-error":
		return errors.New("start broke")
	case "start-panic":
		var m map[string]int
		m["x"] = 1
	case "start-exit":
		fmt.Println("about to exit")
		os.Exit(3)
	}
	return nil
}

// Work has //flow:retry times=1 minutes_between=0, //flow:catch
// var=Failed and //flow:timeout seconds=1.
func (f *FaultsFlow) Work(ctx context.Context) error {
	n := rt.Current(ctx).RetryCount
	f.Attempts = append(f.Attempts, n)
	f.Value = 42
	fmt.Println("work attempt", n)
	switch f.Mode {
	case "flaky":
		if n == 0 {
			return errors.New("flaky failure")
		}
	case "work-error":
		return fmt.Errorf("work broke on attempt %d", n)
	case "work-panic":
		panic("work panicked")
	case "sleep":
		time.Sleep(30 * time.Second) // ignores ctx
	}
	return nil
}

func (f *FaultsFlow) End(ctx context.Context) error { return nil }

type FaultsFlowParams struct {
	Mode string `name:"mode" help:"What to break." default:"ok"`
}

type F = FaultsFlow

func run(m func(*F, context.Context) error) func(context.Context, any, rt.StepCall) error {
	return func(ctx context.Context, f any, c rt.StepCall) error { return m(f.(*F), ctx) }
}

var def = &rt.FlowDef{
	Graph: &rt.Graph{Flow: "FaultsFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindStart, Next: []string{"Work"}, Uses: []string{"Mode"}},
		{Name: "Work", Kind: rt.KindLinear, Next: []string{"End"}, In: []string{"Start"},
			Retry: &rt.Retry{Times: 1}, Catch: "Failed", TimeoutS: 1, Uses: []string{"Mode", "Attempts", "Value"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Work"}},
	}},
	New: func() any { return new(F) },
	Fields: []rt.FieldDef{
		flowtest.Param(flowtest.String("Mode", func(f *F) *string { return &f.Mode }), "mode", "ok", true, false),
		flowtest.JSON("Attempts", "[]int", func(f *F) *[]int { return &f.Attempts }),
		flowtest.JSON("Failed", "*rt.Failure", func(f *F) **rt.Failure { return &f.Failed }),
		flowtest.JSON("Value", "int", func(f *F) *int { return &f.Value }),
	},
	Steps: []rt.StepDef{
		{Name: "Start", Run: run((*F).Start)},
		{Name: "Work", Run: run((*F).Work)},
		{Name: "End", Run: run((*F).End)},
	},
	Params: func() any { return new(FaultsFlowParams) },
	ApplyParams: func(params, f any, read func(field, path string) ([]byte, error)) error {
		f.(*F).Mode = params.(*FaultsFlowParams).Mode
		return nil
	},
}

func main() { runner.Main(def) }
