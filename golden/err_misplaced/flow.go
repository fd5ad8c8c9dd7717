package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Real struct{}

//flow:step
//flow:next End
func (f *Real) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Real) End(ctx context.Context) error {
	return nil
}

// NotAFlow has no //flow:flow.
//
//flow:schedule daily
type NotAFlow struct {
	//flow:param
	X int
}

//flow:step
//flow:next End
func (n *NotAFlow) Start(ctx context.Context) error { return nil }

//flow:step
func Free(ctx context.Context) error { return nil }

//flow:next End
func (f *Real) Helper(ctx context.Context) error { return nil }
