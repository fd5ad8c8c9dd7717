// Command merge is Metaflow's merge_artifacts example: PassDown (set before
// the split), Common (equal in both branches) and FromA (set in one branch
// only) are merged; X differs, so the join sets it first; Y differs and is
// excluded. With --conflict the join leaves X unset.
package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

// MergeFlow demonstrates MergeArtifacts.
//
//flow:flow
type MergeFlow struct {
	// Leave X unset in the join, a conflict.
	//flow:param
	Conflict bool

	PassDown string
	Common   int
	X        int
	Y        int
	FromA    int
}

//flow:step
//flow:next A B
func (f *MergeFlow) Start(ctx context.Context) error {
	f.PassDown = "a"
	return nil
}

//flow:step
//flow:next Join
func (f *MergeFlow) A(ctx context.Context) error {
	f.Common, f.X, f.Y, f.FromA = 5, 1, 3, 6
	return nil
}

//flow:step
//flow:next Join
func (f *MergeFlow) B(ctx context.Context) error {
	f.Common, f.X, f.Y = 5, 2, 4
	return nil
}

//flow:step
//flow:next End
func (f *MergeFlow) Join(ctx context.Context, inputs rt.Inputs[*MergeFlow]) error {
	if !f.Conflict {
		f.X = inputs.Step("A").X
	}
	return inputs.MergeArtifacts(f, rt.Exclude("Y"))
}

//flow:step
func (f *MergeFlow) End(ctx context.Context) error { return nil }
