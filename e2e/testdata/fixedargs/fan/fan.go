// Package fan is a library flow, run by a main that passes fixed args.
package fan

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

//flow:flow
type Fan struct {
	//flow:param
	N       int
	Items   []int
	Square  int
	Squares []int
}

//flow:step
//flow:foreach over=Items next=Body
func (f *Fan) Start(ctx context.Context) error {
	for i := range f.N {
		f.Items = append(f.Items, i+1)
	}
	return nil
}

//flow:step
//flow:next Join
func (f *Fan) Body(ctx context.Context, item int) error {
	f.Square = item * item
	return nil
}

//flow:step
//flow:next End
func (f *Fan) Join(ctx context.Context, in rt.Inputs[*Fan]) error {
	for _, x := range in.All() {
		f.Squares = append(f.Squares, x.Square)
	}
	return nil
}

//flow:step
func (f *Fan) End(ctx context.Context) error { return nil }
