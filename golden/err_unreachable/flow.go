package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Unreach struct{}

//flow:step
//flow:next End
func (f *Unreach) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Unreach) Score(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Unreach) End(ctx context.Context) error {
	return nil
}
