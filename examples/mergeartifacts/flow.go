// Command mergeartifacts is MergeArtifactsFlow: how artifacts flow through a
// join with MergeArtifacts. PassDown (set before the split) and Common (equal
// in both branches) and FromA (changed in one branch only) are merged; X
// differs, so the join sets it first; Y differs and is excluded.
//
// Set MERGE_CONFLICT=1 to leave X unset and see the conflict error.
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/rt"
)

// MergeArtifactsFlow demonstrates MergeArtifacts.
//
//flow:flow
type MergeArtifactsFlow struct {
	PassDown string
	Common   int
	X        int
	Y        int
	FromA    int
}

//flow:step
//flow:next A B
func (f *MergeArtifactsFlow) Start(ctx context.Context) error {
	f.PassDown = "a"
	return nil
}

//flow:step
//flow:next Join
func (f *MergeArtifactsFlow) A(ctx context.Context) error {
	f.Common, f.X, f.Y, f.FromA = 5, 1, 3, 6
	return nil
}

//flow:step
//flow:next Join
func (f *MergeArtifactsFlow) B(ctx context.Context) error {
	f.Common, f.X, f.Y = 5, 2, 4
	return nil
}

// Join resolves X by hand, excludes Y and merges the rest.
//
//flow:step
//flow:next End
func (f *MergeArtifactsFlow) Join(ctx context.Context, inputs rt.Inputs[*MergeArtifactsFlow]) error {
	if os.Getenv("MERGE_CONFLICT") == "" {
		f.X = inputs.Step("A").X
	}
	if err := inputs.MergeArtifacts(f, rt.Exclude("Y")); err != nil {
		return err
	}
	fmt.Printf("x is %d\n", f.X)
	fmt.Printf("pass_down is %s\n", f.PassDown)
	fmt.Printf("common is %d\n", f.Common)
	fmt.Printf("from_a is %d\n", f.FromA)
	return nil
}

//flow:step
func (f *MergeArtifactsFlow) End(ctx context.Context) error { return nil }
