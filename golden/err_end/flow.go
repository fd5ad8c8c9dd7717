package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type BadEnd struct{}

//flow:step
//flow:next A B
func (f *BadEnd) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *BadEnd) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *BadEnd) B(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Start
func (f *BadEnd) End(ctx context.Context, inputs rt.Inputs[*BadEnd]) error {
	return nil
}
