package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type NoStart struct{}

func (f *NoStart) Start(ctx context.Context) error { return nil }

//flow:step
func (f *NoStart) End(ctx context.Context) error {
	return nil
}
