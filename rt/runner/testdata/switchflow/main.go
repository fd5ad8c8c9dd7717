// Command switchflow takes one of two branches on a parameter, then loops
// on a switch back to its own step until a counter reaches a limit. Its
// runner is generated (go generate in rt/runner).
package main

import (
	"context"
)

// SwitchFlow chooses.
//
//flow:flow
type SwitchFlow struct {
	// a or b (or anything, to match no case).
	//flow:param default=a
	Mode string
	// Loop this many times.
	//flow:param default=3
	Limit int
	Path  []string
	Count int
	State string
}

//flow:step
//flow:switch on=Mode cases=a:A,b:B
func (f *SwitchFlow) Start(ctx context.Context) error { f.Path = append(f.Path, "Start"); return nil }

//flow:step
//flow:next Loop
func (f *SwitchFlow) A(ctx context.Context) error { f.Path = append(f.Path, "A"); return nil }

//flow:step
//flow:next Loop
func (f *SwitchFlow) B(ctx context.Context) error { f.Path = append(f.Path, "B"); return nil }

//flow:step
//flow:switch on=State cases=again:Loop,done:End
func (f *SwitchFlow) Loop(ctx context.Context) error {
	f.Count++
	f.Path = append(f.Path, "Loop")
	f.State = "again"
	if f.Count >= f.Limit {
		f.State = "done"
	}
	return nil
}

//flow:step
func (f *SwitchFlow) End(ctx context.Context) error { f.Path = append(f.Path, "End"); return nil }
