package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Catches struct {
	Err  error
	Fail rt.Failure
}

//flow:step
//flow:next A
//flow:catch var=Err
func (f *Catches) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next B
//flow:catch var=Fail
func (f *Catches) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
//flow:catch var=Missing
func (f *Catches) B(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Catches) End(ctx context.Context) error {
	return nil
}
