// Command branch is Metaflow's merge_artifacts example: a static split A/B
// joined with MergeArtifacts. Its runner is generated (go generate in
// rt/runner), so it cannot drift from what flowc emits.
package main

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// BranchFlow splits and merges.
//
//flow:flow
type BranchFlow struct {
	// Merge without excluding Y.
	//flow:param
	Conflict bool

	PassDown string
	Common   int
	X, Y     int
	FromA    int
	Order    []string
}

//flow:step
//flow:next A B
func (f *BranchFlow) Start(ctx context.Context) error { f.PassDown = "a"; return nil }

//flow:step
//flow:next Join
func (f *BranchFlow) A(ctx context.Context) error {
	f.Common, f.X, f.Y, f.FromA = 5, 1, 3, 6
	return nil
}

//flow:step
//flow:next Join
func (f *BranchFlow) B(ctx context.Context) error { f.Common, f.X, f.Y = 5, 2, 4; return nil }

//flow:step
//flow:next End
func (f *BranchFlow) Join(ctx context.Context, in rt.Inputs[*BranchFlow]) error {
	f.X = in.Step("A").X
	for _, i := range in.All() {
		f.Order = append(f.Order, fmt.Sprint(i.X))
	}
	if f.Conflict {
		return in.MergeArtifacts(f)
	}
	return in.MergeArtifacts(f, rt.Exclude("Y"))
}

//flow:step
func (f *BranchFlow) End(ctx context.Context) error { return nil }
