// Command many is ManyFlow: a foreach over N integers (10,000 makes a
// JSON list of about 49 KB, over the codec's 32 KiB flush size), each
// body squaring its item, the join summing the squares.
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// ManyFlow fans out over N items.
//
//flow:flow
type ManyFlow struct {
	// How many items.
	//flow:param default=10000
	N int

	Items  []int
	Square int
	Sum    int
	Count  int
}

//flow:step
//flow:foreach over=Items next=Body
func (f *ManyFlow) Start(ctx context.Context) error {
	for i := range f.N {
		f.Items = append(f.Items, i)
	}
	return nil
}

//flow:step
//flow:next Join
func (f *ManyFlow) Body(ctx context.Context, item int) error {
	if want := rt.Current(ctx).ForeachIndex; item != want {
		return fmt.Errorf("item %d is %d", want, item)
	}
	f.Square = item * item
	return nil
}

//flow:step
//flow:next End
func (f *ManyFlow) Join(ctx context.Context, inputs rt.Inputs[*ManyFlow]) error {
	for _, in := range inputs.All() {
		f.Sum += in.Square
		f.Count++
	}
	return nil
}

//flow:step
func (f *ManyFlow) End(ctx context.Context) error { return nil }
