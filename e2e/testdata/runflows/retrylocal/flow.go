// Command retrylocal is RetryLocalFlow: retries with and without
// minutes_between, run locally.
package main

import (
	"context"
	"errors"

	"github.com/flowc-dev/flowc/rt"
)

// RetryLocalFlow fails the first attempt of Start, and of Slow when asked.
//
//flow:flow
type RetryLocalFlow struct {
	// Fail Slow's first attempt too.
	//flow:param
	SlowRetry bool

	Attempt int
}

// Start leaves minutes_between out: a local run retries at once.
//
//flow:step
//flow:next Slow
//flow:retry times=1
func (f *RetryLocalFlow) Start(ctx context.Context) error {
	if f.Attempt = rt.Current(ctx).RetryCount; f.Attempt == 0 {
		return errors.New("the first attempt fails")
	}
	return nil
}

// Slow writes minutes_between, so a local run waits it.
//
//flow:step
//flow:next End
//flow:retry times=1 minutes_between=1
func (f *RetryLocalFlow) Slow(ctx context.Context) error {
	if f.SlowRetry && rt.Current(ctx).RetryCount == 0 {
		return errors.New("the first attempt fails")
	}
	return nil
}

//flow:step
func (f *RetryLocalFlow) End(ctx context.Context) error { return nil }
