package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Clash struct{}

var clashDef = 1

func RunClash() {}

func LoadClash() {}

//flow:step
//flow:next End
func (f *Clash) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Clash) End(ctx context.Context) error {
	return nil
}
