package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Open struct{}

//flow:step
//flow:next A B
func (f *Open) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Open) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Open) B(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Open) End(ctx context.Context) error {
	return nil
}
