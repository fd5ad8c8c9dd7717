package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Direct struct{ Items []string }

//flow:step
//flow:foreach over=Items next=Join
func (f *Direct) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Direct) Join(ctx context.Context, inputs rt.Inputs[*Direct]) error {
	return nil
}

//flow:step
func (f *Direct) End(ctx context.Context) error {
	return nil
}
