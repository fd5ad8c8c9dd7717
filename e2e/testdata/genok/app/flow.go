package main

//go:generate go tool flowc

import (
	"context"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// Settings is a JSON parameter.
type Settings struct {
	Depth int    `json:"depth"`
	Label string `json:"label"`
}

// AppFlow uses a split, a join that fans out, a foreach and a switch.
//
//flow:flow
type AppFlow struct {
	// Who to greet.
	//flow:param default=world
	Name string
	// How many words to keep.
	//flow:param default=3
	Count int
	//flow:param
	Verbose bool
	//flow:param default=0.5
	Ratio float64
	//flow:param default=1m30s
	Wait time.Duration
	// Tags, separated by ";".
	//flow:param default=a;b separator=;
	Tags []string
	//flow:param default="{\"depth\":2}"
	Settings Settings
	//flow:param default=fast
	Mode string
	// The words to process, one per line.
	//flow:includefile default=words.txt
	Words string

	L, R  string
	Items []string
	Upper string
	All   []string
	Route string
}

// Start splits in two.
//
//flow:step
//flow:next Left Right
func (f *AppFlow) Start(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *AppFlow) Left(ctx context.Context) error {
	f.L = "left of " + f.Name
	return nil
}

//flow:step
//flow:next Join
func (f *AppFlow) Right(ctx context.Context) error {
	f.R = "right"
	return nil
}

// Join merges the branches and fans out over the words.
//
//flow:step
//flow:next Fan
func (f *AppFlow) Join(ctx context.Context, inputs rt.Inputs[*AppFlow]) error {
	if err := inputs.MergeArtifacts(f); err != nil {
		return err
	}
	return nil
}

// Fan takes the first Count words and fans out over them.
//
//flow:step
//flow:foreach over=Items next=Body
func (f *AppFlow) Fan(ctx context.Context) error {
	words := strings.Fields(f.Words)
	f.Items = words[:min(f.Count, len(words))]
	return nil
}

//flow:step
//flow:next Collect
func (f *AppFlow) Body(ctx context.Context, item string) error {
	f.Upper = strings.ToUpper(item)
	return nil
}

//flow:step
//flow:next Choose
func (f *AppFlow) Collect(ctx context.Context, inputs rt.Inputs[*AppFlow]) error {
	for _, in := range inputs.All() {
		f.All = append(f.All, in.Upper)
	}
	return inputs.MergeArtifacts(f, rt.Exclude("Upper"))
}

// Choose routes on --mode.
//
//flow:step
//flow:switch on=Mode cases=fast:Fast,slow:Slow
func (f *AppFlow) Choose(ctx context.Context) error { return nil }

//flow:step
//flow:next End
func (f *AppFlow) Fast(ctx context.Context) error {
	f.Route = "fast"
	return nil
}

//flow:step
//flow:next End
func (f *AppFlow) Slow(ctx context.Context) error {
	f.Route = "slow"
	return nil
}

//flow:step
func (f *AppFlow) End(ctx context.Context) error { return nil }
