package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type NestedFlow struct {
	Outer []string
	Inner [3]int
	CellV string
	Rows  []string
}

//flow:step
//flow:foreach over=Outer next=Row
func (f *NestedFlow) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:foreach over=Inner next=Cell
func (f *NestedFlow) Row(ctx context.Context, row string) error {
	return nil
}

//flow:step
//flow:next JoinCells
func (f *NestedFlow) Cell(ctx context.Context, col int) error {
	return nil
}

//flow:step
//flow:next JoinRows
func (f *NestedFlow) JoinCells(ctx context.Context, inputs rt.Inputs[*NestedFlow]) error {
	return nil
}

//flow:step
//flow:next End
func (f *NestedFlow) JoinRows(ctx context.Context, inputs rt.Inputs[*NestedFlow]) error {
	return nil
}

//flow:step
func (f *NestedFlow) End(ctx context.Context) error {
	return nil
}
