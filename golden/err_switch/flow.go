package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Switches struct {
	Ratio float64
	Level int8
	On    bool
}

//flow:step
//flow:switch on=Ratio cases=1:A
func (f *Switches) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:switch on=Level cases=300:B,01:B,x:End
func (f *Switches) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:switch on=On cases=yes:End,true:End
func (f *Switches) B(ctx context.Context) error {
	return nil
}

//flow:step
//flow:switch on=Nope cases=a:End
func (f *Switches) C(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Switches) End(ctx context.Context) error {
	return nil
}
