package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Broken struct{ N int }

//flow:step
//flow:next End
func (f *Broken) Start(ctx context.Context) error {
	f.N = "x"
	return nil
}

//flow:step
func (f *Broken) End(ctx context.Context) error {
	return nil
}
