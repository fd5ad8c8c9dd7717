// Command branch is BranchFlow: the same artifact name set differently in two
// branches; the join sees both values through its inputs.
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// BranchFlow sets X in two parallel branches and sums them in the join.
//
//flow:flow
type BranchFlow struct {
	X     int
	Total int
}

// Start splits into A and B.
//
//flow:step
//flow:next A B
func (f *BranchFlow) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *BranchFlow) A(ctx context.Context) error {
	f.X = 1
	return nil
}

//flow:step
//flow:next Join
func (f *BranchFlow) B(ctx context.Context) error {
	f.X = 2
	return nil
}

// Join reads each branch's X: the two are different artifacts.
//
//flow:step
//flow:next End
func (f *BranchFlow) Join(ctx context.Context, inputs rt.Inputs[*BranchFlow]) error {
	fmt.Printf("a is %d\n", inputs.Step("A").X)
	fmt.Printf("b is %d\n", inputs.Step("B").X)
	for _, in := range inputs.All() {
		f.Total += in.X
	}
	fmt.Printf("total is %d\n", f.Total)
	return nil
}

//flow:step
func (f *BranchFlow) End(ctx context.Context) error { return nil }
