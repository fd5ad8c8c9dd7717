// Command deadline is DeadlineFlow, the Argo cluster test's flow for a
// //flow:timeout that a //flow:catch takes: the task times itself out and
// records the failure, and the run goes on, as it does locally. Its
// runner is generated (go generate in targets/argo).
package main

import (
	"context"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// DeadlineFlow has one step that overruns its timeout.
//
//flow:flow
type DeadlineFlow struct {
	// SlowFailed is Slow's timeout, caught.
	SlowFailed *rt.Failure
}

//flow:step
//flow:next Slow
func (f *DeadlineFlow) Start(ctx context.Context) error { return nil }

// Slow ignores its context and overruns its timeout.
//
//flow:step
//flow:timeout seconds=1
//flow:catch var=SlowFailed
//flow:next End
func (f *DeadlineFlow) Slow(ctx context.Context) error {
	time.Sleep(20 * time.Second)
	return nil
}

//flow:step
func (f *DeadlineFlow) End(ctx context.Context) error { return nil }
