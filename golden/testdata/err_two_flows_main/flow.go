package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type One struct{}

//flow:step
//flow:next End
func (f *One) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *One) End(ctx context.Context) error {
	return nil
}

//flow:flow
type Two struct{}

//flow:step
//flow:next End
func (f *Two) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Two) End(ctx context.Context) error {
	return nil
}

func main() {}
