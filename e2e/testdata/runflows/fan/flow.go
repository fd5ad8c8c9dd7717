// Command fan is FanFlow: a foreach over N items in a scrambled order; the
// join concatenates them, which must give split order.
package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// FanFlow fans out over N items.
//
//flow:flow
type FanFlow struct {
	// How many items.
	//flow:param default=10
	N int

	Items   []string
	Item    string
	Index   int
	Joined  string
	Indices []int
}

// Start makes item i the string of (i*7919) mod N: neither sorted as
// text nor as numbers, so only split order gives it back.
//
//flow:step
//flow:foreach over=Items next=Body
func (f *FanFlow) Start(ctx context.Context) error {
	for i := range f.N {
		f.Items = append(f.Items, strconv.Itoa(i*7919%f.N))
	}
	return nil
}

//flow:step
//flow:next Join
func (f *FanFlow) Body(ctx context.Context, item string) error {
	f.Item = item
	f.Index = rt.Current(ctx).ForeachIndex
	return nil
}

//flow:step
//flow:next End
func (f *FanFlow) Join(ctx context.Context, inputs rt.Inputs[*FanFlow]) error {
	var items []string
	for _, in := range inputs.All() {
		items = append(items, in.Item)
		f.Indices = append(f.Indices, in.Index)
	}
	f.Joined = strings.Join(items, ",")
	return nil
}

//flow:step
func (f *FanFlow) End(ctx context.Context) error { return nil }
