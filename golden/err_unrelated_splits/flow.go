package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Tangle struct{}

//flow:step
//flow:next A B
func (f *Tangle) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next C D
func (f *Tangle) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next J1
func (f *Tangle) C(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next J2
func (f *Tangle) D(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next J1
func (f *Tangle) B(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next J2
func (f *Tangle) J1(ctx context.Context, inputs rt.Inputs[*Tangle]) error {
	return nil
}

//flow:step
//flow:next End
func (f *Tangle) J2(ctx context.Context, inputs rt.Inputs[*Tangle]) error {
	return nil
}

//flow:step
func (f *Tangle) End(ctx context.Context) error {
	return nil
}
