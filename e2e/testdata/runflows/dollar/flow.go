// Command dollar is DollarFlow: its doc, a parameter's doc and its default
// hold ${...}, which kong would read as its variables.
package main

import "context"

// DollarFlow costs ${price}.
//
//flow:flow
type DollarFlow struct {
	// Costs ${price} dollars.
	//flow:param default="x ${X} $$ $"
	S string
}

//flow:step
//flow:next End
func (f *DollarFlow) Start(ctx context.Context) error { return nil }

//flow:step
func (f *DollarFlow) End(ctx context.Context) error { return nil }
