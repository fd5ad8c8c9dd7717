// Command faults exercises failures: errors, panics, retries, catch and
// timeouts, chosen by the --mode parameter. Its runner is generated (go
// generate in rt/runner).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// FaultsFlow fails on purpose.
//
//flow:flow
type FaultsFlow struct {
	// What to break.
	//flow:param default=ok
	Mode     string
	Attempts []int
	Failed   *rt.Failure
	Value    int
}

//flow:step
//flow:next Work
func (f *FaultsFlow) Start(ctx context.Context) error {
	switch f.Mode {
	case "start-error":
		return errors.New("start broke")
	case "start-panic":
		var m map[string]int
		m["x"] = 1
	case "start-exit":
		fmt.Println("about to exit")
		os.Exit(3)
	}
	return nil
}

// Work is retried once at once, caught in Failed, and timed out after 1s.
//
//flow:step
//flow:next End
//flow:retry times=1 minutes_between=0
//flow:catch var=Failed
//flow:timeout seconds=1
func (f *FaultsFlow) Work(ctx context.Context) error {
	n := rt.Current(ctx).RetryCount
	f.Attempts = append(f.Attempts, n)
	f.Value = 42
	fmt.Println("work attempt", n)
	switch f.Mode {
	case "flaky":
		if n == 0 {
			return errors.New("flaky failure")
		}
	case "work-error":
		return fmt.Errorf("work broke on attempt %d", n)
	case "work-panic":
		panic("work panicked")
	case "sleep":
		time.Sleep(30 * time.Second) // ignores ctx
	}
	return nil
}

//flow:step
func (f *FaultsFlow) End(ctx context.Context) error { return nil }
