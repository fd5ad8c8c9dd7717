// Command linear is LinearFlow: an artifact set in Start is seen by every
// later step.
package main

import (
	"context"
	"fmt"
)

// LinearFlow passes one artifact down a chain of steps.
//
//flow:flow
type LinearFlow struct {
	MyVar string
	Seen  []string
}

// Start sets the artifact.
//
//flow:step
//flow:next A
func (f *LinearFlow) Start(ctx context.Context) error {
	f.MyVar = "hello world"
	f.Seen = []string{"Start"}
	return nil
}

// A reads it.
//
//flow:step
//flow:next End
func (f *LinearFlow) A(ctx context.Context) error {
	fmt.Printf("the data artifact is: %s\n", f.MyVar)
	f.Seen = append(f.Seen, "A")
	return nil
}

//flow:step
func (f *LinearFlow) End(ctx context.Context) error {
	f.Seen = append(f.Seen, "End")
	return nil
}
