package bad

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Typo struct{}

func (f *Typo) Helper(ctx context.Context) error { return nil }

//flow:step
//flow:next Scroe
func (f *Typo) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Helper
func (f *Typo) Score(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Zzzzzzzz
func (f *Typo) Other(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Typo) End(ctx context.Context) error {
	return nil
}
