// Command linear is LinearFlow, the three-step flow of the Metaflow
// articles: an artifact set in Start is seen, unchanged, by every later step.
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"
)

// LinearFlow passes one artifact down a chain of steps.
//
//flow:flow
type LinearFlow struct {
	MyVar string
}

// Start sets the artifact.
//
//flow:step
//flow:next A
func (f *LinearFlow) Start(ctx context.Context) error {
	f.MyVar = "hello world"
	return nil
}

// A reads it.
//
//flow:step
//flow:next End
func (f *LinearFlow) A(ctx context.Context) error {
	fmt.Printf("the data artifact is: %s\n", f.MyVar)
	return nil
}

// End reads it again: artifacts persist from step to step.
//
//flow:step
func (f *LinearFlow) End(ctx context.Context) error {
	fmt.Printf("the data artifact is still: %s\n", f.MyVar)
	return nil
}
