package flows

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Tier struct {
	Level int8
	Size  uint
}

//flow:step
//flow:switch on=Level cases=1:Small,-1:Small,2:Big
func (f *Tier) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:switch on=Size cases=0:End,10:Big
func (f *Tier) Small(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Tier) Big(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Tier) End(ctx context.Context) error {
	return nil
}
