// Command hybrid is HybridFlow, the hybrid run test's flow: a local run
// that sends its //flow:batch steps (a foreach body and a step after the
// join) to AWS Batch and runs the rest itself; with --with batch every
// step goes. Its artifacts do not depend on where a step ran, so a run
// compares with a plain local run by hash.
package main

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// HybridFlow squares 1..N on AWS Batch and sums them here.
//
//flow:flow
type HybridFlow struct {
	// How many numbers.
	//flow:param default=3
	N int

	Items    []int
	Squares  []int
	Sum      int
	Greeting string // from //flow:env, which a Batch job gets too
	NS       string // the run's namespace, as the task sees it
}

//flow:step
//flow:foreach over=Items next=Square
func (f *HybridFlow) Start(ctx context.Context) error {
	for i := 1; i <= f.N; i++ {
		f.Items = append(f.Items, i)
	}
	return nil
}

//flow:step
//flow:batch
//flow:resources cpu=1 memory=512
//flow:next Join
func (f *HybridFlow) Square(ctx context.Context, item int) error {
	f.Squares = []int{item * item}
	return nil
}

//flow:step
//flow:next Train
func (f *HybridFlow) Join(ctx context.Context, inputs rt.Inputs[*HybridFlow]) error {
	for _, in := range inputs.All() {
		f.Squares = append(f.Squares, in.Squares...)
	}
	f.N = inputs.At(0).N
	return nil
}

// Train fails while a file fail-train is in its working directory: the
// test puts one where the Batch jobs run, then removes it and resumes.
// While a file block-train is there, it writes its PID to train-started
// and waits for the file to go, or for its context to end (unless the
// file says "stubborn": then it ignores the context, as a step that
// never looks at it).
//
//flow:step
//flow:batch
//flow:env GREETING=hello
//flow:next End
func (f *HybridFlow) Train(ctx context.Context) error {
	if _, err := os.Stat("fail-train"); err == nil {
		return errors.New("Train failed on purpose (fail-train exists)")
	}
	if b, err := os.ReadFile("block-train"); err == nil {
		if err := os.WriteFile("train-started", []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			return err
		}
		done := ctx.Done()
		if strings.TrimSpace(string(b)) == "stubborn" {
			done = nil
		}
		for {
			if _, err := os.Stat("block-train"); err != nil {
				break
			}
			select {
			case <-done:
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	for _, s := range f.Squares {
		f.Sum += s
	}
	f.Greeting = os.Getenv("GREETING")
	f.NS = rt.Current(ctx).Namespace
	return nil
}

//flow:step
func (f *HybridFlow) End(ctx context.Context) error { return nil }
