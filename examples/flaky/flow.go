// Command flaky is FlakyFlow: the ways a step can fail and what flowc does
// about each, switched on by environment variables so the same binary shows
// them all:
//
//   - Unstable fails its first attempt and succeeds on the retry;
//   - Square panics for the item 3; the panic is caught into SquareFailed and
//     the join sees it beside the other squares;
//   - FLAKY_SLEEP=1 makes Sleepy hang past its 2 s timeout;
//   - FLAKY_FAIL_END=1 makes End fail, so the run can be resumed;
//   - FLAKY_SIDE_EFFECT=path makes Start append a line to path, to count how
//     often it really ran;
//   - FLAKY_HANG=path makes End create path and then hang for a minute (it
//     has no timeout), so the runner can be killed mid-run and the run
//     resumed.
//
// Try: FLAKY_FAIL_END=1 ./flaky run; ./flaky resume; ./flaky runs.
package main

//go:generate go tool flowc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// FlakyFlow retries, catches, times out and resumes.
//
//flow:flow
type FlakyFlow struct {
	StartedAt    int64 // set once by Start: a resumed run keeps the original value
	Attempts     int   // the attempt Unstable succeeded on
	Items        []int
	Squared      int
	SquareFailed *rt.Failure
	Squares      []int
	Failures     []string
}

//flow:step
//flow:next Unstable
func (f *FlakyFlow) Start(ctx context.Context) error {
	f.StartedAt = time.Now().UnixNano()
	if path := os.Getenv("FLAKY_SIDE_EFFECT"); path != "" {
		fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer fh.Close()
		if _, err := fmt.Fprintln(fh, "start ran"); err != nil {
			return err
		}
	}
	f.Items = []int{1, 2, 3, 4, 5}
	return nil
}

// Unstable fails its first attempt, as a flaky network call would.
//
//flow:step
//flow:retry times=2 minutes_between=0
//flow:foreach over=Items next=Square
func (f *FlakyFlow) Unstable(ctx context.Context) error {
	f.Attempts = rt.Current(ctx).RetryCount
	if f.Attempts == 0 {
		return errors.New("the service is not ready yet")
	}
	fmt.Printf("succeeded on attempt %d\n", f.Attempts)
	return nil
}

// Square squares one item, and panics on 3.
//
//flow:step
//flow:catch var=SquareFailed
//flow:next Join
func (f *FlakyFlow) Square(ctx context.Context, item int) error {
	if item == 3 {
		panic("three is not allowed")
	}
	f.Squared = item * item
	return nil
}

// Join collects squares and caught failures, in item order.
//
//flow:step
//flow:next Sleepy
func (f *FlakyFlow) Join(ctx context.Context, inputs rt.Inputs[*FlakyFlow]) error {
	for _, in := range inputs.All() {
		if in.SquareFailed != nil {
			f.Failures = append(f.Failures, in.SquareFailed.Message)
			continue
		}
		f.Squares = append(f.Squares, in.Squared)
	}
	first := inputs.At(0)
	f.StartedAt, f.Attempts = first.StartedAt, first.Attempts
	fmt.Printf("squares %v, failures %v\n", f.Squares, f.Failures)
	return nil
}

// Sleepy hangs when FLAKY_SLEEP=1, ignoring its context: the timeout kills it.
//
//flow:step
//flow:timeout seconds=2
//flow:next End
func (f *FlakyFlow) Sleepy(ctx context.Context) error {
	if os.Getenv("FLAKY_SLEEP") == "1" {
		time.Sleep(60 * time.Second)
	}
	return nil
}

//flow:step
func (f *FlakyFlow) End(ctx context.Context) error {
	if path := os.Getenv("FLAKY_HANG"); path != "" {
		if err := os.WriteFile(path, []byte("hanging\n"), 0o644); err != nil {
			return err
		}
		time.Sleep(time.Minute)
	}
	if os.Getenv("FLAKY_FAIL_END") == "1" {
		return errors.New("End failed on purpose (FLAKY_FAIL_END=1)")
	}
	fmt.Printf("started at %d, unstable succeeded on attempt %d\n", f.StartedAt, f.Attempts)
	return nil
}
