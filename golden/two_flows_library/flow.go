package flows

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type First struct{ A int }

//flow:step
//flow:next End
func (f *First) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *First) End(ctx context.Context) error {
	return nil
}

//flow:flow
type Second struct{ B string }

//flow:step
//flow:next End
func (f *Second) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Second) End(ctx context.Context) error {
	return nil
}
