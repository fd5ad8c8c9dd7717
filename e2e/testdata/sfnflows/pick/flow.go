// Command pick is PickFlow, the Step Functions test's flow for what the
// examples do not show: a switch (a Choice on the case the switch task
// stored), a step that fails on request (the run fails through the
// state machine's Catch, its log readable), a foreach of one item (a
// plain job, not an array) and a run that takes long enough to be
// terminated, and a slice parameter given more than once.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// PickFlow switches on Size.
//
//flow:flow
type PickFlow struct {
	// big or small.
	//flow:param default=big
	Size string
	// Make Big fail.
	//flow:param
	Fail bool
	// How long Start waits.
	//flow:param default=0s
	Wait time.Duration
	// Labels to keep, given one at a time or comma-separated.
	//flow:param
	Labels []string

	Items  []string
	Picked string
	Seen   []string
}

//flow:step
//flow:switch on=Size cases=big:Big,small:Small
func (f *PickFlow) Start(ctx context.Context) error {
	if f.Wait == 0 {
		return nil
	}
	// A run to terminate: its Start says which process to watch (its
	// PID in start-waiting, in the job's working directory) and waits,
	// ending early when its context does (Batch stops it with SIGTERM).
	if err := os.WriteFile("start-waiting", []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	select {
	case <-time.After(f.Wait):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

//flow:step
//flow:next Fan
func (f *PickFlow) Big(ctx context.Context) error {
	if f.Fail {
		return errors.New("Big failed on purpose (--fail)")
	}
	f.Picked, f.Items = "big", []string{"only"}
	return nil
}

//flow:step
//flow:next Fan
func (f *PickFlow) Small(ctx context.Context) error {
	f.Picked, f.Items = "small", []string{"a", "b", "c"}
	return nil
}

//flow:step
//flow:foreach over=Items next=Each
func (f *PickFlow) Fan(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *PickFlow) Each(ctx context.Context, item string) error {
	f.Seen = []string{fmt.Sprintf("%s@%d", item, rt.Current(ctx).ForeachIndex)}
	return nil
}

//flow:step
//flow:next End
func (f *PickFlow) Join(ctx context.Context, inputs rt.Inputs[*PickFlow]) error {
	for _, in := range inputs.All() {
		f.Seen = append(f.Seen, in.Seen...)
	}
	f.Picked = inputs.At(0).Picked
	return nil
}

//flow:step
func (f *PickFlow) End(ctx context.Context) error { return nil }
