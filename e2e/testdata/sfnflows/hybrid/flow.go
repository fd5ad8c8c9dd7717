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
//
//flow:step
//flow:batch
//flow:env GREETING=hello
//flow:next End
func (f *HybridFlow) Train(ctx context.Context) error {
	if _, err := os.Stat("fail-train"); err == nil {
		return errors.New("Train failed on purpose (fail-train exists)")
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
