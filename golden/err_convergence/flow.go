package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Merge struct{}

//flow:step
//flow:next A B
func (f *Merge) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next C
func (f *Merge) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next C
func (f *Merge) B(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Merge) C(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Merge) End(ctx context.Context) error {
	return nil
}
