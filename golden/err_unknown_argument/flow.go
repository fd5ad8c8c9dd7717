package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Args struct{}

//flow:step
//flow:next End
//flow:retry tims=3
//flow:timeout minutes=x
func (f *Args) Start(ctx context.Context) error { return nil }

//flow:step
func (f *Args) End(ctx context.Context) error { return nil }
