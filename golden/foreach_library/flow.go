package flows

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

// Squares squares numbers in parallel.
//
//flow:flow
type Squares struct {
	Numbers []int
	Squared int
	Total   int
}

//flow:step
//flow:foreach over=Numbers next=Square
func (f *Squares) Start(ctx context.Context) error {
	f.Numbers = []int{1, 2, 3}
	return nil
}

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
func (f *Squares) End(ctx context.Context) error {
	return nil
}
