package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type NoEnd struct{}

//flow:step
//flow:next Finish
func (f *NoEnd) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Ends
func (f *NoEnd) Finish(ctx context.Context) error {
	return nil
}
