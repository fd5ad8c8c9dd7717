// Command switchflow takes one of two branches on a parameter, then loops
// on a switch back to its own step until a counter reaches a limit.
package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/runner/testdata/flowtest"
)

// SwitchFlow chooses.
type SwitchFlow struct {
	Mode  string
	Limit int
	Path  []string
	Count int
	State string
}

func (f *SwitchFlow) Start(ctx context.Context) error { f.Path = append(f.Path, "Start"); return nil }
func (f *SwitchFlow) A(ctx context.Context) error     { f.Path = append(f.Path, "A"); return nil }
func (f *SwitchFlow) B(ctx context.Context) error     { f.Path = append(f.Path, "B"); return nil }
func (f *SwitchFlow) Loop(ctx context.Context) error {
	f.Count++
	f.Path = append(f.Path, "Loop")
	f.State = "again"
	if f.Count >= f.Limit {
		f.State = "done"
	}
	return nil
}
func (f *SwitchFlow) End(ctx context.Context) error { f.Path = append(f.Path, "End"); return nil }

type SwitchFlowParams struct {
	Mode  string `name:"mode" help:"a or b (or anything, to match no case)." default:"a"`
	Limit int    `name:"limit" help:"Loop this many times." default:"3"`
}

type F = SwitchFlow

func run(m func(*F, context.Context) error) func(context.Context, any, rt.StepCall) error {
	return func(ctx context.Context, f any, c rt.StepCall) error { return m(f.(*F), ctx) }
}

var def = &rt.FlowDef{
	Graph: &rt.Graph{Flow: "SwitchFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindSwitch, Next: []string{"A", "B"},
			Switch: &rt.SwitchSpec{On: "Mode", Cases: []rt.SwitchCase{{Value: "a", Step: "A"}, {Value: "b", Step: "B"}}}, Uses: []string{"Path"}},
		{Name: "A", Kind: rt.KindLinear, Next: []string{"Loop"}, In: []string{"Start"}, Uses: []string{"Path"}},
		{Name: "B", Kind: rt.KindLinear, Next: []string{"Loop"}, In: []string{"Start"}, Uses: []string{"Path"}},
		{Name: "Loop", Kind: rt.KindSwitch, Next: []string{"Loop", "End"}, In: []string{"A", "B", "Loop"},
			Switch: &rt.SwitchSpec{On: "State", Cases: []rt.SwitchCase{{Value: "again", Step: "Loop"}, {Value: "done", Step: "End"}}},
			Uses:   []string{"Count", "Limit", "Path", "State"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Loop"}, Uses: []string{"Path"}},
	}},
	New: func() any { return new(F) },
	Fields: []rt.FieldDef{
		flowtest.Param(flowtest.String("Mode", func(f *F) *string { return &f.Mode }), "mode", "a", true, false),
		flowtest.Param(flowtest.JSON("Limit", "int", func(f *F) *int { return &f.Limit }), "limit", "3", true, false),
		flowtest.JSON("Path", "[]string", func(f *F) *[]string { return &f.Path }),
		flowtest.JSON("Count", "int", func(f *F) *int { return &f.Count }),
		flowtest.String("State", func(f *F) *string { return &f.State }),
	},
	Steps: []rt.StepDef{
		{Name: "Start", Run: run((*F).Start), SwitchValue: func(f any) string { return f.(*F).Mode }},
		{Name: "A", Run: run((*F).A)},
		{Name: "B", Run: run((*F).B)},
		{Name: "Loop", Run: run((*F).Loop), SwitchValue: func(f any) string { return f.(*F).State }},
		{Name: "End", Run: run((*F).End)},
	},
	Params: func() any { return new(SwitchFlowParams) },
	ApplyParams: func(params, f any, read func(field, path string) ([]byte, error)) error {
		p := params.(*SwitchFlowParams)
		f.(*F).Mode, f.(*F).Limit = p.Mode, p.Limit
		return nil
	},
}

func main() { runner.Main(def) }
