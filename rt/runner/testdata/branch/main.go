// Command branch is Metaflow's merge_artifacts example, hand-written as the
// generator would emit it: a static split A/B joined with MergeArtifacts.
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/runner/testdata/flowtest"
)

// BranchFlow splits and merges.
type BranchFlow struct {
	Conflict bool // param: skip the Exclude("Y") to provoke a conflict

	PassDown string
	Common   int
	X, Y     int
	FromA    int
	Order    []string
}

func (f *BranchFlow) Start(ctx context.Context) error { f.PassDown = "a"; return nil }
func (f *BranchFlow) A(ctx context.Context) error {
	f.Common, f.X, f.Y, f.FromA = 5, 1, 3, 6
	return nil
}
func (f *BranchFlow) B(ctx context.Context) error { f.Common, f.X, f.Y = 5, 2, 4; return nil }
func (f *BranchFlow) Join(ctx context.Context, in rt.Inputs[*BranchFlow]) error {
	f.X = in.Step("A").X
	for _, i := range in.All() {
		f.Order = append(f.Order, fmt.Sprint(i.X))
	}
	if f.Conflict {
		return in.MergeArtifacts(f)
	}
	return in.MergeArtifacts(f, rt.Exclude("Y"))
}
func (f *BranchFlow) End(ctx context.Context) error { return nil }

type BranchFlowParams struct {
	Conflict bool `name:"conflict" help:"Merge without excluding Y."`
}

type F = BranchFlow

var def = &rt.FlowDef{
	Graph: &rt.Graph{Flow: "BranchFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindSplit, Next: []string{"A", "B"}, MatchingJoin: "Join", Uses: []string{"PassDown"}},
		{Name: "A", Kind: rt.KindLinear, Next: []string{"Join"}, In: []string{"Start"}, SplitParents: []string{"Start"}, Uses: []string{"Common", "X", "Y", "FromA"}},
		{Name: "B", Kind: rt.KindLinear, Next: []string{"Join"}, In: []string{"Start"}, SplitParents: []string{"Start"}, Uses: []string{"Common", "X", "Y"}},
		{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"End"}, In: []string{"A", "B"}, UsesAll: true},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Join"}},
	}},
	New: func() any { return new(F) },
	Fields: []rt.FieldDef{
		flowtest.Param(flowtest.JSON("Conflict", "bool", func(f *F) *bool { return &f.Conflict }), "conflict", "", false, false),
		flowtest.String("PassDown", func(f *F) *string { return &f.PassDown }),
		flowtest.JSON("Common", "int", func(f *F) *int { return &f.Common }),
		flowtest.JSON("X", "int", func(f *F) *int { return &f.X }),
		flowtest.JSON("Y", "int", func(f *F) *int { return &f.Y }),
		flowtest.JSON("FromA", "int", func(f *F) *int { return &f.FromA }),
		flowtest.JSON("Order", "[]string", func(f *F) *[]string { return &f.Order }),
	},
	Steps: []rt.StepDef{
		{Name: "Start", Run: func(ctx context.Context, f any, c rt.StepCall) error { return f.(*F).Start(ctx) }},
		{Name: "A", Run: func(ctx context.Context, f any, c rt.StepCall) error { return f.(*F).A(ctx) }},
		{Name: "B", Run: func(ctx context.Context, f any, c rt.StepCall) error { return f.(*F).B(ctx) }},
		{Name: "Join", Run: func(ctx context.Context, f any, c rt.StepCall) error {
			return f.(*F).Join(ctx, rt.NewInputs[*F](c.Inputs))
		}},
		{Name: "End", Run: func(ctx context.Context, f any, c rt.StepCall) error { return f.(*F).End(ctx) }},
	},
	Params: func() any { return new(BranchFlowParams) },
	ApplyParams: func(params, f any, read func(field, path string) ([]byte, error)) error {
		f.(*F).Conflict = params.(*BranchFlowParams).Conflict
		return nil
	},
}

func main() { runner.Main(def) }
