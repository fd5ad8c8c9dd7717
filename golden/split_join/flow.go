package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type SplitFlow struct {
	X, Y int
	Sum  int
}

//flow:step
//flow:next A B
func (f *SplitFlow) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next Join
func (f *SplitFlow) A(ctx context.Context) error {
	f.X = 1
	return nil
}

//flow:step
//flow:next Join
func (f *SplitFlow) B(ctx context.Context) error {
	f.Y = 2
	return nil
}

//flow:step
//flow:next End
func (f *SplitFlow) Join(ctx context.Context, inputs rt.Inputs[*SplitFlow]) error {
	if err := inputs.MergeArtifacts(f, rt.Exclude("Sum")); err != nil {
		return err
	}
	f.Sum = f.X + f.Y
	return nil
}

//flow:step
func (f *SplitFlow) End(ctx context.Context) error {
	return nil
}
