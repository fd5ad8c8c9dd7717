package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Unstorable struct {
	Ch   chan int
	Fn   func()
	Good string
}

//flow:step
//flow:next End
func (f *Unstorable) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Unstorable) End(ctx context.Context) error {
	return nil
}
