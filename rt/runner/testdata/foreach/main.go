// Command foreach squares N numbers in a foreach and joins them in order.
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/runner/testdata/flowtest"
)

// ForeachFlow fans out.
type ForeachFlow struct {
	N       int
	Items   []int
	Square  int
	Index   int
	Results []int
	Indices []int
}

func (f *ForeachFlow) Start(ctx context.Context) error {
	for i := range f.N {
		f.Items = append(f.Items, i)
	}
	return nil
}
func (f *ForeachFlow) Body(ctx context.Context, item int) error {
	f.Square = item * item
	f.Index = rt.Current(ctx).ForeachIndex
	if f.N <= 10 {
		fmt.Println("squared", item)
	}
	return nil
}
func (f *ForeachFlow) Join(ctx context.Context, in rt.Inputs[*ForeachFlow]) error {
	for i := 0; i < in.Len(); i++ {
		x := in.At(i)
		f.Results = append(f.Results, x.Square)
		f.Indices = append(f.Indices, x.Index)
	}
	return in.MergeArtifacts(f, rt.Include("N"))
}
func (f *ForeachFlow) End(ctx context.Context) error { return nil }

type ForeachFlowParams struct {
	N int `name:"n" help:"How many items." default:"3"`
}

type F = ForeachFlow

var def = &rt.FlowDef{
	Graph: &rt.Graph{Flow: "ForeachFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindForeach, Foreach: "Items", Next: []string{"Body"}, MatchingJoin: "Join", Uses: []string{"N", "Items"}},
		{Name: "Body", Kind: rt.KindLinear, Next: []string{"Join"}, In: []string{"Start"}, SplitParents: []string{"Start"}, IsForeachBody: true, Uses: []string{"N", "Square", "Index"}},
		{Name: "Join", Kind: rt.KindJoin, Join: true, Next: []string{"End"}, In: []string{"Body"}, UsesAll: true},
		{Name: "End", Kind: rt.KindEnd, In: []string{"Join"}},
	}},
	New: func() any { return new(F) },
	Fields: []rt.FieldDef{
		flowtest.Param(flowtest.JSON("N", "int", func(f *F) *int { return &f.N }), "n", "3", true, false),
		flowtest.JSON("Items", "[]int", func(f *F) *[]int { return &f.Items }),
		flowtest.JSON("Square", "int", func(f *F) *int { return &f.Square }),
		flowtest.JSON("Index", "int", func(f *F) *int { return &f.Index }),
		flowtest.JSON("Results", "[]int", func(f *F) *[]int { return &f.Results }),
		flowtest.JSON("Indices", "[]int", func(f *F) *[]int { return &f.Indices }),
	},
	Steps: []rt.StepDef{
		{Name: "Start", Run: func(ctx context.Context, f any, c rt.StepCall) error { return f.(*F).Start(ctx) },
			ForeachLen: func(f any) int { return len(f.(*F).Items) }},
		{Name: "Body", Run: func(ctx context.Context, f any, c rt.StepCall) error {
			x := f.(*F)
			return x.Body(ctx, x.Items[c.SplitIndex])
		}},
		{Name: "Join", Run: func(ctx context.Context, f any, c rt.StepCall) error {
			return f.(*F).Join(ctx, rt.NewInputs[*F](c.Inputs))
		}},
		{Name: "End", Run: func(ctx context.Context, f any, c rt.StepCall) error { return f.(*F).End(ctx) }},
	},
	Params: func() any { return new(ForeachFlowParams) },
	ApplyParams: func(params, f any, read func(field, path string) ([]byte, error)) error {
		f.(*F).N = params.(*ForeachFlowParams).N
		return nil
	},
}

func main() { runner.Main(def) }
