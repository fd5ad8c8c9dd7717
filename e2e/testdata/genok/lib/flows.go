// Package lib holds flows a main package runs through the exported
// Run<Flow> functions.
package lib

//go:generate go tool flowc

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

// Squares sums the squares of its numbers, one task per number.
//
//flow:flow
type Squares struct {
	// The numbers to square.
	//flow:param default=1,2,3
	Numbers []int

	Squared int
	Total   int
}

//flow:step
//flow:foreach over=Numbers next=Square
func (f *Squares) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next Sum
func (f *Squares) Square(ctx context.Context, n int) error {
	f.Squared = n * n
	return nil
}

//flow:step
//flow:next End
func (f *Squares) Sum(ctx context.Context, inputs rt.Inputs[*Squares]) error {
	for _, in := range inputs.All() {
		f.Total += in.Squared
	}
	return nil
}

//flow:step
func (f *Squares) End(ctx context.Context) error { return nil }

// Hello is a second flow in the same package.
//
//flow:flow
type Hello struct{ Msg string }

//flow:step
//flow:next End
func (f *Hello) Start(ctx context.Context) error {
	f.Msg = "hello"
	return nil
}

//flow:step
func (f *Hello) End(ctx context.Context) error { return nil }
