package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Over struct {
	Count int
	Names []string
	items []string
}

//flow:step
//flow:next A B C
func (f *Over) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:foreach over=Count next=Body
func (f *Over) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:foreach over=Names next=Item
func (f *Over) B(ctx context.Context) error {
	return nil
}

//flow:step
//flow:foreach over=items next=Body2
func (f *Over) C(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next J
func (f *Over) Body(ctx context.Context, n int) error {
	return nil
}

//flow:step
//flow:next J2
func (f *Over) Item(ctx context.Context, n int) error {
	return nil
}

//flow:step
//flow:next J3
func (f *Over) Body2(ctx context.Context, s string) error {
	return nil
}

//flow:step
//flow:next All
func (f *Over) J(ctx context.Context, inputs rt.Inputs[*Over]) error {
	return nil
}

//flow:step
//flow:next All
func (f *Over) J2(ctx context.Context, inputs rt.Inputs[*Over]) error {
	return nil
}

//flow:step
//flow:next All
func (f *Over) J3(ctx context.Context, inputs rt.Inputs[*Over]) error {
	return nil
}

//flow:step
//flow:next End
func (f *Over) All(ctx context.Context, inputs rt.Inputs[*Over]) error {
	return nil
}

//flow:step
func (f *Over) End(ctx context.Context) error {
	return nil
}
