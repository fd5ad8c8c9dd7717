// Command nested runs a foreach inside a foreach (3 x 4).
package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/runner"
	"github.com/flowc-dev/flowc/rt/runner/testdata/flowtest"
)

// NestedFlow pairs every X with every Y.
type NestedFlow struct {
	Xs    []int
	X     int
	Ys    []int
	Pair  int
	Stack []int
	Row   []int
	Rows  [][]int
	Cells [][][]int
}

func (f *NestedFlow) Start(ctx context.Context) error { f.Xs = []int{1, 2, 3}; return nil }
func (f *NestedFlow) Outer(ctx context.Context, x int) error {
	f.X, f.Ys = x, []int{1, 2, 3, 4}
	return nil
}
func (f *NestedFlow) Inner(ctx context.Context, y int) error {
	f.Pair = f.X*10 + y
	f.Stack = rt.Current(ctx).ForeachStack
	return nil
}
func (f *NestedFlow) InnerJoin(ctx context.Context, in rt.Inputs[*NestedFlow]) error {
	var cells [][]int
	for _, i := range in.All() {
		f.Row = append(f.Row, i.Pair)
		cells = append(cells, i.Stack)
	}
	f.Cells = [][][]int{cells}
	return nil
}
func (f *NestedFlow) OuterJoin(ctx context.Context, in rt.Inputs[*NestedFlow]) error {
	for _, i := range in.All() {
		f.Rows = append(f.Rows, i.Row)
		f.Cells = append(f.Cells, i.Cells...)
	}
	return nil
}
func (f *NestedFlow) End(ctx context.Context) error { return nil }

type F = NestedFlow

func run(m func(*F, context.Context) error) func(context.Context, any, rt.StepCall) error {
	return func(ctx context.Context, f any, c rt.StepCall) error { return m(f.(*F), ctx) }
}

func join(m func(*F, context.Context, rt.Inputs[*F]) error) func(context.Context, any, rt.StepCall) error {
	return func(ctx context.Context, f any, c rt.StepCall) error {
		return m(f.(*F), ctx, rt.NewInputs[*F](c.Inputs))
	}
}

var def = &rt.FlowDef{
	Graph: &rt.Graph{Flow: "NestedFlow", Steps: []*rt.Step{
		{Name: "Start", Kind: rt.KindForeach, Foreach: "Xs", Next: []string{"Outer"}, MatchingJoin: "OuterJoin", Uses: []string{"Xs"}},
		{Name: "Outer", Kind: rt.KindForeach, Foreach: "Ys", Next: []string{"Inner"}, In: []string{"Start"}, MatchingJoin: "InnerJoin",
			SplitParents: []string{"Start"}, IsForeachBody: true, Uses: []string{"X", "Ys"}},
		{Name: "Inner", Kind: rt.KindLinear, Next: []string{"InnerJoin"}, In: []string{"Outer"},
			SplitParents: []string{"Start", "Outer"}, IsForeachBody: true, Uses: []string{"X", "Pair", "Stack"}},
		{Name: "InnerJoin", Kind: rt.KindJoin, Join: true, Next: []string{"OuterJoin"}, In: []string{"Inner"},
			SplitParents: []string{"Start"}, Uses: []string{"Row", "Cells"}},
		{Name: "OuterJoin", Kind: rt.KindJoin, Join: true, Next: []string{"End"}, In: []string{"InnerJoin"}, Uses: []string{"Rows", "Cells"}},
		{Name: "End", Kind: rt.KindEnd, In: []string{"OuterJoin"}},
	}},
	New: func() any { return new(F) },
	Fields: []rt.FieldDef{
		flowtest.JSON("Xs", "[]int", func(f *F) *[]int { return &f.Xs }),
		flowtest.JSON("X", "int", func(f *F) *int { return &f.X }),
		flowtest.JSON("Ys", "[]int", func(f *F) *[]int { return &f.Ys }),
		flowtest.JSON("Pair", "int", func(f *F) *int { return &f.Pair }),
		flowtest.JSON("Stack", "[]int", func(f *F) *[]int { return &f.Stack }),
		flowtest.JSON("Row", "[]int", func(f *F) *[]int { return &f.Row }),
		flowtest.JSON("Rows", "[][]int", func(f *F) *[][]int { return &f.Rows }),
		flowtest.JSON("Cells", "[][][]int", func(f *F) *[][][]int { return &f.Cells }),
	},
	Steps: []rt.StepDef{
		{Name: "Start", Run: run((*F).Start), ForeachLen: func(f any) int { return len(f.(*F).Xs) }},
		{Name: "Outer", Run: func(ctx context.Context, f any, c rt.StepCall) error {
			x := f.(*F)
			return x.Outer(ctx, x.Xs[c.SplitIndex])
		},
			ForeachLen: func(f any) int { return len(f.(*F).Ys) }},
		{Name: "Inner", Run: func(ctx context.Context, f any, c rt.StepCall) error {
			x := f.(*F)
			return x.Inner(ctx, x.Ys[c.SplitIndex])
		}},
		{Name: "InnerJoin", Run: join((*F).InnerJoin)},
		{Name: "OuterJoin", Run: join((*F).OuterJoin)},
		{Name: "End", Run: run((*F).End)},
	},
}

func main() { runner.Main(def) }
