package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

// LinearFlow is the smallest flow: Start, one step, End.
//
//flow:flow
type LinearFlow struct {
	Count int
	Name  string
}

// Start begins.
//
//flow:step
//flow:next A
func (f *LinearFlow) Start(ctx context.Context) error {
	f.Count = 1
	return nil
}

//flow:step
//flow:next End
func (f *LinearFlow) A(ctx context.Context) error {
	f.Count++
	f.Name = "a"
	return nil
}

//flow:step
func (f *LinearFlow) End(ctx context.Context) error {
	return nil
}
