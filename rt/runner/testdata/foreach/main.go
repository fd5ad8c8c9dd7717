// Command foreach squares N numbers in a foreach and joins them in order.
// Its runner is generated (go generate in rt/runner).
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// ForeachFlow fans out.
//
//flow:flow
type ForeachFlow struct {
	// How many items.
	//flow:param default=3
	N       int
	Items   []int
	Square  int
	Index   int
	Results []int
	Indices []int
}

//flow:step
//flow:foreach over=Items next=Body
func (f *ForeachFlow) Start(ctx context.Context) error {
	for i := range f.N {
		f.Items = append(f.Items, i)
	}
	return nil
}

//flow:step
//flow:next Join
func (f *ForeachFlow) Body(ctx context.Context, item int) error {
	f.Square = item * item
	f.Index = rt.Current(ctx).ForeachIndex
	if f.N <= 10 {
		fmt.Println("squared", item)
	}
	return nil
}

//flow:step
//flow:next End
func (f *ForeachFlow) Join(ctx context.Context, in rt.Inputs[*ForeachFlow]) error {
	for i := 0; i < in.Len(); i++ {
		x := in.At(i)
		f.Results = append(f.Results, x.Square)
		f.Indices = append(f.Indices, x.Index)
	}
	return in.MergeArtifacts(f, rt.Include("N"))
}

//flow:step
func (f *ForeachFlow) End(ctx context.Context) error { return nil }
