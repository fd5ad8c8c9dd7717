package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Lonely struct{}

//flow:step
//flow:next J
func (f *Lonely) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Lonely) J(ctx context.Context, inputs rt.Inputs[*Lonely]) error {
	return nil
}

//flow:step
func (f *Lonely) End(ctx context.Context) error {
	return nil
}
