package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type UsesFlow struct {
	A, B, C, D int
	Items      []int
	hidden     int
}

func (f *UsesFlow) helper() int { return f.B + f.deeper() }

func (f *UsesFlow) deeper() int { f.hidden++; return f.C }

func (f UsesFlow) byValue() int { return f.A }

func consume(f *UsesFlow) {}

//flow:step
//flow:next Calls
func (f *UsesFlow) Start(ctx context.Context) error {
	f.A = 1
	return nil
}

//flow:step
//flow:next Closure
func (f *UsesFlow) Calls(ctx context.Context) error {
	f.D = f.helper()
	return nil
}

//flow:step
//flow:next Escapes
func (f *UsesFlow) Closure(ctx context.Context) error {
	add := func(n int) { f.Items = append(f.Items, n) }
	add(1)
	return nil
}

//flow:step
//flow:next Value
func (f *UsesFlow) Escapes(ctx context.Context) error {
	consume(f)
	return nil
}

//flow:step
//flow:next MethodValue
func (f *UsesFlow) Value(ctx context.Context) error {
	_ = f.byValue()
	return nil
}

//flow:step
//flow:next End
func (f *UsesFlow) MethodValue(ctx context.Context) error {
	g := f.helper
	_ = g
	return nil
}

//flow:step
func (f *UsesFlow) End(ctx context.Context) error {
	return nil
}
