package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Cycle struct{ Again bool }

//flow:step
//flow:next A
func (f *Cycle) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next B
func (f *Cycle) A(ctx context.Context) error {
	return nil
}

//flow:step
//flow:switch on=Again cases=true:A,false:End
func (f *Cycle) B(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Cycle) End(ctx context.Context) error {
	return nil
}
