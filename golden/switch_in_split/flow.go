package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Mixed struct {
	Go   bool
	L, R int
}

//flow:step
//flow:next Left Right
func (f *Mixed) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:switch on=Go cases=true:Yes,false:No
func (f *Mixed) Left(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Meet
func (f *Mixed) Yes(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Meet
func (f *Mixed) No(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Meet
func (f *Mixed) Right(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
func (f *Mixed) Meet(ctx context.Context, inputs rt.Inputs[*Mixed]) error {
	return nil
}

//flow:step
func (f *Mixed) End(ctx context.Context) error {
	return nil
}
