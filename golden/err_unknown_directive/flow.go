package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Unknown struct{}

//flow:step
//flow:nxt End
//flow:stepp
func (f *Unknown) Start(ctx context.Context) error { return nil }

//flow:step
func (f *Unknown) End(ctx context.Context) error { return nil }
