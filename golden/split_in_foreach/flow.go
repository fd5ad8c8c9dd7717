package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Grid struct {
	Items []string
	A, B  string
	Out   []string
}

//flow:step
//flow:foreach over=Items next=Fan
func (f *Grid) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Left Right
func (f *Grid) Fan(ctx context.Context, item string) error {
	return nil
}

//flow:step
//flow:next Meet
func (f *Grid) Left(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Meet
func (f *Grid) Right(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Gather
func (f *Grid) Meet(ctx context.Context, inputs rt.Inputs[*Grid]) error {
	return nil
}

//flow:step
//flow:next End
func (f *Grid) Gather(ctx context.Context, inputs rt.Inputs[*Grid]) error {
	return nil
}

//flow:step
func (f *Grid) End(ctx context.Context) error {
	return nil
}
