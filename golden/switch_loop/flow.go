package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type LoopFlow struct {
	Attempts int
	Done     bool
}

//flow:step
//flow:next Poll
func (f *LoopFlow) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:switch on=Done cases=false:Poll,true:End
func (f *LoopFlow) Poll(ctx context.Context) error {
	f.Attempts++
	f.Done = f.Attempts > 3
	return nil
}

//flow:step
func (f *LoopFlow) End(ctx context.Context) error {
	return nil
}
