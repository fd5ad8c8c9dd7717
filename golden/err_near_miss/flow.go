package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type NearMiss struct{}

// flow:step
//
//flow:next End
func (f *NearMiss) Start(ctx context.Context) error { return nil }

// flow:Step
func (f *NearMiss) End(ctx context.Context) error { return nil }
