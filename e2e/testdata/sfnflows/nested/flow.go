// Command nested is NestedFlow, the Step Functions test's nested
// foreach: the outer foreach is a Distributed Map (a child execution per
// row), each row's foreach an array job in it, or a plain job for a row
// of one cell. The joins derive their parents from the task ids.
package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// NestedFlow builds a table of cells, a row of them per row name.
//
//flow:flow
type NestedFlow struct {
	Rows     []string
	Cols     []int
	RowName  string
	CellName string
	Cells    []string
	Table    []string
}

//flow:step
//flow:foreach over=Rows next=Row
func (f *NestedFlow) Start(ctx context.Context) error {
	f.Rows = []string{"a", "bbb", "cc"}
	return nil
}

// Row has as many cells as its name has letters.
//
//flow:step
//flow:foreach over=Cols next=Cell
func (f *NestedFlow) Row(ctx context.Context, row string) error {
	f.RowName = row
	for i := range row {
		f.Cols = append(f.Cols, 10*(i+1))
	}
	return nil
}

//flow:step
//flow:next JoinCells
func (f *NestedFlow) Cell(ctx context.Context, col int) error {
	f.CellName = fmt.Sprintf("%s%d", f.RowName, col)
	return nil
}

//flow:step
//flow:next JoinRows
func (f *NestedFlow) JoinCells(ctx context.Context, inputs rt.Inputs[*NestedFlow]) error {
	for _, in := range inputs.All() {
		f.Cells = append(f.Cells, in.CellName)
	}
	return nil
}

//flow:step
//flow:next End
func (f *NestedFlow) JoinRows(ctx context.Context, inputs rt.Inputs[*NestedFlow]) error {
	for _, in := range inputs.All() {
		f.Table = append(f.Table, strings.Join(in.Cells, " "))
	}
	return nil
}

//flow:step
func (f *NestedFlow) End(ctx context.Context) error {
	fmt.Println(strings.Join(f.Table, " | "))
	return nil
}
