// Command nested is NestedFlow: a foreach of 3 rows, each a foreach of 4
// cells, joined twice.
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// NestedFlow builds a 3x4 grid, one task per cell.
//
//flow:flow
type NestedFlow struct {
	Rows     []string
	Row      string
	Cols     []int
	Cell     string
	RowCells []string
	Grid     [][]string
}

//flow:step
//flow:foreach over=Rows next=PerRow
func (f *NestedFlow) Start(ctx context.Context) error {
	f.Rows = []string{"a", "b", "c"}
	return nil
}

//flow:step
//flow:foreach over=Cols next=CellStep
func (f *NestedFlow) PerRow(ctx context.Context, row string) error {
	f.Row = row
	f.Cols = []int{0, 1, 2, 3}
	return nil
}

// The method is CellStep: a field and a method cannot share a name.
//
//flow:step
//flow:next JoinCells
func (f *NestedFlow) CellStep(ctx context.Context, col int) error {
	f.Cell = fmt.Sprintf("%s%d", f.Row, col)
	return nil
}

//flow:step
//flow:next JoinRows
func (f *NestedFlow) JoinCells(ctx context.Context, inputs rt.Inputs[*NestedFlow]) error {
	for _, in := range inputs.All() {
		f.RowCells = append(f.RowCells, in.Cell)
	}
	return nil
}

//flow:step
//flow:next End
func (f *NestedFlow) JoinRows(ctx context.Context, inputs rt.Inputs[*NestedFlow]) error {
	for _, in := range inputs.All() {
		f.Grid = append(f.Grid, in.RowCells)
	}
	return nil
}

//flow:step
func (f *NestedFlow) End(ctx context.Context) error { return nil }
