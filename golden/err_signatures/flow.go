package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Sigs struct{}

//flow:step
//flow:next a
func (f Sigs) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next B
func (f *Sigs) a(ctx context.Context) error { return nil }

//flow:step
//flow:next C
func (f *Sigs) B(ctx context.Context, n int) error { return nil }

//flow:step
//flow:next End
func (f *Sigs) C() {}

//flow:step
func (f *Sigs) End(ctx context.Context, inputs rt.Inputs[*Other]) error { return nil }

type Other struct{}
