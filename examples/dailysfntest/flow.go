// Command dailysfntest is DailySFNTestFlow: SFNTestFlow with a daily
// schedule, which a local run ignores and step-functions create turns
// into an EventBridge Scheduler schedule (midnight UTC).
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"
)

// DailySFNTestFlow runs every day once deployed.
//
//flow:flow
//flow:schedule daily
type DailySFNTestFlow struct {
	// Give a number.
	//flow:param default=1
	Num int

	Doubled int
}

// Start prints the parameter.
//
//flow:step
//flow:next End
func (f *DailySFNTestFlow) Start(ctx context.Context) error {
	fmt.Println("The number defined as a parameter is", f.Num)
	f.Doubled = 2 * f.Num
	return nil
}

// End is done.
//
//flow:step
func (f *DailySFNTestFlow) End(ctx context.Context) error {
	fmt.Println("done!")
	return nil
}
