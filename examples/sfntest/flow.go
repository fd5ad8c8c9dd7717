// Command sfntest is SFNTestFlow, the flow that chapter 6 of "Effective
// Data Science Infrastructure" deploys to AWS Step Functions first: one
// parameter, printed by Start.
//
//	sfntest --datastore s3 --datastore-root s3://bucket/flows step-functions create ...
//	sfntest --datastore s3 --datastore-root s3://bucket/flows step-functions trigger --num 5
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"
)

// SFNTestFlow tests a Step Functions deployment.
//
//flow:flow
type SFNTestFlow struct {
	// Give a number.
	//flow:param default=1
	Num int

	Doubled int
}

// Start prints the parameter.
//
//flow:step
//flow:next End
func (f *SFNTestFlow) Start(ctx context.Context) error {
	fmt.Println("The number defined as a parameter is", f.Num)
	f.Doubled = 2 * f.Num
	return nil
}

// End is done.
//
//flow:step
func (f *SFNTestFlow) End(ctx context.Context) error {
	fmt.Println("done!")
	return nil
}
