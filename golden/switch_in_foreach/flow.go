package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

// SwitchInForeach routes each item of a foreach by its kind; the cases
// meet again before the join.
//
//flow:flow
type SwitchInForeach struct {
	Items []string
	Kind  string
	Out   string
	All   []string
}

//flow:step
//flow:foreach over=Items next=Route
func (f *SwitchInForeach) Start(ctx context.Context) error {
	f.Items = []string{"a", "bb", "c"}
	return nil
}

//flow:step
//flow:switch on=Kind cases=short:Short,long:Long
func (f *SwitchInForeach) Route(ctx context.Context, item string) error {
	f.Kind = "short"
	if len(item) > 1 {
		f.Kind = "long"
	}
	f.Out = item
	return nil
}

//flow:step
//flow:next Meet
func (f *SwitchInForeach) Short(ctx context.Context) error { return nil }

//flow:step
//flow:next Meet
func (f *SwitchInForeach) Long(ctx context.Context) error { f.Out += "!"; return nil }

//flow:step
//flow:next Join
func (f *SwitchInForeach) Meet(ctx context.Context) error { return nil }

//flow:step
//flow:next End
func (f *SwitchInForeach) Join(ctx context.Context, inputs rt.Inputs[*SwitchInForeach]) error {
	for _, in := range inputs.All() {
		f.All = append(f.All, in.Out)
	}
	return nil
}

//flow:step
func (f *SwitchInForeach) End(ctx context.Context) error { return nil }
