package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Stuck struct{ Items []int }

//flow:step
//flow:next A
func (f *Stuck) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Stuck) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
//flow:foreach over=Items next=End
func (f *Stuck) B(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Stuck) End(ctx context.Context) error {
	return nil
}
