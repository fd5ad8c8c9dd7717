// Command foreach is ForeachFlow: one task per title, joined in split order.
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// ForeachFlow processes each title in its own task.
//
//flow:flow
type ForeachFlow struct {
	Titles  []string
	Title   string
	Results []string
}

//flow:step
//flow:foreach over=Titles next=A
func (f *ForeachFlow) Start(ctx context.Context) error {
	f.Titles = []string{"Stranger Things", "House of Cards", "Narcos"}
	return nil
}

// A runs once per title.
//
//flow:step
//flow:next Join
func (f *ForeachFlow) A(ctx context.Context, title string) error {
	f.Title = title + " processed"
	return nil
}

// Join collects the processed titles, in the order of Titles.
//
//flow:step
//flow:next End
func (f *ForeachFlow) Join(ctx context.Context, inputs rt.Inputs[*ForeachFlow]) error {
	for _, in := range inputs.All() {
		f.Results = append(f.Results, in.Title)
	}
	fmt.Println(f.Results)
	return nil
}

//flow:step
func (f *ForeachFlow) End(ctx context.Context) error { return nil }
