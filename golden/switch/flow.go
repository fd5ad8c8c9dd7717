package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type SwitchFlow struct {
	Mode   string
	Result string
}

//flow:step
//flow:switch on=Mode cases=fast:Fast,slow:Slow,other:Slow
func (f *SwitchFlow) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Report
func (f *SwitchFlow) Fast(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Report
func (f *SwitchFlow) Slow(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *SwitchFlow) Report(ctx context.Context) error {
	return nil
}

//flow:step
func (f *SwitchFlow) End(ctx context.Context) error {
	return nil
}
