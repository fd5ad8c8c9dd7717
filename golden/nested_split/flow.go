package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

// NestedSplit opens a split inside a branch of another.
//
//flow:flow
type NestedSplit struct {
	X, Y, Z int
}

//flow:step
//flow:next A B
func (f *NestedSplit) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next A1 A2
func (f *NestedSplit) A(ctx context.Context) error { return nil }

//flow:step
//flow:next InnerJoin
func (f *NestedSplit) A1(ctx context.Context) error { f.X = 1; return nil }

//flow:step
//flow:next InnerJoin
func (f *NestedSplit) A2(ctx context.Context) error { f.Y = 2; return nil }

//flow:step
//flow:next OuterJoin
func (f *NestedSplit) InnerJoin(ctx context.Context, inputs rt.Inputs[*NestedSplit]) error {
	return inputs.MergeArtifacts(f)
}

//flow:step
//flow:next OuterJoin
func (f *NestedSplit) B(ctx context.Context) error { f.Z = 3; return nil }

//flow:step
//flow:next End
func (f *NestedSplit) OuterJoin(ctx context.Context, inputs rt.Inputs[*NestedSplit]) error {
	return inputs.MergeArtifacts(f)
}

//flow:step
func (f *NestedSplit) End(ctx context.Context) error { return nil }
