// Command nested runs a foreach inside a foreach (3 x 4). Its runner is
// generated (go generate in rt/runner).
package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

// NestedFlow pairs every X with every Y.
//
//flow:flow
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

//flow:step
//flow:foreach over=Xs next=Outer
func (f *NestedFlow) Start(ctx context.Context) error { f.Xs = []int{1, 2, 3}; return nil }

//flow:step
//flow:foreach over=Ys next=Inner
func (f *NestedFlow) Outer(ctx context.Context, x int) error {
	f.X, f.Ys = x, []int{1, 2, 3, 4}
	return nil
}

//flow:step
//flow:next InnerJoin
func (f *NestedFlow) Inner(ctx context.Context, y int) error {
	f.Pair = f.X*10 + y
	f.Stack = rt.Current(ctx).ForeachStack
	return nil
}

//flow:step
//flow:next OuterJoin
func (f *NestedFlow) InnerJoin(ctx context.Context, in rt.Inputs[*NestedFlow]) error {
	var cells [][]int
	for _, i := range in.All() {
		f.Row = append(f.Row, i.Pair)
		cells = append(cells, i.Stack)
	}
	f.Cells = [][][]int{cells}
	return nil
}

//flow:step
//flow:next End
func (f *NestedFlow) OuterJoin(ctx context.Context, in rt.Inputs[*NestedFlow]) error {
	for _, i := range in.All() {
		f.Rows = append(f.Rows, i.Row)
		f.Cells = append(f.Cells, i.Cells...)
	}
	return nil
}

//flow:step
func (f *NestedFlow) End(ctx context.Context) error { return nil }
