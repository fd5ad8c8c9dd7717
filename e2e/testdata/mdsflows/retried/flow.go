// Command retried is RetriedFlow: Start, then Work, which is retried once,
// then End; a test crashes Work's first attempt from outside.
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// RetriedFlow is three steps; Work may run twice.
//
//flow:flow
type RetriedFlow struct {
	Value int
}

//flow:step
//flow:next Work
func (f *RetriedFlow) Start(ctx context.Context) error { return nil }

//flow:step
//flow:retry times=1 minutes_between=0
//flow:next End
func (f *RetriedFlow) Work(ctx context.Context) error {
	f.Value = 40 + rt.Current(ctx).RetryCount
	return nil
}

//flow:step
func (f *RetriedFlow) End(ctx context.Context) error {
	fmt.Println("value", f.Value)
	return nil
}
